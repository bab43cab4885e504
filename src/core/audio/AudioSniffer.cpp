// Which library decodes a file, decided from its first bytes and chunk headers.

#include "audio/AudioSource.h"

#include <QFile>
#include <QtEndian>

namespace genrescope::audio {
namespace {

/// Containers no library of ours reads, recognised so the user is told what the file is.
QString unreadableContainer(const QByteArray& head)
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

bool isMpegSync(const QByteArray& b, qsizetype at)
{
    if (b.size() < at + 3)
        return false;
    const quint8 b0 = quint8(b[at]), b1 = quint8(b[at + 1]), b2 = quint8(b[at + 2]);
    const bool layerValid = ((b1 >> 1) & 3) != 0;          // 00 is reserved (and ADTS's)
    const bool rateValid = ((b2 >> 2) & 3) != 3;
    const bool bitrateValid = (b2 >> 4) != 15;
    return b0 == 0xFF && (b1 & 0xE0) == 0xE0 && ((b1 >> 3) & 3) != 1 && layerValid && rateValid && bitrateValid;
}

/// Codecs seen in WAV files that libsndfile does not decode, by format tag.
QString wavCodecName(quint16 tag)
{
    switch (tag) {
    case 0x674f: case 0x6750: case 0x6751: case 0x676f: case 0x6770: case 0x6771:
        return QStringLiteral("Ogg Vorbis (Vorbis ACM)");
    case 0x00ff: case 0x1610: case 0x4143: case 0xa106: return QStringLiteral("AAC");
    case 0x0160: case 0x0161: case 0x0162: case 0x0163: return QStringLiteral("Windows Media Audio");
    case 0x0092: case 0x2000: return QStringLiteral("AC-3");
    case 0x2001: return QStringLiteral("DTS");
    case 0xf1ac: return QStringLiteral("FLAC");
    case 0x0270: return QStringLiteral("ATRAC3");
    default: return {};
    }
}

/// Streaming writers leave a WAV's sizes open as 0 or 0xFFFFFFFF.
bool isOpenSize(quint32 size)
{
    return size == 0 || size == 0xFFFFFFFFu;
}

QByteArray le32(quint32 v)
{
    QByteArray b(4, '\0');
    qToLittleEndian(v, b.data());
    return b;
}

void sniffWav(QFile& file, SniffResult& r)
{
    const qint64 fileSize = file.size();
    file.seek(4);
    const QByteArray riffSize = file.read(4);
    if (riffSize.size() < 4)
        return;
    qint64 pos = 12;
    quint16 tag = 0, blockAlign = 1;
    while (pos + 8 <= fileSize) {
        file.seek(pos);
        const QByteArray chunk = file.read(8);
        if (chunk.size() < 8)
            return;
        const QByteArray id = chunk.left(4);
        const quint32 size = qFromLittleEndian<quint32>(chunk.constData() + 4);
        if (id == "fmt ") {
            const QByteArray fmt = file.read(std::min<quint32>(size, 40));
            if (fmt.size() < 16)
                return;
            tag = qFromLittleEndian<quint16>(fmt.constData());
            blockAlign = std::max<quint16>(1, qFromLittleEndian<quint16>(fmt.constData() + 12));
            if (tag == 0xFFFE && fmt.size() >= 26)  // WAVE_FORMAT_EXTENSIBLE: the sub-format GUID starts with the tag
                tag = qFromLittleEndian<quint16>(fmt.constData() + 24);
        } else if (id == "data") {
            const qint64 dataStart = pos + 8;
            const qint64 present = fileSize - dataStart;
            if (tag == 0x0055 || tag == 0x0050) {  // MPEG layer 3, MPEG 1/2: mpg123 reads the data chunk
                r.library = SniffResult::Library::Mpeg;
                r.container = QStringLiteral("MP3 in WAV");
                r.mpegOffset = dataStart;
                r.mpegSize = isOpenSize(size) || size > present ? present : qint64(size);
                r.sizeLeftOpen = isOpenSize(size);
            } else if (const QString codec = wavCodecName(tag); !codec.isEmpty()) {
                r.unsupportedCodec = codec;
            } else if (isOpenSize(size) && present > 0 &&
                       (size != 0 || isOpenSize(qFromLittleEndian<quint32>(riffSize.constData())))) {
                // 0xFFFFFFFF, or 0 with the RIFF size left open too: a streamed write, not an empty recording
                qint64 whole = std::min<qint64>(present, 0xFFFFFFF0);
                whole -= whole % blockAlign;
                r.patches.push_back({pos + 4, le32(quint32(whole))});
                r.patches.push_back({4, le32(quint32(std::min<qint64>(fileSize - 8, 0xFFFFFFF0)))});
                r.sizeLeftOpen = true;
            }
            return;
        }
        pos += 8 + qint64(size) + (size & 1);
    }
}

void sniffCaf(QFile& file, SniffResult& r)
{
    const qint64 fileSize = file.size();
    qint64 pos = 8;
    while (pos + 12 <= fileSize) {
        file.seek(pos);
        const QByteArray chunk = file.read(12);
        if (chunk.size() < 12)
            return;
        const qint64 size = qFromBigEndian<qint64>(chunk.constData() + 4);
        if (chunk.startsWith("data")) {
            if (size == -1) {  // "to the end of the file", as streaming writers leave it
                QByteArray real(8, '\0');
                qToBigEndian<qint64>(fileSize - (pos + 12), real.data());
                r.patches.push_back({pos + 4, real});
                r.sizeLeftOpen = true;
            }
            return;
        }
        if (size < 0 || size > fileSize - pos - 12)
            return;
        pos += 12 + size;
    }
}

void sniffOgg(const QByteArray& head, SniffResult& r)
{
    if (head.size() < 28)
        return;
    const int segments = quint8(head[26]);
    const QByteArray packet = head.mid(27 + segments, 16);
    if (packet.startsWith("\x01vorbis"))
        r.library = SniffResult::Library::Vorbis;
    else if (packet.startsWith("OpusHead"))
        r.library = SniffResult::Library::Opus;
    else if (packet.startsWith("\x7F" "FLAC"))
        r.unsupportedCodec = QStringLiteral("FLAC in Ogg (Ogg FLAC)");
    else if (packet.startsWith("Speex   "))
        r.unsupportedCodec = QStringLiteral("Speex");
    else if (packet.startsWith("\x80theora"))
        r.unsupportedCodec = QStringLiteral("Theora video");
}

} // namespace

qint64 id3v2TagSize(const QByteArray& head)
{
    if (head.size() < 10 || !head.startsWith("ID3"))
        return 0;
    qint64 size = 0;
    for (int i = 6; i < 10; ++i)
        size = (size << 7) | (quint8(head[i]) & 0x7F);
    const bool footer = quint8(head[5]) & 0x10;
    return 10 + size + (footer ? 10 : 0);
}

SniffResult sniffAudioFile(const QString& path)
{
    SniffResult r;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return r;
    const QByteArray head = file.read(4096);
    if (const QString kind = unreadableContainer(head); !kind.isEmpty()) {
        r.unsupportedContainer = kind;
        return r;
    }
    if (head.startsWith("RIFF") && head.mid(8, 4) == "WAVE") {
        sniffWav(file, r);
    } else if (head.startsWith("caff")) {
        sniffCaf(file, r);
    } else if (head.startsWith("OggS")) {
        sniffOgg(head, r);
    } else if (const qint64 tag = id3v2TagSize(head); tag > 0) {
        file.seek(tag);
        const QByteArray after = file.read(4);
        if (!after.startsWith("fLaC") && !after.startsWith("RIFF"))  // libsndfile skips ID3 before those itself
            r.library = SniffResult::Library::Mpeg;
    } else if (isMpegSync(head, 0)) {
        r.library = SniffResult::Library::Mpeg;
    }
    return r;
}

} // namespace genrescope::audio
