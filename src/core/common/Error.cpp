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

Error::Error(ErrorCode code, const QString& message)
    : std::runtime_error(message.toStdString()), code_(code)
{
}

} // namespace genrescope
