#pragma once

#include <QString>
#include <cstdint>

namespace genrescope {

/// What a file's header says, before any decoding.
struct AudioInfo {
    QString path;
    QString container;   // "WAV", "FLAC", "OGG Vorbis", "Opus", "MP3", "AIFF", "AU", ...
    QString encoding;    // "PCM 16-bit", "32-bit float", "Vorbis", ...
    int sampleRate = 0;
    int channels = 0;
    std::int64_t frames = 0;

    double durationSeconds() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

} // namespace genrescope
