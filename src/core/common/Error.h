#pragma once
// Typed errors for the core library. Every failure a user can cause carries a
// code and a sentence a person understands; front ends map them to exit codes
// or in-place messages.

#include <QString>
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
