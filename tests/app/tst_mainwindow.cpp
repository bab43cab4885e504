// The window driven as a user would, offscreen: open and drop files, let the
// views paint, seek by clicking, and see failures reported in place.

#include "TestAudio.h"
#include "TestWindow.h"
#include "CliProcess.h"

#include "ComparePanel.h"
#include "ConfusionMatrixView.h"
#include "Export.h"
#include "FeatureTableModel.h"
#include "GenrePanel.h"
#include "MainWindow.h"
#include "SongAnalysis.h"
#include "SongLibraryModel.h"
#include "SpectrogramView.h"
#include "TimeAxis.h"
#include "WaveformView.h"

#include <QApplication>
#include <QLabel>
#include <QThread>
#include <QToolButton>
#include <QProcess>
#include <csignal>
#include "common/Error.h"
#include "workflow/LibraryStore.h"
#include "ml/ModelFile.h"
#include "dsp/MelSpectrogram.h"
#include <QStatusBar>
#include <QLineEdit>
#include <QTableView>
#include <QTableView>
#include <QMimeData>
#include <QSet>
#include <QSignalSpy>
#include <QAction>
#include <QTemporaryDir>
#include <QFile>
#include <QFileInfo>
#include <QAbstractBarSeries>
#include <QBarSet>
#include <QChartView>
#include <QTest>
#include <QUrl>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QRegularExpression>

#include <sndfile.h>

using namespace genrescope::app;

namespace {

bool allSongsReady(const SongLibraryModel& library)
{
    for (int row = 0; row < library.rowCount(); ++row)
        if (library.state(row) != SongLibraryModel::State::Ready)
            return false;
    return true;
}

/// Number of distinct colours in an image: a blank or flat view has very few.
int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        testwindow::isolateSettings(dir_.path());
        QDir(dir_.path()).mkpath(QStringLiteral("songs/more"));
        // A sweep-like mix so both views have structure.
        auto y = testaudio::sine(220.0, 4.0, 44100, 0.4f);
        const auto hi = testaudio::sine(3000.0, 4.0, 44100, 0.2f);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] += i > y.size() / 2 ? hi[i] : 0.0f;
        song_ = dir_.filePath(QStringLiteral("songs/tone.wav"));
        QVERIFY(testaudio::write(song_, y, 1, 44100, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        QVERIFY(testaudio::write(dir_.filePath(QStringLiteral("songs/more/noise.flac")),
                                 testaudio::noise(2.0, 22050, 4), 1, 22050, SF_FORMAT_FLAC | SF_FORMAT_PCM_16));
        testaudio::writeBytes(dir_.filePath(QStringLiteral("songs/more/broken.wav")), "RIFF garbage");
    }

    void loadsAndPaintsASong()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1100, 700}));
        w.openPaths({song_});
        QCOMPARE(w.library()->rowCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 30000);
        QCOMPARE(w.currentRow(), 0);
        QVERIFY(std::abs(w.timeAxis()->duration() - 4.0) < 0.01);
        // With the built-in models, a 4 s song gets a plain reason instead of a genre.
        auto* details = w.findChild<QLabel*>(QStringLiteral("songDetails"));
        QVERIFY(details);
        if (genrescope::workflow::defaultClassifier())
            QVERIFY2(details->text().contains(QStringLiteral("at least 10 s")), qPrintable(details->text()));
        // The feature table shows the 57 features of the song.
        auto* table = w.findChild<QTableView*>(QStringLiteral("featureTable"));
        QVERIFY(table && table->model());
        QCOMPARE(table->model()->rowCount(), 57);
        QCOMPARE(table->model()->index(16, FeatureTableModel::NameColumn).data().toString(), QStringLiteral("tempo"));
        // With the built-in MLP, the third column is the z-score against its training songs.
        if (const auto classifier = genrescope::workflow::defaultClassifier(); classifier && classifier->mlp()) {
            const genrescope::ml::Model& mlp = *classifier->mlp();
            const int tempo = genrescope::featureIndex(QStringLiteral("tempo"));
            const double value = table->model()->index(tempo, FeatureTableModel::ValueColumn).data(Qt::UserRole).toDouble();
            const double logged = std::count(mlp.logInputs.begin(), mlp.logInputs.end(), tempo) ? std::log(value) : value;
            const double expected = (logged - mlp.mean[size_t(tempo)]) * mlp.scale[size_t(tempo)];
            QVERIFY(std::abs(table->model()->index(tempo, FeatureTableModel::ZColumn).data(Qt::UserRole).toDouble() - expected) < 1e-3);
            const int rms = genrescope::featureIndex(QStringLiteral("rms_mean"));
            if (mlp.scale[size_t(rms)] == 0.0f)
                QCOMPARE(table->model()->index(rms, FeatureTableModel::UsedColumn).data().toString(), QStringLiteral("ignored"));
        }

        auto* wave = w.findChild<WaveformView*>(QStringLiteral("waveformView"));
        auto* spec = w.findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
        QVERIFY(wave && spec);
        QTest::qWait(50);
        const QImage waveImage = wave->grab().toImage();
        const QImage specImage = spec->grab().toImage();
        QVERIFY(!waveImage.isNull() && !specImage.isNull());
        QVERIFY2(distinctColours(waveImage) > 4, "waveform view is blank");
        QVERIFY2(distinctColours(specImage) > 40, "spectrogram view is blank");

        // The 3 kHz tone starts halfway: the top right of the plot is brighter than the top left.
        const QString left = spec->readoutAt(QPoint(spec->width() / 4, spec->height() / 2));
        QVERIFY2(QRegularExpression(QStringLiteral("^0:0\\d\\.\\d\\d · \\d+ Hz · ")).match(left).hasMatch(), qPrintable(left));
        // The readout's level comes from the song's 8-bit levels, within half a step (80/510 dB).
        {
            const SongAnalysisPtr a = w.library()->analysis(w.currentRow());
            QVERIFY(a && !a->slim() && a->melDb.data.empty());  // the levels alone hold the spectrogram
            const genrescope::Spectrogram db = genrescope::powerToDb(
                genrescope::MelSpectrogram().compute(a->audio.samples.data(), long(a->audio.samples.size())),
                genrescope::DbParams{0.0, 1e-10, 80.0});
            for (long f = 0; f < db.frames; f += 37)
                for (int b = 0; b < db.bins; b += 11)
                    QVERIFY2(std::abs(a->decibelsAt(b, f) - std::clamp(double(db.at(b, f)), -80.0, 0.0)) <= 80.0 / 512 + 1e-3,
                             qPrintable(QStringLiteral("band %1 frame %2").arg(b).arg(f)));
            QVERIFY(std::isnan(a->decibelsAt(db.bins, 0)));
        }

        // A click seeks; the playhead follows in the shared axis.
        const QPoint target(wave->width() / 2, wave->height() / 2);
        QTest::mouseClick(wave, Qt::LeftButton, Qt::NoModifier, target);
        QVERIFY2(w.timeAxis()->playhead() > 1.0 && w.timeAxis()->playhead() < 3.0,
                 qPrintable(QString::number(w.timeAxis()->playhead())));

        // Space reaches the play/pause action even while the song list has focus.
        auto* playPause = w.findChild<QAction*>(QStringLiteral("actionPlayPause"));
        QVERIFY(playPause);
        QSignalSpy toggled(playPause, &QAction::triggered);
        auto* list = w.findChild<QTableView*>(QStringLiteral("songList"));
        QVERIFY(list);
        list->setFocus();
        QTest::keyClick(list, Qt::Key_Space);
        QCOMPARE(toggled.count(), 1);
        QTest::keyClick(list, Qt::Key_Space);
        QCOMPARE(toggled.count(), 2);

        // Playing moves the shared playhead live (gstreamer plays without an audio device too).
        w.timeAxis()->setPlayhead(0.0);
        const double before = w.timeAxis()->playhead();
        playPause->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(w.timeAxis()->playhead() > before + 0.4, 8000);
        playPause->trigger();  // pause
        QTest::qWait(200);
        const double paused = w.timeAxis()->playhead();
        QTest::qWait(400);
        QVERIFY(std::abs(w.timeAxis()->playhead() - paused) < 0.05);

        // The wheel zooms both views together.
        const double span = w.timeAxis()->viewSpan();
        QWheelEvent wheel(QPointF(target), wave->mapToGlobal(QPointF(target)), {}, QPoint(0, 240), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(spec, &wheel);
        QVERIFY(w.timeAxis()->viewSpan() < span * 0.9);
    }

    void dropFolderAndReportFailuresInPlace()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1000, 650}));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(dir_.filePath(QStringLiteral("songs")))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);

        auto* library = w.library();
        QCOMPARE(library->rowCount(), 3);  // recursive: broken.wav, noise.flac, tone.wav
        QTRY_VERIFY_WITH_TIMEOUT(library->state(0) != SongLibraryModel::State::Loading &&
                                     library->state(1) != SongLibraryModel::State::Loading &&
                                     library->state(2) != SongLibraryModel::State::Loading,
                                 30000);
        const int broken = library->rowOf(dir_.filePath(QStringLiteral("songs/more/broken.wav")));
        QVERIFY(broken >= 0);
        QCOMPARE(library->state(broken), SongLibraryModel::State::Failed);
        QVERIFY(!library->message(broken).isEmpty());
        QCOMPARE(library->data(library->index(broken, 0), Qt::ToolTipRole).toString(), library->message(broken));

        // Selecting the failed song shows its message in the window, not in a dialog.
        w.selectSong(broken);
        auto* banner = w.findChild<QLabel*>(QStringLiteral("messageBanner"));
        QVERIFY(banner->isVisible());
        QVERIFY2(banner->text().contains(QStringLiteral("broken.wav")), qPrintable(banner->text()));
        QVERIFY(QApplication::activeModalWidget() == nullptr);

        const int good = library->rowOf(song_);
        w.selectSong(good);
        QVERIFY(!banner->isVisible());
        QVERIFY(std::abs(w.timeAxis()->duration() - 4.0) < 0.01);
    }


    void compareShippedModelsOnValid()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("running the CNN over 197 songs x 5 crops is too slow under sanitizers; the release suite checks it");
#endif
        const QString data = testaudio::gtzanDir();
        if (data.isEmpty())
            QSKIP("GTZAN data not found (set GENRESCOPE_GTZAN or put it at ../shared/data/gtzan)");
        if (!genrescope::workflow::defaultClassifier())
            QSKIP("this build has no default models in models/");
        MainWindow w;
        QVERIFY(testwindow::show(w));
        ComparePanel* compare = w.comparePanel();
        compare->setInputs(data + QStringLiteral("/features_30_sec.csv"), data + QStringLiteral("/images"),
                           data + QStringLiteral("/splits/valid.txt"));
        QSignalSpy done(compare, &ComparePanel::compared);
        compare->compare();
        QVERIFY(compare->isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QCOMPARE(compare->mlpMatrix()->total(), 197L);
        QCOMPARE(compare->cnnMatrix()->total(), 197L);
        QVERIFY(compare->disagreements() > 0 && compare->disagreements() < 197);
    }
    // The Compare tab and `evaluate --model ensemble` weigh a pair the same way: for the same
    // models and songs they print the same ensemble accuracy, for the built-in pair (its shipped
    // weight) and for two model files (0.5), whatever the files hold.
    void compareAndEvaluateAgreeOnTheEnsemble()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("running the CNN over 40 songs x 5 crops twice is too slow under sanitizers; the release suite checks it");
#endif
        const QString data = testaudio::gtzanDir();
        if (data.isEmpty())
            QSKIP("GTZAN data not found (set GENRESCOPE_GTZAN or put it at ../shared/data/gtzan)");
        const QString mlpFile = QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/mlp-features.gsm");
        const QString cnnFile = QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/cnn-melimage.gsm");
        if (!genrescope::workflow::defaultClassifier() || !QFileInfo::exists(mlpFile) || !QFileInfo::exists(cnnFile))
            QSKIP("this build has no default models in models/");
        QFile valid(data + QStringLiteral("/splits/valid.txt"));
        QVERIFY(valid.open(QIODevice::ReadOnly));
        const QString list = dir_.filePath(QStringLiteral("forty.txt"));
        testaudio::writeBytes(list, QString::fromUtf8(valid.readAll()).split(QLatin1Char('\n')).mid(0, 40).join(QLatin1Char('\n')).toUtf8());
        const QString features = data + QStringLiteral("/features_30_sec.csv"), images = data + QStringLiteral("/images");

        MainWindow w;
        QVERIFY(testwindow::show(w));
        ComparePanel* compare = w.comparePanel();
        const auto field = [compare](const char* name) { return compare->findChild<QLineEdit*>(QLatin1String(name)); };
        field("compareFeatures")->setText(features);
        field("compareImages")->setText(images);
        field("compareList")->setText(list);
        static const QRegularExpression ensemble(QStringLiteral("ensemble \\(w = ([0-9.]+)\\) ([0-9.]+) %"));
        for (const bool files : {false, true}) {
            field("compareFeatureModel")->setText(files ? mlpFile : QString());
            field("compareImageModel")->setText(files ? cnnFile : QString());
            QSignalSpy done(compare, &ComparePanel::compared);
            QTest::mouseClick(compare->findChild<QPushButton*>(QStringLiteral("compareRun")), Qt::LeftButton);
            QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
            const QString summary = compare->findChild<QLabel*>(QStringLiteral("compareSummary"))->text();
            const QRegularExpressionMatch shown = ensemble.match(summary);
            QVERIFY2(shown.hasMatch(), qPrintable(summary));

            QStringList args{"evaluate", "--model", "ensemble", "--data", features, "--images", images, "--list", list, "--json"};
            if (files)
                args << "--mlp" << mlpFile << "--cnn" << cnnFile;
            const testcli::Run r = testcli::cli(args);
            QCOMPARE(r.exitCode, 0);
            const QJsonObject e = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(e.value("songs").toInt(), 40);
            QCOMPARE(shown.captured(2), QString::number(100.0 * e.value("songAccuracy").toDouble(), 'f', 1));
            QCOMPARE(shown.captured(1), files ? QStringLiteral("0.50")
                                              : QString::number(genrescope::classify::defaultMlpWeight(), 'f', 2));
        }
    }

    // --help and --version answer without a display (scripts, package checks, a terminal over ssh).
    void helpAndVersionNeedNoDisplay()
    {
        for (const char* option : {"--help", "--version"}) {
            QProcess app;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
                env.remove(QLatin1String(name));
            app.setProcessEnvironment(env);
            app.start(QStringLiteral(GENRESCOPE_GUI_PATH), {QLatin1String(option)});
            QVERIFY(app.waitForFinished(30000));
            QCOMPARE(app.exitCode(), 0);
            const QString out = QString::fromUtf8(app.readAllStandardOutput());
            QVERIFY2(out.contains(QLatin1String(option) == QLatin1String("--help") ? QStringLiteral("Usage:") : QStringLiteral("Genrescope ")),
                     qPrintable(out + QString::fromUtf8(app.readAllStandardError())));
        }
    }

    void exportsTablesAndViewsAndClosesSongs()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1200, 800}));
        w.openPaths({song_});
        SongLibraryModel* library = w.library();
        QTRY_VERIFY_WITH_TIMEOUT(library->state(0) != SongLibraryModel::State::Loading, 30000);
        // A table as CSV: the header and one row per song, written atomically.
        const QString csv = dir_.filePath(QStringLiteral("library.csv"));
        QVERIFY(genrescope::app::exportCsv(library, csv).isEmpty());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith(QStringLiteral("Name,Length,MLP,CNN,Agree")));
        QVERIFY(lines[1].startsWith(QFileInfo(song_).fileName()));
        // Any view as PNG or SVG.
        for (const char* suffix : {"png", "svg"}) {
            const QString path = dir_.filePath(QStringLiteral("view.") + QLatin1String(suffix));
            QVERIFY(genrescope::app::exportImage(&w, path).isEmpty());
            QFile image(path);
            QVERIFY(image.open(QIODevice::ReadOnly));
            const QByteArray head = image.read(8);
            QVERIFY2(QLatin1String(suffix) == QLatin1String("png") ? head.startsWith("\x89PNG") : head.startsWith("<?xml"), head.constData());
        }
        QVERIFY(!genrescope::app::exportCsv(library, QStringLiteral("/nonexistent/dir/x.csv")).isEmpty());
        // Ctrl+W closes the selected song.
        w.selectSong(0);
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        auto* list = w.findChild<QTableView*>(QStringLiteral("songList"));
        list->setFocus();
        QTest::keyClick(list, Qt::Key_W, Qt::ControlModifier);
        QCOMPARE(library->rowCount(), 0);
    }

    void probabilitiesAppearForADroppedSong()
    {
        if (!genrescope::workflow::defaultClassifier())
            QSKIP("this build has no default models in models/");
        // 45 s: two windows (0-30 s and 15-45 s), so the timeline has two blocks.
        const QString path = dir_.filePath(QStringLiteral("forty-five.wav"));
        QVERIFY(testaudio::write(path, testaudio::noise(45.0, 22050, 12, 0.2f), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QCOMPARE(w.library()->rowCount(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 60000);
        const QString mlp = w.library()->index(0, SongLibraryModel::MlpColumn).data().toString();
        const QString cnn = w.library()->index(0, SongLibraryModel::CnnColumn).data().toString();
        if (w.library()->analysis(0)->genres.unusual)  // noise may be: no percentage claims confidence
            QVERIFY2(mlp == QStringLiteral("unusual") && cnn == QStringLiteral("unusual"), qPrintable(mlp + " | " + cnn));
        else
            QVERIFY2(mlp.endsWith(QStringLiteral(" %")) && cnn.endsWith(QStringLiteral(" %")), qPrintable(mlp + " | " + cnn));
        // One grouped chart: a bar per model (MLP, CNN, ensemble) for each genre, the tops in its title.
        const QList<QWidget*> charts = w.findChild<GenrePanel*>(QStringLiteral("genrePanel"))->charts();
        QCOMPARE(charts.size(), 1);
        auto* chart = qobject_cast<QChartView*>(charts[0]);
        QVERIFY(chart && chart->objectName() == QStringLiteral("genreChart"));
        const QString title = chart->chart()->title();
        if (w.library()->analysis(0)->genres.unusual)  // noise may be: then the verdict, not a percentage
            QVERIFY2(title.contains(QStringLiteral("no genre can be trusted")) && !title.contains(QLatin1Char('%')), qPrintable(title));
        else
            for (const char* model : {"Ensemble: ", "MLP: ", "CNN: "})
                QVERIFY2(title.contains(QLatin1String(model)) && title.contains(QStringLiteral(" %")), qPrintable(title));
        auto* bars = qobject_cast<QAbstractBarSeries*>(chart->chart()->series().value(0));
        QVERIFY(bars);
        QCOMPARE(bars->barSets().size(), 3);
        for (const QBarSet* set : bars->barSets())
            QCOMPARE(set->count(), int(w.library()->analysis(0)->genres.classes.size()));
        QCOMPARE(w.library()->analysis(0)->genres.windows.size(), size_t(2));
    }

    void largeLibrariesKeepOnlyRecentSongsInFull()
    {
        // Twelve songs: at most eight keep samples and spectrograms; the rest keep their
        // summary (length, genres) and are analysed again when shown.
        QDir(dir_.path()).mkpath(QStringLiteral("many"));
        QStringList paths;
        for (int i = 0; i < 12; ++i) {
            paths << dir_.filePath(QStringLiteral("many/song%1.wav").arg(i, 2, 10, QLatin1Char('0')));
            QVERIFY(testaudio::write(paths.back(), testaudio::sine(200.0 + 50 * i, 3.0, 22050), 1, 22050,
                                     SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        }
        MainWindow w;
        QVERIFY(testwindow::show(w, {1000, 650}));
        w.openPaths(paths);
        SongLibraryModel* library = w.library();
        auto allReady = [library] { return allSongsReady(*library); };
        QTRY_VERIFY_WITH_TIMEOUT(allReady(), 120000);
        QCOMPARE(library->loadedSongCount(), SongLibraryModel::kMaxLoadedSongs);
        int slimRow = -1;
        for (int row = 0; row < library->rowCount(); ++row) {
            QVERIFY(std::abs(library->analysis(row)->seconds - 3.0) < 0.01);  // the summary stays
            QVERIFY(!library->index(row, SongLibraryModel::DurationColumn).data().toString().isEmpty());
            if (library->analysis(row)->slim()) {
                QVERIFY(library->analysis(row)->audio.samples.empty());
                slimRow = row;
            }
        }
        QVERIFY(slimRow >= 0);
        w.selectSong(slimRow);
        QTRY_VERIFY_WITH_TIMEOUT(library->state(slimRow) == SongLibraryModel::State::Ready && !library->analysis(slimRow)->slim(),
                                 60000);
        QCOMPARE(library->analysis(slimRow)->audio.samples.size(), size_t(3 * 22050));
        QVERIFY(std::abs(w.timeAxis()->duration() - 3.0) < 0.01);
        QVERIFY(library->loadedSongCount() <= SongLibraryModel::kMaxLoadedSongs);

        // Memory bounds them too (long songs): with room for two and a half songs, two stay.
        library->setMaxLoadedBytes(library->analysis(slimRow)->heldBytes() * 5 / 2);
        const int other = slimRow == 0 ? 1 : 0;
        w.selectSong(other);
        QTRY_VERIFY_WITH_TIMEOUT(library->state(other) == SongLibraryModel::State::Ready && !library->analysis(other)->slim(),
                                 60000);
        QCOMPARE(library->loadedSongCount(), 2);
        QVERIFY(!library->analysis(other)->slim());  // the song shown always stays
    }

    void aCustomModelOfOtherGenresIsUsedAlone()
    {
        // A features model of two genres of one's own: Explore uses it alone (the built-in CNN knows
        // other genres) and says so; the built-in pair comes back from the Models menu.
        const QString model = dir_.filePath(QStringLiteral("own-genres.gsm"));
        genrescope::ml::saveModel(*testaudio::tinyModel(QStringLiteral("features"), {"orchestral", "electronic"}), model, true);
        const QString song = dir_.filePath(QStringLiteral("own-song.wav"));
        QVERIFY(testaudio::write(song, testaudio::noise(14.0, 22050, 44, 0.3f), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        MainWindow w;
        QVERIFY(testwindow::show(w, {1000, 650}));
        QCOMPARE(w.useModel(model), QString());
        const auto classifier = w.library()->classifier();
        QVERIFY(classifier && classifier->hasMlp() && !classifier->hasCnn());
        QCOMPARE(classifier->classes(), QStringList({"orchestral", "electronic"}));
        if (genrescope::workflow::defaultClassifier())
            QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("used alone")),
                     qPrintable(w.statusBar()->currentMessage()));
        w.openPaths({song});
        QTRY_VERIFY_WITH_TIMEOUT(allSongsReady(*w.library()), 60000);
        const SongAnalysisPtr a = w.library()->analysis(0);
        QVERIFY(a->hasGenres);
        QCOMPARE(a->genres.classes, QStringList({"orchestral", "electronic"}));
        QVERIFY(a->genres.cnn.empty() && a->genres.ensemble == a->genres.mlp);
        if (genrescope::workflow::defaultClassifier()) {
            QCOMPARE(w.loadModels({}, {}), QString());
            QVERIFY(w.library()->classifier()->hasMlp() && w.library()->classifier()->hasCnn());
        }
    }

    void filteringWhileSongsLoadIsSafe()
    {
        // Typing in the filter removes rows from the proxy; the current row moved onto a slimmed
        // song, whose new analysis changed the source model during the proxy's row removal
        // ("endRemoveRows: Invalid index", then heap corruption). Any such warning fails here.
        // The window is closed while songs still load: that once ended in std::terminate
        // (a cancelled load's error rethrown in the destructor).
        QDir(dir_.path()).mkpath(QStringLiteral("filter"));
        QStringList paths;
        for (int i = 0; i < 30; ++i) {
            const char* genre = i % 3 == 0 ? "jazz" : i % 3 == 1 ? "rock" : "blues";
            paths << dir_.filePath(QStringLiteral("filter/%1-%2.wav").arg(QLatin1String(genre)).arg(i, 2, 10, QLatin1Char('0')));
            QVERIFY(testaudio::write(paths.back(), testaudio::sine(150.0 + 20 * i, 1.5, 22050), 1, 22050,
                                     SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        }
        static QStringList modelWarnings;
        modelWarnings.clear();
        const QtMessageHandler previous = qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& m) {
            if (type != QtDebugMsg && type != QtInfoMsg && (m.contains(QStringLiteral("Invalid index")) ||
                                                           m.contains(QStringLiteral("QAbstractItemModel"))))
                modelWarnings << m;
        });
        MainWindow w;
        QVERIFY(testwindow::show(w, {1000, 650}));
        w.openPaths(paths);
        auto* filter = w.findChild<QLineEdit*>(QStringLiteral("libraryFilter"));
        auto* list = w.findChild<QTableView*>(QStringLiteral("songList"));
        QVERIFY(filter && list);
        SongLibraryModel* library = w.library();
        auto allReady = [library] { return allSongsReady(*library); };
        // While loading and after: select songs, type "jazz" letter by letter, clear, again;
        // sorted by genre confidence, as people look at a library.
        list->sortByColumn(SongLibraryModel::MlpColumn, Qt::DescendingOrder);
        for (int round = 0; round < 40; ++round) {
            list->setCurrentIndex(list->model()->index((round * 7) % list->model()->rowCount(), 0));
            for (const QString& text : {QStringLiteral("j"), QStringLiteral("ja"), QStringLiteral("jaz"), QStringLiteral("jazz"),
                                        QString(), QStringLiteral("rock"), QString()}) {
                filter->setText(text);
                QTest::qWait(5);
            }
            if (round == 5 || round == 20)
                QTRY_VERIFY_WITH_TIMEOUT(allReady(), 120000);  // from here on most songs are slimmed
        }
        filter->setText(QStringLiteral("jazz"));
        QCOMPARE(list->model()->rowCount(), 10);
        qInstallMessageHandler(previous);
        QVERIFY2(modelWarnings.isEmpty(), qPrintable(modelWarnings.join(QLatin1Char('\n'))));
    }

    void restoresTheLibraryWithoutAnalysingAgain()
    {
        const QString store = dir_.filePath(QStringLiteral("restore.sqlite"));
        qputenv("GENRESCOPE_LIBRARY", QFile::encodeName(store));
        QDir(dir_.path()).mkpath(QStringLiteral("restore"));
        QStringList paths;
        for (int i = 0; i < 3; ++i) {
            paths << dir_.filePath(QStringLiteral("restore/r%1.wav").arg(i));
            QVERIFY(testaudio::write(paths.back(), testaudio::noise(12.0, 22050, unsigned(70 + i), 0.3f), 1, 22050,
                                     SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        }
        {
            MainWindow w;
            w.restoreLibrary();
            w.openPaths(paths);
            QTRY_VERIFY_WITH_TIMEOUT(allSongsReady(*w.library()), 60000);
            w.selectSong(w.library()->rowOf(paths[1]));
            w.close();
        }
        {
            MainWindow w;
            w.restoreLibrary();
            SongLibraryModel* library = w.library();
            QCOMPARE(library->rowCount(), 3);
            QCOMPARE(library->path(w.currentRow()), paths[1]);  // the selection is kept
            for (int row = 0; row < 3; ++row) {
                if (row == w.currentRow())
                    continue;  // the shown song is decoded again for its waveform and spectrogram
                // The others are listed at once from the store, with their genres, and not analysed.
                QCOMPARE(library->state(row), SongLibraryModel::State::Ready);
                QVERIFY(library->analysis(row)->slim());
                QVERIFY(library->analysis(row)->hasGenres);
                QVERIFY(std::abs(library->analysis(row)->seconds - 12.0) < 0.01);
                QVERIFY(!library->index(row, SongLibraryModel::MlpColumn).data().toString().startsWith(QStringLiteral("–")));
            }
            if (genrescope::workflow::defaultClassifier()) {
                // The shown song is decoded again for its views; its genres and window features come from the store.
                const int shown = w.currentRow();
                QTRY_VERIFY_WITH_TIMEOUT(library->state(shown) == SongLibraryModel::State::Ready &&
                                             !library->analysis(shown)->slim(), 60000);
                const SongAnalysisPtr a = library->analysis(shown);
                QVERIFY(a->genresReused);
                QCOMPARE(a->genres.windows.size(), size_t(1));
                QCOMPARE(a->genres.windows[0].features.size(), size_t(57));
                QVERIFY(a->hasFeatures && a->features[0] > 0);
                QCOMPARE(a->audio.samples.size(), size_t(12 * 22050));
            }
        }
        // A changed file is analysed again; the others are not.
        QVERIFY(testaudio::write(paths[2], testaudio::sine(330.0, 15.0, 22050), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        {
            MainWindow w;
            w.restoreLibrary();
            SongLibraryModel* library = w.library();
            QCOMPARE(library->state(library->rowOf(paths[0])), SongLibraryModel::State::Ready);
            QCOMPARE(library->state(library->rowOf(paths[2])), SongLibraryModel::State::Loading);
            QTRY_VERIFY_WITH_TIMEOUT(library->state(library->rowOf(paths[2])) == SongLibraryModel::State::Ready, 60000);
            QVERIFY(std::abs(library->analysis(library->rowOf(paths[2]))->seconds - 15.0) < 0.01);
            QVERIFY(!library->analysis(library->rowOf(paths[2]))->genresReused);
        }
        qunsetenv("GENRESCOPE_LIBRARY");
    }

    void aKilledAppLosesNothingButTheSongsInFlight()
    {
        // The real app scans a folder; SIGKILL once three songs are in the store. Every song
        // opened is still in the library afterwards; those analysed are not analysed again.
        const QString store = dir_.filePath(QStringLiteral("killed-app.sqlite"));
        const QString folder = dir_.filePath(QStringLiteral("killed-app"));
        QVERIFY(QDir().mkpath(folder));
        for (int i = 0; i < 10; ++i)
            QVERIFY(testaudio::write(folder + QStringLiteral("/s%1.wav").arg(i, 2, 10, QLatin1Char('0')),
                                     testaudio::noise(120.0, 22050, unsigned(90 + i), 0.3f), 1, 22050,
                                     SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GENRESCOPE_LIBRARY"), store);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir_.filePath(QStringLiteral("app-config")));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(GENRESCOPE_GUI_PATH), {folder});
        QVERIFY(app.waitForStarted());
        auto analysed = [&] {
            try {
                int n = 0;
                for (const auto& s : genrescope::workflow::LibraryStore(store).allSongs())
                    n += s.size > 0;
                return n;
            } catch (const genrescope::Error&) {
                return 0;
            }
        };
        QTRY_VERIFY_WITH_TIMEOUT(analysed() >= 3 || app.state() != QProcess::Running, 120000);
        QVERIFY2(app.state() == QProcess::Running, "the app ended before it could be killed");
        ::kill(pid_t(app.processId()), SIGKILL);
        QVERIFY(app.waitForFinished(10000));
        const int done = analysed();
        QVERIFY2(done >= 3 && done < 10, qPrintable(QString::number(done)));

        qputenv("GENRESCOPE_LIBRARY", QFile::encodeName(store));
        MainWindow w;
        w.restoreLibrary();
        SongLibraryModel* library = w.library();
        QCOMPARE(library->rowCount(), 10);  // every song opened is still there
        int ready = 0;
        for (int row = 0; row < 10; ++row)
            ready += library->state(row) == SongLibraryModel::State::Ready || row == w.currentRow();
        QVERIFY2(ready >= done, qPrintable(QStringLiteral("%1 of %2").arg(ready).arg(done)));  // not analysed again
        QVERIFY(ready < 10);
        QTRY_VERIFY_WITH_TIMEOUT(allSongsReady(*library), 120000);
        qunsetenv("GENRESCOPE_LIBRARY");
    }

    void analysesWaitTheirTurnAndPause()
    {
        // Sixteen songs: paused at once, only those already running finish; the song selected
        // while the rest wait is analysed next; resumed, all finish.
        QDir(dir_.path()).mkpath(QStringLiteral("queue"));
        QStringList paths;
        for (int i = 0; i < 16; ++i) {
            paths << dir_.filePath(QStringLiteral("queue/q%1.wav").arg(i, 2, 10, QLatin1Char('0')));
            QVERIFY(testaudio::write(paths.back(), testaudio::noise(20.0, 22050, unsigned(300 + i), 0.3f), 1, 22050,
                                     SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        }
        MainWindow w;
        QVERIFY(testwindow::show(w, {1000, 650}));
        auto* pause = w.findChild<QToolButton*>(QStringLiteral("pauseAnalysis"));
        auto* progress = w.findChild<QLabel*>(QStringLiteral("libraryProgress"));
        QVERIFY(pause && progress);
        SongLibraryModel* library = w.library();
        w.openPaths(paths);
        pause->click();
        QVERIFY(library->paused());
        QTRY_COMPARE_WITH_TIMEOUT(library->runningCount(), 0, 60000);
        auto readyCount = [&] {
            int n = 0;
            for (int row = 0; row < library->rowCount(); ++row)
                n += library->state(row) == SongLibraryModel::State::Ready;
            return n;
        };
        const int threads = QThread::idealThreadCount();
        const int before = readyCount();
        QVERIFY2(before <= threads, qPrintable(QString::number(before)));
        QTest::qWait(500);
        QCOMPARE(readyCount(), before);  // paused: nothing new started
        QVERIFY2(progress->text().contains(QStringLiteral("paused")), qPrintable(progress->text()));

        const int last = library->rowOf(QFileInfo(paths.last()).absoluteFilePath());
        w.selectSong(last);
        QTest::qWait(50);
        pause->click();
        QVERIFY(!library->paused());
        QTRY_VERIFY_WITH_TIMEOUT(library->state(last) == SongLibraryModel::State::Ready, 60000);
        QVERIFY2(readyCount() <= before + 2 * threads, qPrintable(QString::number(readyCount())));  // it went first
        QTRY_VERIFY_WITH_TIMEOUT(allSongsReady(*library), 120000);
        QTRY_VERIFY(progress->isHidden());
    }

private:
    QTemporaryDir dir_;
    QString song_;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
