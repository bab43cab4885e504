// genrescope-cli train [--preset ID] --data PATH [training settings] [--jobs N] [--log FILE.json] [--force] --out FILE
//   (the settings, e.g. --input, --arch, --lr, --epochs, --cv, are declared in workflow/TrainingParameters)
// genrescope-cli train --pair --data DIR [shared settings] [--jobs N] [--force] --out-mlp FILE --out-cnn FILE
// genrescope-cli evaluate --model mlp|cnn|FILE --data PATH [--list FILE] [--json]
// genrescope-cli evaluate --model ensemble --data FEATURES.csv --images DIR [--mlp M] [--cnn M] [--mlp-weight W | --sweep-weights]

#include "CliSupport.h"

#include "classify/EnsembleEvaluation.h"
#include "classify/GenreClassifier.h"
#include "classify/OutOfFold.h"
#include "classify/Training.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "workflow/ModelCatalog.h"
#include "workflow/TrainingJob.h"
#include "workflow/TrainingParameters.h"
#include "workflow/TrainingRecipes.h"

#include <QFileInfo>

#include <ranges>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <optional>

namespace genrescope::cli {

namespace {

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(100.0 * v, 0, 'f', 1);
}

void printScores(const char* name, const classify::PartScores& s)
{
    if (s.empty())
        return;
    out() << QStringLiteral("%1: %2 on %3 row%4, %5 on %6 song%7 (probabilities averaged per song)")
                 .arg(QLatin1String(name), percent(s.rowReport.accuracy)).arg(s.rows).arg(s.rows == 1 ? "" : "s")
                 .arg(percent(s.songReport.accuracy)).arg(s.songs).arg(s.songs == 1 ? "" : "s")
          << Qt::endl;
}

/// The cross-validation's mean ± spread and its song confusion matrix summed over folds.
void printCrossValidation(const classify::CrossValidationScores& cv, const QStringList& classes)
{
    if (!cv.complete())
        return;
    out() << "cross-validation: " << cv.description << " (" << cv.pooled.songs << " songs)" << Qt::endl;
    if (cv.onlyFold) {
        out() << QStringLiteral("song accuracy of fold %1 of %2: %3; per row %4").arg(cv.onlyFold).arg(cv.folds)
                     .arg(percent(cv.meanSongAccuracy), percent(cv.meanRowAccuracy))
              << Qt::endl;
        out() << "confusion matrix per song (rows: true, columns: predicted)\n" << cv.pooled.songReport.confusionText(classes);
        out().flush();
        return;
    }
    out() << QStringLiteral("song accuracy over %1 folds: %2 ± %3 (mean ± standard deviation); per row %4 ± %5")
                 .arg(cv.folds).arg(percent(cv.meanSongAccuracy), percent(cv.sdSongAccuracy),
                                    percent(cv.meanRowAccuracy), percent(cv.sdRowAccuracy))
          << Qt::endl;
    out() << "confusion matrix per song, summed over folds (rows: true, columns: predicted)\n"
          << cv.pooled.songReport.confusionText(classes);
    out().flush();
}

/// What a training printed after its epochs: split, scores, notes. True when a model was kept.
bool printOutcome(const classify::TrainingOutcome& outcome)
{
    if (outcome.crossValidation.empty())
        out() << "split: " << outcome.split.description << " (" << outcome.split.train.size() << " train, "
              << outcome.split.valid.size() << " valid, " << outcome.split.test.size() << " test rows)" << Qt::endl;
    printCrossValidation(outcome.crossValidation, outcome.model.classes);
    out() << outcome.result.message << Qt::endl;
    const bool nothingKept = outcome.result.diverged && outcome.result.bestEpoch == 0;
    if (!nothingKept) {  // an untrained network's scores mean nothing
        printScores("valid", outcome.valid);
        printScores("test", outcome.test);
    }
    for (const QString& note : outcome.split.notes + outcome.notes)
        out() << "note: " << note << Qt::endl;
    return !nothingKept;
}

/// Song analysis progress on stderr: a percentage updated in place on a terminal, else a line every 10 %.
std::function<void(double)> analysisProgress()
{
    const bool terminal = errIsTerminal();
    return [terminal, shown = -1](double fraction) mutable {
        const int percent = int(100.0 * fraction);
        if (percent == shown || (!terminal && percent / 10 == shown / 10))
            return;
        shown = percent;
        if (terminal)
            err() << QStringLiteral("\ranalysing songs: %1 %").arg(percent) << (percent >= 100 ? "\n" : "") << Qt::flush;
        else
            err() << QStringLiteral("genrescope-cli: analysing songs: %1 %").arg(percent / 10 * 10) << Qt::endl;
    };
}

/// The files the analysis left out, one line each on stderr.
void printSkipped(const QStringList& skipped)
{
    for (const QString& line : skipped)
        printError(QStringLiteral("left out %1").arg(line));
    if (!skipped.isEmpty())
        out() << "note: " << skipped.size() << (skipped.size() == 1 ? " file was" : " files were")
              << " left out of the data (listed on stderr)." << Qt::endl;
}

/// train --pair: the features MLP and the mel CNN from one analysis of the songs.
int trainPair(const QCommandLineParser& parser, const classify::TrainingRequest& given,
              const workflow::TrainingParameterValues& settings, const ml::TrainCallbacks& callbacks,
              const classify::CrossValidationCallbacks& cvCallbacks)
{
    const bool force = parser.isSet(QStringLiteral("force"));
    const QString mlpPath = parser.value(QStringLiteral("out-mlp")), cnnPath = parser.value(QStringLiteral("out-cnn"));
    requireDistinctOutputs({{QStringLiteral("--out-mlp"), mlpPath}, {QStringLiteral("--out-cnn"), cnnPath}});
    const OutputTarget mlpOut = OutputTarget::check(mlpPath, force, {given.dataPath});
    const OutputTarget cnnOut = OutputTarget::check(cnnPath, force, {given.dataPath});
    const std::vector<classify::LabelledSong> songs = classify::songsInClassFolders(given.dataPath);

    workflow::TrainingProgress progress{analysisProgress(), callbacks, cvCallbacks, [](int model) {
        out() << (model == 0 ? "MLP on the windows' features" : "CNN on the windows' mel images") << Qt::endl;
    }};
    classify::TrainingRequest mlp = workflow::pairMemberRequest(data::InputKind::Features, settings);
    classify::TrainingRequest cnn = workflow::pairMemberRequest(data::InputKind::Image, settings);
    mlp.threads = cnn.threads = given.threads;
    const workflow::PairOutcome pair = workflow::trainModelPair(songs, mlp, cnn, progress);
    printSkipped(pair.skipped);
    int status = kOk;
    for (const auto& [outcome, target] : {std::pair{&pair.mlp, &mlpOut}, std::pair{&pair.cnn, &cnnOut}}) {
        if (!outcome->model.network)  // the MLP's training was cancelled: no CNN
            continue;
        out() << (outcome == &pair.mlp ? "MLP" : "CNN") << ':' << Qt::endl;
        if (!printOutcome(*outcome)) {
            printError(QStringLiteral("train: %1").arg(outcome->result.message));
            status = kBadInput;
            continue;
        }
        if (target->isStream())
            target->write(ml::serializeModel(outcome->model));
        else
            ml::saveModel(outcome->model, target->path(), force);
        out() << "saved " << target->path()
              << (outcome->atChance ? QStringLiteral(" (at chance level: see the note above)") : QString()) << Qt::endl;
        if (outcome->result.diverged) {
            printError(QStringLiteral("train: %1").arg(outcome->result.message));
            status = kBadInput;
        }
    }
    return status;
}

} // namespace

namespace {

QString recipeIds()
{
    QStringList ids;
    for (const workflow::TrainingRecipe& r : workflow::trainingRecipes())
        ids << r.id;
    return ids.join(QStringLiteral(", "));
}

} // namespace

int runTrain(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Train an MLP on features or a CNN on mel images. Prints one line per epoch.\n"
        "--arch is a comma-separated layer list, e.g. dense:100:relu,dense:250:relu,dropout:0.3 or\n"
        "conv:16:3x3:p1:relu,maxpool:2x2,conv:32:3x3:p1:relu,gap (an output layer is added);\n"
        "--arch none gives a linear softmax classifier.\n"
        "--cv K|loo|auto scores by cross-validation by song: every segment of a song in one fold, stratified by\n"
        "genre, fixed by --seed; auto takes 5 folds, or loo when a genre has fewer than 5 songs and there are at\n"
        "most 100. Each fold fits its own standardisation and trains all --epochs with no validation part (no\n"
        "--patience); the saved model is then trained on every song. Without --cv, small data gets a note.\n"
        "--preset ID starts from a training recipe (options given as well override it): %1.\n"
        "--data also takes a folder of genre folders of songs (e.g. Kaggle's genres_original, or rock/, jazz/, ...\n"
        "of your own music): each song gives one row per 30 s window (every 15 s and one aligned to its end; a song\n"
        "under 31 s is one window),\n"
        "as 'classify' cuts it, analysed on --jobs threads and cached by content; files that cannot be used are\n"
        "listed and left out. Such data is split by song unless --split says otherwise.\n"
        "--pair trains the features MLP and the mel-image CNN on one analysis of such a folder (the shipped-mlp\n"
        "and shipped-cnn recipes; --lr, --batch, --epochs, --optimizer, --momentum, --weight-decay, --patience,\n"
        "--input-noise, --split, --cv and --seed apply to both) and saves them to --out-mlp and --out-cnn.").arg(recipeIds()));
    const QList<QCommandLineOption> options{
        {QStringLiteral("preset"), QStringLiteral("Start from a training recipe: %1.").arg(recipeIds()), QStringLiteral("ID")},
        {QStringLiteral("list-presets"), QStringLiteral("Print each recipe: its id, then its options, tab-separated.")},
        {QStringLiteral("data"), QStringLiteral("Kaggle features CSV, an images_original-style folder, or a folder of genre folders of songs."), QStringLiteral("PATH")},
    };
    parser.addOptions(options);
    // The training settings come from their one declaration: option, help line, range and default.
    for (const workflow::TrainingParameter& p : workflow::trainingParameters())
        parser.addOption(p.type == workflow::ParameterType::Flag ? QCommandLineOption(p.key, p.helpText())
                                                                  : QCommandLineOption(p.key, p.helpText(), p.valueName));
    parser.addOptions({
        {QStringLiteral("log"), QStringLiteral("Also write a JSON log of the run."), QStringLiteral("FILE")},
        {QStringLiteral("force"), QStringLiteral("Replace existing --out, --log and --oof files.")},
        {QStringLiteral("oof"), QStringLiteral("With --cv K or loo: also write every song's out-of-fold probabilities (CSV) "
                                               "for 'evaluate --oof'."), QStringLiteral("FILE")},
        {QStringLiteral("out"), QStringLiteral("Where to save the model."), QStringLiteral("FILE")},
        {QStringLiteral("jobs"), QStringLiteral("Songs analysed at once (default: cores)."), QStringLiteral("N")},
        {QStringLiteral("pair"), QStringLiteral("Train the features MLP and the mel CNN on one analysis of a folder of songs.")},
        {QStringLiteral("out-mlp"), QStringLiteral("--pair: where to save the MLP."), QStringLiteral("FILE")},
        {QStringLiteral("out-cnn"), QStringLiteral("--pair: where to save the CNN."), QStringLiteral("FILE")},
    });
    // A recipe's options go first, so options given on the command line override them.
    QStringList expanded = args;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        const QString id = a.startsWith(QLatin1String("--preset=")) ? a.mid(9)
                           : a == QLatin1String("--preset") && i + 1 < args.size() ? args[i + 1] : QString();
        if (id.isEmpty() && !a.startsWith(QLatin1String("--preset")))
            continue;
        const workflow::TrainingRecipe* recipe = workflow::findTrainingRecipe(id);
        if (!recipe) {
            printError(QStringLiteral("train: --preset takes %1 (got '%2').").arg(recipeIds(), capped(shownPath(id), 40)));
            return kBadInput;
        }
        for (const QString& option : recipe->trainArguments() | std::views::reverse)
            expanded.insert(1, option);
        if (recipe->needsInitialModel && !args.contains(QStringLiteral("--init")) &&
            !std::any_of(args.begin(), args.end(), [](const QString& x) { return x.startsWith(QLatin1String("--init=")); })) {
            printError(QStringLiteral("train: --preset %1 fine-tunes a distilled student: give it with --init STUDENT "
                                      "(scripts/train-default-models makes one; see docs/MODELS.md).").arg(id));
            return kBadInput;
        }
        break;
    }
    if (!parseOrReport(parser, expanded))
        return kBadInput;
    if (parser.isSet(QStringLiteral("list-presets"))) {
        for (const workflow::TrainingRecipe& r : workflow::trainingRecipes()) {
            QStringList shown;
            for (const QString& a : r.trainArguments())
                shown << (a.contains(QLatin1Char(':')) ? QStringLiteral("\"%1\"").arg(a) : a);
            out() << r.id << '\t' << shown.join(QLatin1Char(' ')) << '\n';
        }
        return kOk;
    }
    auto usage = [](const QString& text) {
        printError(QStringLiteral("train: %1").arg(text));
        return int(kBadInput);
    };
    const bool pair = parser.isSet(QStringLiteral("pair"));
    if (pair) {
        for (const char* single : {"out", "log", "oof", "preset", "input", "arch", "crop", "crop-views", "frequency-mask", "time-mask",
                                   "frequency-shift", "log-features", "ignore-features", "init", "freeze-init"})
            if (parser.isSet(QLatin1String(single)))
                return usage(QStringLiteral("--pair trains the shipped-mlp and shipped-cnn recipes' networks and takes no --%1%2 "
                                            "(see 'genrescope-cli train --help').")
                                 .arg(QLatin1String(single),
                                      QLatin1String(single) == QLatin1String("out")
                                          ? QStringLiteral(": name the two models with --out-mlp FILE and --out-cnn FILE")
                                          : QString()));
        if (!parser.isSet(QStringLiteral("data")) || !parser.isSet(QStringLiteral("out-mlp")) ||
            !parser.isSet(QStringLiteral("out-cnn")))
            return usage(QStringLiteral("--pair needs --data, --out-mlp and --out-cnn (see 'genrescope-cli train --help')."));
    } else if (!parser.isSet(QStringLiteral("data")))
        return usage(QStringLiteral("--data and --out are required (see 'genrescope-cli train --help')."));
    const int jobs = jobsOption(parser);
    if (jobs < 1)
        return usage(QStringLiteral("--jobs must be between 1 and 64."));
    const QString outPath = parser.value(QStringLiteral("out"));
    const QString logPath = parser.value(QStringLiteral("log"));

    classify::TrainingRequest request;
    request.dataPath = parser.value(QStringLiteral("data"));
    workflow::TrainingParameterValues given;
    for (const workflow::TrainingParameter& p : workflow::trainingParameters())
        if (parser.isSet(p.key))
            given.insert(p.key, p.type == workflow::ParameterType::Flag ? QStringLiteral("true") : parser.value(p.key));
    // Songs give several windows each: a random split of windows would score songs the model trained on.
    if (!given.contains(QStringLiteral("split")) && (pair || data::isSongFolder(request.dataPath)))
        given.insert(QStringLiteral("split"), QStringLiteral("song"));
    try {
        workflow::applyTrainingParameters(given, request);
    } catch (const Error& e) {
        return usage(e.message());
    }
    const auto cvMode = request.crossValidation.mode;
    const bool explicitFolds = cvMode != classify::CrossValidation::Mode::Off && cvMode != classify::CrossValidation::Mode::Auto;
    if (explicitFolds && parser.isSet(QStringLiteral("split")) && !request.split.startsWith(QLatin1String("lists:")))
        return usage(QStringLiteral("--cv %1 scores every song in its folds and takes no --split %2. Drop --split, use "
                                    "--split lists:DIR for folds that follow the lists, or use --cv auto, which keeps the "
                                    "split for data of 20 or more songs a genre.")
                         .arg(parser.value(QStringLiteral("cv")), request.split));
    const bool oneFold = request.crossValidation.onlyFold > 0;
    if (pair && oneFold)
        return usage(QStringLiteral("--cv %1 scores one fold and keeps no model; --pair saves two. Use --cv K with "
                                    "--pair, or train one network with --cv K:F.").arg(parser.value(QStringLiteral("cv"))));
    if (!pair && oneFold == parser.isSet(QStringLiteral("out")))
        return usage(oneFold ? QStringLiteral("--cv %1 scores one fold and keeps no model: drop --out.")
                                   .arg(parser.value(QStringLiteral("cv")))
                             : QStringLiteral("--data and --out are required (see 'genrescope-cli train --help')."));
    const QString oofPath = parser.value(QStringLiteral("oof"));
    if (parser.isSet(QStringLiteral("oof")) && (pair || !explicitFolds))
        return usage(QStringLiteral("--oof writes the out-of-fold predictions of --cv K or --cv loo, for one network."));
    request.threads = jobs;

    // Both outputs are checked before training: a long run must not end in an unwritable path,
    // and neither may replace the data, the other output or a user's file unasked.
    const bool force = parser.isSet(QStringLiteral("force"));
    std::optional<OutputTarget> modelOut, logOut, oofOut;
    if (!pair) {  // trainPair checks its own two
        requireDistinctOutputs({{QStringLiteral("--out"), outPath}, {QStringLiteral("--log"), logPath},
                                {QStringLiteral("--oof"), oofPath}});
        if (!oneFold)
            modelOut = OutputTarget::check(outPath, force, {request.dataPath});
        if (parser.isSet(QStringLiteral("log")))
            logOut = OutputTarget::check(logPath, force, {request.dataPath});
        if (parser.isSet(QStringLiteral("oof")))
            oofOut = OutputTarget::check(oofPath, force, {request.dataPath});
    }

    ml::TrainCallbacks callbacks;
    QString runPrefix;  // with cross-validation: which training an epoch line belongs to
    int folds = 0;
    classify::CrossValidationCallbacks cvCallbacks;
    cvCallbacks.onRun = [&runPrefix, &folds](int run, int runs) {
        folds = runs - 1;
        runPrefix = run < runs ? QStringLiteral("fold %1/%2  ").arg(run).arg(folds) : QStringLiteral("all songs  ");
    };
    cvCallbacks.onFold = [&folds](const classify::FoldScore& f) {
        out() << QStringLiteral("fold %1 of %2: %3 on %4 song%5, %6 on %7 row%8 (trained on %9 songs)")
                     .arg(f.fold).arg(folds).arg(percent(f.songAccuracy)).arg(f.songs).arg(f.songs == 1 ? "" : "s")
                     .arg(percent(f.rowAccuracy)).arg(f.rows).arg(f.rows == 1 ? "" : "s").arg(f.trainSongs)
              << Qt::endl;
    };
    callbacks.onEpoch = [&runPrefix](const ml::EpochStats& e) {
        QString line = runPrefix + QStringLiteral("epoch %1  loss %2  acc %3")
                           .arg(e.epoch, 4).arg(e.trainLoss, 0, 'f', 4).arg(percent(e.trainAccuracy));
        if (std::isfinite(e.validAccuracy))
            line += QStringLiteral("  valid loss %1  valid acc %2").arg(e.validLoss, 0, 'f', 4).arg(percent(e.validAccuracy));
        line += QStringLiteral("  (%1 s)").arg(e.seconds, 0, 'f', 2);
        out() << line << Qt::endl;
    };
    if (pair)
        return trainPair(parser, request, given, callbacks, cvCallbacks);
    const classify::TrainingOutcome outcome =
        workflow::runTrainingJob(request, {analysisProgress(), callbacks, cvCallbacks, {}});
    printSkipped(outcome.skipped);
    const bool nothingKept = !printOutcome(outcome);

    if (logOut)
        logOut->write(QJsonDocument(outcome.log).toJson(QJsonDocument::Indented));
    if (oofOut && outcome.crossValidation.complete())
        oofOut->write(classify::outOfFoldCsv(outcome.crossValidation.outOfFold));
    if (oneFold && outcome.crossValidation.complete())
        return kOk;
    if (nothingKept || oneFold) {
        printError(QStringLiteral("train: %1").arg(outcome.result.message));
        return kBadInput;
    }
    if (modelOut->isStream())
        modelOut->write(ml::serializeModel(outcome.model));
    else
        ml::saveModel(outcome.model, outPath, force);
    out() << "saved " << outPath
          << (outcome.atChance ? QStringLiteral(" (at chance level: see the note above)") : QString()) << Qt::endl;
    if (outcome.result.diverged) {
        printError(QStringLiteral("train: %1").arg(outcome.result.message));
        return kBadInput;
    }
    return kOk;
}

namespace {

void printReport(const ml::ClassificationReport& r, const QStringList& classes)
{
    out() << "\nconfusion matrix per song (rows: true, columns: predicted)\n" << r.confusionText(classes);
    out() << "\nclass         precision  recall     F1\n";
    for (int c = 0; c < classes.size(); ++c)
        out() << classes[c].leftJustified(14) << QString::number(r.precision[size_t(c)], 'f', 3).rightJustified(9)
              << QString::number(r.recall[size_t(c)], 'f', 3).rightJustified(8)
              << QString::number(r.f1[size_t(c)], 'f', 3).rightJustified(7) << '\n';
    out().flush();
}

/// --mlp-weight when given (nullopt, said on stderr, when it is not in [0, 1]), else `fallback`.
std::optional<double> mlpWeightOption(const QCommandLineParser& parser, double fallback)
{
    if (!parser.isSet(QStringLiteral("mlp-weight")))
        return fallback;
    bool ok = false;
    const double weight = parser.value(QStringLiteral("mlp-weight")).toDouble(&ok);
    if (!ok || weight < 0 || weight > 1) {
        printError(QStringLiteral("evaluate: --mlp-weight must lie between 0 and 1."));
        return std::nullopt;
    }
    return weight;
}

int evaluateEnsemble(const QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("images"))) {
        printError(QStringLiteral("evaluate: --model ensemble needs --data FEATURES.csv and --images DIR."));
        return kBadInput;
    }
    const auto valueOr = [&](const QString& option) { return parser.isSet(option) ? parser.value(option) : option; };
    const QString mlpName = valueOr(QStringLiteral("mlp")), cnnName = valueOr(QStringLiteral("cnn"));
    const auto mlp = workflow::loadModelNamed(mlpName);
    const auto cnn = workflow::loadModelNamed(cnnName);
    const auto shownModel = workflow::shownModelName;
    if (mlp->inputKind != QLatin1String("features")) {
        printError(QStringLiteral("evaluate: --mlp %1 takes %2 input; the ensemble needs a features model there.")
                       .arg(shownModel(mlpName), mlp->inputKind));
        return kBadInput;
    }
    if (cnn->inputKind != QLatin1String("image")) {
        printError(QStringLiteral("evaluate: --cnn %1 takes %2 input; the ensemble needs an image model there.")
                       .arg(shownModel(cnnName), cnn->inputKind));
        return kBadInput;
    }
    if (mlp->classes != cnn->classes) {
        printError(QStringLiteral("evaluate: %1 knows %2 genres (%3) but %4 knows %5 (%6); an ensemble needs the same "
                                  "genres in both.")
                       .arg(shownModel(mlpName)).arg(mlp->classes.size()).arg(listSummary(mlp->classes))
                       .arg(shownModel(cnnName)).arg(cnn->classes.size()).arg(listSummary(cnn->classes)));
        return kBadInput;
    }
    const std::optional<double> givenWeight =
        mlpWeightOption(parser, workflow::ModelChoice{mlp, cnn, mlpName, cnnName, {}}.mlpWeight());
    if (!givenWeight)
        return kBadInput;
    const double weight = *givenWeight;
    const classify::JoinedPredictions joined = classify::predictJoined(
        *mlp, *cnn, data::loadDataset(parser.value(QStringLiteral("data")), data::InputKind::Features),
        data::loadDataset(parser.value(QStringLiteral("images")), data::InputKind::Image), parser.value(QStringLiteral("list")));
    if (!joined.missing.isEmpty())
        printError(QStringLiteral("evaluate: %1 songs are in only one of the two datasets and were left out (e.g. %2).")
                       .arg(joined.missing.size()).arg(joined.missing.first()));
    const bool json = parser.isSet(QStringLiteral("json"));
    if (parser.isSet(QStringLiteral("sweep-weights"))) {
        QJsonArray sweep;
        double best = 0, bestAccuracy = -1;
        for (int k = 0; k <= 20; ++k) {
            const double w = k / 20.0;
            const double a = classify::ensembleReport(joined, w).accuracy;
            sweep.append(QJsonObject{{"mlpWeight", w}, {"songAccuracy", a}});
            if (a > bestAccuracy + 1e-12) {
                bestAccuracy = a;
                best = w;
            }
            if (!json)
                out() << QStringLiteral("mlp weight %1: %2 on %3 songs").arg(w, 0, 'f', 2).arg(percent(a)).arg(joined.songs.size())
                      << Qt::endl;
        }
        if (json)
            out() << QJsonDocument(QJsonObject{{"sweep", sweep}, {"bestMlpWeight", best}, {"bestSongAccuracy", bestAccuracy}})
                         .toJson(QJsonDocument::Indented);
        else
            out() << QStringLiteral("best mlp weight: %1 (%2)").arg(best, 0, 'f', 2).arg(percent(bestAccuracy)) << Qt::endl;
        return kOk;
    }
    const ml::ClassificationReport r = classify::ensembleReport(joined, weight);
    if (json) {
        out() << QJsonDocument(QJsonObject{{"songs", int(joined.songs.size())}, {"mlpWeight", weight},
                                           {"songAccuracy", r.accuracy}, {"songReport", r.toJson(joined.classes)}})
                     .toJson(QJsonDocument::Indented);
        return kOk;
    }
    out() << QStringLiteral("ensemble (mlp weight %1): %2 on %3 songs").arg(weight, 0, 'f', 2).arg(percent(r.accuracy))
                 .arg(joined.songs.size())
          << Qt::endl;
    printReport(r, joined.classes);
    return kOk;
}

QJsonObject foldedJson(const classify::FoldedAccuracy& a, const QStringList& classes)
{
    QJsonArray folds, perFold;
    for (size_t i = 0; i < a.folds.size(); ++i) {
        folds.append(a.folds[i]);
        perFold.append(a.perFold[i]);
    }
    return QJsonObject{{"folds", folds}, {"perFold", perFold}, {"mean", a.mean}, {"sd", a.sd}, {"logLoss", a.logLoss},
                       {"songs", int(a.pooled.samples)}, {"pooledAccuracy", a.pooled.accuracy},
                       {"songReport", a.pooled.toJson(classes)}};
}

QJsonObject modelOutOfFoldJson(const classify::ModelOutOfFold& m)
{
    QJsonObject o = foldedJson(m.accuracy, m.predictions.classes);
    o.insert("input", m.predictions.input);
    o.insert("temperature", m.calibration.temperature);
    o.insert("eceBefore", m.calibration.eceBefore);
    o.insert("eceAfter", m.calibration.eceAfter);
    return o;
}

/// "53.1 % ± 2.0 over 3 folds (52.0, 55.3, 52.0)"
QString foldedText(const classify::FoldedAccuracy& a)
{
    QStringList each;
    for (const double v : a.perFold)
        each << QString::number(100.0 * v, 'f', 1);
    return QStringLiteral("%1 ± %2 over %3 fold%4 (%5)")
        .arg(percent(a.mean), percent(a.sd)).arg(a.perFold.size()).arg(a.perFold.size() == 1 ? "" : "s")
        .arg(each.join(QStringLiteral(", ")));
}

void printModelOutOfFold(const QString& name, const classify::ModelOutOfFold& m)
{
    out() << QStringLiteral("%1 (%2 model, %3 songs): %4; softmax temperature %5, calibration error %6 -> %7")
                 .arg(name, m.predictions.input).arg(m.predictions.songs.size()).arg(foldedText(m.accuracy))
                 .arg(m.calibration.temperature, 0, 'f', 3).arg(m.calibration.eceBefore, 0, 'f', 3)
                 .arg(m.calibration.eceAfter, 0, 'f', 3)
          << Qt::endl;
}

/// evaluate --oof A [--oof B]: cross-validated scores from out-of-fold predictions.
int evaluateOutOfFold(const QCommandLineParser& parser)
{
    const QStringList paths = parser.values(QStringLiteral("oof"));
    if (paths.size() > 2) {
        printError(QStringLiteral("evaluate: give --oof once (one model) or twice (a features model and an image model)."));
        return kBadInput;
    }
    for (const char* other : {"model", "data", "images", "mlp", "cnn", "list"})
        if (parser.isSet(QLatin1String(other))) {
            printError(QStringLiteral("evaluate: --oof scores saved out-of-fold predictions and takes no --%1.").arg(QLatin1String(other)));
            return kBadInput;
        }
    const bool json = parser.isSet(QStringLiteral("json"));
    const auto name = [](const QString& path) { return QFileInfo(path).fileName(); };
    if (paths.size() == 1 && (parser.isSet(QStringLiteral("mlp-weight")) || parser.isSet(QStringLiteral("sweep-weights")))) {
        printError(QStringLiteral("evaluate: --mlp-weight and --sweep-weights combine two models: give --oof twice."));
        return kBadInput;
    }
    if (paths.size() == 1) {
        const classify::ModelOutOfFold m = classify::scoreOutOfFold(classify::readOutOfFold(paths[0]));
        if (json) {
            out() << QJsonDocument(modelOutOfFoldJson(m)).toJson(QJsonDocument::Indented);
            return kOk;
        }
        printModelOutOfFold(name(paths[0]), m);
        printReport(m.accuracy.pooled, m.predictions.classes);
        return kOk;
    }
    const std::optional<double> givenWeight = mlpWeightOption(parser, -1);  // -1: chosen over the folds
    if (!givenWeight)
        return kBadInput;
    const double weight = *givenWeight;
    const classify::OutOfFold first = classify::readOutOfFold(paths[0]);
    const classify::EnsembleOutOfFold e = classify::combineOutOfFold(first, classify::readOutOfFold(paths[1]), weight);
    if (!e.missing.isEmpty())
        printError(QStringLiteral("evaluate: %1 songs are in only one of the two files and were left out (e.g. %2).")
                       .arg(e.missing.size()).arg(e.missing.first()));
    const bool firstIsMlp = e.mlp.predictions.input == first.input;
    const QString mlpName = name(paths[firstIsMlp ? 0 : 1]), cnnName = name(paths[firstIsMlp ? 1 : 0]);
    const QString chosen = weight >= 0 ? QStringLiteral("given") : QStringLiteral("the best mean over folds of 0, 0.05, ..., 1");
    if (json) {
        QJsonArray sweep;
        for (const auto& [w, a] : e.sweep)
            sweep.append(QJsonObject{{"mlpWeight", w}, {"mean", a.mean}, {"sd", a.sd}, {"logLoss", a.logLoss}});
        QJsonObject ensemble = foldedJson(e.accuracy, e.mlp.predictions.classes);
        ensemble.insert("mlpWeight", e.mlpWeight);
        ensemble.insert("weightChosen", chosen);
        QJsonArray nestedPerFold, nestedWeights;
        for (size_t i = 0; i < e.nestedPerFold.size(); ++i) {
            nestedPerFold.append(e.nestedPerFold[i]);
            nestedWeights.append(e.nestedWeights[i]);
        }
        ensemble.insert("nested", QJsonObject{{"perFold", nestedPerFold}, {"weights", nestedWeights},
                                              {"mean", e.nestedMean}, {"sd", e.nestedSd}});
        ensemble.insert("temperature", e.calibration.temperature);
        ensemble.insert("eceBefore", e.calibration.eceBefore);
        ensemble.insert("eceAfter", e.calibration.eceAfter);
        out() << QJsonDocument(QJsonObject{{"mlp", modelOutOfFoldJson(e.mlp)}, {"cnn", modelOutOfFoldJson(e.cnn)},
                                           {"ensemble", ensemble}, {"sweep", sweep}})
                     .toJson(QJsonDocument::Indented);
        return kOk;
    }
    printModelOutOfFold(mlpName, e.mlp);
    printModelOutOfFold(cnnName, e.cnn);
    if (parser.isSet(QStringLiteral("sweep-weights")))
        for (const auto& [w, a] : e.sweep)
            out() << QStringLiteral("mlp weight %1: %2").arg(w, 0, 'f', 2).arg(foldedText(a)) << Qt::endl;
    out() << QStringLiteral("ensemble (mlp weight %1, %2): %3; softmax temperature %4, calibration error %5 -> %6")
                 .arg(e.mlpWeight, 0, 'f', 2).arg(chosen, foldedText(e.accuracy))
                 .arg(e.calibration.temperature, 0, 'f', 3).arg(e.calibration.eceBefore, 0, 'f', 3)
                 .arg(e.calibration.eceAfter, 0, 'f', 3)
          << Qt::endl;
    if (!e.nestedPerFold.empty()) {
        QStringList each, weights;
        for (size_t i = 0; i < e.nestedPerFold.size(); ++i) {
            each << QString::number(100.0 * e.nestedPerFold[i], 'f', 1);
            weights << QString::number(e.nestedWeights[i], 'f', 2);
        }
        out() << QStringLiteral("ensemble, each fold at the weight best on the other folds (%1): %2 ± %3 (%4)")
                     .arg(weights.join(QStringLiteral(", ")), percent(e.nestedMean), percent(e.nestedSd),
                          each.join(QStringLiteral(", ")))
              << Qt::endl;
    }
    printReport(e.accuracy.pooled, e.mlp.predictions.classes);
    return kOk;
}

} // namespace

int runEvaluate(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Score a model on labelled data: accuracy per row and per song, the confusion matrix, and per-class\n"
        "precision, recall and F1. --model is mlp or cnn (the built-in models), a model FILE, or ensemble:\n"
        "  evaluate --model ensemble --data FEATURES.csv --images DIR [--mlp FILE] [--cnn FILE] [--mlp-weight W]\n"
        "joins feature rows and PNGs by song and scores the weighted mean of the two models per song.\n"
        "  evaluate --oof FILE [--oof FILE] [--mlp-weight W] [--sweep-weights]\n"
        "scores the out-of-fold predictions of 'train --cv K --oof FILE': accuracy per fold (mean ± sd), the\n"
        "softmax temperature and calibration error, and for a features and an image model their ensemble,\n"
        "with the MLP weight chosen by the mean over folds unless --mlp-weight is given."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("mlp, cnn, ensemble or a model FILE."), QStringLiteral("MODEL")},
        {QStringLiteral("data"), QStringLiteral("Features CSV or image folder of the model's input kind."), QStringLiteral("PATH")},
        {QStringLiteral("images"), QStringLiteral("Ensemble: the image folder joined with --data."), QStringLiteral("DIR")},
        {QStringLiteral("mlp"), QStringLiteral("Ensemble: the MLP (default: built in)."), QStringLiteral("MODEL")},
        {QStringLiteral("cnn"), QStringLiteral("Ensemble: the CNN (default: built in)."), QStringLiteral("MODEL")},
        {QStringLiteral("mlp-weight"), QStringLiteral("Ensemble: the MLP's weight in [0, 1]."), QStringLiteral("W")},
        {QStringLiteral("sweep-weights"), QStringLiteral("Ensemble: accuracy for MLP weights 0, 0.05, ..., 1.")},
        {QStringLiteral("list"), QStringLiteral("Only songs named in this list (e.g. valid.txt)."), QStringLiteral("FILE")},
        {QStringLiteral("oof"), QStringLiteral("Out-of-fold predictions of 'train --cv K --oof FILE' (once or twice)."), QStringLiteral("FILE")},
        {QStringLiteral("json"), QStringLiteral("Print JSON.")},
    });
    if (!parseOrReport(parser, args))
        return kBadInput;
    if (parser.isSet(QStringLiteral("oof")))
        return evaluateOutOfFold(parser);
    if (!parser.isSet(QStringLiteral("model")) || !parser.isSet(QStringLiteral("data"))) {
        printError(QStringLiteral("evaluate: --model and --data are required."));
        return kBadInput;
    }
    if (parser.value(QStringLiteral("model")) == QLatin1String("ensemble")) {
        return evaluateEnsemble(parser);
    }
    const auto model = workflow::loadModelNamed(parser.value(QStringLiteral("model")));
    const data::Dataset d = data::loadDataset(parser.value(QStringLiteral("data")), data::parseInputKind(model->inputKind));
    const classify::PartScores s = classify::evaluateModel(*model, d, parser.value(QStringLiteral("list")));
    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject json{{"rows", s.rows}, {"songs", s.songs}, {"accuracy", s.rowReport.accuracy},
                               {"songAccuracy", s.songReport.accuracy},
                               {"rowReport", s.rowReport.toJson(model->classes)},
                               {"songReport", s.songReport.toJson(model->classes)}};
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
        return kOk;
    }
    printScores("accuracy", s);
    printReport(s.songReport, model->classes);
    return kOk;
}

} // namespace genrescope::cli
