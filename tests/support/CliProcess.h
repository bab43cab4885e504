#pragma once
// Runs genrescope-cli as a user would, under a timeout, and keeps what it printed.

#include <QString>
#include <QStringList>

namespace testcli {

struct Run {
    int exitCode = -1;  // -1: timed out (and killed), -2: crashed
    QString out;
    QString err;
    bool timedOut() const { return exitCode == -1; }
};

Run cli(const QStringList& args, int timeoutMs = 120000);

/// Non-empty lines in s.
int lineCount(const QString& s);

} // namespace testcli
