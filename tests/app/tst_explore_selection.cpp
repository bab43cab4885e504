// A region selected in the Explore views as a user does it, offscreen: dragging selects in
// any view (shown in all of them), its edges adjust, a click or Esc clears it, Alt+drag still
// scrolls; the loop goes back to the selection's start when playback crosses its end; the
// region's genre and features; the genre-change markers listed, clicked and exported.

#include "TestAudio.h"
#include "TestWindow.h"

#include "ExplorePanel.h"
#include "FeatureTableModel.h"
#include "GenreTimelineView.h"
#include "MainWindow.h"
#include "PlaybackController.h"
#include "SelectionPanel.h"
#include "SongLibraryModel.h"
#include "SpectrogramView.h"
#include "TimeAxis.h"
#include "ViewStyle.h"
#include "WaveformView.h"
#include "features/FeatureExtractor.h"
#include "workflow/TimeText.h"
#include "workflow/GenreMarkers.h"
#include "workflow/SongRegion.h"
#include "workflow/SongSummary.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMediaPlayer>
#include <QMouseEvent>
#include <QStatusBar>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <memory>

using namespace genrescope;
using namespace genrescope::app;

namespace {

void sendMouse(QWidget* w, QEvent::Type type, QPoint at, Qt::MouseButton button, Qt::MouseButtons buttons,
               Qt::KeyboardModifiers modifiers = Qt::NoModifier)
{
    QMouseEvent event(type, QPointF(at), w->mapToGlobal(QPointF(at)), button, buttons, modifiers);
    QApplication::sendEvent(w, &event);
}

/// Presses at `from`, moves to `to` in steps and releases there.
void drag(QWidget* w, QPoint from, QPoint to, Qt::MouseButton button = Qt::LeftButton, Qt::KeyboardModifiers modifiers = {})
{
    sendMouse(w, QEvent::MouseButtonPress, from, button, button, modifiers);
    for (int i = 1; i <= 5; ++i)
        sendMouse(w, QEvent::MouseMove, from + (to - from) * i / 5, Qt::NoButton, button, modifiers);
    sendMouse(w, QEvent::MouseButtonRelease, to, button, Qt::NoButton, modifiers);
}

/// The x of a time in a view whose plot is `plot`.
int xOf(const TimeAxis& axis, const QRect& plot, double seconds)
{
    return plot.left() + int(std::lround(axis.xOf(seconds, plot.width())));
}

/// Columns of `after` that differ from `before` (rows sampled).
QList<int> changedColumns(const QImage& before, const QImage& after)
{
    QList<int> columns;
    for (int x = 0; x < before.width(); ++x)
        for (int y = 0; y < before.height(); y += 3)
            if (before.pixel(x, y) != after.pixel(x, y)) {
                columns << x;
                break;
            }
    return columns;
}

/// Accepts the next file dialog with `path` and the name filter starting with `filter`.
void answerFileDialog(const QString& path, const QString& filter)
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, path, filter] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        timer->stop();
        timer->deleteLater();
        for (const QString& f : dialog->nameFilters())
            if (f.startsWith(filter))
                dialog->selectNameFilter(f);
        dialog->setDirectory(QFileInfo(path).absolutePath());
        // Typed, as a user does (selectFile can be undone by the folder's contents loading late).
        auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        QVERIFY(name);
        name->setText(QFileInfo(path).fileName());
        QMetaObject::invokeMethod(dialog, "accept");  // as its Save button does
    });
    timer->start();
}

} // namespace

class TestExploreSelection : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        testwindow::isolateSettings(dir_.path());
        // 30 s of chords, then 30 s of noise: three windows, 0-30, 15-45 and 30-60 s.
        std::vector<float> y = testaudio::toneSong(30.0, 5);
        const std::vector<float> noise = testaudio::noise(30.0, 22050, 6, 0.5f);
        y.insert(y.end(), noise.begin(), noise.end());
        song_ = dir_.filePath(QStringLiteral("two-parts.wav"));
        QVERIFY(testaudio::writeSong(song_, y));
        window_ = std::make_unique<MainWindow>();
        QVERIFY(testwindow::show(*window_, {1300, 800}));
        window_->openPaths({song_});
        QTRY_COMPARE_WITH_TIMEOUT(window_->library()->state(0), SongLibraryModel::State::Ready, 60000);
        analysis_ = window_->library()->analysis(0);
        QVERIFY(analysis_ && !analysis_->slim());
        axis_ = window_->timeAxis();
        QVERIFY(std::abs(axis_->duration() - 60.0) < 0.01);
    }

    void cleanupTestCase() { window_.reset(); }

    void dragSelectsInEveryViewAndAClickClears()
    {
        auto* wave = window_->findChild<WaveformView*>(QStringLiteral("waveformView"));
        auto* spec = window_->findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
        auto* timeline = window_->findChild<GenreTimelineView*>();
        QVERIFY(wave && spec && timeline);
        axis_->showAll();
        axis_->clearSelection();
        axis_->setPlayhead(59.0);  // out of the way
        QApplication::processEvents();
        const QList<QWidget*> views{wave, spec, timeline};
        QList<QImage> before;
        for (QWidget* v : views)
            before << v->grab().toImage();

        const int y = spec->height() / 2;
        const int x0 = spec->width() / 4, x1 = spec->width() / 2;
        const double seekBefore = axis_->playhead();
        drag(spec, {x0, y}, {x1, y});
        QEvent leave(QEvent::Leave);  // no readout under the pointer in the picture
        QApplication::sendEvent(spec, &leave);
        QVERIFY(axis_->hasSelection());
        QCOMPARE(axis_->playhead(), seekBefore);  // a drag does not seek
        const double start = axis_->selectionStart(), end = axis_->selectionEnd();
        QVERIFY2(start > 5.0 && start < 20.0 && end > start + 5.0 && end < 40.0,
                 qPrintable(QStringLiteral("%1-%2").arg(start).arg(end)));

        // Every view draws it as a band from edge to edge (its plot shares the waveform's margins), nothing else.
        for (int i = 0; i < views.size(); ++i) {
            const QImage after = views[i]->grab().toImage();
            const QList<int> changed = changedColumns(before[i], after);
            const char* name = views[i]->metaObject()->className();
            QVERIFY2(!changed.isEmpty(), name);
            const QRect plot = viewstyle::plotArea(views[i]->rect());
            const double dpr = after.devicePixelRatio();
            const int left = xOf(*axis_, plot, start), right = xOf(*axis_, plot, end);
            QVERIFY2(std::abs(changed.first() / dpr - left) <= 2 && std::abs(changed.last() / dpr - right) <= 2,
                     qPrintable(QStringLiteral("%1: changed %2-%3, selection %4-%5").arg(name).arg(changed.first() / dpr)
                                    .arg(changed.last() / dpr).arg(left).arg(right)));
            QVERIFY2(changed.size() >= (right - left) * dpr - 2, name);
        }

        // The selection's right edge drags to a new end; its start stays.
        const QPoint edge(spec->width() / 2, y);
        drag(spec, edge, edge + QPoint(spec->width() / 8, 0));
        QCOMPARE(axis_->selectionStart(), start);
        QVERIFY(axis_->selectionEnd() > end + 3.0);

        // Shift+click extends it to the pointer from its farther edge.
        const double extendedEnd = axis_->selectionEnd();
        const QPoint before0(xOf(*axis_, viewstyle::plotArea(spec->rect()), 2.0), y);
        sendMouse(spec, QEvent::MouseButtonPress, before0, Qt::LeftButton, Qt::LeftButton, Qt::ShiftModifier);
        sendMouse(spec, QEvent::MouseButtonRelease, before0, Qt::LeftButton, Qt::NoButton, Qt::ShiftModifier);
        QVERIFY2(std::abs(axis_->selectionStart() - 2.0) < 0.3, qPrintable(QString::number(axis_->selectionStart())));
        QCOMPARE(axis_->selectionEnd(), extendedEnd);
        axis_->setSelection(start, extendedEnd);

        // Alt+drag and the middle button scroll (when zoomed), leaving the selection alone.
        axis_->setView(10.0, 30.0);
        const double selStart = axis_->selectionStart(), selEnd = axis_->selectionEnd();
        drag(wave, {wave->width() / 2, 20}, {wave->width() / 4, 20}, Qt::LeftButton, Qt::AltModifier);
        QVERIFY(axis_->viewStart() > 12.0);
        const double scrolled = axis_->viewStart();
        drag(wave, {wave->width() / 4, 20}, {wave->width() / 2, 20}, Qt::MiddleButton);
        QVERIFY(axis_->viewStart() < scrolled - 2.0);
        QCOMPARE(axis_->selectionStart(), selStart);
        QCOMPARE(axis_->selectionEnd(), selEnd);

        // A click clears it and seeks.
        axis_->showAll();
        const QPoint click(spec->width() * 3 / 4, y);
        sendMouse(spec, QEvent::MouseButtonPress, click, Qt::LeftButton, Qt::LeftButton);
        sendMouse(spec, QEvent::MouseButtonRelease, click, Qt::LeftButton, Qt::NoButton);
        QVERIFY(!axis_->hasSelection());
        QVERIFY2(axis_->playhead() > 35.0 && axis_->playhead() < 55.0, qPrintable(QString::number(axis_->playhead())));

        // The actions: select the whole song, clear it (Esc).
        auto* all = window_->findChild<QAction*>(QStringLiteral("actionSelectAll"));
        auto* clear = window_->findChild<QAction*>(QStringLiteral("actionClearSelection"));
        QVERIFY(all && clear);
        QCOMPARE(clear->shortcut(), QKeySequence(Qt::Key_Escape));
        all->trigger();
        QCOMPARE(axis_->selectionStart(), 0.0);
        QCOMPARE(axis_->selectionEnd(), axis_->duration());
        QTest::keyClick(spec, Qt::Key_Escape);
        QVERIFY(!axis_->hasSelection());
        QTest::keyClick(spec, Qt::Key_A, Qt::ControlModifier);
        QVERIFY(axis_->hasSelection());
        clear->trigger();
        QVERIFY(!axis_->hasSelection());
    }

    void loopsWithinTheSelection()
    {
        PlaybackController* playback = window_->explorePanel()->playback();
        auto* player = playback->findChild<QMediaPlayer*>();
        auto* loop = window_->findChild<QAction*>(QStringLiteral("actionLoopSelection"));
        auto* button = window_->findChild<QToolButton*>(QStringLiteral("loopButton"));
        QVERIFY(player && loop && button);
        QVERIFY(loop->isCheckable());
        QCOMPARE(button->defaultAction(), loop);
        axis_->setSelection(12.0, 18.0);

        // Playing with a selection starts at its start.
        axis_->setPlayhead(40.0);
        playback->togglePlay();
        QCOMPARE(axis_->playhead(), 12.0);
        playback->stop();

        // Looping: the player's position crossing the end goes back to the start.
        button->click();
        QVERIFY(loop->isChecked() && playback->isLooping());
        playback->seek(17.0);
        Q_EMIT player->positionChanged(17500);
        QCOMPARE(axis_->playhead(), 17.5);
        Q_EMIT player->positionChanged(18040);
        QCOMPARE(axis_->playhead(), 12.0);
        Q_EMIT player->positionChanged(12100);
        QCOMPARE(axis_->playhead(), 12.1);

        // Without looping it plays on.
        loop->trigger();
        QVERIFY(!playback->isLooping());
        playback->seek(17.9);
        Q_EMIT player->positionChanged(18100);
        QCOMPARE(axis_->playhead(), 18.1);
        // Nor does a loop catch a position that was never inside the selection.
        loop->trigger();
        playback->seek(30.0);
        Q_EMIT player->positionChanged(31000);
        QCOMPARE(axis_->playhead(), 31.0);

        // Playing elsewhere, turning the loop on jumps into the selection (gstreamer plays without an
        // audio device; where it cannot play, this part is left out).
        loop->trigger();
        QVERIFY(!playback->isLooping());
        playback->togglePlay();
        playback->seek(40.0);
        if (QTest::qWaitFor([&] { return playback->isPlaying(); }, 5000)) {
            loop->trigger();
            QVERIFY2(axis_->playhead() >= 12.0 && axis_->playhead() < 18.0, qPrintable(QString::number(axis_->playhead())));
            loop->trigger();
        }
        playback->stop();
        QVERIFY(!loop->isChecked());
        axis_->clearSelection();
    }

    void regionGenreAndFeatures()
    {
        auto* label = window_->findChild<QLabel*>(QStringLiteral("selectionLabel"));
        auto* featureLabel = window_->findChild<QLabel*>(QStringLiteral("featureLabel"));
        auto* table = window_->findChild<QTableView*>(QStringLiteral("featureTable"));
        SelectionPanel* selection = window_->explorePanel()->selection();
        QVERIFY(label && featureLabel && table && selection);
        QVERIFY(!label->text().contains(QStringLiteral("Selection")));
        const QString wholeSongTempo = table->model()->index(featureIndex(QStringLiteral("tempo")), FeatureTableModel::ValueColumn).data().toString();

        QSignalSpy done(selection, &SelectionPanel::regionFeaturesDone);
        axis_->setSelection(5.0, 20.0);
        QVERIFY2(label->text().contains(QStringLiteral("Selection</b> 0:05.0–0:20.0 (15.0 s)")), qPrintable(label->text()));
        if (analysis_->hasGenres) {
            const workflow::RegionGenres g = workflow::regionGenres(analysis_->genres, 5.0, 20.0, analysis_->classifier.get());
            QCOMPARE(g.windows, 2);
            QVERIFY2(label->text().contains(workflow::describeProbabilities(g.ensemble, analysis_->genres.classes, 3)),
                     qPrintable(label->text()));
        }

        // The region's own features replace the song's in the table, labelled.
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY(selection->showsRegionFeatures());
        QVERIFY2(featureLabel->text().contains(QStringLiteral("selection 0:05.0–0:20.0")), qPrintable(featureLabel->text()));
        const auto& y = analysis_->audio.samples;
        const FeatureValues expected = extractFeatures(y.data() + 5 * 22050, 15 * 22050);
        for (int f = 0; f < kFeatureCount; ++f)
            QCOMPARE(table->model()->index(f, FeatureTableModel::ValueColumn).data(Qt::UserRole).toDouble(), expected[size_t(f)]);

        // Too short for features: said so, and the whole song's are shown.
        axis_->setSelection(30.0, 30.5);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 20000);
        QVERIFY(!selection->showsRegionFeatures());
        QVERIFY2(featureLabel->text().contains(QStringLiteral("at least 1 s")), qPrintable(featureLabel->text()));
        QCOMPARE(table->model()->index(featureIndex(QStringLiteral("tempo")), FeatureTableModel::ValueColumn).data().toString(),
                 wholeSongTempo);

        // A selection moved on before its features are done drops them: only the last one shows.
        axis_->setSelection(1.0, 50.0);
        axis_->setSelection(40.0, 52.0);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 3, 20000);
        QTest::qWait(300);
        QCOMPARE(done.count(), 3);
        QVERIFY2(featureLabel->text().contains(QStringLiteral("selection 0:40.0–0:52.0")), qPrintable(featureLabel->text()));

        axis_->clearSelection();
        QVERIFY(!label->text().contains(QStringLiteral("Selection")));
        QVERIFY(featureLabel->text().contains(QStringLiteral("whole song")));
    }

    void markersListedClickedAndExported()
    {
        if (!analysis_->hasGenres)
            QSKIP("this build has no default models in models/");
        SelectionPanel* selection = window_->explorePanel()->selection();
        auto* table = window_->findChild<QTableWidget*>(QStringLiteral("markerTable"));
        QVERIFY(table);
        const std::vector<workflow::GenreMarker> markers = workflow::genreChangeMarkers(analysis_->genres);
        QVERIFY2(!markers.empty(), "chords and noise should differ in genre");
        QCOMPARE(selection->markers().size(), markers.size());
        QCOMPARE(table->rowCount(), int(markers.size()));
        const QStringList& classes = analysis_->genres.classes;
        for (int row = 0; row < table->rowCount(); ++row) {
            QCOMPARE(table->item(row, 0)->text(), workflow::clockText(markers[size_t(row)].time));
            QCOMPARE(table->item(row, 1)->text(), workflow::markerLabel(markers[size_t(row)], classes));
        }

        // A click on a change seeks there.
        axis_->setPlayhead(0.0);
        const QRect cell = table->visualItemRect(table->item(0, 1));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, Qt::NoModifier, cell.center());
        QCOMPARE(axis_->playhead(), markers[0].time);

        // File ▸ Export Genre Markers, as Audacity labels and as CSV, read back.
        auto* exportAction = window_->findChild<QAction*>(QStringLiteral("actionExportMarkers"));
        QVERIFY(exportAction && exportAction->isEnabled());
        const QString audacity = dir_.filePath(QStringLiteral("labels.txt"));
        answerFileDialog(audacity, QStringLiteral("Audacity"));
        exportAction->trigger();
        QFile file(audacity);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        file.close();
        QCOMPARE(lines.size(), qsizetype(markers.size()));
        for (size_t i = 0; i < markers.size(); ++i) {
            const QStringList f = lines[qsizetype(i)].split(QLatin1Char('\t'));
            QCOMPARE(f.size(), 3);
            QVERIFY(std::abs(f[0].toDouble() - markers[i].time) <= 5e-7);
            QVERIFY(std::abs(f[1].toDouble() - markers[i].end) <= 5e-7);
            QCOMPARE(f[2], workflow::markerLabel(markers[i], classes));
        }

        const QString csv = dir_.filePath(QStringLiteral("labels.csv"));
        answerFileDialog(csv, QStringLiteral("CSV"));
        exportAction->trigger();
        QVERIFY2(window_->statusBar()->currentMessage().contains(QStringLiteral("as csv")),
                 qPrintable(window_->statusBar()->currentMessage()));
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(csvFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), qsizetype(markers.size() + 1));
        QCOMPARE(rows[0], QStringLiteral("time,end,label"));
        for (size_t i = 0; i < markers.size(); ++i) {
            const QStringList f = rows[qsizetype(i) + 1].split(QLatin1Char(','));
            QCOMPARE(f[0].toDouble(), markers[i].time);  // full precision
            QCOMPARE(f[1].toDouble(), markers[i].end);
        }
    }

private:
    QTemporaryDir dir_;
    QString song_;
    std::unique_ptr<MainWindow> window_;
    SongAnalysisPtr analysis_;
    TimeAxis* axis_ = nullptr;
};

QTEST_MAIN(TestExploreSelection)
#include "tst_explore_selection.moc"
