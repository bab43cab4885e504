// libsndfile: WAV, AIFF, FLAC, CAF, AU, W64, RF64 and the other formats it reads. The file
// is read through libsndfile's virtual I/O so that a size a streamed write left open can be
// filled in before libsndfile sees the header.

#include "audio/AudioSource.h"

#include "common/Error.h"

#include <QFile>
#include <QRegularExpression>

#include <sndfile.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace genrescope::audio {
namespace {

constexpr sf_count_t kBlockFrames = 65536;

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
        return (format & SF_FORMAT_SUBMASK) == SF_FORMAT_OPUS ? QStringLiteral("Opus") : QStringLiteral("OGG Vorbis");
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

/// The file as libsndfile's virtual I/O sees it: the bytes on disk with the sniffer's patches laid over.
struct PatchedFile {
    std::unique_ptr<UniqueFd> fd;
    sf_count_t size = 0;
    sf_count_t pos = 0;
    std::vector<BytePatch> patches;

    static sf_count_t length(void* self) { return static_cast<PatchedFile*>(self)->size; }
    static sf_count_t tell(void* self) { return static_cast<PatchedFile*>(self)->pos; }
    static sf_count_t seek(sf_count_t offset, int whence, void* self)
    {
        auto* f = static_cast<PatchedFile*>(self);
        const sf_count_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->size : 0;
        if (base + offset < 0)
            return -1;
        f->pos = base + offset;
        return f->pos;
    }
    static sf_count_t write(const void*, sf_count_t, void*) { return 0; }
    static sf_count_t read(void* buffer, sf_count_t count, void* self)
    {
        auto* f = static_cast<PatchedFile*>(self);
        sf_count_t done = 0;
        while (done < count) {
            const ssize_t got = ::pread(f->fd->get(), static_cast<char*>(buffer) + done, size_t(count - done), off_t(f->pos + done));
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            done += got;
        }
        for (const BytePatch& p : f->patches) {  // lay each patch over the part of it this read covers
            const sf_count_t from = std::max<sf_count_t>(p.offset, f->pos);
            const sf_count_t to = std::min<sf_count_t>(p.offset + p.bytes.size(), f->pos + done);
            if (from < to)
                std::memcpy(static_cast<char*>(buffer) + (from - f->pos), p.bytes.constData() + (from - p.offset),
                            size_t(to - from));
        }
        f->pos += done;
        return done;
    }
};

class SndfileSource final : public AudioSource {
public:
    SndfileSource(const QString& path, const SniffResult& sniff)
    {
        const QString shown = shownPath(path);
        file_.fd = std::make_unique<UniqueFd>(::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC));
        if (!file_.fd->valid())
            throw Error(ErrorCode::FileUnreadable,
                        QStringLiteral("%1: cannot be read: %2.").arg(shown, QString::fromLocal8Bit(std::strerror(errno))));
        struct stat st{};
        ::fstat(file_.fd->get(), &st);
        file_.size = st.st_size;
        file_.patches = sniff.patches;
        QByteArray head(16, '\0');
        head.resize(std::max<qsizetype>(0, ::pread(file_.fd->get(), head.data(), 16, 0)));

        SF_VIRTUAL_IO io{&PatchedFile::length, &PatchedFile::seek, &PatchedFile::read, &PatchedFile::write,
                         &PatchedFile::tell};
        SNDFILE* raw = sf_open_virtual(&io, SFM_READ, &sfinfo_, &file_);
        if (!raw) {
            const int err = sf_error(nullptr);
            switch (err) {
            case SF_ERR_UNRECOGNISED_FORMAT:
                throw Error(ErrorCode::NotAudio, QStringLiteral("%1: not a recognised audio file. Check that it is "
                                                                "WAV, FLAC, OGG, Opus, MP3 or AIFF audio.").arg(shown));
            case SF_ERR_UNSUPPORTED_ENCODING:
                throw Error(ErrorCode::UnsupportedFormat,
                            QStringLiteral("%1: cannot decode its audio encoding (%2); convert it to WAV or FLAC.")
                                .arg(shown, QString::fromUtf8(sf_error_number(err))));
            case SF_ERR_SYSTEM:
                throw Error(ErrorCode::FileUnreadable,
                            QStringLiteral("%1: cannot be read: %2.").arg(shown, QString::fromUtf8(sf_error_number(err))));
            default:
                // libsndfile's own text here is often misleading ("possibly a pipe?").
                if (!hasAudioSignature(head))
                    throw Error(ErrorCode::NotAudio, QStringLiteral("%1: not a recognised audio file. Check that it "
                                                                    "is WAV, FLAC, OGG, Opus, MP3 or AIFF audio.").arg(shown));
                throw Error(ErrorCode::BadHeader,
                            QStringLiteral("%1: the header is damaged or invalid. Re-encode or re-download the file.").arg(shown));
            }
        }
        file_ptr_.reset(raw);

        info.container = containerName(sfinfo_.format);
        info.encoding = encodingName(sfinfo_.format);
        info.sampleRate = sfinfo_.samplerate;
        info.channels = sfinfo_.channels;
        info.frames = sfinfo_.frames;
        if (sniff.sizeLeftOpen) {
            info.headerLength = HeaderLength::Unknown;
            info.note = QStringLiteral("the header leaves the length open (a streamed write); read to the end of the file");
        }
        // libFLAC reports an unknown total (a FLAC written through a pipe) as the largest count.
        if (sfinfo_.frames >= std::numeric_limits<sf_count_t>::max() / 4) {
            info.frames = 0;
            info.headerLength = HeaderLength::Unknown;
            info.note = QStringLiteral("the header leaves the length open (a streamed write); read to the end of the file");
        }
        // libsndfile quietly shortens a WAV/AIFF/AU whose data chunk runs past the end of the file.
        if (const auto [declared, present] = declaredVersusPresent(file_ptr_.get()); declared > present && present >= 0) {
            promisedFrames_ = present > 0 ? qint64(double(sfinfo_.frames) * double(declared) / double(present))
                                          : std::max<qint64>(1, declared);
        }
        interleaved_.resize(size_t(kBlockFrames) * size_t(std::max(1, sfinfo_.channels)));
    }

    /// Frames the header promised when the data chunk is shorter than it says (0: it is not).
    qint64 promisedFrames() const { return promisedFrames_; }

    long readMono(float* mono, long maxFrames) override
    {
        const sf_count_t want = std::min<sf_count_t>(maxFrames, kBlockFrames);
        const sf_count_t got = sf_readf_float(file_ptr_.get(), interleaved_.data(), want);
        if (got < 0 || sf_error(file_ptr_.get()) != SF_ERR_NO_ERROR)
            throw Error(ErrorCode::Truncated,
                        QStringLiteral("%1: damaged or truncated: decoding stopped at %2 s (%3). Re-encode or "
                                       "re-download the file.")
                            .arg(shownPath(info.path))
                            .arg(double(framesRead_) / info.sampleRate, 0, 'f', 2)
                            .arg(QString::fromUtf8(sf_strerror(file_ptr_.get()))));
        mixToMono(interleaved_.data(), long(got), info.channels, mono);
        framesRead_ += got;
        return long(got);
    }

    double progress() const override
    {
        if (info.frames > 0)
            return std::min(1.0, double(framesRead_) / double(info.frames));
        return file_.size > 0 ? std::min(1.0, double(file_.pos) / double(file_.size)) : 0.0;
    }

private:
    struct Closer {
        void operator()(SNDFILE* f) const { sf_close(f); }
    };
    PatchedFile file_;
    SF_INFO sfinfo_{};
    std::unique_ptr<SNDFILE, Closer> file_ptr_;
    std::vector<float> interleaved_;
    sf_count_t framesRead_ = 0;
    qint64 promisedFrames_ = 0;
};

} // namespace

std::unique_ptr<AudioSource> openSndfileSource(const QString& path, const SniffResult& sniff)
{
    auto source = std::make_unique<SndfileSource>(path, sniff);
    source->info.path = path;
    if (const qint64 promised = source->promisedFrames(); promised > 0)
        checkLength(source->info, promised, source->info.frames);  // a data chunk shorter than the header says
    return source;
}

} // namespace genrescope::audio
