#include "audio/AudioDecoder.h"

#include "audio/AudioSource.h"
#include "audio/Resampler.h"
#include "common/Error.h"

#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

#include <unistd.h>

namespace genrescope {

namespace audio {

UniqueFd::~UniqueFd()
{
    if (fd_ >= 0)
        ::close(fd_);
}

void mixToMono(const float* interleaved, long frames, int channels, float* mono)
{
    if (channels == 1) {
        std::copy_n(interleaved, frames, mono);
        return;
    }
    const float scale = 1.0f / float(channels);
    for (long f = 0; f < frames; ++f) {
        float sum = 0.0f;
        for (int c = 0; c < channels; ++c)
            sum += interleaved[f * channels + c];
        mono[f] = sum * scale;
    }
}

void checkLength(AudioInfo& info, std::int64_t promisedFrames, std::int64_t presentFrames)
{
    const std::int64_t missing = promisedFrames - presentFrames;
    if (missing <= 0 || info.sampleRate <= 0)
        return;
    const double promised = double(promisedFrames) / info.sampleRate;
    const double present = double(presentFrames) / info.sampleRate;
    if (missing >= info.sampleRate && missing * 100 >= promisedFrames)
        throw Error(ErrorCode::Truncated,
                    QStringLiteral("%1: truncated: the header promises %2 s but the audio ends at %3 s. Re-encode or "
                                   "re-download the file.")
                        .arg(shownPath(info.path)).arg(promised, 0, 'f', 2).arg(present, 0, 'f', 2));
    info.note = QStringLiteral("the audio ends %1 s before the header's %2 s").arg(promised - present, 0, 'f', 2)
                    .arg(promised, 0, 'f', 2);
}

} // namespace audio

namespace {

constexpr int kMinRate = 1000;
constexpr int kMaxRate = 768000;
constexpr int kMaxChannels = 256;
constexpr long kBlockFrames = 65536;

/// Checks the path, picks the library that decodes it and validates what its header says.
std::unique_ptr<audio::AudioSource> openSource(const QString& path)
{
    const QString shown = shownPath(path);
    const QFileInfo fi(path);
    if (path.contains(QChar::ReplacementCharacter) && !fi.exists())
        throw Error(ErrorCode::FileUnreadable,
                    QStringLiteral("%1: the file name is not valid UTF-8, so it cannot be opened; rename the file.").arg(shown));
    if (path.size() > 4000 && !fi.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: the path is too long (%2 characters; Linux allows 4096 "
                                                            "bytes).").arg(shown).arg(path.size()));
    if (!fi.exists() && fi.isSymLink())
        throw Error(ErrorCode::FileNotFound,
                    QStringLiteral("%1: a symbolic link to nothing (or to a link loop). Fix or remove the link.").arg(shown));
    if (!fi.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such file. Check the path.").arg(shown));
    if (fi.isDir())
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1: a folder, not an audio file.").arg(shown));
    if (!fi.isFile())
        throw Error(ErrorCode::FileUnreadable,
                    QStringLiteral("%1: not a regular file (a pipe, socket or device). Save the audio to a file first.")
                        .arg(shown));

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1: cannot be read: %2.").arg(shown, file.errorString()));
    if (file.size() == 0)
        throw Error(ErrorCode::EmptyFile, QStringLiteral("%1: the file is empty (0 bytes).").arg(shown));
    file.close();

    const audio::SniffResult sniff = audio::sniffAudioFile(path);
    if (!sniff.unsupportedContainer.isEmpty())
        throw Error(ErrorCode::UnsupportedFormat,
                    QStringLiteral("%1: looks like %2, which Genrescope cannot decode. Convert it to WAV, FLAC, OGG, "
                                   "Opus or MP3.").arg(shown, sniff.unsupportedContainer));
    if (!sniff.unsupportedCodec.isEmpty())
        throw Error(ErrorCode::UnsupportedFormat,
                    QStringLiteral("%1: cannot decode %2; convert it to WAV, FLAC, OGG Vorbis, Opus or MP3.")
                        .arg(shown, sniff.unsupportedCodec));

    std::unique_ptr<audio::AudioSource> source;
    switch (sniff.library) {
    case audio::SniffResult::Library::Mpeg: source = audio::openMpegSource(path, sniff); break;
    case audio::SniffResult::Library::Vorbis: source = audio::openVorbisSource(path); break;
    case audio::SniffResult::Library::Opus: source = audio::openOpusSource(path); break;
    case audio::SniffResult::Library::Sndfile: source = audio::openSndfileSource(path, sniff); break;
    }
    const AudioInfo& info = source->info;
    if (info.channels < 1 || info.channels > kMaxChannels)
        throw Error(ErrorCode::BadHeader, QStringLiteral("%1: the header declares %2 channels; 1 to %3 are supported.")
                                              .arg(shown).arg(info.channels).arg(kMaxChannels));
    if (info.sampleRate < kMinRate || info.sampleRate > kMaxRate)
        throw Error(ErrorCode::BadHeader,
                    QStringLiteral("%1: the header declares a sample rate of %2 Hz; %3 to %4 Hz are supported.")
                        .arg(shown).arg(info.sampleRate).arg(kMinRate).arg(kMaxRate));
    if (info.frames <= 0 && info.headerLength == HeaderLength::Exact)
        throw Error(ErrorCode::NoAudioFrames, QStringLiteral("%1: contains no audio frames.").arg(shown));
    return source;
}

} // namespace

AudioInfo probeAudio(const QString& path)
{
    return openSource(path)->info;
}

AudioInfo measureAudio(const QString& path, const TaskControl& control)
{
    AudioDecoder decoder(path, 0);
    std::vector<float> scratch;
    while (decoder.readBlock(scratch)) {
        scratch.clear();
        control.throwIfCancelled();
        control.report(decoder.progress());
    }
    return decoder.info();
}

struct AudioDecoder::Impl {
    std::unique_ptr<audio::AudioSource> source;
    std::unique_ptr<Resampler> resampler;
    std::vector<float> mono;
    qint64 framesRead = 0;
    long outputFrames = 0;
    bool finished = false;
};

AudioDecoder::AudioDecoder(const QString& path, int outputRate)
    : impl_(std::make_unique<Impl>()), outputRate_(outputRate)
{
    impl_->source = openSource(path);
    info_ = impl_->source->info;
    if (outputRate_ <= 0)
        outputRate_ = info_.sampleRate;
    if (info_.sampleRate != outputRate_)
        impl_->resampler = std::make_unique<Resampler>(info_.sampleRate, outputRate_);
    impl_->mono.resize(size_t(kBlockFrames));
}

AudioDecoder::~AudioDecoder() = default;

double AudioDecoder::progress() const
{
    if (info_.frames > 0 && info_.headerLength == HeaderLength::Exact)
        return std::min(1.0, double(impl_->framesRead) / double(info_.frames));
    return impl_->source->progress();
}

bool AudioDecoder::readBlock(std::vector<float>& out)
{
    Impl& d = *impl_;
    if (d.finished)
        return false;

    // Fill a whole block (sources may return less): the resampler and callers see the same block sizes.
    long got = 0;
    while (got < kBlockFrames) {
        const long n = d.source->readMono(d.mono.data() + got, kBlockFrames - got);
        if (n <= 0)
            break;
        got += n;
    }
    for (long i = 0; i < got; ++i) {
        if (!std::isfinite(d.mono[size_t(i)])) {
            const double at = double(d.framesRead + i) / info_.sampleRate;
            throw Error(ErrorCode::NonFiniteSamples,
                        QStringLiteral("%1: contains invalid samples (NaN or infinity) at %2 s. Re-encode the file.")
                            .arg(shownPath(info_.path)).arg(at, 0, 'f', 3));
        }
    }
    d.framesRead += got;
    const bool atEnd = got < kBlockFrames;
    if (atEnd) {
        info_.note = d.source->info.note;  // sources add notes as they read (chains, skipped damage)
        if (info_.headerLength == HeaderLength::Exact)
            audio::checkLength(info_, info_.frames, d.framesRead);
        if (d.framesRead == 0)
            throw Error(ErrorCode::NoAudioFrames,
                        QStringLiteral("%1: contains no decodable audio.").arg(shownPath(info_.path)));
        info_.decodedFrames = d.framesRead;
        if (info_.headerLength == HeaderLength::Estimate && std::abs(d.framesRead - info_.frames) >= info_.sampleRate / 10 &&
            info_.note.isEmpty())
            info_.note = QStringLiteral("the header estimated %1 s; the audio is %2 s long")
                             .arg(info_.durationSeconds(), 0, 'f', 2).arg(info_.decodedSeconds(), 0, 'f', 2);
    }

    const float* block = d.mono.data();
    const size_t before = out.size();
    if (!d.resampler) {
        out.insert(out.end(), block, block + got);
    } else {
        d.resampler->process(block, got, out);
        if (atEnd) {
            d.resampler->finish(out);
            // The converter's tail may be a few samples long or short; make the
            // total exactly ceil(frames * ratio), as librosa's resample does.
            const long produced = d.outputFrames + long(out.size() - before);
            const long target = resampledLength(long(d.framesRead), info_.sampleRate, outputRate_);
            const long keep = std::max<long>(long(before), long(out.size()) - (produced - target));
            out.resize(size_t(keep), 0.0f);
        }
    }
    d.outputFrames += long(out.size() - before);
    if (atEnd)
        d.finished = true;
    return !atEnd;
}

void refuseWholeSong(const QString& path, double seconds)
{
    throw Error(ErrorCode::TooLong,
                QStringLiteral("%1: %2 min long; whole songs are loaded up to %3 min. "
                               "'genrescope-cli classify' and 'features' stream songs of any length.")
                    .arg(shownPath(path)).arg(seconds / 60.0, 0, 'f', 0).arg(kMaxWholeSongSeconds / 60.0, 0, 'f', 0));
}

size_t wholeSongReserve(const AudioDecoder& decoder)
{
    const double expected = double(decoder.info().frames) * decoder.outputRate() / std::max(1, decoder.info().sampleRate);
    return size_t(std::clamp(expected + 65536.0, 0.0, kMaxWholeSongSeconds * decoder.outputRate() + 65536.0));
}

void trimWholeSong(std::vector<float>& samples)
{
    if (samples.capacity() > samples.size() + samples.size() / 8 + 65536)
        samples.shrink_to_fit();
}

DecodedAudio decodeAudio(const QString& path, const TaskControl& control, int outputRate)
{
    control.throwIfCancelled();
    AudioDecoder decoder(path, outputRate);
    const auto refuseLength = [&](double seconds) { refuseWholeSong(path, seconds); };
    if (decoder.info().headerLength == HeaderLength::Exact && decoder.info().durationSeconds() > kMaxWholeSongSeconds)
        refuseLength(decoder.info().durationSeconds());
    DecodedAudio result;
    result.source = decoder.info();
    result.sampleRate = outputRate;
    result.samples.reserve(wholeSongReserve(decoder));
    while (decoder.readBlock(result.samples)) {
        if (double(result.samples.size()) / outputRate > kMaxWholeSongSeconds)  // longer than its header said
            refuseLength(double(result.samples.size()) / outputRate);
        control.throwIfCancelled();
        control.report(decoder.progress());
    }
    result.source = decoder.info();  // with the decoded length and any note
    trimWholeSong(result.samples);
    control.report(1.0);
    return result;
}

} // namespace genrescope
