// genrescope-cli info FILE... [--json]: what each file's header says.

#include "CliSupport.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace genrescope::cli {

namespace {

QJsonObject toJson(const AudioInfo& info)
{
    return QJsonObject{
        {"path", info.path},
        {"container", info.container},
        {"encoding", info.encoding},
        {"sampleRate", info.sampleRate},
        {"channels", info.channels},
        {"frames", double(info.frames)},
        {"durationSeconds", info.durationSeconds()},
    };
}

QString toText(const AudioInfo& info)
{
    return QStringLiteral("%1: %2, %3, %4 Hz, %5 channel%6, %7 s (%8 frames)")
        .arg(info.path, info.container, info.encoding)
        .arg(info.sampleRate)
        .arg(info.channels)
        .arg(info.channels == 1 ? "" : "s")
        .arg(info.durationSeconds(), 0, 'f', 3)
        .arg(info.frames);
}

} // namespace

int runInfo(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show format, sample rate, channels and duration of audio files."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON array instead of text.")});
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Audio files."), QStringLiteral("FILE..."));
    if (!parseOrReport(parser, args))
        return kBadInput;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        printError(QStringLiteral("info: give at least one FILE (see 'genrescope-cli info --help')."));
        return kBadInput;
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    QJsonArray array;
    bool anyFailed = false;
    for (const QString& file : files) {
        try {
            const AudioInfo info = probeAudio(file);
            if (json)
                array.append(toJson(info));
            else
                out() << toText(info) << Qt::endl;
        } catch (const Error& e) {
            anyFailed = true;
            printError(e.message());
            if (json)
                array.append(QJsonObject{{"path", file},
                                         {"error", QJsonObject{{"code", errorCodeName(e.code())},
                                                               {"message", e.message()}}}});
        }
    }
    if (json)
        out() << QJsonDocument(array).toJson(QJsonDocument::Indented);
    out().flush();
    return anyFailed ? kBadInput : kOk;
}

} // namespace genrescope::cli
