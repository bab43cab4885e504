// The library store and scanning: schema migration, changed, moved and failed files, a
// changed model, shards run under GNU parallel and merged, and a scan killed with SIGKILL.

#include "CliProcess.h"
#include "TestAudio.h"

#include "common/Error.h"
#include "workflow/LibraryScan.h"
#include "workflow/LibraryStore.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

#include <csignal>

using namespace genrescope;
using namespace genrescope::workflow;
using testcli::cli;
using testcli::Run;

namespace {

StoredSong fakeSong(const QString& path, qint64 size, qint64 mtime)
{
    StoredSong s;
    s.path = path;
    s.size = size;
    s.mtimeNs = mtime;
    s.contentHash = QStringLiteral("hash-of-") + path;
    s.container = QStringLiteral("WAV");
    s.seconds = 30;
    s.windows.push_back({0, 30, std::vector<double>(57, 0.5)});
    return s;
}

StoredPrediction fakePrediction(const QString& checksum, float first)
{
    StoredPrediction p;
    p.modelChecksum = checksum;
    p.modelKind = QStringLiteral("features");
    p.classes = {QStringLiteral("jazz"), QStringLiteral("rock")};
    p.song = {first, 1 - first};
    p.windows = {p.song};
    return p;
}

/// "scan: N files: A analysed, U unchanged, M moved, F failed" as {A, U, M, F}.
QList<int> scanCounts(const Run& r)
{
    static const QRegularExpression re(QStringLiteral("(\\d+) analysed, (\\d+) unchanged, (\\d+) moved, (\\d+) failed"));
    const QRegularExpressionMatch m = re.match(r.out);
    if (!m.hasMatch())
        return {};
    return {m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4).toInt()};
}

} // namespace

class TestLibraryStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        songs_ = dir_.filePath(QStringLiteral("songs"));
        QVERIFY(QDir().mkpath(songs_ + QStringLiteral("/album")));
        for (int i = 0; i < 8; ++i) {
            const QString path = songs_ + QStringLiteral("/album/song%1.wav").arg(i);
            const auto y = i % 2 ? testaudio::noise(12.0, 22050, unsigned(i), 0.3f) : testaudio::sine(110.0 * (i + 1), 12.0, 22050);
            QVERIFY(testaudio::write(path, y, 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        }
        testaudio::writeBytes(songs_ + QStringLiteral("/album/broken.wav"), "not audio at all");
    }

    void migratesAnOlderSchema()
    {
        // A store as version 1 wrote it: no models table, no note column.
        const QString path = dir_.filePath(QStringLiteral("v1.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE songs (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER, "
                                          "mtime_ns INTEGER, content_hash TEXT, container TEXT, encoding TEXT, sample_rate "
                                          "INTEGER, channels INTEGER, seconds REAL, error_code TEXT, error TEXT, unusual "
                                          "INTEGER, unusual_reason TEXT)")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE windows (song_id INTEGER, idx INTEGER, start REAL, end REAL, features "
                                          "BLOB, PRIMARY KEY(song_id, idx))")));
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE predictions (song_id INTEGER, model TEXT, song BLOB, windows BLOB, "
                                          "PRIMARY KEY(song_id, model))")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO songs (path, size, mtime_ns, seconds) VALUES ('/old/a.wav', 10, 20, 31.5)")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version=1")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), LibraryStore::kSchemaVersion);
        const auto old = store.song(QStringLiteral("/old/a.wav"));
        QVERIFY(old);
        QCOMPARE(old->seconds, 31.5);
        QVERIFY(old->note.isEmpty());  // the new column, empty for old rows
        StoredSong s = fakeSong(QStringLiteral("/new/b.wav"), 1, 2);
        s.note = QStringLiteral("a chain of 2 Ogg streams");
        store.putSong(s, {fakePrediction(QStringLiteral("m1"), 0.7f)});
        QCOMPARE(store.song(QStringLiteral("/new/b.wav"))->note, s.note);
        QCOMPARE(store.prediction(store.song(QStringLiteral("/new/b.wav"))->id, QStringLiteral("m1"))->classes.size(), 2);
    }

    void schemaThreeAnalysesSongsPastOneWindowAgain()
    {
        // Version 2 stored a 74 s song with three windows; version 3 gives it an end-aligned fourth.
        const QString path = dir_.filePath(QStringLiteral("v2.sqlite"));
        {
            LibraryStore store(path);
            store.putSong(fakeSong(QStringLiteral("/clip.wav"), 10, 20), {fakePrediction(QStringLiteral("m1"), 0.7f)});
            StoredSong longer = fakeSong(QStringLiteral("/long.wav"), 30, 40);
            longer.seconds = 74;
            longer.windows = {{0, 30, {}}, {15, 45, {}}, {30, 60, {}}};
            store.putSong(longer, {fakePrediction(QStringLiteral("m1"), 0.6f)});
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version=2")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("v2"));
        LibraryStore store(path);
        QCOMPARE(store.schemaVersion(), 3);
        const auto clip = store.song(QStringLiteral("/clip.wav"));
        QCOMPARE(clip->size, 10);  // one window before and after: kept
        QVERIFY(store.hasPrediction(clip->id, QStringLiteral("m1")));
        const auto longer = store.song(QStringLiteral("/long.wav"));
        QVERIFY(longer);
        QCOMPARE(longer->size, -1);  // no file has this stamp: analysed again
        QVERIFY(!store.hasPrediction(longer->id, QStringLiteral("m1")));
        for (const StoredSong& s : store.allSongs(true))
            QCOMPARE(s.windows.size(), s.path == QLatin1String("/long.wav") ? size_t(0) : size_t(1));
    }

    void refusesNewerAndForeignFiles()
    {
        const QString newer = dir_.filePath(QStringLiteral("newer.sqlite"));
        {
            LibraryStore store(newer);
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(newer);
            QVERIFY(db.open());
            QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version=99"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        try {
            LibraryStore store(newer);
            QFAIL("opened a store of a newer schema");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("newer Genrescope")), qPrintable(e.message()));
        }
        const QString text = dir_.filePath(QStringLiteral("notes.sqlite"));
        testaudio::writeBytes(text, QByteArray("my shopping list, not a database\n").repeated(100));
        try {
            LibraryStore store(text);
            QFAIL("opened a text file as a store");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("not a Genrescope library store")), qPrintable(e.message()));
        }
    }

    void aChangedModelInvalidatesOnlyItsPredictions()
    {
        LibraryStore store(dir_.filePath(QStringLiteral("models.sqlite")));
        const QString path = QStringLiteral("/music/a.wav");
        store.putSong(fakeSong(path, 100, 5), {fakePrediction(QStringLiteral("model-A"), 0.9f)});
        const qint64 id = store.song(path)->id;
        QVERIFY(store.hasPrediction(id, QStringLiteral("model-A")));
        QVERIFY(!store.hasPrediction(id, QStringLiteral("model-B")));  // a new model: a scan analyses the song
        store.putSong(fakeSong(path, 100, 5), {fakePrediction(QStringLiteral("model-B"), 0.2f)});
        QVERIFY(store.hasPrediction(id, QStringLiteral("model-A")));  // the same file: A's answer stays valid
        QCOMPARE(store.prediction(id, QStringLiteral("model-B"))->song.front(), 0.2f);
        store.putSong(fakeSong(path, 101, 6), {fakePrediction(QStringLiteral("model-B"), 0.4f)});
        QVERIFY(!store.hasPrediction(id, QStringLiteral("model-A")));  // the file changed: A's answer is stale
        QCOMPARE(store.prediction(id, QStringLiteral("model-B"))->song.front(), 0.4f);
        QCOMPARE(store.songCount(), 1);
    }

    void scansOnlyWhatIsNewChangedOrMoved()
    {
        const QString db = dir_.filePath(QStringLiteral("scan.sqlite"));
        Run r = cli({"scan", "--db", db, "--jobs", "2", songs_});
        QCOMPARE(r.exitCode, 2);  // broken.wav failed, and is named
        QVERIFY2(r.err.contains(QStringLiteral("broken.wav: not a recognised audio file")), qPrintable(r.err));
        QCOMPARE(scanCounts(r), (QList<int>{8, 0, 0, 1}));

        r = cli({"scan", "--db", db, songs_});  // nothing changed: nothing analysed, the failure is remembered
        QCOMPARE(scanCounts(r), (QList<int>{0, 9, 0, 0}));

        // A changed file is analysed again; a moved one is recognised by its content.
        const QString changed = songs_ + QStringLiteral("/album/song0.wav");
        QVERIFY(testaudio::write(changed, testaudio::sine(523.0, 14.0, 22050), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        QVERIFY(QDir().mkpath(songs_ + QStringLiteral("/moved")));
        QVERIFY(QFile::rename(songs_ + QStringLiteral("/album/song1.wav"), songs_ + QStringLiteral("/moved/song1.wav")));
        r = cli({"scan", "--db", db, songs_});
        QCOMPARE(scanCounts(r), (QList<int>{1, 7, 1, 0}));
        LibraryStore store(db);
        QCOMPARE(store.songCount(), 9);
        QVERIFY(!store.song(songs_ + QStringLiteral("/album/song1.wav")));
        QVERIFY(std::abs(store.song(changed)->seconds - 14.0) < 0.01);
        QCOMPARE(int(store.song(changed)->windows.size()), 1);
        QCOMPARE(int(store.song(changed)->windows.front().features.size()), 57);
        QVERIFY(QFile::rename(songs_ + QStringLiteral("/moved/song1.wav"), songs_ + QStringLiteral("/album/song1.wav")));
    }

    void twoShardsUnderGnuParallelEqualOneRun()
    {
        const QString parallel = QStandardPaths::findExecutable(QStringLiteral("parallel"));
        if (parallel.isEmpty())
            QSKIP("GNU parallel is missing; ./scripts/test installs it");
        const QString one = dir_.filePath(QStringLiteral("one.sqlite"));
        Run r = cli({"scan", "--db", one, songs_});
        QCOMPARE(scanCounts(r).value(0), 8);

        // As the README shows: one process per shard, then merge.
        QProcess p;
        p.setProgram(parallel);
        p.setArguments({"--will-cite", QStringLiteral(GENRESCOPE_CLI_PATH), "scan", "--db",
                        dir_.filePath(QStringLiteral("shard{}.sqlite")), "--shard", "{}/2", songs_, ":::", "0", "1"});
        p.start();
        QVERIFY(p.waitForFinished(300000));
        // parallel's status counts the jobs that failed: the one shard that holds broken.wav.
        QVERIFY2(p.exitCode() == 1, p.readAllStandardError().constData());
        r = cli({"merge", "--db", dir_.filePath(QStringLiteral("merged.sqlite")), dir_.filePath(QStringLiteral("shard0.sqlite")),
                 dir_.filePath(QStringLiteral("shard1.sqlite"))});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(LibraryStore(dir_.filePath(QStringLiteral("shard0.sqlite"))).songCount() +
                     LibraryStore(dir_.filePath(QStringLiteral("shard1.sqlite"))).songCount(),
                 9);

        const Run single = cli({"classify", "--json", "--db", one, songs_});
        const Run merged = cli({"classify", "--json", "--db", dir_.filePath(QStringLiteral("merged.sqlite")), songs_});
        QVERIFY(!single.out.isEmpty());
        QCOMPARE(merged.out, single.out);
        QVERIFY2(!merged.err.contains(QStringLiteral("[")), qPrintable(merged.err));  // nothing was analysed again
    }

    void twoScansWriteOneStoreAtOnce()
    {
        // Two processes create and fill the same new store together: both wait for the write
        // lock instead of failing ("database is locked", "table songs already exists").
        const QString parallel = QStandardPaths::findExecutable(QStringLiteral("parallel"));
        if (parallel.isEmpty())
            QSKIP("GNU parallel is missing; ./scripts/test installs it");
        const QString db = dir_.filePath(QStringLiteral("shared.sqlite"));
        QProcess p;
        p.start(parallel, {"--will-cite", QStringLiteral(GENRESCOPE_CLI_PATH), "scan", "--db", db, "--shard", "{}/2", songs_,
                           ":::", "0", "1"});
        QVERIFY(p.waitForFinished(300000));
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(p.exitCode() == 1, err.constData());  // only the shard holding broken.wav reports a failure
        QVERIFY2(!err.contains("locked") && !err.contains("already exists"), err.constData());
        QCOMPARE(LibraryStore(db).songCount(), 9);
    }

    void aKilledScanLosesOnlyTheSongsInFlight()
    {
        // Twelve songs of 2 minutes, one at a time; SIGKILL once three are reported done.
        const QString folder = dir_.filePath(QStringLiteral("kill"));
        QVERIFY(QDir().mkpath(folder));
        for (int i = 0; i < 12; ++i)
            QVERIFY(testaudio::write(folder + QStringLiteral("/k%1.wav").arg(i, 2, 10, QLatin1Char('0')),
                                     testaudio::noise(120.0, 22050, unsigned(50 + i), 0.3f), 1, 22050,
                                     SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        const QString db = dir_.filePath(QStringLiteral("killed.sqlite"));
        QProcess p;
        p.setReadChannel(QProcess::StandardError);
        p.start(QStringLiteral(GENRESCOPE_CLI_PATH), {"scan", "--db", db, "--jobs", "1", folder});
        QVERIFY(p.waitForStarted());
        QByteArray progress;
        while (progress.count("genrescope-cli: [") < 3 && p.state() == QProcess::Running) {
            p.waitForReadyRead(1000);
            progress += p.readAllStandardError();
        }
        QVERIFY2(p.state() == QProcess::Running, "the scan ended before it could be killed");
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        int stored = 0;
        {
            LibraryStore store(db);
            stored = store.songCount();
            QVERIFY2(stored >= 3 && stored < 12, qPrintable(QString::number(stored)));
            for (const StoredSong& s : store.allSongs(true)) {  // every stored song is whole
                QVERIFY(!s.failed());
                QCOMPARE(int(s.windows.size()), 7);  // 30 s windows every 15 s
                QVERIFY(std::abs(s.seconds - 120.0) < 0.01);
            }
        }
        const Run again = cli({"scan", "--db", db, folder});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(scanCounts(again), (QList<int>{12 - stored, stored, 0, 0}));
    }

private:
    QTemporaryDir dir_;
    QString songs_;
};

QTEST_GUILESS_MAIN(TestLibraryStore)
#include "tst_library_store.moc"
