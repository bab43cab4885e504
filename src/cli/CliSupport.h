#pragma once
// Shared plumbing for genrescope-cli subcommands: exit codes, messages, parsing.

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

#include <optional>

namespace genrescope::cli {

enum ExitCode { kOk = 0, kInternalError = 1, kBadInput = 2 };

QTextStream& out();
QTextStream& err();

/// Decoding libraries (mpg123 inside libsndfile) print their own notes on stderr; a user
/// should see only our one-line messages. Moves stderr to /dev/null and keeps err() on
/// the real one, unless GENRESCOPE_DEBUG is set or the build has sanitizers (whose reports
/// must be seen). Call first thing in main.
void quietLibraryDiagnostics();

/// True when err() writes to a terminal (progress can then be redrawn in place).
bool errIsTerminal();

/// One line on stderr: "genrescope-cli: <message>".
void printError(const QString& message);

/// The --jobs option: the number given (1-64), the core count when absent, or 0 when invalid.
int jobsOption(const QCommandLineParser& parser);

/// A numeric option's value, checked against [min, max] (whole numbers when `integer`). A bad
/// value prints "<command>: --name must be ... (got 'x')." and returns nullopt.
std::optional<double> numberOption(const QCommandLineParser& parser, const QString& command, const QString& name,
                                   double min, double max, bool integer = false);

/// After one file of a batch: prints its error, or "[n/total] name" when showing progress.
/// Thread-safe.
void reportFileDone(const QString& path, const QString& error, int n, qsizetype total, bool showProgress);

/// Parses a subcommand's arguments. On a usage error prints one line and returns false.
/// args[0] is the program name as seen by QCommandLineParser.
bool parseOrReport(QCommandLineParser& parser, const QStringList& args);

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& args);  // args: program, then the subcommand's own arguments
};

int runInfo(const QStringList& args);
int runMelspec(const QStringList& args);
int runFeatures(const QStringList& args);
int runTrain(const QStringList& args);
int runEvaluate(const QStringList& args);
int runClassify(const QStringList& args);
int runScan(const QStringList& args);
int runMerge(const QStringList& args);

} // namespace genrescope::cli
