#include "common/Error.h"

namespace genrescope {

const char* errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::FileNotFound: return "file-not-found";
    case ErrorCode::FileUnreadable: return "file-unreadable";
    case ErrorCode::NotAudio: return "not-audio";
    case ErrorCode::UnsupportedFormat: return "unsupported-format";
    case ErrorCode::EmptyFile: return "empty-file";
    case ErrorCode::NoAudioFrames: return "no-audio-frames";
    case ErrorCode::Truncated: return "truncated";
    case ErrorCode::BadHeader: return "bad-header";
    case ErrorCode::NonFiniteSamples: return "non-finite-samples";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::InvalidArgument: return "invalid-argument";
    case ErrorCode::WriteFailed: return "write-failed";
    case ErrorCode::TooLong: return "too-long";
    }
    return "unknown";
}

QString escapeControlCharacters(const QString& text)
{
    QString shown;
    shown.reserve(text.size());
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u == '\n')
            shown += QStringLiteral("\\n");
        else if (u == '\t')
            shown += QStringLiteral("\\t");
        else if (u == '\r')
            shown += QStringLiteral("\\r");
        else if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0))
            shown += QStringLiteral("\\x%1").arg(unsigned(u), 2, 16, QLatin1Char('0'));
        else
            shown += c;
    }
    return shown;
}

QString shownPath(const QString& path)
{
    QString shown = escapeControlCharacters(path);
    constexpr qsizetype kMaxChars = 200;
    if (shown.size() > kMaxChars)
        shown = shown.left(kMaxChars / 2 - 1) + QStringLiteral("…") + shown.right(kMaxChars / 2);
    return shown;
}

QString capped(const QString& text, int maxChars)
{
    if (text.size() <= maxChars)
        return text;
    return text.left(maxChars) + QStringLiteral("… (%1 more characters)").arg(text.size() - maxChars);
}

QString listSummary(const QStringList& items, int shown)
{
    if (items.size() <= shown)
        return items.join(QStringLiteral(", "));
    return QStringLiteral("%1, … and %2 more").arg(items.mid(0, shown).join(QStringLiteral(", "))).arg(items.size() - shown);
}

Error::Error(ErrorCode code, const QString& message)
    : std::runtime_error(message.toStdString()), code_(code)
{
}

} // namespace genrescope
