#include "workflow/LibraryScan.h"

#include "common/Error.h"

#include <QFileInfo>
#include <QThreadPool>

#include <condition_variable>
#include <deque>
#include <mutex>

namespace genrescope::workflow {

int shardOf(const QString& absolutePath, int count)
{
    quint64 hash = 1469598103934665603ull;  // FNV-1a, 64 bit: the same on every machine
    for (const char c : absolutePath.toUtf8()) {
        hash ^= quint8(c);
        hash *= 1099511628211ull;
    }
    return count > 1 ? int(hash % quint64(count)) : 0;
}

std::vector<StoredPrediction> predictionsOf(const classify::SongPrediction& song, const classify::GenreClassifier& classifier)
{
    std::vector<StoredPrediction> out;
    auto add = [&](const ml::Model* model, bool mlp) {
        if (!model)
            return;
        StoredPrediction p;
        p.modelChecksum = model->checksum;
        p.modelKind = model->inputKind;
        p.classes = model->classes;
        p.song = mlp ? song.mlp : song.cnn;
        for (const classify::WindowPrediction& w : song.windows)
            p.windows.push_back(mlp ? w.mlp : w.cnn);
        out.push_back(std::move(p));
    };
    add(classifier.mlp(), true);
    add(classifier.cnn(), false);
    return out;
}

std::optional<classify::SongPrediction> storedPrediction(const LibraryStore& store, const StoredSong& song,
                                                         const classify::GenreClassifier& classifier)
{
    if (song.failed())
        return std::nullopt;
    std::optional<StoredPrediction> mlp, cnn;
    if (classifier.mlp() && !(mlp = store.prediction(song.id, classifier.mlp()->checksum)))
        return std::nullopt;
    if (classifier.cnn() && !(cnn = store.prediction(song.id, classifier.cnn()->checksum)))
        return std::nullopt;
    classify::SongPrediction p;
    p.classes = classifier.classes();
    p.seconds = song.seconds;
    p.mlpWeight = classifier.mlpWeight();
    p.unusual = song.unusual;
    p.unusualReason = song.unusualReason;
    p.decodingNote = song.note;
    if (mlp)
        p.mlp = mlp->song;
    if (cnn)
        p.cnn = cnn->song;
    p.ensemble = classifier.ensemble(p.mlp, p.cnn);
    for (size_t i = 0; i < song.windows.size(); ++i) {
        classify::WindowPrediction wp;
        wp.start = song.windows[i].start;
        wp.end = song.windows[i].end;
        wp.features = song.windows[i].features;
        if (mlp && i < mlp->windows.size())
            wp.mlp = mlp->windows[i];
        if (cnn && i < cnn->windows.size())
            wp.cnn = cnn->windows[i];
        wp.ensemble = classifier.ensemble(wp.mlp, wp.cnn);
        p.windows.push_back(std::move(wp));
    }
    classify::weighWindows(p.windows);
    return p;
}

namespace {

StoredSong storedFrom(const QString& path, const FileStamp& stamp, const QString& hash, const classify::SongPrediction& p)
{
    StoredSong s;
    s.path = path;
    s.size = stamp.size;
    s.mtimeNs = stamp.mtimeNs;
    s.contentHash = hash;
    s.container = p.source.container;
    s.encoding = p.source.encoding;
    s.sampleRate = p.source.sampleRate;
    s.channels = p.source.channels;
    s.seconds = p.seconds;
    s.note = p.decodingNote;
    s.unusual = p.unusual;
    s.unusualReason = p.unusualReason;
    for (const classify::WindowPrediction& w : p.windows)
        s.windows.push_back({w.start, w.end, w.features});
    return s;
}

struct Done {
    QString path;
    StoredSong song;
    std::vector<StoredPrediction> predictions;
};

} // namespace

ScanReport scanLibrary(LibraryStore& store, const QStringList& files, const classify::GenreClassifier& classifier,
                       const ScanOptions& options, const ScanProgress& progress, const std::atomic<bool>* cancel)
{
    ScanReport report;
    QStringList mine;
    for (const QString& f : files) {
        const QString path = QFileInfo(f).absoluteFilePath();
        if (shardOf(path, options.shardCount) == options.shardIndex)
            mine << path;
    }
    report.considered = int(mine.size());
    QStringList checksums;
    for (const ml::Model* m : {classifier.mlp(), classifier.cnn()})
        if (m)
            checksums << m->checksum;

    // What is already known: unchanged files, and moved ones (same content, old path gone).
    std::vector<std::pair<QString, QString>> todo;  // path, and its content hash when already read
    int done = 0;
    for (const QString& path : mine) {
        const std::optional<FileStamp> stamp = stampOf(path);
        std::optional<StoredSong> stored = store.song(path);
        auto complete = [&](const StoredSong& s) {
            if (s.failed())
                return true;  // the reason is stored; a changed file gets another try
            for (const QString& c : checksums)
                if (!store.hasPrediction(s.id, c))
                    return false;
            return true;
        };
        if (stamp && stored && stored->size == stamp->size && stored->mtimeNs == stamp->mtimeNs && complete(*stored)) {
            ++report.unchanged;
            if (progress)
                progress(path, stored->error, false, ++done, report.considered);
            continue;
        }
        QString hash;
        if (stamp && !stored) {
            hash = quickContentHash(path);
            if (std::optional<StoredSong> moved = store.movedSong(hash); moved && complete(*moved)) {
                store.moveSong(moved->id, path, stamp->size, stamp->mtimeNs);
                ++report.moved;
                if (progress)
                    progress(path, moved->error, false, ++done, report.considered);
                continue;
            }
        }
        todo.emplace_back(path, hash);
    }

    // Analyse the rest on a pool of our own; this thread writes each song as it arrives.
    std::mutex mutex;
    std::condition_variable arrived;
    std::deque<Done> finished;
    QThreadPool pool;
    pool.setMaxThreadCount(std::max(1, options.jobs));
    for (const auto& [path, knownHash] : todo) {
        pool.start([&, path = path, knownHash = knownHash] {
            Done d;
            d.path = path;
            const FileStamp stamp = stampOf(path).value_or(FileStamp{});
            const QString hash = knownHash.isEmpty() ? quickContentHash(path) : knownHash;
            try {
                if (cancel && cancel->load())
                    throw Cancelled();
                const classify::SongPrediction p = classifier.classifyFile(path, nullptr, TaskControl{{}, cancel}, 1);
                d.song = storedFrom(path, stamp, hash, p);
                d.predictions = predictionsOf(p, classifier);
            } catch (const Error& e) {
                d.song.errorCode = QLatin1String(errorCodeName(e.code()));
                d.song.error = e.message();
            } catch (const std::exception& e) {  // out of memory and the like: this file fails, the scan goes on
                d.song.errorCode = QStringLiteral("internal");
                d.song.error = QStringLiteral("%1: internal error: %2").arg(shownPath(path), QString::fromUtf8(e.what()));
            }
            if (d.song.failed()) {
                d.song.path = path;
                d.song.size = stamp.size;
                d.song.mtimeNs = stamp.mtimeNs;
                d.song.contentHash = hash;
            }
            std::lock_guard lock(mutex);
            finished.push_back(std::move(d));
            arrived.notify_one();
        });
    }
    try {
        for (size_t written = 0; written < todo.size(); ++written) {
            Done d;
            {
                std::unique_lock lock(mutex);
                arrived.wait(lock, [&] { return !finished.empty(); });
                d = std::move(finished.front());
                finished.pop_front();
            }
            if (d.song.errorCode == QLatin1String(errorCodeName(ErrorCode::Cancelled)))
                continue;  // not stored: the next scan analyses it
            store.putSong(d.song, d.predictions);
            ++(d.song.failed() ? report.failed : report.analysed);
            if (progress)
                progress(d.path, d.song.error, true, ++done, report.considered);
        }
    } catch (...) {  // the store cannot be written: stop at once rather than analyse the rest for nothing
        pool.clear();
        pool.waitForDone();
        throw;
    }
    pool.waitForDone();
    return report;
}

} // namespace genrescope::workflow
