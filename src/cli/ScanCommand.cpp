// genrescope-cli scan [--db FILE] [--jobs N] [--shard I/N] [--model FILE]... FILE|DIR...
// genrescope-cli merge --db OUT.sqlite SHARD.sqlite...

#include "CliSupport.h"

#include "audio/AudioFormats.h"
#include "common/Error.h"
#include "workflow/LibraryScan.h"
#include "workflow/ModelCatalog.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace genrescope::cli {

namespace {

/// "I/N" with 0 <= I < N <= 100000; Slurm's array index and count fit as they are.
bool parseShard(const QString& text, int& index, int& count)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)/(\\d+)$"));
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return false;
    index = m.captured(1).toInt();
    count = m.captured(2).toInt();
    return count >= 1 && count <= 100000 && index >= 0 && index < count;
}

} // namespace

int runScan(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Analyse songs into the library store (SQLite) that the GUI and 'classify --db' read: format and length,\n"
        "the 57 features of each 30 s window, and each model's genre probabilities. Only files that are new or\n"
        "changed (size or modification time), or lack a model's predictions, are analysed; a moved file is\n"
        "recognised by its content. Each song is saved as soon as it is done, so an interrupted scan loses at\n"
        "most the songs in flight; run it again to go on.\n"
        "--shard I/N scans only the files whose path hash falls in shard I of N (0-based), to split a library\n"
        "over processes or machines; 'genrescope-cli merge' joins the shards' stores."));
    parser.addOptions({
        {QStringLiteral("db"), QStringLiteral("The store (default: %1).").arg(workflow::LibraryStore::defaultPath()),
         QStringLiteral("FILE")},
        {QStringLiteral("jobs"), QStringLiteral("Files analysed at once (default: cores)."), QStringLiteral("N")},
        {QStringLiteral("shard"), QStringLiteral("Only shard I of N (0-based), e.g. 0/2."), QStringLiteral("I/N")},
        {QStringLiteral("model"), QStringLiteral("A model FILE to use instead of the built-in one of its kind (repeatable)."),
         QStringLiteral("FILE")},
    });
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Audio files or folders."), QStringLiteral("FILE|DIR..."));
    if (!parseOrReport(parser, args))
        return kBadInput;
    auto usage = [](const QString& text) {
        printError(QStringLiteral("scan: %1").arg(text));
        return int(kBadInput);
    };
    if (parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("give at least one FILE or DIR (see 'genrescope-cli scan --help')."));
    workflow::ScanOptions options;
    options.jobs = jobsOption(parser);
    if (options.jobs < 1)
        return usage(QStringLiteral("--jobs must be between 1 and 64."));
    if (parser.isSet(QStringLiteral("shard")) &&
        !parseShard(parser.value(QStringLiteral("shard")), options.shardIndex, options.shardCount))
        return usage(QStringLiteral("--shard takes I/N with 0 <= I < N, e.g. 0/2 (got '%1').")
                         .arg(capped(shownPath(parser.value(QStringLiteral("shard"))), 40)));
    // Files replace the built-in model of their kind; the other kind stays when it knows the same genres.
    const workflow::ModelChoice models =
        workflow::chooseModels(parser.values(QStringLiteral("model")), workflow::Completion::IfCompatible);
    if (!models.note.isEmpty())
        err() << QStringLiteral("scan: %1\n").arg(models.note);
    const auto classifier = models.classifier();
    if (!classifier)
        return usage(QStringLiteral("this build has no built-in models; pass a model FILE with --model."));
    const QStringList files = audioformats::collectAudioFiles(parser.positionalArguments());
    if (files.isEmpty())
        return usage(QStringLiteral("no audio files found."));

    workflow::LibraryStore store(parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db"))
                                                                    : workflow::LibraryStore::defaultPath());
    const bool showProgress = files.size() > 1;
    const workflow::ScanReport r = workflow::scanLibrary(
        store, files, *classifier, options,
        [&](const QString& path, const QString& fileError, bool analysed, int done, int total) {
            if (analysed || !fileError.isEmpty())
                reportFileDone(path, analysed ? fileError : QString(), done, total, showProgress && analysed);
        });
    out() << QStringLiteral("scan: %1 files%2: %3 analysed, %4 unchanged, %5 moved, %6 failed; the store %7 holds %8 songs")
                 .arg(r.considered)
                 .arg(options.shardCount > 1 ? QStringLiteral(" in shard %1/%2").arg(options.shardIndex).arg(options.shardCount)
                                             : QString())
                 .arg(r.analysed).arg(r.unchanged).arg(r.moved).arg(r.failed)
                 .arg(shownPath(store.path())).arg(store.songCount())
          << Qt::endl;
    return r.failed > 0 ? kBadInput : kOk;
}

int runMerge(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Join library stores (the shards of 'scan --shard') into one. Songs are added to --db, which is created\n"
        "when missing; where two stores hold the same path, the later one on the command line wins."));
    parser.addOption({QStringLiteral("db"), QStringLiteral("The store to merge into."), QStringLiteral("FILE")});
    parser.addPositionalArgument(QStringLiteral("stores"), QStringLiteral("Stores to merge in."), QStringLiteral("STORE..."));
    if (!parseOrReport(parser, args))
        return kBadInput;
    if (!parser.isSet(QStringLiteral("db")) || parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("merge: give --db OUT and at least one store to merge in."));
        return kBadInput;
    }
    const QString target = parser.value(QStringLiteral("db"));
    for (const QString& in : parser.positionalArguments())
        if (QFileInfo(in).absoluteFilePath() == QFileInfo(target).absoluteFilePath()) {
            printError(QStringLiteral("merge: %1 is both --db and a store to merge in.").arg(shownPath(in)));
            return kBadInput;
        }
    workflow::LibraryStore store(target);
    for (const QString& in : parser.positionalArguments())
        store.mergeFrom(in);
    out() << QStringLiteral("merge: %1 now holds %2 songs").arg(shownPath(target)).arg(store.songCount()) << Qt::endl;
    return kOk;
}

} // namespace genrescope::cli
