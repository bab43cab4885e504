#include "RunHistory.h"

#include "common/Error.h"
#include "common/OutputFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStandardPaths>

namespace genrescope::app {

QString RunHistory::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/run-history.json");
}

RunHistory::RunHistory(QString path) : path_(std::move(path)) {}

void RunHistory::load()
{
    runs_.clear();
    error_.clear();
    QFile file(path_);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        error_ = QObject::tr("The run history %1 cannot be read: %2").arg(path_, file.errorString());
        return;
    }
    QJsonParseError parse;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (!doc.isArray()) {
        error_ = QObject::tr("The run history %1 is damaged (%2); it is shown empty and will be rewritten by the next run.")
                     .arg(path_, parse.errorString());
        return;
    }
    for (const QJsonValue& v : doc.array())
        if (v.isObject())
            runs_.append(v.toObject());
}

bool RunHistory::append(const QJsonObject& run)
{
    runs_.append(run);
    QJsonArray all;
    for (const QJsonObject& r : runs_)
        all.append(r);
    try {
        QDir().mkpath(QFileInfo(path_).absolutePath());
        writeFileAtomically(path_, QJsonDocument(all).toJson(QJsonDocument::Indented));
        error_.clear();
        return true;
    } catch (const Error& e) {
        error_ = e.message();
        return false;
    }
}

} // namespace genrescope::app
