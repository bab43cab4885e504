#pragma once

#include <QString>
#include <cstdint>

namespace genrescope {

/// How far a header's frame count can be trusted.
enum class HeaderLength {
    Exact,     // stated by the format (WAV data size, FLAC total, Ogg granules, MP3 Xing/Info/VBRI)
    Estimate,  // guessed (an MP3 without a Xing/Info/VBRI frame: file size / first frame's bitrate)
    Unknown,   // left open by a streamed write (WAV data size 0 or 0xFFFFFFFF, FLAC total 0, CAF -1)
};

/// What a file's header says, before any decoding, and what decoding found.
struct AudioInfo {
    QString path;
    QString container;   // "WAV", "FLAC", "OGG Vorbis", "Opus", "MP3", "AIFF", "AU", ...
    QString encoding;    // "PCM 16-bit", "32-bit float", "Vorbis", ...
    int sampleRate = 0;
    int channels = 0;
    std::int64_t frames = 0;  // the header's count (0 when Unknown)
    HeaderLength headerLength = HeaderLength::Exact;
    bool mayRunLonger = false;  // the format allows more audio than the header counts (concatenated MP3s)
    std::int64_t decodedFrames = -1;  // at the file's rate, once the whole file has been decoded
    QString note;  // what the user should know about decoding it (empty: nothing), e.g. a short tail

    double durationSeconds() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
    bool decoded() const { return decodedFrames >= 0; }
    double decodedSeconds() const { return sampleRate > 0 ? double(decodedFrames) / sampleRate : 0.0; }
};

/// "exact", "estimate" or "unknown" (JSON output).
inline const char* headerLengthName(HeaderLength h)
{
    return h == HeaderLength::Exact ? "exact" : h == HeaderLength::Estimate ? "estimate" : "unknown";
}

} // namespace genrescope
