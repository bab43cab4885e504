// genrescope-cli: scriptable access to everything Genrescope does.
// Exit status: 0 success, 2 bad input or usage (one line on stderr), 1 internal error.

#include "CliSupport.h"

#include "common/Versions.h"

#include "common/Error.h"
#include "common/Memory.h"

#include <QCoreApplication>

#include <exception>

using namespace genrescope;
using namespace genrescope::cli;

namespace {

const Command kCommands[] = {
    {"info", "Show format, rate, channels and duration of audio files", runInfo},
    {"melspec", "Write a file's mel spectrogram as PNG and/or CSV", runMelspec},
    {"features", "Compute the 57 GTZAN features as Kaggle-schema CSV", runFeatures},
    {"train", "Train an MLP on features or a CNN on mel images", runTrain},
    {"evaluate", "Score a model on labelled data", runEvaluate},
    {"classify", "Genre probabilities of songs (default or given models)", runClassify},
    {"scan", "Analyse new or changed songs into the library store (SQLite)", runScan},
    {"merge", "Join library stores (the shards of scan --shard)", runMerge},
};

QString usage()
{
    QString text = QStringLiteral("Usage: genrescope-cli <command> [options]\n\nCommands:\n");
    for (const Command& c : kCommands)
        text += QStringLiteral("  %1  %2\n").arg(QString::fromLatin1(c.name), -10).arg(QString::fromLatin1(c.summary));
    text += QStringLiteral("\nRun 'genrescope-cli <command> --help' for a command's options.\n"
                           "Exit status: 0 success, 2 bad input or usage, 1 internal error.\n"
                           "Set GENRESCOPE_DEBUG=1 to also see the decoding libraries' own diagnostics.\n");
    return text;
}

} // namespace

int main(int argc, char** argv)
{
    quietLibraryDiagnostics();
    genrescope::tuneAllocatorForLargeBuffers();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("genrescope-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GENRESCOPE_VERSION));

    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        printError(QStringLiteral("no command given. Try 'genrescope-cli --help'."));
        return kBadInput;
    }
    const QString name = args.at(1);
    if (name == QLatin1String("--help") || name == QLatin1String("-h") || name == QLatin1String("help")) {
        out() << usage();
        return kOk;
    }
    if (name == QLatin1String("--version") || name == QLatin1String("-v")) {
        out() << "genrescope-cli " << GENRESCOPE_VERSION << Qt::endl;
        const QStringList lines = versionLines();
        for (qsizetype i = 1; i < lines.size(); ++i)  // the libraries it runs with
            out() << "  " << lines[i] << Qt::endl;
        return kOk;
    }
    for (const Command& c : kCommands) {
        if (name != QLatin1String(c.name))
            continue;
        QStringList rest = args.mid(2);
        rest.prepend(args.at(0) + QLatin1Char(' ') + name);
        try {
            return c.run(rest);
        } catch (const Error& e) {
            printError(e.message());
            return kBadInput;
        } catch (const std::exception& e) {
            printError(QStringLiteral("internal error: %1").arg(QString::fromUtf8(e.what())));
            return kInternalError;
        }
    }
    printError(QStringLiteral("unknown command '%1'. Try 'genrescope-cli --help'.").arg(name));
    return kBadInput;
}
