#include "classify/TrainingSongs.h"

#include "audio/AudioFormats.h"
#include "classify/GenreClassifier.h"
#include "common/ContentHash.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "common/Parallel.h"
#include "dsp/MelImage.h"
#include "features/FeatureExtractor.h"
#include "features/FeatureVector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>

#include <array>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <optional>

namespace genrescope::classify {

namespace {

/// Raise when what a window's rows hold changes (features, images, windows): old entries are then ignored.
constexpr quint32 kAnalysisVersion = 2;  // 2: a last window aligned to the song's end
constexpr char kCacheMagic[8] = {'G', 'S', 'W', 'I', 'N', 'D', 'O', 'W'};
constexpr size_t kImageBytes = size_t(kMelImageRows) * kMelImageColumns;
// A window in the cache: start and length (int64 samples), 57 float32 features, the image's colour indices.
constexpr size_t kWindowBytes = 16 + kFeatureCount * 4 + kImageBytes;
constexpr size_t kHeaderBytes = 8 + 4 + 4;  // magic, version, window count

struct WindowRow {
    qint64 start = 0, length = 0;        // samples
    std::array<float, kFeatureCount> features{};
    std::vector<std::uint8_t> image;     // kImageBytes colour indices (empty when images are not wanted)
};

QString cachePath(const QString& hash)
{
    return QDir(songCacheDir()).filePath(hash + QStringLiteral(".windows"));
}

std::optional<std::vector<WindowRow>> readCache(const QString& path, bool withImages)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QByteArray b = f.readAll();
    if (size_t(b.size()) < kHeaderBytes || std::memcmp(b.constData(), kCacheMagic, 8) != 0)
        return std::nullopt;
    quint32 version = 0, count = 0;
    std::memcpy(&version, b.constData() + 8, 4);
    std::memcpy(&count, b.constData() + 12, 4);
    if (version != kAnalysisVersion || count == 0 || size_t(b.size()) != kHeaderBytes + size_t(count) * kWindowBytes)
        return std::nullopt;  // stale or damaged: analysed again
    std::vector<WindowRow> rows(count);
    const char* p = b.constData() + kHeaderBytes;
    for (WindowRow& w : rows) {
        std::memcpy(&w.start, p, 8);
        std::memcpy(&w.length, p + 8, 8);
        std::memcpy(w.features.data(), p + 16, kFeatureCount * 4);
        if (withImages)
            w.image.assign(p + 16 + kFeatureCount * 4, p + kWindowBytes);
        p += kWindowBytes;
    }
    return rows;
}

void writeCache(const QString& path, const std::vector<WindowRow>& rows)
{
    QByteArray b(kCacheMagic, 8);
    const quint32 header[2] = {kAnalysisVersion, quint32(rows.size())};
    b.append(reinterpret_cast<const char*>(header), sizeof header);
    for (const WindowRow& w : rows) {
        b.append(reinterpret_cast<const char*>(&w.start), 8);
        b.append(reinterpret_cast<const char*>(&w.length), 8);
        b.append(reinterpret_cast<const char*>(w.features.data()), kFeatureCount * 4);
        b.append(reinterpret_cast<const char*>(w.image.data()), qsizetype(kImageBytes));
    }
    try {  // a cache that cannot be written is only a missed speed-up
        if (QDir().mkpath(QFileInfo(path).path()))
            writeFileAtomically(path, b);
    } catch (const Error&) {
    }
}

/// The song's windows, each with its features and mel image from one STFT, as classifyFile computes them.
std::vector<WindowRow> analyseFile(const QString& path, const TaskControl& control)
{
    std::mutex mutex;
    std::vector<WindowRow> rows;
    visitSongWindows(path, {}, [&](int k, long start, const float* x, long n, bool) {
        WindowRow w;
        w.start = start;
        w.length = n;
        Spectrogram melPower;
        const FeatureValues v = extractFeatures(x, n, control, &melPower);
        for (int f = 0; f < kFeatureCount; ++f)
            w.features[size_t(f)] = float(v[size_t(f)]);
        w.image = melImageFromPower(melPower).index;
        std::lock_guard lock(mutex);
        if (rows.size() <= size_t(k))
            rows.resize(size_t(k) + 1);
        rows[size_t(k)] = std::move(w);
    }, control);
    return rows;
}

/// A song's rows, from the cache when its content was analysed before.
std::vector<WindowRow> songRows(const QString& path, bool withImages, const TaskControl& control)
{
    const QString hash = quickContentHash(path);  // empty when unreadable: the decoder says why
    if (!hash.isEmpty())
        if (auto cached = readCache(cachePath(hash), withImages))
            return std::move(*cached);
    std::vector<WindowRow> rows = analyseFile(path, control);
    if (!hash.isEmpty())
        writeCache(cachePath(hash), rows);
    if (!withImages)
        for (WindowRow& w : rows)
            w.image = {};
    return rows;
}

/// "path: reason" (the decoder's messages already start with the path).
QString skipLine(const QString& path, const QString& message)
{
    const QString shown = shownPath(path);
    return message.startsWith(shown + QLatin1Char(':')) ? message : shown + QStringLiteral(": ") + message;
}

/// The deepest folder holding every song.
QString commonFolder(const std::vector<LabelledSong>& songs)
{
    QString root = QFileInfo(songs.front().path).absolutePath();
    for (const LabelledSong& s : songs) {
        const QString folder = QFileInfo(s.path).absolutePath() + QLatin1Char('/');
        while (!folder.startsWith(root.endsWith(QLatin1Char('/')) ? root : root + QLatin1Char('/')))
            root = QFileInfo(root).path();  // "/" stays "/"
    }
    return root;
}

/// GTZAN's id for "blues.00012.wav"; otherwise the file's path below `root`, unique per file.
QString songIdOf(const QString& path, const QString& root)
{
    static const QRegularExpression gtzan(QStringLiteral("^[A-Za-z]+\\.\\d{5}$"));
    const QString id = songIdFromFilename(path);
    if (gtzan.match(id).hasMatch())
        return id;
    return QDir(root).relativeFilePath(QFileInfo(path).absoluteFilePath());
}

QString secondsText(qint64 samples)
{
    return QString::number(double(samples) / kAnalysisRate, 'g', 6);
}

} // namespace

QString songCacheDir()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation);
    if (base.isEmpty())
        base = QDir::tempPath();
    return base + QStringLiteral("/genrescope/song-windows-v%1").arg(kAnalysisVersion);
}

std::vector<LabelledSong> songsInClassFolders(const QString& dir)
{
    const QFileInfo info(dir);
    if (!info.isDir())
        throw Error(info.exists() ? ErrorCode::InvalidArgument : ErrorCode::FileNotFound,
                    QStringLiteral("%1 is not a folder. Choose a folder holding one subfolder of songs per genre "
                                   "(e.g. rock/song.mp3).").arg(shownPath(dir)));
    // std::filesystem, not QDir: Qt drops names that are not UTF-8 (their files are listed, and refused by name).
    namespace fs = std::filesystem;
    std::error_code ec;
    QStringList classFolders;
    for (fs::directory_iterator it(QFile::encodeName(dir).toStdString(), ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        const QString name = QFile::decodeName(QByteArray::fromStdString(it->path().filename().native()));
        if (it->is_directory(typeError) && !name.startsWith(QLatin1Char('.')))
            classFolders << QFile::decodeName(QByteArray::fromStdString(it->path().native()));
    }
    classFolders.sort();
    std::vector<LabelledSong> songs;
    for (const QString& folder : classFolders) {
        const QString label = QFileInfo(folder).fileName();
        for (const QString& file : audioformats::collectAudioFiles({folder}))
            songs.push_back({file, label});
    }
    if (songs.empty())
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 holds no audio files in class subfolders. Put each genre's songs in a subfolder "
                                   "named after it (e.g. rock/song.mp3).").arg(shownPath(dir)));
    std::sort(songs.begin(), songs.end(), [](const LabelledSong& a, const LabelledSong& b) { return a.path < b.path; });
    return songs;
}

SongSetAnalysis analyseSongs(const std::vector<LabelledSong>& songs, WantedInputs wanted, int threads,
                             const TaskControl& control)
{
    if (songs.empty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("There are no songs to analyse."));
    const bool withFeatures = int(wanted) & int(WantedInputs::Features);
    const bool withImages = int(wanted) & int(WantedInputs::Images);
    const int n = int(songs.size());

    // Progress: the songs done plus the share of each song in flight, never going back.
    std::mutex progressMutex;
    std::vector<double> songProgress(static_cast<size_t>(n), 0.0);
    double sum = 0, reported = 0;
    auto advance = [&](int i, double fraction) {
        std::lock_guard lock(progressMutex);
        fraction = std::clamp(fraction, songProgress[size_t(i)], 1.0);
        sum += fraction - songProgress[size_t(i)];
        songProgress[size_t(i)] = fraction;
        if (const double now = std::min(1.0, sum / n); now > reported) {  // rounding may pass 1
            reported = now;
            control.report(reported);
        }
    };

    std::vector<std::vector<WindowRow>> rows(static_cast<size_t>(n));
    std::vector<QString> failures(static_cast<size_t>(n));
    control.report(0.0);
    parallelFor(n, threads, [&](int i) {
        control.throwIfCancelled();
        const TaskControl songControl{[&, i](double f) { advance(i, 0.99 * f); }, control.cancel};
        try {
            rows[size_t(i)] = songRows(songs[size_t(i)].path, withImages, songControl);
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            failures[size_t(i)] = skipLine(songs[size_t(i)].path, e.message());
        }
        advance(i, 1.0);
    });

    SongSetAnalysis out;
    out.songs = n;
    const QString root = commonFolder(songs);
    QStringList names, ids, labels;
    int windows = 0;
    for (int i = 0; i < n; ++i) {
        if (!failures[size_t(i)].isEmpty()) {
            out.skipped << failures[size_t(i)];
            continue;
        }
        const LabelledSong& song = songs[size_t(i)];
        const QString name = QFileInfo(song.path).fileName(), id = songIdOf(song.path, root);
        for (const WindowRow& w : rows[size_t(i)]) {
            names << QStringLiteral("%1 @ %2 s").arg(name, secondsText(w.start));
            ids << id;
            labels << song.label;
        }
        windows += int(rows[size_t(i)].size());
    }
    if (windows == 0)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("None of the %1 songs could be analysed, e.g. %2. Check that the files are audio of "
                                   "at least %3 s.").arg(n).arg(out.skipped.value(0)).arg(kMinimumSeconds));
    const QStringList classes = QSet<QString>(labels.begin(), labels.end()).values();
    if (classes.size() < 2)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Only one class (%1) has songs that could be analysed%2; training needs songs of two "
                                   "classes or more.")
                        .arg(classes.value(0),
                             out.skipped.isEmpty() ? QString()
                                                   : QStringLiteral(" (%1 files were left out, e.g. %2)")
                                                         .arg(out.skipped.size()).arg(out.skipped.first())));

    auto dataset = [&](data::InputKind kind) {
        data::Dataset d;
        d.kind = kind;
        d.source = root;
        if (kind == data::InputKind::Features)
            d.inputs.resize({windows, kFeatureCount});
        else
            d.inputs.resize({windows, 1, kMelImageRows, kMelImageColumns});
        int r = 0;
        for (const std::vector<WindowRow>& song : rows)
            for (const WindowRow& w : song) {
                float* dst = d.inputs.sample(r++);
                if (kind == data::InputKind::Features)
                    std::copy(w.features.begin(), w.features.end(), dst);
                else
                    for (size_t k = 0; k < kImageBytes; ++k)
                        dst[k] = float(w.image[k]) / 255.0f;  // as loadImageFolder and the classifier
            }
        d.names = names;
        d.songIds = ids;
        data::setLabels(d, labels);
        return d;
    };
    if (withFeatures)
        out.features = dataset(data::InputKind::Features);
    if (withImages) {
        out.images = dataset(data::InputKind::Image);
    }
    control.report(1.0);
    return out;
}

} // namespace genrescope::classify
