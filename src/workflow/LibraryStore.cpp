#include "workflow/LibraryStore.h"

#include "common/Error.h"

#include <QAtomicInt>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <sys/stat.h>

namespace genrescope::workflow {

namespace {

QAtomicInt g_connections;

template <typename T>
QByteArray toBlob(const std::vector<T>& values)
{
    return QByteArray(reinterpret_cast<const char*>(values.data()), qsizetype(values.size() * sizeof(T)));
}

template <typename T>
std::vector<T> fromBlob(const QByteArray& blob)
{
    std::vector<T> values(size_t(blob.size()) / sizeof(T));
    std::memcpy(values.data(), blob.constData(), values.size() * sizeof(T));
    return values;
}

} // namespace

struct LibraryStore::Impl {
    QString connection;
    QSqlDatabase db() const { return QSqlDatabase::database(connection, false); }

    [[noreturn]] void fail(const QString& path, const QString& what, const QSqlError& e) const
    {
        throw Error(ErrorCode::WriteFailed,
                    QStringLiteral("%1: %2: %3").arg(shownPath(path), what, e.text().isEmpty() ? e.driverText() : e.text()));
    }

    /// Starts a write transaction that takes the write lock at once (BEGIN IMMEDIATE), so the
    /// busy timeout applies when another process writes, instead of failing on an upgrade.
    void begin(const QString& path) const { run(path, QStringLiteral("BEGIN IMMEDIATE")).finish(); }
    void commit(const QString& path) const { run(path, QStringLiteral("COMMIT")).finish(); }
    void rollback() const
    {
        QSqlQuery q(db());
        q.exec(QStringLiteral("ROLLBACK"));
    }

    /// Runs one statement. Keep the returned query only to read its rows: an unfinished
    /// statement holds a read transaction open.
    QSqlQuery run(const QString& path, const QString& sql, const QVariantList& values = {}) const
    {
        QSqlQuery q(db());
        if (!q.prepare(sql))
            fail(path, QStringLiteral("the library store cannot run a query"), q.lastError());
        for (const QVariant& v : values)
            q.addBindValue(v);
        if (!q.exec())
            fail(path, QStringLiteral("the library store cannot run a query"), q.lastError());
        return q;
    }
};

LibraryStore::LibraryStore(const QString& path) : d_(std::make_unique<Impl>()), path_(path)
{
    const QFileInfo info(path);
    if (!info.absoluteDir().exists() && !QDir().mkpath(info.absolutePath()))
        throw Error(ErrorCode::WriteFailed,
                    QStringLiteral("%1: cannot create the folder %2.").arg(shownPath(path), shownPath(info.absolutePath())));
    d_->connection = QStringLiteral("genrescope-store-%1").arg(g_connections.fetchAndAddRelaxed(1));
    try {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d_->connection);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        if (!db.open())
            d_->fail(path, QStringLiteral("cannot open the library store"), db.lastError());
        {
            QSqlQuery check(db);
            if (!check.exec(QStringLiteral("PRAGMA schema_version")))
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("%1: not a Genrescope library store (%2). Move it away or give another --db.")
                                .arg(shownPath(path), check.lastError().text()));
        }
        exec(QStringLiteral("PRAGMA journal_mode=WAL"));
        exec(QStringLiteral("PRAGMA synchronous=NORMAL"));
        exec(QStringLiteral("PRAGMA foreign_keys=ON"));
        migrate();
    } catch (...) {  // no connection or open transaction stays behind
        d_->rollback();
        QSqlDatabase::database(d_->connection, false).close();
        QSqlDatabase::removeDatabase(d_->connection);
        throw;
    }
}

LibraryStore::~LibraryStore()
{
    const QString connection = d_->connection;
    QSqlDatabase::database(connection, false).close();
    d_.reset();
    QSqlDatabase::removeDatabase(connection);
}

QString LibraryStore::defaultPath()
{
    if (const QString chosen = qEnvironmentVariable("GENRESCOPE_LIBRARY"); !chosen.isEmpty())
        return chosen;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/genrescope/library.sqlite");
}

void LibraryStore::exec(const QString& sql) const
{
    d_->run(path_, sql).finish();
}

int LibraryStore::schemaVersion() const
{
    QSqlQuery q = d_->run(path_, QStringLiteral("PRAGMA user_version"));
    const int version = q.next() ? q.value(0).toInt() : 0;
    q.finish();
    return version;
}

void LibraryStore::migrate()
{
    const int version = schemaVersion();
    if (version > kSchemaVersion)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: the library store was written by a newer Genrescope (schema %2; this one reads "
                                   "up to %3). Update Genrescope or give another --db.")
                        .arg(shownPath(path_)).arg(version).arg(kSchemaVersion));
    if (version == kSchemaVersion)
        return;
    d_->begin(path_);  // another process may be creating the same store: decide under the write lock
    const int current = schemaVersion();
    if (current >= kSchemaVersion) {
        d_->commit(path_);
        return;
    }
    if (current < 1) {
        exec(QStringLiteral("CREATE TABLE songs (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER, "
                            "mtime_ns INTEGER, content_hash TEXT, container TEXT, encoding TEXT, sample_rate INTEGER, "
                            "channels INTEGER, seconds REAL, error_code TEXT, error TEXT, unusual INTEGER, "
                            "unusual_reason TEXT)"));
        exec(QStringLiteral("CREATE INDEX songs_content ON songs(content_hash)"));
        exec(QStringLiteral("CREATE TABLE windows (song_id INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE, "
                            "idx INTEGER NOT NULL, start REAL, end REAL, features BLOB, PRIMARY KEY(song_id, idx))"));
        exec(QStringLiteral("CREATE TABLE predictions (song_id INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE, "
                            "model TEXT NOT NULL, song BLOB, windows BLOB, PRIMARY KEY(song_id, model))"));
    }
    if (current < 2) {
        // Models by checksum (kind and classes once, not per prediction); decoding notes.
        exec(QStringLiteral("CREATE TABLE models (checksum TEXT PRIMARY KEY, kind TEXT, classes TEXT)"));
        exec(QStringLiteral("ALTER TABLE songs ADD COLUMN note TEXT"));
    }
    if (current < 3 && current >= 1) {
        // Songs past one window now get a last window aligned to their end: their windows and
        // predictions go, and a stamp no file has makes the next scan or start analyse them again.
        const QString longSongs = QStringLiteral("SELECT id FROM songs WHERE seconds >= %1").arg(kLongestOneWindowSeconds);
        exec(QStringLiteral("DELETE FROM predictions WHERE song_id IN (%1)").arg(longSongs));
        exec(QStringLiteral("DELETE FROM windows WHERE song_id IN (%1)").arg(longSongs));
        exec(QStringLiteral("UPDATE songs SET size = -1, mtime_ns = -1 WHERE seconds >= %1").arg(kLongestOneWindowSeconds));
    }
    exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion));
    d_->commit(path_);
}

int LibraryStore::songCount() const
{
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT COUNT(*) FROM songs"));
    return q.next() ? q.value(0).toInt() : 0;
}

QStringList LibraryStore::paths() const
{
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT path FROM songs ORDER BY path"));
    QStringList all;
    while (q.next())
        all << q.value(0).toString();
    return all;
}

namespace {

constexpr const char* kSongColumns = "id, path, size, mtime_ns, content_hash, container, encoding, sample_rate, channels, "
                                     "seconds, note, error_code, error, unusual, unusual_reason";

StoredSong songFrom(const QSqlQuery& q)
{
    StoredSong s;
    s.id = q.value(0).toLongLong();
    s.path = q.value(1).toString();
    s.size = q.value(2).toLongLong();
    s.mtimeNs = q.value(3).toLongLong();
    s.contentHash = q.value(4).toString();
    s.container = q.value(5).toString();
    s.encoding = q.value(6).toString();
    s.sampleRate = q.value(7).toInt();
    s.channels = q.value(8).toInt();
    s.seconds = q.value(9).toDouble();
    s.note = q.value(10).toString();
    s.errorCode = q.value(11).toString();
    s.error = q.value(12).toString();
    s.unusual = q.value(13).toBool();
    s.unusualReason = q.value(14).toString();
    return s;
}

} // namespace

std::optional<StoredSong> LibraryStore::song(const QString& path) const
{
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT %1 FROM songs WHERE path = ?").arg(QLatin1String(kSongColumns)),
                          {path});
    if (!q.next())
        return std::nullopt;
    StoredSong s = songFrom(q);
    QSqlQuery w = d_->run(path_, QStringLiteral("SELECT start, end, features FROM windows WHERE song_id = ? ORDER BY idx"),
                          {s.id});
    while (w.next())
        s.windows.push_back({w.value(0).toDouble(), w.value(1).toDouble(), fromBlob<double>(w.value(2).toByteArray())});
    return s;
}

std::optional<StoredSong> LibraryStore::movedSong(const QString& contentHash) const
{
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT %1 FROM songs WHERE content_hash = ?").arg(QLatin1String(kSongColumns)),
                          {contentHash});
    while (q.next()) {
        StoredSong s = songFrom(q);
        if (!QFileInfo::exists(s.path))
            return s;
    }
    return std::nullopt;
}

bool LibraryStore::hasPrediction(qint64 songId, const QString& modelChecksum) const
{
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT 1 FROM predictions WHERE song_id = ? AND model = ?"),
                          {songId, modelChecksum});
    return q.next();
}

std::optional<StoredPrediction> LibraryStore::prediction(qint64 songId, const QString& modelChecksum) const
{
    QSqlQuery q = d_->run(path_,
                          QStringLiteral("SELECT p.song, p.windows, m.kind, m.classes FROM predictions p JOIN models m ON "
                                         "m.checksum = p.model WHERE p.song_id = ? AND p.model = ?"),
                          {songId, modelChecksum});
    if (!q.next())
        return std::nullopt;
    StoredPrediction p;
    p.modelChecksum = modelChecksum;
    p.song = fromBlob<float>(q.value(0).toByteArray());
    p.modelKind = q.value(2).toString();
    for (const QJsonValue& c : QJsonDocument::fromJson(q.value(3).toByteArray()).array())
        p.classes << c.toString();
    const std::vector<float> all = fromBlob<float>(q.value(1).toByteArray());
    const size_t k = p.song.size();
    for (size_t at = 0; k > 0 && at + k <= all.size(); at += k)
        p.windows.emplace_back(all.begin() + long(at), all.begin() + long(at + k));
    return p;
}

std::vector<StoredSong> LibraryStore::allSongs(bool withWindows) const
{
    std::vector<StoredSong> songs;
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT %1 FROM songs ORDER BY path").arg(QLatin1String(kSongColumns)));
    while (q.next())
        songs.push_back(songFrom(q));
    if (withWindows)
        for (StoredSong& s : songs)
            if (std::optional<StoredSong> full = song(s.path))  // gone meanwhile: no windows
                s.windows = std::move(full->windows);
    return songs;
}

std::vector<std::pair<qint64, std::vector<float>>> LibraryStore::songProbabilities(const QString& modelChecksum) const
{
    std::vector<std::pair<qint64, std::vector<float>>> all;
    QSqlQuery q = d_->run(path_, QStringLiteral("SELECT song_id, song FROM predictions WHERE model = ?"), {modelChecksum});
    while (q.next())
        all.emplace_back(q.value(0).toLongLong(), fromBlob<float>(q.value(1).toByteArray()));
    return all;
}

void LibraryStore::removeSong(const QString& path)
{
    d_->run(path_, QStringLiteral("DELETE FROM songs WHERE path = ?"), {path}).finish();
}

void LibraryStore::addPending(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    d_->begin(path_);
    try {
        for (const QString& path : paths)
            d_->run(path_, QStringLiteral("INSERT OR IGNORE INTO songs (path, size, mtime_ns) VALUES (?, -1, -1)"), {path})
                .finish();
        d_->commit(path_);
    } catch (...) {
        d_->rollback();
        throw;
    }
}

void LibraryStore::putSong(const StoredSong& s, const std::vector<StoredPrediction>& predictions)
{
    d_->begin(path_);
    try {
        const std::optional<StoredSong> old = song(s.path);
        const bool sameFile = old && old->size == s.size && old->mtimeNs == s.mtimeNs && !old->failed() && !s.failed();
        const QVariantList values{s.path, s.size, s.mtimeNs, s.contentHash, s.container, s.encoding, s.sampleRate,
                                  s.channels, s.seconds, s.note, s.errorCode, s.error, int(s.unusual), s.unusualReason};
        qint64 id = 0;
        if (old) {
            id = old->id;
            QVariantList update = values;
            update << id;
            d_->run(path_, QStringLiteral("UPDATE songs SET path = ?, size = ?, mtime_ns = ?, content_hash = ?, container = ?, "
                                          "encoding = ?, sample_rate = ?, channels = ?, seconds = ?, note = ?, error_code = ?, "
                                          "error = ?, unusual = ?, unusual_reason = ? WHERE id = ?"),
                    update);
            d_->run(path_, QStringLiteral("DELETE FROM windows WHERE song_id = ?"), {id});
            if (!sameFile)  // the file changed: every model's predictions of it are stale
                d_->run(path_, QStringLiteral("DELETE FROM predictions WHERE song_id = ?"), {id});
        } else {
            QSqlQuery q = d_->run(path_, QStringLiteral("INSERT INTO songs (path, size, mtime_ns, content_hash, container, "
                                                        "encoding, sample_rate, channels, seconds, note, error_code, error, "
                                                        "unusual, unusual_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                                  values);
            id = q.lastInsertId().toLongLong();
        }
        for (size_t i = 0; i < s.windows.size(); ++i)
            d_->run(path_, QStringLiteral("INSERT INTO windows (song_id, idx, start, end, features) VALUES (?, ?, ?, ?, ?)"),
                    {id, int(i), s.windows[i].start, s.windows[i].end, toBlob(s.windows[i].features)});
        for (const StoredPrediction& p : predictions) {
            d_->run(path_, QStringLiteral("INSERT OR IGNORE INTO models (checksum, kind, classes) VALUES (?, ?, ?)"),
                    {p.modelChecksum, p.modelKind,
                     QJsonDocument(QJsonArray::fromStringList(p.classes)).toJson(QJsonDocument::Compact)});
            std::vector<float> windows;
            for (const std::vector<float>& w : p.windows)
                windows.insert(windows.end(), w.begin(), w.end());
            d_->run(path_, QStringLiteral("INSERT OR REPLACE INTO predictions (song_id, model, song, windows) VALUES (?, ?, ?, ?)"),
                    {id, p.modelChecksum, toBlob(p.song), toBlob(windows)});
        }
        d_->commit(path_);
    } catch (...) {
        d_->rollback();
        throw;
    }
}

void LibraryStore::moveSong(qint64 id, const QString& newPath, qint64 size, qint64 mtimeNs)
{
    d_->run(path_, QStringLiteral("DELETE FROM songs WHERE path = ? AND id != ?"), {newPath, id});
    d_->run(path_, QStringLiteral("UPDATE songs SET path = ?, size = ?, mtime_ns = ? WHERE id = ?"), {newPath, size, mtimeNs, id});
}

void LibraryStore::mergeFrom(const QString& otherPath)
{
    if (!QFileInfo(otherPath).isFile())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such library store.").arg(shownPath(otherPath)));
    const LibraryStore other(otherPath);
    for (const StoredSong& s : other.allSongs(true)) {
        std::vector<StoredPrediction> predictions;
        QSqlQuery q = other.d_->run(otherPath, QStringLiteral("SELECT model FROM predictions WHERE song_id = ?"), {s.id});
        while (q.next())
            if (auto p = other.prediction(s.id, q.value(0).toString()))
                predictions.push_back(std::move(*p));
        putSong(s, predictions);
    }
}

std::optional<FileStamp> stampOf(const QString& path)
{
    struct stat st{};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
    return FileStamp{qint64(st.st_size), qint64(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

} // namespace genrescope::workflow
