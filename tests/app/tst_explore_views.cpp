// The Explore views as a person sees them, offscreen: the genre timeline's tooltip after the
// hover delay and its painting kept inside the plot when zoomed, the grouped probability
// chart and the verdict for unusual audio, the waveform's amplitude scale (chosen from its
// context menu, remembered, drawn), and the song list's names and times.

#include "TestAudio.h"
#include "TestWindow.h"

#include "GenrePanel.h"
#include "GenreTimelineView.h"
#include "MainWindow.h"
#include "SongAnalysis.h"
#include "SongLibraryModel.h"
#include "TimeAxis.h"
#include "ViewStyle.h"
#include "WaveformView.h"
#include "workflow/ModelCatalog.h"

#include <QAbstractBarSeries>
#include <QApplication>
#include <QBarSet>
#include <QChartView>
#include <QContextMenuEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QMenu>
#include <QRegularExpression>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QToolTip>
#include <QValueAxis>

#include <sndfile.h>

using namespace genrescope;
using namespace genrescope::app;

namespace {

/// Three 30 s windows over 60 s (0-30, 15-45, 30-60): blues, then classical, then rock.
classify::SongPrediction threeWindows(bool unusual = false)
{
    classify::SongPrediction p;
    p.classes = {QStringLiteral("blues"), QStringLiteral("classical"), QStringLiteral("rock")};
    p.seconds = 60.0;
    const std::vector<std::vector<float>> tops = {{0.7f, 0.2f, 0.1f}, {0.1f, 0.8f, 0.1f}, {0.05f, 0.15f, 0.8f}};
    for (size_t i = 0; i < tops.size(); ++i) {
        classify::WindowPrediction w;
        w.start = 15.0 * double(i);
        w.end = w.start + 30.0;
        w.mlp = w.cnn = w.ensemble = tops[i];
        p.windows.push_back(w);
    }
    p.mlp = {0.2f, 0.3f, 0.5f};
    p.cnn = {0.1f, 0.6f, 0.3f};
    p.ensemble = {0.15f, 0.45f, 0.4f};
    p.unusual = unusual;
    if (unusual) {
        p.mlp = p.cnn = p.ensemble = {0.0f, 0.0f, 1.0f};  // silence can look certain
        p.unusualReason = QStringLiteral("The audio is silent or nearly so (-200 dBFS); the genre means nothing.");
    }
    return p;
}

/// A confident percentage such as "rock 100 %" or "100 %" anywhere in `text`.
bool hasPercentage(const QString& text)
{
    return QRegularExpression(QStringLiteral("\\d+ ?%")).match(text).hasMatch();
}

/// The text a person can read in a panel: its visible labels and its charts' titles and axes.
QStringList visibleTexts(const QWidget& panel)
{
    QStringList texts;
    for (const QLabel* label : panel.findChildren<QLabel*>())
        if (label->isVisibleTo(&panel))
            texts << label->text();
    for (const QChartView* view : panel.findChildren<QChartView*>()) {
        texts << view->chart()->title();
        for (const QAbstractAxis* axis : view->chart()->axes())
            if (const auto* values = qobject_cast<const QValueAxis*>(axis); values && values->labelsVisible())
                texts << QString(values->labelFormat())  // a label as drawn, e.g. "50 %"
                             .replace(QRegularExpression(QStringLiteral("%[-+ #0-9.]*[dfgi]")), QStringLiteral("50"))
                             .replace(QStringLiteral("%%"), QStringLiteral("%"));
    }
    return texts;
}

/// Rows of column x of `image` that differ from `background`.
int paintedRows(const QImage& image, int x, QRgb background)
{
    int rows = 0;
    for (int y = 0; y < image.height(); ++y)
        rows += image.pixel(x, y) != background;
    return rows;
}

} // namespace

class TestExploreViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        testwindow::isolateSettings(dir_.path());
    }

    void timelineTooltipShowsTheWindowAfterTheHoverDelay()
    {
        TimeAxis axis;
        axis.reset(60.0);
        GenreTimelineView view;
        view.setTimeAxis(&axis);
        const classify::SongPrediction p = threeWindows();
        view.setPrediction(&p);
        QVERIFY(testwindow::show(view, {700, 30}));
        view.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&view));
        const QRect plot = viewstyle::plotArea(view.rect());
        // 50 s is in the last window's part of the strip (30 s on).
        const QPoint overRock(plot.left() + int(plot.width() * 50.0 / 60.0), view.height() / 2);
        QTest::mouseMove(&view, overRock);
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::isVisible(), 5000);
        QVERIFY2(QToolTip::text().contains(QStringLiteral("0:30–1:00")) && QToolTip::text().contains(QStringLiteral("rock 80 %")),
                 qPrintable(QToolTip::text()));
        // It stays: no fixed text of the widget replaces it while the pointer rests there.
        QTest::qWait(1500);
        QVERIFY(QToolTip::isVisible());
        QVERIFY2(QToolTip::text().contains(QStringLiteral("0:30–1:00")), qPrintable(QToolTip::text()));
        // Another window under the pointer: its own text.
        QTest::mouseMove(&view, QPoint(plot.left() + int(plot.width() * 20.0 / 60.0), view.height() / 2));
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::text().contains(QStringLiteral("0:15–0:45")), 5000);
        QVERIFY2(QToolTip::text().contains(QStringLiteral("classical 80 %")), qPrintable(QToolTip::text()));
        // Outside the windows (the margin) only the general help.
        QHelpEvent help(QEvent::ToolTip, QPoint(plot.left() / 2, view.height() / 2),
                        view.mapToGlobal(QPoint(plot.left() / 2, view.height() / 2)));
        QApplication::sendEvent(&view, &help);
        QTRY_VERIFY_WITH_TIMEOUT(QToolTip::text().startsWith(QStringLiteral("Genre timeline")), 5000);
        QToolTip::hideText();
    }

    void timelinePaintStaysInsideThePlotWhenZoomed()
    {
        TimeAxis axis;
        axis.reset(60.0);
        axis.setView(20.0, 40.0);  // every window reaches past one side or the other
        axis.setPlayhead(45.0);    // off screen: not drawn in the margin either
        GenreTimelineView view;
        view.setTimeAxis(&axis);
        const classify::SongPrediction p = threeWindows();
        view.setPrediction(&p);
        view.resize(600, 30);
        QImage image(view.size(), QImage::Format_RGB32);
        view.render(&image);
        const QRect plot = viewstyle::plotArea(view.rect());
        const QRgb background = viewstyle::background().rgb();
        int inPlot = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                if (x < plot.left() || x > plot.right())
                    QVERIFY2(image.pixel(x, y) == background, qPrintable(QStringLiteral("margin pixel %1,%2").arg(x).arg(y)));
                else
                    inPlot += image.pixel(x, y) != background && image.pixel(x, y) != viewstyle::plotBackground().rgb();
            }
        QVERIFY2(inPlot > plot.width() * 10, "the blocks are painted in the plot");
    }

    void probabilitiesAreOneGroupedChart()
    {
        GenrePanel panel;
        const classify::SongPrediction p = threeWindows();
        panel.setPrediction(&p);
        const QList<QWidget*> charts = panel.charts();
        QCOMPARE(charts.size(), 1);
        auto* view = qobject_cast<QChartView*>(charts[0]);
        QVERIFY(view);
        QCOMPARE(view->objectName(), QStringLiteral("genreChart"));
        const QString title = view->chart()->title();
        QVERIFY2(title.startsWith(QStringLiteral("Ensemble: classical 45 %")) && title.contains(QStringLiteral("MLP: rock 50 %"))
                     && title.contains(QStringLiteral("CNN: classical 60 %")),
                 qPrintable(title));
        auto* bars = qobject_cast<QAbstractBarSeries*>(view->chart()->series().value(0));
        QVERIFY(bars);
        QStringList models;
        for (const QBarSet* set : bars->barSets())
            models << set->label();
        QCOMPARE(models, QStringList({QStringLiteral("MLP"), QStringLiteral("CNN"), QStringLiteral("Ensemble")}));
        // Best genre of the ensemble at the top (a bar series draws its first category at the bottom).
        const QBarSet* ensemble = bars->barSets().last();
        QCOMPARE(ensemble->count(), 3);
        QVERIFY(ensemble->at(0) <= ensemble->at(1) && ensemble->at(1) <= ensemble->at(2));
        QCOMPARE(ensemble->at(2), 100.0 * double(p.ensemble[1]));
        QVERIFY(!panel.findChild<QLabel*>(QStringLiteral("genreVerdict"))->isVisibleTo(&panel));
        panel.setPlayhead(50.0);
        QVERIFY2(panel.findChild<QLabel*>(QStringLiteral("genreNow"))->text().contains(QStringLiteral("(0:30–1:00): rock 80 %")),
                 qPrintable(panel.findChild<QLabel*>(QStringLiteral("genreNow"))->text()));
    }

    void unusualAudioShowsTheVerdictWithoutPercentages()
    {
        GenrePanel panel;
        const classify::SongPrediction p = threeWindows(true);
        panel.setPrediction(&p);
        panel.setPlayhead(50.0);
        auto* verdict = panel.findChild<QLabel*>(QStringLiteral("genreVerdict"));
        QVERIFY(verdict && verdict->isVisibleTo(&panel));
        QVERIFY2(verdict->text().contains(QStringLiteral("no genre can be trusted")) && verdict->text().contains(QStringLiteral("silent")),
                 qPrintable(verdict->text()));
        // The verdict comes first, above the chart.
        QVERIFY(panel.layout()->indexOf(verdict) < panel.layout()->indexOf(panel.charts().value(0)));
        const QStringList texts = visibleTexts(panel);
        for (const QString& text : texts)
            QVERIFY2(!hasPercentage(text), qPrintable(texts.join(QStringLiteral(" | "))));
    }

    void aSilentSongInTheWindowShowsTheVerdict()
    {
        if (!workflow::defaultClassifier())
            QSKIP("this build has no default models in models/");
        const QString path = dir_.filePath(QStringLiteral("silence.wav"));
        QVERIFY(testaudio::write(path, std::vector<float>(22050 * 12, 0.0f), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        w.openPaths({path});
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 30000);
        QVERIFY(w.library()->analysis(0)->genres.unusual);
        auto* panel = w.findChild<GenrePanel*>(QStringLiteral("genrePanel"));
        QVERIFY(panel);
        QTRY_VERIFY(panel->findChild<QLabel*>(QStringLiteral("genreVerdict"))->isVisible());
        const QStringList texts = visibleTexts(*panel);
        for (const QString& text : texts)
            QVERIFY2(!hasPercentage(text), qPrintable(texts.join(QStringLiteral(" | "))));
        const QString header = w.findChild<QLabel*>(QStringLiteral("songDetails"))->text();
        QVERIFY2(header.contains(QStringLiteral("Unusual audio: no genre can be trusted")) && !header.contains(QLatin1Char('%')),
                 qPrintable(header));
    }

    void waveformAmplitudeScaleIsChosenRememberedAndDrawn()
    {
        QSettings().remove(QStringLiteral("waveform/amplitudeScale"));
        auto song = std::make_shared<SongAnalysis>();
        song->audio.sampleRate = 22050;
        song->audio.samples = testaudio::sine(220.0, 2.0, 22050, 0.1f);  // -20 dBFS
        song->seconds = 2.0;
        song->peaks = PeakPyramid(song->audio.samples);
        TimeAxis axis;
        axis.reset(song->seconds);
        WaveformView view;
        view.setTimeAxis(&axis);
        view.setSong(song);
        view.resize(600, 160);
        QCOMPARE(view.amplitudeScale(), WaveformView::AmplitudeScale::Linear);
        const auto drawnHeight = [&] {
            QImage image(view.size(), QImage::Format_RGB32);
            view.render(&image);
            const QRect plot = viewstyle::plotArea(view.rect());
            return paintedRows(image.copy(plot), plot.width() / 3, viewstyle::plotBackground().rgb());
        };
        const int linear = drawnHeight();

        // The context menu switches to dBFS.
        const auto choose = [this](WaveformView& target, const QString& actionName) {
            QTimer::singleShot(0, this, [actionName] {
                auto* menu = qobject_cast<QMenu*>(QApplication::activePopupWidget());
                QVERIFY(menu);
                auto* action = menu->findChild<QAction*>(actionName);
                QVERIFY(action && !action->isChecked());
                action->trigger();
                menu->close();
            });
            QContextMenuEvent menuEvent(QContextMenuEvent::Mouse, QPoint(100, 50), target.mapToGlobal(QPoint(100, 50)));
            QApplication::sendEvent(&target, &menuEvent);
        };
        choose(view, QStringLiteral("amplitudeDbfsAction"));
        QCOMPARE(view.amplitudeScale(), WaveformView::AmplitudeScale::Decibels);
        // -20 dBFS fills two thirds of each half in dBFS (-60 dB floor), a tenth when linear.
        const int decibels = drawnHeight();
        QVERIFY2(decibels > 4 * linear, qPrintable(QStringLiteral("%1 rows linear, %2 in dBFS").arg(linear).arg(decibels)));

        // Remembered for the next view (the next start).
        WaveformView next;
        QCOMPARE(next.amplitudeScale(), WaveformView::AmplitudeScale::Decibels);
        choose(next, QStringLiteral("amplitudeLinearAction"));
        QCOMPARE(next.amplitudeScale(), WaveformView::AmplitudeScale::Linear);
        QCOMPARE(WaveformView().amplitudeScale(), WaveformView::AmplitudeScale::Linear);
    }

    void songListShowsNamesAndTimesInOneFormat()
    {
        const QString path = dir_.filePath(QStringLiteral("a-rather-long-song-name-that-does-not-fit-in-the-list.wav"));
        QVERIFY(testaudio::write(path, testaudio::sine(440.0, 4.0, 22050, 0.3f), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        MainWindow w;
        QVERIFY(testwindow::show(w, {1100, 700}));
        w.openPaths({path});
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 30000);
        auto* list = w.findChild<QTableView*>(QStringLiteral("songList"));
        QVERIFY(list);
        QCOMPARE(list->textElideMode(), Qt::ElideMiddle);
        QCOMPARE(list->horizontalHeader()->sectionResizeMode(SongLibraryModel::NameColumn), QHeaderView::Stretch);
        QCOMPARE(list->model()->index(0, SongLibraryModel::NameColumn).data(Qt::ToolTipRole).toString(), path);
        QCOMPARE(list->model()->index(0, SongLibraryModel::DurationColumn).data().toString(), QStringLiteral("0:04.0"));
        QTRY_COMPARE(w.findChild<QLabel*>(QStringLiteral("positionLabel"))->text(), QStringLiteral("0:00.0 / 0:04.0"));
        QCOMPARE(w.findChild<QLabel*>(QStringLiteral("viewLabel"))->text(), QStringLiteral("View 0:00.0 – 0:04.0"));
        w.timeAxis()->setView(1.0, 1.011);  // zoomed in, the view's ends tell milliseconds
        QCOMPARE(w.findChild<QLabel*>(QStringLiteral("viewLabel"))->text(), QStringLiteral("View 0:01.000 – 0:01.011"));
    }

private:
    QTemporaryDir dir_;
};

QTEST_MAIN(TestExploreViews)
#include "tst_explore_views.moc"
