#include "CliSupport.h"

#include <QFileInfo>
#include <QMutex>
#include <QThread>

#include <cstdio>

namespace genrescope::cli {

QTextStream& out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream& err()
{
    static QTextStream stream(stderr);
    return stream;
}

void printError(const QString& message)
{
    QString line = message;
    line.replace(QLatin1Char('\n'), QLatin1Char(' '));
    err() << "genrescope-cli: " << line << Qt::endl;
}

int jobsOption(const QCommandLineParser& parser)
{
    if (!parser.isSet(QStringLiteral("jobs")))
        return QThread::idealThreadCount();
    bool ok = false;
    const int jobs = parser.value(QStringLiteral("jobs")).toInt(&ok);
    return ok && jobs >= 1 && jobs <= 64 ? jobs : 0;
}

void reportFileDone(const QString& path, const QString& error, int n, qsizetype total, bool showProgress)
{
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    if (!error.isEmpty())
        printError(error);
    else if (showProgress)
        err() << QStringLiteral("genrescope-cli: [%1/%2] %3").arg(n).arg(total).arg(QFileInfo(path).fileName()) << Qt::endl;
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
