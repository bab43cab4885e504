#include "CliProcess.h"

#include <QProcess>

namespace testcli {

Run cli(const QStringList& args, int timeoutMs)
{
    QProcess p;
    p.start(QStringLiteral(GENRESCOPE_CLI_PATH), args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(10000);
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

int lineCount(const QString& s)
{
    return int(s.trimmed().split(QLatin1Char('\n'), Qt::SkipEmptyParts).size());
}

} // namespace testcli
