#include "data/AudioDataset.h"

#include "audio/AudioDecoder.h"
#include "audio/AudioFormats.h"
#include "common/Error.h"
#include "dsp/MelImage.h"
#include "features/FeatureExtractor.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QStandardPaths>

#include <cstring>

namespace genrescope::data {
namespace {

constexpr char kCacheMagic[] = "GSCCACHE";  // + u32 format version + u32 kind + u32 count + float32[count]
constexpr quint32 kCacheVersion = 1;

QString cachePath(const QByteArray& hash, InputKind kind)
{
    return QDir(analysisCacheDir()).filePath(QString::fromLatin1(hash.toHex()) + (kind == InputKind::Features ? ".features" : ".image"));
}

bool readCache(const QString& path, InputKind kind, std::vector<float>& values)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray b = f.readAll();
    if (b.size() < 20 || !b.startsWith(kCacheMagic))
        return false;
    quint32 version, k, count;
    std::memcpy(&version, b.constData() + 8, 4);
    std::memcpy(&k, b.constData() + 12, 4);
    std::memcpy(&count, b.constData() + 16, 4);
    if (version != kCacheVersion || k != quint32(kind) || qsizetype(count) * 4 + 20 != b.size() ||
        count != values.size())
        return false;  // stale or damaged: recompute
    std::memcpy(values.data(), b.constData() + 20, size_t(count) * 4);
    return true;
}

void writeCache(const QString& path, InputKind kind, const std::vector<float>& values)
{
    QDir().mkpath(QFileInfo(path).path());
    QByteArray b(kCacheMagic, 8);
    const quint32 header[3] = {kCacheVersion, quint32(kind), quint32(values.size())};
    b.append(reinterpret_cast<const char*>(header), sizeof header);
    b.append(reinterpret_cast<const char*>(values.data()), qsizetype(values.size() * 4));
    QSaveFile f(path);
    if (f.open(QIODevice::WriteOnly) && f.write(b) == b.size())
        f.commit();  // a cache that cannot be written is only a missed speed-up
}

} // namespace

QString analysisCacheDir()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (base.isEmpty())
        base = QDir::tempPath();
    return base + QStringLiteral("/genrescope/analysis-v1");
}

Dataset loadAudioFolder(const QString& dir, InputKind kind, QStringList* skipped, const TaskControl& control)
{
    if (!QFileInfo(dir).isDir())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1 is not a folder.").arg(dir));
    const QStringList files = audioformats::collectAudioFiles({dir});
    if (files.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 contains no audio files.").arg(dir));
    const long width = kind == InputKind::Features ? kFeatureCount : long(kMelImageRows) * kMelImageColumns;
    std::vector<std::vector<float>> rows;
    QStringList names, songs, labels;
    for (int i = 0; i < files.size(); ++i) {
        control.throwIfCancelled();
        control.report(double(i) / files.size());
        QFile f(files[i]);
        if (!f.open(QIODevice::ReadOnly)) {
            if (skipped)
                *skipped << QStringLiteral("%1: cannot be read").arg(files[i]);
            continue;
        }
        QCryptographicHash hash(QCryptographicHash::Sha256);
        hash.addData(&f);
        const QString cached = cachePath(hash.result(), kind);
        std::vector<float> values(static_cast<size_t>(width));
        if (!readCache(cached, kind, values)) {
            try {
                const DecodedAudio audio = decodeAudio(files[i], control);
                if (kind == InputKind::Features) {
                    const FeatureValues v = extractFeatures(audio.samples.data(), long(audio.samples.size()), control);
                    std::copy(v.begin(), v.end(), values.begin());
                } else {
                    const MelImage image = melImageFromAudio(audio.samples.data(), long(audio.samples.size()));
                    for (size_t k = 0; k < image.index.size(); ++k)
                        values[k] = float(image.index[k]) / 255.0f;
                }
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& e) {
                if (skipped)
                    *skipped << QStringLiteral("%1: %2").arg(files[i], e.message());
                continue;
            }
            writeCache(cached, kind, values);
        }
        rows.push_back(std::move(values));
        names << QFileInfo(files[i]).fileName();
        songs << songIdFromFilename(files[i]);
        labels << QFileInfo(files[i]).dir().dirName();
    }
    if (rows.empty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("No file in %1 could be analysed.").arg(dir));
    Dataset d;
    d.kind = kind;
    d.source = QFileInfo(dir).fileName();
    if (kind == InputKind::Features)
        d.inputs.resize({int(rows.size()), kFeatureCount});
    else
        d.inputs.resize({int(rows.size()), 1, kMelImageRows, kMelImageColumns});
    for (size_t r = 0; r < rows.size(); ++r)
        std::copy(rows[r].begin(), rows[r].end(), d.inputs.sample(int(r)));
    d.names = names;
    d.songIds = songs;
    setLabels(d, labels);
    control.report(1.0);
    return d;
}

} // namespace genrescope::data
