// libmpg123: MP3 files and MP3 inside WAV. mpg123 decodes to the real end of the stream,
// through concatenated files, appended tags and trailing junk, whatever the first frame's
// header estimated; libsndfile's MP3 path stops at that estimate.

#include "audio/AudioSource.h"

#include "common/Error.h"

#include <QFile>
#include <QtEndian>

#include <mpg123.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace genrescope::audio {
namespace {

constexpr long kBlockFrames = 65536;

/// The bytes mpg123 may read: [offset, offset + size) of the file.
struct ByteWindow {
    int fd = -1;
    qint64 offset = 0;
    qint64 size = 0;
    qint64 pos = 0;  // relative to offset

    static mpg123_ssize_t read(void* self, void* buffer, size_t count)
    {
        auto* w = static_cast<ByteWindow*>(self);
        const qint64 want = std::min<qint64>(qint64(count), w->size - w->pos);
        if (want <= 0)
            return 0;
        for (;;) {
            const ssize_t got = ::pread(w->fd, buffer, size_t(want), off_t(w->offset + w->pos));
            if (got < 0 && errno == EINTR)
                continue;
            if (got > 0)
                w->pos += got;
            return got;
        }
    }
    static off_t seek(void* self, off_t offset, int whence)
    {
        auto* w = static_cast<ByteWindow*>(self);
        const qint64 base = whence == SEEK_CUR ? w->pos : whence == SEEK_END ? w->size : 0;
        if (base + offset < 0 || base + offset > w->size)
            return -1;
        w->pos = base + offset;
        return off_t(w->pos);
    }
};

/// True when the first MPEG frame is a Xing/Info (with a frame count) or VBRI frame: the
/// header's length is then stated by the encoder, not estimated from the file size.
bool hasLengthFrame(int fd, qint64 offset, qint64 size)
{
    QByteArray head(8192, '\0');
    const ssize_t got = ::pread(fd, head.data(), size_t(std::min<qint64>(head.size(), size)), off_t(offset));
    head.resize(std::max<qsizetype>(0, got));
    qsizetype at = 0;
    if (const qint64 tag = id3v2TagSize(head); tag > 0) {  // skip a leading ID3v2 tag
        at = qsizetype(tag);
        if (at + 64 > head.size()) {
            head.resize(256);
            const ssize_t more = ::pread(fd, head.data(), 256, off_t(offset + at));
            head.resize(std::max<qsizetype>(0, more));
            at = 0;
        }
    }
    while (at + 1 < head.size() && !(quint8(head[at]) == 0xFF && (quint8(head[at + 1]) & 0xE0) == 0xE0))
        ++at;
    const QByteArray frame = head.mid(at, 64);
    for (const char* tag : {"Xing", "Info"}) {
        const qsizetype i = frame.indexOf(tag);
        if (i >= 4 && frame.size() >= i + 8)
            return (qFromBigEndian<quint32>(frame.constData() + i + 4) & 1) != 0;  // the frame-count field is present
    }
    return frame.indexOf("VBRI") == 36;
}

class MpegSource final : public AudioSource {
public:
    MpegSource(const QString& path, const SniffResult& sniff)
    {
        static std::once_flag once;
        std::call_once(once, [] { mpg123_init(); });
        const QString shown = shownPath(path);
        fd_ = std::make_unique<UniqueFd>(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
        window_.fd = fd_->get();
        if (!fd_->valid())
            throw Error(ErrorCode::FileUnreadable,
                        QStringLiteral("%1: cannot be read: %2.").arg(shown, QString::fromLocal8Bit(std::strerror(errno))));
        struct stat st{};
        ::fstat(window_.fd, &st);
        window_.offset = sniff.mpegOffset;
        window_.size = sniff.mpegSize >= 0 ? sniff.mpegSize : qint64(st.st_size) - sniff.mpegOffset;

        int err = MPG123_OK;
        handle_.reset(mpg123_new(nullptr, &err));
        if (!handle_)
            throw Error(ErrorCode::UnsupportedFormat, QStringLiteral("%1: the MP3 decoder could not start (%2).")
                                                          .arg(shown, QString::fromUtf8(mpg123_plain_strerror(err))));
        mpg123_param(handle_.get(), MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_FORCE_FLOAT | MPG123_GAPLESS, 0.0);
        // Search to the end for the next frame: trailing zeros or junk after the audio end the stream, not an error.
        mpg123_param(handle_.get(), MPG123_RESYNC_LIMIT, -1, 0.0);
        mpg123_format_none(handle_.get());
        const long* rates = nullptr;
        size_t count = 0;
        mpg123_rates(&rates, &count);
        for (size_t i = 0; i < count; ++i)
            mpg123_format(handle_.get(), rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
        mpg123_replace_reader_handle(handle_.get(), &ByteWindow::read, &ByteWindow::seek, nullptr);

        long rate = 0;
        int channels = 0, encoding = 0;
        if (mpg123_open_handle(handle_.get(), &window_) != MPG123_OK ||
            mpg123_getformat(handle_.get(), &rate, &channels, &encoding) != MPG123_OK || rate <= 0 || channels <= 0)
            throw Error(ErrorCode::BadHeader,
                        QStringLiteral("%1: no MPEG audio frame could be read (%2). Re-encode or re-download the file.")
                            .arg(shown, QString::fromUtf8(mpg123_strerror(handle_.get()))));
        mpg123_format_none(handle_.get());  // keep this format from here on
        mpg123_format(handle_.get(), rate, channels, MPG123_ENC_FLOAT_32);

        mpg123_frameinfo frame{};
        mpg123_info(handle_.get(), &frame);
        info.container = sniff.container.isEmpty() ? QStringLiteral("MP3") : sniff.container;
        info.encoding = QStringLiteral("MPEG layer %1").arg(frame.layer == 3 ? QStringLiteral("III")
                                                          : frame.layer == 2 ? QStringLiteral("II") : QStringLiteral("I"));
        info.sampleRate = int(rate);
        info.channels = channels;
        const off_t length = mpg123_length(handle_.get());
        info.frames = length > 0 ? qint64(length) : 0;
        info.headerLength = length <= 0 ? HeaderLength::Unknown
                            : hasLengthFrame(window_.fd, window_.offset, window_.size) ? HeaderLength::Exact
                                                                                       : HeaderLength::Estimate;
        info.mayRunLonger = true;  // a Xing frame counts its own stream; `cat a.mp3 b.mp3` holds more
        interleaved_.resize(size_t(kBlockFrames) * 2);
    }

    long readMono(float* mono, long maxFrames) override
    {
        const long want = std::min(maxFrames, kBlockFrames);
        size_t bytes = 0;
        for (;;) {
            const int rc = mpg123_read(handle_.get(), interleaved_.data(), size_t(want) * size_t(info.channels) * sizeof(float),
                                       &bytes);
            if (rc == MPG123_NEW_FORMAT) {
                long rate = 0;
                int channels = 0, encoding = 0;
                mpg123_getformat(handle_.get(), &rate, &channels, &encoding);
                if (rate != info.sampleRate || channels != info.channels)
                    throw Error(ErrorCode::UnsupportedFormat,
                                QStringLiteral("%1: the stream changes from %2 Hz, %3 channels to %4 Hz, %5 channels at "
                                               "%6 s. Convert the parts to one format, or split the file.")
                                    .arg(shownPath(info.path)).arg(info.sampleRate).arg(info.channels).arg(rate)
                                    .arg(channels).arg(double(framesRead_) / info.sampleRate, 0, 'f', 2));
                continue;
            }
            if (rc == MPG123_OK || rc == MPG123_DONE)
                break;
            throw Error(ErrorCode::Truncated,
                        QStringLiteral("%1: damaged: decoding stopped at %2 s (%3). Re-encode or re-download the file.")
                            .arg(shownPath(info.path))
                            .arg(double(framesRead_) / info.sampleRate, 0, 'f', 2)
                            .arg(QString::fromUtf8(mpg123_strerror(handle_.get()))));
        }
        const long frames = long(bytes / sizeof(float) / size_t(info.channels));
        mixToMono(interleaved_.data(), frames, info.channels, mono);
        framesRead_ += frames;
        return frames;
    }

    double progress() const override
    {
        return window_.size > 0 ? std::min(1.0, double(window_.pos) / double(window_.size)) : 0.0;
    }

private:
    struct HandleDeleter {
        void operator()(mpg123_handle* h) const
        {
            mpg123_close(h);
            mpg123_delete(h);
        }
    };
    std::unique_ptr<UniqueFd> fd_;
    ByteWindow window_;
    std::unique_ptr<mpg123_handle, HandleDeleter> handle_;
    std::vector<float> interleaved_;
    qint64 framesRead_ = 0;
};

} // namespace

std::unique_ptr<AudioSource> openMpegSource(const QString& path, const SniffResult& sniff)
{
    auto source = std::make_unique<MpegSource>(path, sniff);
    source->info.path = path;
    return source;
}

} // namespace genrescope::audio
