// genrescope-cli info FILE... [--json] [--decode | --header-only]: what each file is and how long
// it really is.

#include "CliSupport.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace genrescope::cli {

namespace {

QJsonObject toJson(const AudioInfo& info)
{
    const bool headerKnown = info.headerLength != HeaderLength::Unknown;
    const double seconds = info.decoded() ? info.decodedSeconds() : info.durationSeconds();
    QJsonObject o{
        {"path", info.path},
        {"container", info.container},
        {"encoding", info.encoding},
        {"sampleRate", info.sampleRate},
        {"channels", info.channels},
        {"lengthFromHeader", QLatin1String(headerLengthName(info.headerLength))},
        {"headerSeconds", headerKnown ? QJsonValue(info.durationSeconds()) : QJsonValue()},
        {"frames", double(info.decoded() ? info.decodedFrames : info.frames)},
        {"durationSeconds", seconds},
        {"note", info.note},
    };
    if (info.decoded())
        o.insert(QStringLiteral("decodedSeconds"), info.decodedSeconds());
    return o;
}

QString toText(const AudioInfo& info)
{
    QString length;
    if (info.decoded()) {
        length = QStringLiteral("%1 s (%2 frames, decoded)").arg(info.decodedSeconds(), 0, 'f', 3).arg(info.decodedFrames);
        if (info.headerLength == HeaderLength::Estimate)
            length += QStringLiteral("; the header estimated ≈ %1 s").arg(info.durationSeconds(), 0, 'f', 3);
    } else if (info.headerLength == HeaderLength::Estimate) {
        length = QStringLiteral("≈ %1 s (estimated from the header; --decode measures it)").arg(info.durationSeconds(), 0, 'f', 3);
    } else if (info.headerLength == HeaderLength::Unknown) {
        length = QStringLiteral("length not in the header (--decode measures it)");
    } else {
        length = QStringLiteral("%1 s (%2 frames)").arg(info.durationSeconds(), 0, 'f', 3).arg(info.frames);
    }
    QString line = QStringLiteral("%1: %2, %3, %4 Hz, %5 channel%6, %7")
                       .arg(shownPath(info.path), info.container, info.encoding)
                       .arg(info.sampleRate)
                       .arg(info.channels)
                       .arg(info.channels == 1 ? "" : "s")
                       .arg(length);
    if (!info.note.isEmpty())
        line += QStringLiteral(" [note: %1]").arg(info.note);
    return line;
}

} // namespace

int runInfo(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Show format, sample rate, channels and length of audio files.\n"
        "The length is the header's when the format states it exactly. When the header only estimates it\n"
        "(an MP3 without a Xing/Info/VBRI frame, marked ≈), leaves it open (a file written through a pipe), or\n"
        "may hold more (MP3s can be concatenated), the file is decoded to measure it, unless --header-only is\n"
        "given. --decode measures every file."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print a JSON array instead of text.")});
    parser.addOption({QStringLiteral("decode"), QStringLiteral("Decode every file to measure its real length.")});
    parser.addOption({QStringLiteral("header-only"), QStringLiteral("Never decode; report what the headers say.")});
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Audio files."), QStringLiteral("FILE..."));
    if (!parseOrReport(parser, args))
        return kBadInput;
    const QStringList files = parser.positionalArguments();
    if (files.isEmpty()) {
        printError(QStringLiteral("info: give at least one FILE (see 'genrescope-cli info --help')."));
        return kBadInput;
    }
    if (parser.isSet(QStringLiteral("decode")) && parser.isSet(QStringLiteral("header-only"))) {
        printError(QStringLiteral("info: --decode and --header-only exclude each other."));
        return kBadInput;
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    const bool decodeAll = parser.isSet(QStringLiteral("decode"));
    const bool headerOnly = parser.isSet(QStringLiteral("header-only"));
    QJsonArray array;
    bool anyFailed = false;
    for (const QString& file : files) {
        try {
            AudioInfo info = probeAudio(file);
            if (decodeAll || (!headerOnly && (info.headerLength != HeaderLength::Exact || info.mayRunLonger)))
                info = measureAudio(file);
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
