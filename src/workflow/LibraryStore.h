#pragma once
// The analysis store: what Genrescope knows about every song it has analysed, in SQLite
// (QtSql), shared by the GUI and the CLI. A song is keyed by its path, size and
// modification time, with a content hash to follow moved files. It holds the file's
// format and decoded length, any decoding note or error, the 57 features of each 30 s
// window and, per model (by its file's SHA-256), the song's and each window's
// probabilities, so a changed model invalidates only its own predictions.
// WAL journal, one transaction per song: a crash loses at most the song in flight.

#include "common/ContentHash.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace genrescope::workflow {

struct StoredWindow {
    double start = 0, end = 0;      // seconds
    std::vector<double> features;   // 57 values, or empty without a features model
};

struct StoredPrediction {
    QString modelChecksum;          // SHA-256 of the model file (hex)
    QString modelKind;              // "features" or "image"
    QStringList classes;
    std::vector<float> song;        // the song's probabilities (mean over windows)
    std::vector<std::vector<float>> windows;
};

struct StoredSong {
    qint64 id = 0;
    QString path;                   // absolute
    qint64 size = 0;
    qint64 mtimeNs = 0;
    QString contentHash;
    QString container, encoding;
    int sampleRate = 0, channels = 0;
    double seconds = 0;             // decoded length
    QString note;                   // decoding note, or empty
    QString errorCode, error;       // the file could not be analysed (empty: it could)
    bool unusual = false;
    QString unusualReason;
    std::vector<StoredWindow> windows;

    bool failed() const { return !error.isEmpty(); }
};

class LibraryStore {
public:
    /// Version 1: songs, windows, predictions. Version 2: the models table and decoding notes.
    /// Version 3: songs over one window are analysed again (their last window is end-aligned).
    static constexpr int kSchemaVersion = 3;
    /// Songs shorter than this were one window before schema 3 and are one window still.
    static constexpr double kLongestOneWindowSeconds = 30.99;

    /// Opens (or creates) the store at path and brings its schema up to date. Throws
    /// genrescope::Error for a file that is not a store, or one from a newer Genrescope.
    explicit LibraryStore(const QString& path);
    ~LibraryStore();
    LibraryStore(const LibraryStore&) = delete;
    LibraryStore& operator=(const LibraryStore&) = delete;

    /// The store the GUI and the CLI share: $GENRESCOPE_LIBRARY, else
    /// <user data folder>/genrescope/library.sqlite (~/.local/share/genrescope/library.sqlite).
    static QString defaultPath();

    const QString& path() const { return path_; }
    int schemaVersion() const;
    int songCount() const;
    QStringList paths() const;

    std::optional<StoredSong> song(const QString& path) const;
    /// A stored song with this content hash whose file is gone (the file moved).
    std::optional<StoredSong> movedSong(const QString& contentHash) const;
    bool hasPrediction(qint64 songId, const QString& modelChecksum) const;
    std::optional<StoredPrediction> prediction(qint64 songId, const QString& modelChecksum) const;
    /// Every song with its windows (for the library view and exports), in path order.
    std::vector<StoredSong> allSongs(bool withWindows = false) const;
    /// One model's song-level probabilities of every song that has them, by song id (one query).
    std::vector<std::pair<qint64, std::vector<float>>> songProbabilities(const QString& modelChecksum) const;
    /// The song is no longer in the library.
    void removeSong(const QString& path);
    /// Songs added to the library but not analysed yet (one transaction): kept across a crash,
    /// they are analysed by the next scan or start, as their stamp never matches the file's.
    void addPending(const QStringList& paths);

    /// Stores a song, its windows and these predictions in one transaction, replacing what was
    /// stored for its path (predictions of other models stay when the file is unchanged).
    void putSong(const StoredSong& song, const std::vector<StoredPrediction>& predictions);
    /// The file moved: same content, new path.
    void moveSong(qint64 id, const QString& newPath, qint64 size, qint64 mtimeNs);
    /// Adds every song of another store (a shard); where both hold a path, the other's wins.
    void mergeFrom(const QString& otherPath);

private:
    void exec(const QString& sql) const;
    void migrate();
    struct Impl;
    std::unique_ptr<Impl> d_;
    QString path_;
};

/// Size and modification time (ns) of a file; nullopt when it cannot be read. Its content
/// hash is quickContentHash (common/ContentHash.h).
struct FileStamp {
    qint64 size = 0;
    qint64 mtimeNs = 0;
};
std::optional<FileStamp> stampOf(const QString& path);
using genrescope::quickContentHash;

} // namespace genrescope::workflow
