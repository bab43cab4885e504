#pragma once
// Every training run the GUI starts, kept as a JSON array in the app's data
// folder (QStandardPaths::AppDataLocation/run-history.json). Saving is atomic:
// a crash mid-save leaves the previous history intact.

#include <QJsonObject>
#include <QList>
#include <QString>

namespace genrescope::app {

class RunHistory {
public:
    /// The default file in the app's data folder.
    static QString defaultPath();

    explicit RunHistory(QString path = defaultPath());

    /// Reads the file; a missing file is an empty history, a damaged one is reported in error().
    void load();
    /// Appends a run and saves the whole history atomically. Returns false (see error()) on failure.
    bool append(const QJsonObject& run);

    const QList<QJsonObject>& runs() const { return runs_; }
    const QString& path() const { return path_; }
    const QString& error() const { return error_; }

private:
    QString path_;
    QList<QJsonObject> runs_;
    QString error_;
};

} // namespace genrescope::app
