// libvorbisfile and libopusfile: Ogg Vorbis and Opus, including chained streams (one file
// of several concatenated Ogg streams) and pages a writer left after the end of a stream.

#include "audio/AudioSource.h"

#include "common/Error.h"

#include <QFile>

#include <opusfile.h>
#include <vorbis/vorbisfile.h>

#include <cerrno>
#include <algorithm>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace genrescope::audio {
namespace {

constexpr long kBlockFrames = 16384;

/// An open file read by position, for the two libraries' callbacks.
struct PositionedFile {
    UniqueFd fd;
    qint64 size = 0;
    qint64 pos = 0;

    PositionedFile(const QString& path)
        : fd(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC))
    {
        if (!fd.valid())
            throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1: cannot be read: %2.")
                                                       .arg(shownPath(path), QString::fromLocal8Bit(std::strerror(errno))));
        struct stat st{};
        ::fstat(fd.get(), &st);
        size = st.st_size;
    }
    qint64 read(void* buffer, qint64 count)
    {
        for (;;) {
            const ssize_t got = ::pread(fd.get(), buffer, size_t(std::max<qint64>(0, count)), off_t(pos));
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0)
                pos += got;
            return got;
        }
    }
    int seek(qint64 offset, int whence)
    {
        const qint64 base = whence == SEEK_CUR ? pos : whence == SEEK_END ? size : 0;
        if (base + offset < 0)
            return -1;
        pos = base + offset;
        return 0;
    }
    double progress() const { return size > 0 ? std::min(1.0, double(pos) / double(size)) : 0.0; }
};

[[noreturn]] void throwChangedFormat(const AudioInfo& info, int rate, int channels, qint64 at)
{
    throw Error(ErrorCode::UnsupportedFormat,
                QStringLiteral("%1: a chained stream changes from %2 Hz to %3 Hz (%4 channels) at %5 s. Convert the parts "
                               "to one rate, or split the file.")
                    .arg(shownPath(info.path)).arg(info.sampleRate).arg(rate).arg(channels)
                    .arg(double(at) / info.sampleRate, 0, 'f', 2));
}

class VorbisSource final : public AudioSource {
public:
    explicit VorbisSource(const QString& path) : file_(path)
    {
        const ov_callbacks callbacks{
            [](void* ptr, size_t size, size_t n, void* self) -> size_t {
                const qint64 got = static_cast<PositionedFile*>(self)->read(ptr, qint64(size * n));
                return got > 0 && size > 0 ? size_t(got) / size : 0;
            },
            [](void* self, ogg_int64_t offset, int whence) { return static_cast<PositionedFile*>(self)->seek(offset, whence); },
            nullptr,
            [](void* self) -> long { return long(static_cast<PositionedFile*>(self)->pos); },
        };
        const int rc = ov_open_callbacks(&file_, &vf_, nullptr, 0, callbacks);
        if (rc != 0)
            throw Error(rc == OV_ENOTVORBIS ? ErrorCode::NotAudio : ErrorCode::BadHeader,
                        QStringLiteral("%1: the Ogg Vorbis headers are damaged (%2). Re-encode or re-download the file.")
                            .arg(shownPath(path), describe(rc)));
        open_ = true;
        const vorbis_info* vi = ov_info(&vf_, 0);
        info.container = QStringLiteral("OGG Vorbis");
        info.encoding = QStringLiteral("Vorbis");
        info.sampleRate = vi ? int(vi->rate) : 0;
        info.channels = vi ? vi->channels : 0;
        const ogg_int64_t total = ov_pcm_total(&vf_, -1);
        info.frames = total > 0 ? total : 0;
        info.headerLength = total > 0 ? HeaderLength::Exact : HeaderLength::Unknown;
        if (const long links = ov_streams(&vf_); links > 1)
            info.note = QStringLiteral("a chain of %1 Ogg streams, decoded as one").arg(links);
    }
    ~VorbisSource() override
    {
        if (open_)
            ov_clear(&vf_);
    }

    long readMono(float* mono, long maxFrames) override
    {
        for (;;) {
            float** pcm = nullptr;
            int link = 0;
            const long got = ov_read_float(&vf_, &pcm, int(std::min(maxFrames, kBlockFrames)), &link);
            if (got == OV_HOLE) {  // a gap or a corrupt page; vorbisfile resynchronises at the next page
                ++holes_;
                continue;
            }
            if (got < 0)
                throw Error(ErrorCode::Truncated,
                            QStringLiteral("%1: damaged: decoding stopped at %2 s (%3). Re-encode or re-download the file.")
                                .arg(shownPath(info.path)).arg(double(framesRead_) / info.sampleRate, 0, 'f', 2)
                                .arg(describe(int(got))));
            if (got == 0) {
                if (holes_ > 0)
                    info.note = QStringLiteral("%1 damaged or missing part(s) of the Ogg stream were skipped").arg(holes_);
                return 0;
            }
            const vorbis_info* vi = ov_info(&vf_, link);
            if (vi && int(vi->rate) != info.sampleRate)
                throwChangedFormat(info, int(vi->rate), vi->channels, framesRead_);
            const int channels = vi ? vi->channels : info.channels;
            for (long i = 0; i < got; ++i) {  // vorbisfile gives one array per channel
                float sum = 0.0f;
                for (int c = 0; c < channels; ++c)
                    sum += pcm[c][i];
                mono[i] = channels == 1 ? pcm[0][i] : sum * (1.0f / float(channels));
            }
            framesRead_ += got;
            return got;
        }
    }

    double progress() const override { return file_.progress(); }

private:
    static QString describe(int rc)
    {
        switch (rc) {
        case OV_EREAD: return QStringLiteral("read error");
        case OV_ENOTVORBIS: return QStringLiteral("not Vorbis data");
        case OV_EVERSION: return QStringLiteral("unsupported Vorbis version");
        case OV_EBADHEADER: return QStringLiteral("invalid Vorbis header");
        case OV_EBADLINK: return QStringLiteral("invalid stream section");
        default: return QStringLiteral("error %1").arg(rc);
        }
    }

    PositionedFile file_;
    OggVorbis_File vf_{};
    bool open_ = false;
    qint64 framesRead_ = 0;
    int holes_ = 0;
};

class OpusSource final : public AudioSource {
public:
    explicit OpusSource(const QString& path) : file_(path)
    {
        const OpusFileCallbacks callbacks{
            [](void* self, unsigned char* ptr, int n) -> int {
                return int(std::max<qint64>(0, static_cast<PositionedFile*>(self)->read(ptr, n)));
            },
            [](void* self, opus_int64 offset, int whence) { return static_cast<PositionedFile*>(self)->seek(offset, whence); },
            [](void* self) -> opus_int64 { return static_cast<PositionedFile*>(self)->pos; },
            nullptr,
        };
        int rc = 0;
        of_ = op_open_callbacks(&file_, &callbacks, nullptr, 0, &rc);
        if (!of_)
            throw Error(rc == OP_ENOTFORMAT ? ErrorCode::NotAudio : ErrorCode::BadHeader,
                        QStringLiteral("%1: the Opus headers are damaged (error %2). Re-encode or re-download the file.")
                            .arg(shownPath(path)).arg(rc));
        info.container = QStringLiteral("Opus");
        info.encoding = QStringLiteral("Opus");
        info.sampleRate = 48000;  // Opus always decodes at 48 kHz
        info.channels = op_channel_count(of_, 0);
        const opus_int64 total = op_pcm_total(of_, -1);
        info.frames = total > 0 ? total : 0;
        info.headerLength = total > 0 ? HeaderLength::Exact : HeaderLength::Unknown;
        if (const int links = op_link_count(of_); links > 1)
            info.note = QStringLiteral("a chain of %1 Ogg streams, decoded as one").arg(links);
        interleaved_.resize(size_t(kBlockFrames) * 8);
    }
    ~OpusSource() override
    {
        if (of_)
            op_free(of_);
    }

    long readMono(float* mono, long maxFrames) override
    {
        while (pendingAt_ >= pending_.size()) {  // opusfile picks the block size; serve it in parts
            int link = 0;
            const int got = op_read_float(of_, interleaved_.data(), int(interleaved_.size()), &link);
            if (got == OP_HOLE) {
                ++holes_;
                continue;
            }
            if (got < 0)
                throw Error(ErrorCode::Truncated,
                            QStringLiteral("%1: damaged: decoding stopped at %2 s (error %3). Re-encode or re-download the "
                                           "file.")
                                .arg(shownPath(info.path)).arg(double(framesRead_) / info.sampleRate, 0, 'f', 2).arg(got));
            if (got == 0) {
                if (holes_ > 0)
                    info.note = QStringLiteral("%1 damaged or missing part(s) of the Ogg stream were skipped").arg(holes_);
                return 0;
            }
            pending_.resize(size_t(got));
            mixToMono(interleaved_.data(), got, op_channel_count(of_, link), pending_.data());
            pendingAt_ = 0;
        }
        const long frames = std::min<long>(maxFrames, long(pending_.size() - pendingAt_));
        std::copy_n(pending_.data() + pendingAt_, frames, mono);
        pendingAt_ += size_t(frames);
        framesRead_ += frames;
        return frames;
    }

    double progress() const override { return file_.progress(); }

private:
    PositionedFile file_;
    OggOpusFile* of_ = nullptr;
    std::vector<float> interleaved_;
    std::vector<float> pending_;  // mono frames decoded but not yet read
    size_t pendingAt_ = 0;
    qint64 framesRead_ = 0;
    int holes_ = 0;
};

} // namespace

std::unique_ptr<AudioSource> openVorbisSource(const QString& path)
{
    auto source = std::make_unique<VorbisSource>(path);
    source->info.path = path;
    return source;
}

std::unique_ptr<AudioSource> openOpusSource(const QString& path)
{
    auto source = std::make_unique<OpusSource>(path);
    source->info.path = path;
    return source;
}

} // namespace genrescope::audio
