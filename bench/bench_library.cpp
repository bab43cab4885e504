// The library at scale: a store of N songs (default 10,000; each a real file on disk, with
// both built-in models' answers stored) is restored into the real window, offscreen.
// Prints JSON: seconds to restore (the table filled, nothing analysed), resident memory
// before and after, and the store's size. Then, with FILEs (long songs), opens them all
// in that window, waits until every one is analysed, shows each in turn, and adds the
// peak and final resident memory. Usage: bench_library [N [FILE...]]

#include "MainWindow.h"
#include "common/Memory.h"
#include "SongAnalysis.h"
#include "SongLibraryModel.h"
#include "workflow/LibraryScan.h"
#include "workflow/LibraryStore.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdio>

using namespace genrescope;

namespace {

/// A /proc/self/status field in MiB: VmRSS (resident now) or VmHWM (its peak).
double statusMiB(const char* field = "VmRSS:")
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(int(qstrlen(field))).trimmed().split(' ').first().toDouble() / 1024.0;
    return 0;
}

double residentMiB()
{
    return statusMiB();
}

/// Starts a new VmHWM peak from the current resident size.
void resetPeak()
{
    QFile refs(QStringLiteral("/proc/self/clear_refs"));
    if (refs.open(QIODevice::WriteOnly))
        refs.write("5");
}

/// Runs the event loop until `done` or `seconds` pass.
template <typename Done>
bool waitFor(Done done, double seconds)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > seconds * 1000)
            return false;
        QApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    tuneAllocatorForInteractiveUse();  // as the app does
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    const int songs = argc > 1 ? std::atoi(argv[1]) : 10000;
    QTemporaryDir dir;
    const QString store = dir.filePath(QStringLiteral("library.sqlite"));
    qputenv("GENRESCOPE_LIBRARY", QFile::encodeName(store));

    // The store as a scan of N songs of 4 minutes (16 windows) would leave it.
    const auto classifier = workflow::defaultClassifier();
    if (!classifier) {
        std::fprintf(stderr, "bench_library: this build has no built-in models\n");
        return 1;
    }
    {
        workflow::LibraryStore s(store);
        QDir().mkpath(dir.filePath(QStringLiteral("music")));
        for (int i = 0; i < songs; ++i) {
            const QString path = dir.filePath(QStringLiteral("music/song%1.ogg").arg(i, 5, 10, QLatin1Char('0')));
            QFile f(path);
            f.open(QIODevice::WriteOnly);
            f.write(QByteArray(512, char(i)));
            f.close();
            const auto stamp = workflow::stampOf(path);
            workflow::StoredSong song;
            song.path = path;
            song.size = stamp->size;
            song.mtimeNs = stamp->mtimeNs;
            song.contentHash = QString::number(i);
            song.container = QStringLiteral("OGG Vorbis");
            song.encoding = QStringLiteral("Vorbis");
            song.sampleRate = 44100;
            song.channels = 2;
            song.seconds = 240;
            std::vector<workflow::StoredPrediction> predictions;
            for (const ml::Model* m : {classifier->mlp(), classifier->cnn()}) {
                workflow::StoredPrediction p;
                p.modelChecksum = m->checksum;
                p.modelKind = m->inputKind;
                p.classes = m->classes;
                p.song.assign(size_t(m->classes.size()), 0.1f);
                p.song[size_t(i % m->classes.size())] = 0.5f;
                p.windows.assign(16, p.song);
                predictions.push_back(p);
            }
            for (int w = 0; w < 15; ++w)
                song.windows.push_back({15.0 * w, 15.0 * w + 30, std::vector<double>(57, 0.25 * w)});
            s.putSong(song, predictions);
        }
    }
    const double before = residentMiB();
    app::MainWindow w;
    w.resize(1400, 900);
    w.show();
    QApplication::processEvents();
    QElapsedTimer clock;
    clock.start();
    w.restoreLibrary();
    QApplication::processEvents();  // the table laid out and painted once
    w.repaint();
    const double seconds = clock.elapsed() / 1000.0;
    int ready = 0;
    for (int row = 0; row < w.library()->rowCount(); ++row)
        ready += w.library()->state(row) == app::SongLibraryModel::State::Ready;
    std::printf("{\"songs\": %d, \"restored\": %d, \"restoreSeconds\": %.3f, \"residentMiBBefore\": %.1f, "
                "\"residentMiBAfter\": %.1f, \"storeMiB\": %.1f",
                songs, ready, seconds, before, residentMiB(), QFileInfo(store).size() / 1048576.0);

    // Long songs on top: all analysed (two at a time), then each shown in turn.
    QStringList longSongs;
    for (int i = 2; i < argc; ++i)
        longSongs << QFile::decodeName(argv[i]);
    if (!longSongs.isEmpty()) {
        app::SongLibraryModel* library = w.library();
        const int first = library->rowCount();
        w.openPaths(longSongs);
        auto settled = [&] {
            for (int row = first; row < library->rowCount(); ++row)
                if (library->state(row) == app::SongLibraryModel::State::Loading)
                    return false;
            return true;
        };
        resetPeak();
        bool ok = waitFor(settled, 3600);
        const double analysingPeak = statusMiB("VmHWM:");
        resetPeak();
        for (int row = first; ok && row < library->rowCount(); ++row) {
            w.selectSong(row);
            ok = waitFor([&] { return library->state(row) != app::SongLibraryModel::State::Loading; }, 3600);
            w.repaint();
        }
        const double showingPeak = statusMiB("VmHWM:");
        int analysed = 0;
        for (int row = first; row < library->rowCount(); ++row)
            analysed += library->state(row) == app::SongLibraryModel::State::Ready;
        std::printf(", \"longSongs\": %lld, \"longSongsAnalysed\": %d, \"peakResidentMiB\": %.1f, "
                    "\"peakWhileAnalysingMiB\": %.1f, \"peakWhileShowingMiB\": %.1f, "
                    "\"residentMiBWithLongSongs\": %.1f, \"loadedSongs\": %d",
                    static_cast<long long>(longSongs.size()), analysed, std::max(analysingPeak, showingPeak),
                    analysingPeak, showingPeak, residentMiB(), library->loadedSongCount());
    }
    std::printf("}\n");
    w.library()->cancelAll();
    return 0;
}
