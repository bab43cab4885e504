#pragma once
// Decoding any supported file to a mono float signal at the analysis rate.
// libsndfile, libmpg123, libvorbisfile or libopusfile reads (audio/AudioSource.h); channels
// are averaged; the Resampler converts the rate. A file's length is what decodes, not what
// its header says. Input that is not usable audio raises genrescope::Error with a message
// "<path>: <what happened>. <what to do>".

#include "audio/AudioInfo.h"
#include "common/Progress.h"

#include <memory>
#include <vector>

namespace genrescope {

/// Every model and feature works at this rate (GTZAN's and librosa's default).
inline constexpr int kAnalysisRate = 22050;

/// Reads a file's header only. Throws genrescope::Error for anything that is not usable audio.
AudioInfo probeAudio(const QString& path);

/// Decodes the whole file (at its own rate, nothing kept) to learn its real length:
/// the result has decodedFrames and any note set.
AudioInfo measureAudio(const QString& path, const TaskControl& control = {});

/// Streams a file block by block as mono float samples at outputRate() (0: the file's own rate).
/// Files already at the output rate are passed through bit-exactly. Once the last block is read,
/// info() holds the decoded length and any note; a file whose exact header length exceeds what
/// decodes by at least 1 s and 1 % is refused as truncated.
class AudioDecoder {
public:
    explicit AudioDecoder(const QString& path, int outputRate = kAnalysisRate);
    ~AudioDecoder();
    AudioDecoder(const AudioDecoder&) = delete;
    AudioDecoder& operator=(const AudioDecoder&) = delete;

    const AudioInfo& info() const { return info_; }
    int outputRate() const { return outputRate_; }

    /// Appends the next block to out. Returns false once the file is exhausted
    /// (after the final block has been appended). Throws on corrupt data.
    bool readBlock(std::vector<float>& out);

    /// Fraction of the file read so far.
    double progress() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    AudioInfo info_;
    int outputRate_;
};

/// A whole decoded signal.
struct DecodedAudio {
    AudioInfo source;            // the file as it was
    int sampleRate = 0;          // rate of samples
    std::vector<float> samples;  // mono

    double durationSeconds() const { return sampleRate > 0 ? double(samples.size()) / sampleRate : 0.0; }
};

/// The longest song decodeAudio holds in memory whole (317 MB of samples at 22050 Hz).
/// Longer files are refused with ErrorCode::TooLong; streaming readers (AudioDecoder,
/// GenreClassifier::classifyFile, extractFileRows) take any length.
inline constexpr double kMaxWholeSongSeconds = 3600.0;
/// Throws the TooLong error for a song of `seconds` that was to be held whole.
[[noreturn]] void refuseWholeSong(const QString& path, double seconds);
/// Samples to reserve for a whole decoded song: its header's length and a block, at most
/// kMaxWholeSongSeconds' worth (so an hour does not double into 128 Mi floats).
size_t wholeSongReserve(const AudioDecoder& decoder);
/// Gives back room a whole song's samples did not use (a header's estimate was too long).
void trimWholeSong(std::vector<float>& samples);

/// Decodes a whole file. Reports progress and honours cancellation through control.
DecodedAudio decodeAudio(const QString& path, const TaskControl& control = {},
                         int outputRate = kAnalysisRate);

} // namespace genrescope
