// genrescope-cli classify [--model mlp|cnn|ensemble|FILE]... [--timeline] [--json] [--jobs N]
//                         [--markers FILE|- [--marker-format csv|audacity|sonic-visualiser] [--force]] FILE|DIR...

#include "CliSupport.h"

#include "audio/AudioDecoder.h"
#include "audio/AudioFormats.h"
#include "classify/GenreClassifier.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "workflow/GenreMarkers.h"
#include "workflow/LibraryScan.h"
#include "workflow/ModelCatalog.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent>

#include <atomic>
#include <cmath>

namespace genrescope::cli {

namespace {

enum class Slot { Mlp, Cnn, Ensemble };

/// One requested output: a name for people and JSON, and which probabilities it shows.
struct Output {
    QString name;
    Slot slot;
};

const std::vector<float>& pick(const classify::SongPrediction& p, Slot s)
{
    return s == Slot::Mlp ? p.mlp : s == Slot::Cnn ? p.cnn : p.ensemble;
}

const std::vector<float>& pick(const classify::WindowPrediction& w, Slot s)
{
    return s == Slot::Mlp ? w.mlp : s == Slot::Cnn ? w.cnn : w.ensemble;
}

QJsonObject probabilitiesJson(const std::vector<float>& p, const QStringList& classes)
{
    QJsonObject o;
    for (int c = 0; c < classes.size(); ++c)
        o.insert(classes[c], double(p[size_t(c)]));
    return o;
}

QString genreOf(const std::vector<float>& p, const QStringList& classes)
{
    const auto [c, prob] = classify::topClass(p);
    return c < 0 ? QString() : classes[c];
}

struct FileResult {
    classify::SongPrediction prediction;
    QString error;
    QString errorCode;
};

} // namespace

int runClassify(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Genre probabilities for songs of any length: 30 s windows with a 15 s hop, and a last window aligned\n"
        "to the song's end when those stop short of it (a song of 10-31 s is one window of the whole song;\n"
        "shorter ones are refused); the MLP sees each window's 57 features, the CNN its mel image, the ensemble\n"
        "is their weighted mean, and the song's probabilities are the mean over windows, each window weighing\n"
        "1 except the end-aligned one, which weighs the part of a hop it adds past the window before it\n"
        "(\"weight\" in --json).\n"
        "--model picks what to show (repeatable): mlp, cnn, ensemble (the models built into this binary), or a\n"
        "model FILE (a features model replaces the MLP, an image model the CNN; one model alone is fine, the\n"
        "ensemble needs both kinds to know the same genres). Default: mlp, cnn and ensemble; a model of each\n"
        "kind shows their ensemble too.\n"
        "Songs unlike the training music (silence, speech, noise, tones) are flagged as unusual.\n"
        "Folders are searched recursively and classified as a batch, with progress on stderr."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("mlp, cnn, ensemble or a model FILE (repeatable)."), QStringLiteral("MODEL")},
        {QStringLiteral("timeline"), QStringLiteral("Also give each window's prediction.")},
        {QStringLiteral("json"), QStringLiteral("Print a JSON array of {file, model, genre, probabilities, windows}.")},
        {QStringLiteral("jobs"), QStringLiteral("Threads (default: cores)."), QStringLiteral("N")},
        {QStringLiteral("db"), QStringLiteral("Use and update this library store: songs analysed before (with these "
                                              "models) are not analysed again; see 'scan'."),
         QStringLiteral("FILE")},
        {QStringLiteral("markers"), QStringLiteral("Write the song's genre changes (where the ensemble's top genre changes "
                                                   "between windows) to FILE (-: standard output); one song only."),
         QStringLiteral("FILE")},
        {QStringLiteral("marker-format"),
         QStringLiteral("%1 (default: csv for a .csv FILE, else audacity). csv: time,end,label at full precision; "
                        "audacity: start<TAB>end<TAB>label; sonic-visualiser: time<TAB>label (seconds, 6 decimals).")
             .arg(workflow::markerFormatNames().join(QLatin1Char('|'))),
         QStringLiteral("FORMAT")},
        {QStringLiteral("force"), QStringLiteral("Replace an existing --markers file.")},
    });
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Audio files or folders."), QStringLiteral("FILE|DIR..."));
    if (!parseOrReport(parser, args))
        return kBadInput;
    auto usage = [](const QString& text) {
        printError(QStringLiteral("classify: %1").arg(text));
        return int(kBadInput);
    };
    if (parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("give at least one FILE or DIR (see 'genrescope-cli classify --help')."));
    const int jobs = jobsOption(parser);
    if (jobs < 1)
        return usage(QStringLiteral("--jobs must be between 1 and 64."));

    // Which outputs, and which model fills each of the two slots: "mlp"/"cnn" are the built-in
    // models, anything else a model file; "ensemble" needs both kinds, knowing the same genres.
    QStringList requested = parser.values(QStringLiteral("model"));
    if (requested.isEmpty())
        requested = {QLatin1String(workflow::kBuiltInMlp), QLatin1String(workflow::kBuiltInCnn), QStringLiteral("ensemble")};
    QStringList names;
    for (const QString& r : requested)
        if (r != QLatin1String("ensemble") && !names.contains(r))
            names << r;
    const bool ensemble = requested.contains(QStringLiteral("ensemble"));
    const workflow::ModelChoice models =
        workflow::chooseModels(names, ensemble ? workflow::Completion::Required : workflow::Completion::None);
    // A model of each kind named (a pair, knowing the same genres, or chooseModels refused it): their ensemble too.
    if (!ensemble && models.mlp && models.cnn)
        requested << QStringLiteral("ensemble");
    std::vector<Output> outputs;
    for (const QString& r : requested)
        outputs.push_back({r, r == QLatin1String("ensemble") ? Slot::Ensemble : r == models.mlpName ? Slot::Mlp : Slot::Cnn});
    const classify::GenreClassifier classifier(models.mlp, models.cnn, models.mlpWeight(), models.ensembleTemperature());

    const QStringList files = audioformats::collectAudioFiles(parser.positionalArguments());
    if (files.isEmpty())
        return usage(QStringLiteral("no audio files found."));
    // The markers' file is checked before any work: a run never ends in an unwritable or taken path.
    std::optional<OutputTarget> markersOut;
    workflow::MarkerFormat markerFormat = workflow::MarkerFormat::Audacity;
    if (parser.isSet(QStringLiteral("markers"))) {
        const QString path = parser.value(QStringLiteral("markers"));
        if (files.size() != 1)
            return usage(QStringLiteral("--markers takes one song (%1 given).").arg(files.size()));
        if (parser.isSet(QStringLiteral("marker-format"))) {
            const auto format = workflow::markerFormatNamed(parser.value(QStringLiteral("marker-format")));
            if (!format)
                return usage(QStringLiteral("--marker-format must be one of %1 (got '%2').")
                                 .arg(workflow::markerFormatNames().join(QStringLiteral(", ")), parser.value(QStringLiteral("marker-format"))));
            markerFormat = *format;
        } else {
            markerFormat = workflow::markerFormatForPath(path, workflow::MarkerFormat::Audacity);
        }
        // Never onto what the run reads: the song, a model file, the library store.
        QStringList inputs = files;
        for (const QString& name : names)
            if (QFileInfo::exists(name))
                inputs << name;
        if (parser.isSet(QStringLiteral("db")))
            inputs << parser.value(QStringLiteral("db"));
        markersOut = OutputTarget::check(path, parser.isSet(QStringLiteral("force")), inputs);
    } else if (parser.isSet(QStringLiteral("marker-format"))) {
        return usage(QStringLiteral("--marker-format needs --markers FILE."));
    }

    // One file: its windows in parallel. Many: files in parallel, one thread each.
    const int windowThreads = files.size() == 1 ? jobs : 1;
    const bool showProgress = files.size() > 1;
    std::atomic<int> done{0};
    QList<FileResult> results;
    if (parser.isSet(QStringLiteral("db"))) {
        // What the store lacks is analysed into it (as 'scan' does); every answer comes from it.
        workflow::LibraryStore store(parser.value(QStringLiteral("db")));
        workflow::ScanOptions options;
        options.jobs = jobs;
        workflow::scanLibrary(store, files, classifier, options,
                              [&](const QString& path, const QString&, bool analysed, int n, int total) {
                                  if (analysed)  // failures are reported below, with those stored before
                                      reportFileDone(path, {}, n, total, showProgress);
                              });
        for (const QString& path : files) {
            FileResult r;
            const std::optional<workflow::StoredSong> song = store.song(QFileInfo(path).absoluteFilePath());
            std::optional<classify::SongPrediction> p;
            if (song && !song->failed())
                p = workflow::storedPrediction(store, *song, classifier);
            if (p) {
                r.prediction = std::move(*p);
            } else {
                r.error = song && song->failed() ? song->error : QStringLiteral("%1: not in the store.").arg(shownPath(path));
                r.errorCode = song && song->failed() ? song->errorCode : QStringLiteral("not-analysed");
                reportFileDone(path, r.error, 0, 0, false);
            }
            results << r;
        }
    } else {
        QThreadPool pool;
        pool.setMaxThreadCount(jobs);
        results = QtConcurrent::blockingMapped<QList<FileResult>>(&pool, files, [&](const QString& path) {
            FileResult r;
            try {
                r.prediction = classifier.classifyFile(path, nullptr, {}, windowThreads);  // streamed: bounded memory
            } catch (const Error& e) {
                r.error = e.message();
                r.errorCode = errorCodeName(e.code());
            }
            reportFileDone(path, r.error, ++done, files.size(), showProgress);
            return r;
        });
    }

    // Markers on standard output are the whole output: no table or JSON mixed into them.
    const bool markersOnly = markersOut && parser.value(QStringLiteral("markers")) == QLatin1String("-");
    const bool json = parser.isSet(QStringLiteral("json")) && !markersOnly;
    const bool timeline = parser.isSet(QStringLiteral("timeline"));
    QJsonArray array;
    int failed = 0;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const FileResult& r = results[i];
        const QString& file = files[i];
        if (!r.error.isEmpty()) {
            ++failed;
            if (json)
                array.append(QJsonObject{{"file", file}, {"error", QJsonObject{{"code", r.errorCode}, {"message", r.error}}}});
            continue;
        }
        if (markersOnly)
            continue;
        const classify::SongPrediction& p = r.prediction;
        if (json) {
            for (const Output& o : outputs) {
                QJsonObject entry{{"file", file}, {"model", o.name}, {"genre", genreOf(pick(p, o.slot), p.classes)},
                                  {"probabilities", probabilitiesJson(pick(p, o.slot), p.classes)},
                                  {"seconds", p.seconds}, {"unusual", p.unusual}};
                if (p.unusual)
                    entry.insert("unusualReason", p.unusualReason);
                if (!p.decodingNote.isEmpty())
                    entry.insert("note", p.decodingNote);
                if (std::isfinite(p.distance))
                    entry.insert("distance", p.distance);
                QJsonArray windows;
                for (const classify::WindowPrediction& w : p.windows)
                    windows.append(QJsonObject{{"start", w.start}, {"end", w.end}, {"weight", w.weight},
                                               {"genre", genreOf(pick(w, o.slot), p.classes)},
                                               {"probabilities", probabilitiesJson(pick(w, o.slot), p.classes)}});
                entry.insert("windows", windows);
                array.append(entry);
            }
            continue;
        }
        out() << QStringLiteral("%1  (%2 s, %3 window%4)")
                     .arg(file).arg(p.seconds, 0, 'f', 1).arg(p.windows.size()).arg(p.windows.size() == 1 ? "" : "s")
              << Qt::endl;
        if (p.unusual)
            out() << "  UNUSUAL: " << p.unusualReason << Qt::endl;
        if (!p.decodingNote.isEmpty())
            out() << "  note: " << p.decodingNote << Qt::endl;
        for (const Output& o : outputs) {
            const std::vector<float>& prob = pick(p, o.slot);
            const auto [top, topP] = classify::topClass(prob);
            QString line = QStringLiteral("  %1 %2 %3 %  |").arg(o.name.leftJustified(9)).arg(p.classes[top].leftJustified(10))
                               .arg(100.0 * topP, 5, 'f', 1);
            for (int c = 0; c < p.classes.size(); ++c)
                line += QStringLiteral(" %1 %2").arg(p.classes[c]).arg(100.0 * prob[size_t(c)], 0, 'f', 1);
            out() << line << Qt::endl;
            if (timeline)
                for (const classify::WindowPrediction& w : p.windows) {
                    const auto [wc, wp] = classify::topClass(pick(w, o.slot));
                    out() << QStringLiteral("    %1-%2 s: %3 %4 %")
                                 .arg(w.start, 0, 'f', 0).arg(w.end, 0, 'f', 0).arg(p.classes[wc]).arg(100.0 * wp, 0, 'f', 0)
                          << Qt::endl;
                }
        }
    }
    if (json)
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    if (markersOut && results[0].error.isEmpty()) {
        const classify::SongPrediction& p = results[0].prediction;
        markersOut->write(workflow::markerFile(workflow::genreChangeMarkers(p), p.classes, markerFormat));
    }
    if (failed > 0) {
        if (files.size() > 1)
            printError(QStringLiteral("classify: %1 of %2 files failed.").arg(failed).arg(files.size()));
        return kBadInput;
    }
    return kOk;
}

} // namespace genrescope::cli
