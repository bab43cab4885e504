#include "audio/AudioDecoder.h"

#include "audio/Resampler.h"
#include "common/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <sndfile.h>

#include <algorithm>
#include <cmath>

namespace genrescope {
namespace {

constexpr int kMinRate = 1000;
constexpr int kMaxRate = 768000;
constexpr int kMaxChannels = 256;
constexpr sf_count_t kBlockFrames = 65536;

QString displayName(const QString& path)
{
    return QFileInfo(path).fileName();
}

/// Containers libsndfile cannot read, recognised by their first bytes so the
/// user is told what the file is rather than "not audio".
QString unsupportedContainer(const QByteArray& head)
{
    if (head.size() >= 12 && head.mid(4, 4) == "ftyp")
        return QStringLiteral("MP4/M4A (AAC or ALAC)");
    if (head.size() >= 2 && quint8(head[0]) == 0xFF && (quint8(head[1]) & 0xF6) == 0xF0)
        return QStringLiteral("raw AAC (ADTS)");
    if (head.startsWith(QByteArray::fromHex("3026b2758e66cf11")))
        return QStringLiteral("WMA/ASF");
    if (head.startsWith(QByteArray::fromHex("1a45dfa3")))
        return QStringLiteral("Matroska/WebM");
    if (head.startsWith("MAC "))
        return QStringLiteral("Monkey's Audio (APE)");
    if (head.startsWith("wvpk"))
        return QStringLiteral("WavPack");
    return {};
}

QString containerName(int format)
{
    switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV: return QStringLiteral("WAV");
    case SF_FORMAT_WAVEX: return QStringLiteral("WAV (extensible)");
    case SF_FORMAT_RF64: return QStringLiteral("RF64");
    case SF_FORMAT_W64: return QStringLiteral("Wave64");
    case SF_FORMAT_FLAC: return QStringLiteral("FLAC");
    case SF_FORMAT_AIFF: return QStringLiteral("AIFF");
    case SF_FORMAT_AU: return QStringLiteral("AU");
    case SF_FORMAT_CAF: return QStringLiteral("CAF");
    case SF_FORMAT_MPEG: return QStringLiteral("MP3");
    case SF_FORMAT_OGG:
        return (format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? QStringLiteral("Opus")
                                                             : QStringLiteral("OGG Vorbis");
    default: break;
    }
    SF_FORMAT_INFO fi{};
    fi.format = format & SF_FORMAT_TYPEMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name)
        return QString::fromUtf8(fi.name);
    return QStringLiteral("unknown");
}

QString encodingName(int format)
{
    switch (format & SF_FORMAT_SUBMASK) {
    case SF_FORMAT_PCM_S8:
    case SF_FORMAT_PCM_U8: return QStringLiteral("PCM 8-bit");
    case SF_FORMAT_PCM_16: return QStringLiteral("PCM 16-bit");
    case SF_FORMAT_PCM_24: return QStringLiteral("PCM 24-bit");
    case SF_FORMAT_PCM_32: return QStringLiteral("PCM 32-bit");
    case SF_FORMAT_FLOAT: return QStringLiteral("32-bit float");
    case SF_FORMAT_DOUBLE: return QStringLiteral("64-bit float");
    case SF_FORMAT_VORBIS: return QStringLiteral("Vorbis");
    case SF_FORMAT_OPUS: return QStringLiteral("Opus");
    case SF_FORMAT_MPEG_LAYER_III: return QStringLiteral("MPEG layer III");
    case SF_FORMAT_ULAW: return QStringLiteral("u-law");
    case SF_FORMAT_ALAW: return QStringLiteral("A-law");
    default: break;
    }
    SF_FORMAT_INFO fi{};
    fi.format = format & SF_FORMAT_SUBMASK;
    if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name)
        return QString::fromUtf8(fi.name);
    return QStringLiteral("unknown");
}

/// True when the first bytes are those of a container libsndfile reads.
bool hasAudioSignature(const QByteArray& head)
{
    for (const char* magic : {"RIFF", "RIFX", "RF64", "fLaC", "OggS", "FORM", ".snd", "ID3", "caff"})
        if (head.startsWith(magic))
            return true;
    return head.size() >= 2 && quint8(head[0]) == 0xFF && (quint8(head[1]) & 0xE0) == 0xE0;  // MPEG sync
}

/// Bytes of audio the header declares and the file really holds, from
/// libsndfile's log ("data : 88200 (should be 4000)"); {0, 0} when they agree.
std::pair<qint64, qint64> declaredVersusPresent(SNDFILE* file)
{
    char log[8192] = {};
    sf_command(file, SFC_GET_LOG_INFO, log, sizeof log);
    static const QRegularExpression re(QStringLiteral("^(?:data|SSND|Data Size)\\s*:\\s*(\\d+) \\(should be (\\d+)\\)"),
                                       QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(log));
    if (!m.hasMatch())
        return {0, 0};
    return {m.captured(1).toLongLong(), m.captured(2).toLongLong()};
}

bool isMpeg(int format)
{
    return (format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG;
}

struct SndFileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SndFilePtr = std::unique_ptr<SNDFILE, SndFileCloser>;

/// Checks the path, opens it with libsndfile and validates the header.
SndFilePtr openValidated(const QString& path, SF_INFO& sfinfo, AudioInfo& info)
{
    const QString name = displayName(path);
    const QFileInfo fi(path);
    if (path.contains(QChar::ReplacementCharacter) && !fi.exists())
        throw Error(ErrorCode::FileUnreadable,
                    QStringLiteral("%1: the file name is not valid UTF-8, so it cannot be opened; rename the file.").arg(path));
    if (path.size() > 4000 && !fi.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1…: the path is too long (%2 characters; Linux allows 4096 bytes).")
                                                 .arg(path.left(60)).arg(path.size()));
    if (!fi.exists() && fi.isSymLink())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1 is a symbolic link to nothing (or to a link loop).").arg(path));
    if (!fi.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such file.").arg(path));
    if (fi.isDir())
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 is a folder, not an audio file.").arg(name));
    if (!fi.isFile())
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 is not a regular file.").arg(name));

    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileUnreadable,
                    QStringLiteral("%1 cannot be read: %2.").arg(name, file.errorString()));
    if (file.size() == 0)
        throw Error(ErrorCode::EmptyFile, QStringLiteral("%1 is empty (0 bytes).").arg(name));
    const QByteArray head = file.read(16);
    file.close();

    if (const QString kind = unsupportedContainer(head); !kind.isEmpty())
        throw Error(ErrorCode::UnsupportedFormat,
                    QStringLiteral("%1 looks like %2, which Genrescope cannot decode. "
                                   "Convert it to WAV, FLAC, OGG, Opus or MP3.").arg(name, kind));

    sfinfo = SF_INFO{};
    SNDFILE* raw = sf_open(QFile::encodeName(path).constData(), SFM_READ, &sfinfo);
    if (!raw) {
        const int err = sf_error(nullptr);
        const QString why = QString::fromUtf8(sf_error_number(err));
        switch (err) {
        case SF_ERR_UNRECOGNISED_FORMAT:
            throw Error(ErrorCode::NotAudio, QStringLiteral("%1 is not a recognised audio file.").arg(name));
        case SF_ERR_UNSUPPORTED_ENCODING:
            throw Error(ErrorCode::UnsupportedFormat,
                        QStringLiteral("%1 uses an audio encoding that cannot be decoded (%2).").arg(name, why));
        case SF_ERR_SYSTEM:
            throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 cannot be read: %2").arg(name, why));
        default:
            // libsndfile's own text here is often misleading ("possibly a pipe?").
            if (!hasAudioSignature(head))
                throw Error(ErrorCode::NotAudio, QStringLiteral("%1 is not a recognised audio file.").arg(name));
            throw Error(ErrorCode::BadHeader, QStringLiteral("%1 has a damaged or invalid header.").arg(name));
        }
    }
    SndFilePtr sf(raw);

    info.path = path;
    info.container = containerName(sfinfo.format);
    info.encoding = encodingName(sfinfo.format);
    info.sampleRate = sfinfo.samplerate;
    info.channels = sfinfo.channels;
    info.frames = sfinfo.frames;

    if (sfinfo.channels < 1 || sfinfo.channels > kMaxChannels)
        throw Error(ErrorCode::BadHeader,
                    QStringLiteral("%1 declares %2 channels; 1 to %3 are supported.")
                        .arg(name).arg(sfinfo.channels).arg(kMaxChannels));
    if (sfinfo.samplerate < kMinRate || sfinfo.samplerate > kMaxRate)
        throw Error(ErrorCode::BadHeader,
                    QStringLiteral("%1 declares a sample rate of %2 Hz; %3 to %4 Hz are supported.")
                        .arg(name).arg(sfinfo.samplerate).arg(kMinRate).arg(kMaxRate));
    if (sfinfo.frames <= 0)
        throw Error(ErrorCode::NoAudioFrames, QStringLiteral("%1 contains no audio frames.").arg(name));
    // libsndfile quietly shortens a WAV/AIFF/AU whose data chunk runs past the end of the file.
    if (const auto [declared, present] = declaredVersusPresent(sf.get()); declared > present)
        throw Error(ErrorCode::Truncated,
                    QStringLiteral("%1 is truncated: its header promises %2 bytes of audio but only %3 are there.")
                        .arg(name).arg(declared).arg(present));
    return sf;
}

} // namespace

AudioInfo probeAudio(const QString& path)
{
    SF_INFO sfinfo{};
    AudioInfo info;
    openValidated(path, sfinfo, info);
    return info;
}

struct AudioDecoder::Impl {
    SndFilePtr file;
    SF_INFO sfinfo{};
    std::unique_ptr<Resampler> resampler;
    std::vector<float> interleaved;
    std::vector<float> mono;
    sf_count_t framesRead = 0;
    long outputFrames = 0;
    bool finished = false;
};

AudioDecoder::AudioDecoder(const QString& path, int outputRate)
    : impl_(std::make_unique<Impl>()), outputRate_(outputRate)
{
    impl_->file = openValidated(path, impl_->sfinfo, info_);
    if (info_.sampleRate != outputRate)
        impl_->resampler = std::make_unique<Resampler>(info_.sampleRate, outputRate);
    impl_->interleaved.resize(size_t(kBlockFrames) * size_t(info_.channels));
    impl_->mono.resize(size_t(kBlockFrames));
}

AudioDecoder::~AudioDecoder() = default;

double AudioDecoder::progress() const
{
    return info_.frames > 0 ? std::min(1.0, double(impl_->framesRead) / double(info_.frames)) : 1.0;
}

bool AudioDecoder::readBlock(std::vector<float>& out)
{
    Impl& d = *impl_;
    if (d.finished)
        return false;

    const int channels = info_.channels;
    const sf_count_t got = sf_readf_float(d.file.get(), d.interleaved.data(), kBlockFrames);
    if (got < 0 || sf_error(d.file.get()) != SF_ERR_NO_ERROR) {
        throw Error(ErrorCode::Truncated,
                    QStringLiteral("%1 is damaged or truncated: decoding stopped at %2 s (%3).")
                        .arg(displayName(info_.path))
                        .arg(double(d.framesRead) / info_.sampleRate, 0, 'f', 2)
                        .arg(QString::fromUtf8(sf_strerror(d.file.get()))));
    }

    for (sf_count_t i = 0; i < got * channels; ++i) {
        if (!std::isfinite(d.interleaved[size_t(i)])) {
            const double at = double(d.framesRead + i / channels) / info_.sampleRate;
            throw Error(ErrorCode::NonFiniteSamples,
                        QStringLiteral("%1 contains invalid samples (NaN or infinity) at %2 s.")
                            .arg(displayName(info_.path)).arg(at, 0, 'f', 3));
        }
    }

    // Mix down: the mean of the channels; mono passes through untouched.
    const float* block = d.interleaved.data();
    if (channels > 1) {
        const float scale = 1.0f / float(channels);
        for (sf_count_t f = 0; f < got; ++f) {
            float sum = 0.0f;
            for (int c = 0; c < channels; ++c)
                sum += d.interleaved[size_t(f * channels + c)];
            d.mono[size_t(f)] = sum * scale;
        }
        block = d.mono.data();
    }
    d.framesRead += got;

    const bool atEnd = got < kBlockFrames;
    // MP3 headers may only estimate their length (exact with a Xing/Info frame, else guessed
    // from the file size); other formats state it exactly.
    const sf_count_t missing = info_.frames - d.framesRead;
    const bool mp3Short = missing > std::max<sf_count_t>(2 * info_.sampleRate, info_.frames / 5);
    if (atEnd && missing > 0 && (!isMpeg(d.sfinfo.format) || mp3Short)) {
        throw Error(ErrorCode::Truncated,
                    QStringLiteral("%1 is truncated: its header promises %2 s but the audio ends at %3 s.")
                        .arg(displayName(info_.path))
                        .arg(info_.durationSeconds(), 0, 'f', 2)
                        .arg(double(d.framesRead) / info_.sampleRate, 0, 'f', 2));
    }
    if (atEnd && d.framesRead == 0)
        throw Error(ErrorCode::NoAudioFrames,
                    QStringLiteral("%1 contains no decodable audio.").arg(displayName(info_.path)));

    const size_t before = out.size();
    if (!d.resampler) {
        out.insert(out.end(), block, block + got);
    } else {
        d.resampler->process(block, long(got), out);
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

DecodedAudio decodeAudio(const QString& path, const TaskControl& control, int outputRate)
{
    control.throwIfCancelled();
    AudioDecoder decoder(path, outputRate);
    const auto refuseLength = [&](double seconds) {
        throw Error(ErrorCode::TooLong,
                    QStringLiteral("%1 is %2 min long; whole songs are loaded up to %3 min. "
                                   "'genrescope-cli classify' streams songs of any length.")
                        .arg(displayName(path)).arg(seconds / 60.0, 0, 'f', 0).arg(kMaxWholeSongSeconds / 60.0, 0, 'f', 0));
    };
    if (decoder.info().durationSeconds() > kMaxWholeSongSeconds)
        refuseLength(decoder.info().durationSeconds());
    DecodedAudio result;
    result.source = decoder.info();
    result.sampleRate = outputRate;
    const double expected = double(decoder.info().frames) * outputRate / decoder.info().sampleRate;
    result.samples.reserve(size_t(std::min(expected + 8192.0, 64.0 * 1024 * 1024)));
    while (decoder.readBlock(result.samples)) {
        if (double(result.samples.size()) / outputRate > kMaxWholeSongSeconds)  // an MP3 longer than its header said
            refuseLength(double(result.samples.size()) / outputRate);
        control.throwIfCancelled();
        control.report(decoder.progress());
    }
    control.report(1.0);
    return result;
}

} // namespace genrescope
