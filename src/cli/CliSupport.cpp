#include "CliSupport.h"

#include "common/Error.h"

#include <QFileInfo>
#include <QMutex>
#include <QThread>

#include <cmath>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace genrescope::cli {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

namespace {
FILE* g_ourStderr = nullptr;  // the real stderr once quietLibraryDiagnostics has run
}

void quietLibraryDiagnostics()
{
#ifndef __SANITIZE_ADDRESS__
    if (!qEnvironmentVariableIsEmpty("GENRESCOPE_DEBUG"))
        return;
    const int saved = ::dup(STDERR_FILENO);
    const int devNull = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved < 0 || devNull < 0)
        return;
    ::fcntl(saved, F_SETFD, FD_CLOEXEC);
    g_ourStderr = ::fdopen(saved, "w");
    if (g_ourStderr)
        ::dup2(devNull, STDERR_FILENO);
    ::close(devNull);
#endif
}

QTextStream& err()
{
    static QTextStream stream(g_ourStderr ? g_ourStderr : stderr);
    return stream;
}

bool errIsTerminal()
{
    return ::isatty(::fileno(g_ourStderr ? g_ourStderr : stderr)) == 1;
}

void printError(const QString& message)
{
    QString line = message;
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    err() << "genrescope-cli: " << capped(line, 500) << Qt::endl;
}

int jobsOption(const QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("jobs")))
        return QThread::idealThreadCount();
    bool ok = false;
    const int jobs = parser.value(QStringLiteral("jobs")).toInt(&ok);
    return ok && jobs >= 1 && jobs <= 64 ? jobs : 0;
}

std::optional<double> numberOption(const QCommandLineParser& parser, const QString& command, const QString& name,
                                   double min, double max, bool integer)
{
    const QString text = parser.value(name);
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (ok && std::isfinite(value) && value >= min && value <= max && (!integer || value == std::floor(value)))
        return value;
    const QString kind = integer ? QStringLiteral("a whole number") : QStringLiteral("a number");
    printError(QStringLiteral("%1: --%2 must be %3 from %4 to %5 (got '%6').")
                   .arg(command, name, kind, QString::number(min), QString::number(max), capped(shownPath(text), 40)));
    return std::nullopt;
}

void reportFileDone(const QString& path, const QString& error, int n, qsizetype total, bool showProgress)
{
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    const QString shown = shownPath(path);
    if (!error.isEmpty())
        printError(error.startsWith(shown) ? error : QStringLiteral("%1: %2").arg(shown, error));  // always say which file
    else if (showProgress)
        err() << QStringLiteral("genrescope-cli: [%1/%2] %3").arg(n).arg(total).arg(shown) << Qt::endl;
}

bool parseOrReport(QCommandLineParser& parser, const QStringList& args)
{
    parser.addHelpOption();
    if (!parser.parse(args)) {
        printError(parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        out().flush();
        std::exit(kOk);
    }
    return true;
}

} // namespace genrescope::cli
