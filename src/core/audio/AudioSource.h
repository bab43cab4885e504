#pragma once
// The decoding libraries behind AudioDecoder. Each source yields mono float frames at
// the file's own rate: libsndfile (WAV, AIFF, FLAC, CAF, AU, ...), libmpg123 (MP3, and
// MP3 inside WAV), libvorbisfile (Ogg Vorbis) and libopusfile (Opus). The two Ogg
// libraries follow chained streams; mpg123 reads to the real end of an MP3 whatever its
// header says. Internal to core/audio.

#include "audio/AudioInfo.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <vector>

namespace genrescope::audio {

class AudioSource {
public:
    virtual ~AudioSource() = default;
    /// Reads up to maxFrames frames mixed to mono (the mean of the channels) into mono.
    /// Returns how many; 0 at the end. Throws genrescope::Error for damaged data.
    virtual long readMono(float* mono, long maxFrames) = 0;
    /// Fraction of the file consumed so far, in [0, 1].
    virtual double progress() const = 0;

    /// The header's view, filled when the source opens.
    AudioInfo info;
};

/// Owns a POSIX file descriptor.
class UniqueFd {
public:
    explicit UniqueFd(int fd = -1) : fd_(fd) {}
    ~UniqueFd();
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }

private:
    int fd_;
};

/// Averages interleaved channels into mono; one channel is copied unchanged (bit-exact).
void mixToMono(const float* interleaved, long frames, int channels, float* mono);

/// Compares what the header promised with the frames the file holds: a shortfall of at least
/// 1 s and at least 1 % is a truncated file (throws ErrorCode::Truncated); a smaller one becomes
/// info.note. Frames beyond the promise are never an error.
void checkLength(AudioInfo& info, std::int64_t promisedFrames, std::int64_t presentFrames);

/// A header field rewritten in memory before libsndfile reads it (the file is never changed).
struct BytePatch {
    qint64 offset = 0;
    QByteArray bytes;
};

/// How a file is to be decoded, from its first bytes and chunk headers.
struct SniffResult {
    enum class Library { Sndfile, Mpeg, Vorbis, Opus };
    Library library = Library::Sndfile;
    qint64 mpegOffset = 0;        // Mpeg: where the stream starts ...
    qint64 mpegSize = -1;         // ... and how many bytes it has (-1: to the end of the file)
    QString container;            // set when the container is not what the library would name
    QString unsupportedCodec;     // non-empty: a known container holding a codec we cannot decode
    QString unsupportedContainer; // non-empty: a container we cannot read at all (MP4, WMA, ...)
    std::vector<BytePatch> patches;  // Sndfile: sizes left open by a streamed write, filled in
    bool sizeLeftOpen = false;    // the header's data size was a streaming placeholder
};

/// Size in bytes of a leading ID3v2 tag (header, body and footer), or 0 when head has none.
qint64 id3v2TagSize(const QByteArray& head);

/// Looks at a file's first bytes and chunk headers. Never throws; unreadable files sniff as Sndfile.
SniffResult sniffAudioFile(const QString& path);

std::unique_ptr<AudioSource> openSndfileSource(const QString& path, const SniffResult& sniff);
std::unique_ptr<AudioSource> openMpegSource(const QString& path, const SniffResult& sniff);
std::unique_ptr<AudioSource> openVorbisSource(const QString& path);
std::unique_ptr<AudioSource> openOpusSource(const QString& path);

} // namespace genrescope::audio
