#pragma once
// Typed errors for the core library. Every failure a user can cause carries a
// code and a sentence a person understands; front ends map them to exit codes
// or in-place messages.

#include <QString>
#include <QStringList>
#include <stdexcept>

namespace genrescope {

enum class ErrorCode {
    FileNotFound,
    FileUnreadable,
    NotAudio,
    UnsupportedFormat,
    EmptyFile,
    NoAudioFrames,
    Truncated,
    BadHeader,
    NonFiniteSamples,
    Cancelled,
    InvalidArgument,
    WriteFailed,
    TooLong,
};

/// Text with control characters shown as \n, \t, \r or \xNN (one line, no terminal escapes).
QString escapeControlCharacters(const QString& text);

/// A path as the user gave it, fit for a one-line message: control characters
/// (newlines, tabs, escapes) are shown as \n, \t or \xNN, and a very long path
/// keeps its start and end around an ellipsis.
QString shownPath(const QString& path);

/// Text cut to at most maxChars characters, ending with "… (N more characters)".
QString capped(const QString& text, int maxChars = 300);

/// A list for a one-line message: "a, b, c" or, when long, its first `shown` items and
/// "… and N more".
QString listSummary(const QStringList& items, int shown = 6);

/// Short stable name of a code, e.g. "not-audio" (used in JSON output).
const char* errorCodeName(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const QString& message);
    ErrorCode code() const { return code_; }
    QString message() const { return QString::fromUtf8(what()); }

private:
    ErrorCode code_;
};

/// Thrown by long operations when the caller's cancel flag was raised.
class Cancelled : public Error {
public:
    Cancelled() : Error(ErrorCode::Cancelled, QStringLiteral("Cancelled.")) {}
};

} // namespace genrescope
