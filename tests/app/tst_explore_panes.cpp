// The Explore panes of issue #14: the spectrogram's settings (changed in their dialog, kept
// per user and used by the view after a restart), the chroma and MFCC panes on the shared
// time axis, and the spectrogram's vertical zoom.

#include "TestAudio.h"
#include "TestWindow.h"

#include "ExplorePanel.h"
#include "FeaturePaneView.h"
#include "MainWindow.h"
#include "SongAnalysis.h"
#include "SongLibraryModel.h"
#include "SpectrogramSettings.h"
#include "SpectrogramView.h"
#include "TimeAxis.h"
#include "dsp/MelSpectrogram.h"
#include "features/Chroma.h"
#include "features/Mfcc.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDoubleSpinBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace genrescope::app;

namespace {

/// A column of the spectrogram's plot at 2.7 s: between the time grid's lines at any zoom
/// that shows the whole 6 s song (they fall on multiples of 0.2, 0.5, 1, 2 or 5 s).
int columnAt27Seconds(SpectrogramView* view)
{
    int best = -1;
    double bestGap = 1e9;
    for (int x = 0; x < view->width(); ++x) {
        const QString readout = view->readoutAt(QPoint(x, view->height() / 2));
        const QString clock = readout.section(QLatin1Char(' '), 0, 0);  // "m:ss.ss"
        const double seconds = clock.section(QLatin1Char(':'), 0, 0).toDouble() * 60.0 + clock.section(QLatin1Char(':'), 1, 1).toDouble();
        const double gap = std::abs(seconds - 2.7);
        if (!readout.isEmpty() && gap < bestGap)
            best = x, bestGap = gap;
    }
    return best;
}

/// The song's loudest pixel in that column, and its y.
std::pair<QRgb, int> loudestPixel(SpectrogramView* view)
{
    const QImage image = view->grab().toImage();
    const int x = columnAt27Seconds(view);
    QRgb best = 0;
    int bestY = -1, bestSum = -1;
    for (int y = 10; y < view->height() - 30; ++y) {
        const QRgb c = image.pixel(x, y);
        const int sum = qRed(c) + qGreen(c) + qBlue(c);
        if (!view->readoutAt(QPoint(x, y)).isEmpty() && sum > bestSum)
            best = c, bestY = y, bestSum = sum;
    }
    return {best, bestY};
}

double readoutDecibels(const QString& readout)
{
    const QStringList parts = readout.split(QStringLiteral(" · "));
    return parts.size() == 3 ? parts[2].section(QLatin1Char(' '), 0, 0).toDouble() : qQNaN();
}

void sendCtrlWheel(QWidget* view, QPoint at, int steps)
{
    QWheelEvent event(at, view->mapToGlobal(at), QPoint(), QPoint(0, 120 * steps), Qt::NoButton, Qt::ControlModifier,
                      Qt::NoScrollPhase, false);
    QApplication::sendEvent(view, &event);
}

} // namespace

class TestExplorePanes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        testwindow::isolateSettings(dir_.path());
        // A4 (440 Hz) alone, over a faint noise floor so every cell has a level.
        auto y = testaudio::sine(440.0, 6.0, 22050, 0.5f);
        const auto floor = testaudio::noise(6.0, 22050, 2, 0.002f);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] += floor[i];
        song_ = dir_.filePath(QStringLiteral("a4.wav"));
        QVERIFY(testaudio::write(song_, y, 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
    }

    void levelPyramidReadsTheLargestLevel()
    {
        // Levels round to the nearest of 256 steps; a span's maximum is never below the true one and
        // reaches at most one pyramid cell (2^k frames for spans of 2^k to 2^(k+1)) beyond it.
        genrescope::Spectrogram values(3, 1000);
        std::mt19937 gen(5);
        std::uniform_real_distribution<float> level(-90.0f, 5.0f);
        for (float& v : values.data)
            v = level(gen);
        const LevelGrid grid(values, -80.0f, 0.0f);
        QCOMPARE(grid.level(0, 0), std::uint8_t(std::lround(std::clamp((values.at(0, 0) + 80.0f) / 80.0f * 255.0f, 0.0f, 255.0f))));
        QVERIFY(std::abs(grid.valueAt(1, 7) - std::clamp(double(values.at(1, 7)), -80.0, 0.0)) <= 80.0 / 510 + 1e-6);
        QVERIFY(std::isnan(grid.valueAt(3, 0)) && std::isnan(grid.valueAt(0, 1000)));
        std::uniform_int_distribution<long> pos(0, 999);
        for (int trial = 0; trial < 300; ++trial) {
            long a = pos(gen), b = pos(gen);
            if (a > b)
                std::swap(a, b);
            ++b;
            std::uint8_t got[3];
            grid.maxOver(double(a), double(b), got);
            const long reach = 1L << int(std::floor(std::log2(double(b - a))));
            for (int r = 0; r < 3; ++r) {
                std::uint8_t truth = 0, wide = 0;
                for (long f = a; f < b; ++f)
                    truth = std::max(truth, grid.level(r, f));
                for (long f = std::max(0L, a - reach); f < std::min(1000L, b + reach); ++f)
                    wide = std::max(wide, grid.level(r, f));
                QVERIFY(got[r] >= truth && got[r] <= wide);
            }
        }
    }

    void settingsAreKeptAndUsed()
    {
        SpectrogramSettings chosen;
        {
            MainWindow w;
            QVERIFY(testwindow::show(w, {1200, 800}));
            openSong(w);
            auto* spec = w.findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
            QVERIFY(spec);
            QCOMPARE(spec->settings(), SpectrogramSettings{});  // nothing stored yet: the defaults
            const auto [magma, y] = loudestPixel(spec);
            QVERIFY(y >= 0);
            QVERIFY2(!(qRed(magma) == qGreen(magma) && qGreen(magma) == qBlue(magma)), "magma is not grey");

            // Through the View menu's action and the dialog's widgets, found by their names.
            QAction* open = w.findChild<QAction*>(QStringLiteral("actionSpectrogramSettings"));
            QVERIFY(open);
            open->trigger();
            auto* dialog = w.findChild<QDialog*>(QStringLiteral("spectrogramSettings"));
            QVERIFY(dialog && dialog->isVisible());
            auto* colours = dialog->findChild<QComboBox*>(QStringLiteral("colours"));
            auto* floor = dialog->findChild<QDoubleSpinBox*>(QStringLiteral("floor"));
            auto* scale = dialog->findChild<QComboBox*>(QStringLiteral("scale"));
            QVERIFY(colours && floor && scale && dialog->findChild<QComboBox*>(QStringLiteral("fft-size")) &&
                    dialog->findChild<QDoubleSpinBox*>(QStringLiteral("ceiling")));
            QVERIFY(!colours->toolTip().isEmpty());  // the declared description
            colours->setCurrentIndex(colours->findData(QStringLiteral("greys")));
            floor->setValue(-60.0);
            scale->setCurrentIndex(scale->findData(QStringLiteral("log")));
            QCOMPARE(spec->settings().colours, ColourMap::Greys);
            QCOMPARE(spec->settings().floorDb, -60.0);
            QCOMPARE(spec->settings().scale, FrequencyScale::LogHz);
            chosen = spec->settings();
            dialog->close();
        }
        QCOMPARE(SpectrogramSettings::load(QSettings()), chosen);

        // A new window starts with them, and draws with them: the tone is grey, as bright as its level.
        MainWindow w;
        QVERIFY(testwindow::show(w, {1200, 800}));
        openSong(w);
        auto* spec = w.findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
        QCOMPARE(spec->settings(), chosen);
        const auto [grey, y] = loudestPixel(spec);
        QVERIFY(y >= 0);
        QCOMPARE(qRed(grey), qGreen(grey));
        QCOMPARE(qGreen(grey), qBlue(grey));
        const int x = columnAt27Seconds(spec);
        const double db = readoutDecibels(spec->readoutAt(QPoint(x, y)));
        QVERIFY2(db > -60.0, qPrintable(QString::number(db)));
        const double expected = 255.0 * std::clamp((db + 60.0) / 60.0, 0.0, 1.0);
        QVERIFY2(std::abs(qRed(grey) - expected) <= 3.0, qPrintable(QStringLiteral("%1 vs %2").arg(qRed(grey)).arg(expected)));
        // The log axis says so, and the tone reads out near 440 Hz.
        const QString at = spec->readoutAt(QPoint(x, y));
        const double hz = at.section(QStringLiteral(" · "), 1, 1).section(QLatin1Char(' '), 0, 0).toDouble();
        QVERIFY2(hz > 380 && hz < 500, qPrintable(at));
        QVERIFY(std::abs(spec->lowestShownHz() - 20.0) < 1e-9);  // the log axis starts at 20 Hz
    }

    void fftSizeChangesOnlyThePicture()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1200, 800}));
        openSong(w);
        auto* spec = w.findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
        const SongAnalysisPtr song = w.library()->analysis(w.currentRow());
        const auto features = song->features;
        QCOMPARE(spec->shownFftSize(), 2048);
        const QImage before = spec->grab().toImage();
        w.explorePanel()->showSpectrogramSettings();
        auto* fft = w.findChild<QDialog*>(QStringLiteral("spectrogramSettings"))->findChild<QComboBox*>(QStringLiteral("fft-size"));
        fft->setCurrentIndex(fft->findData(QStringLiteral("512")));
        QTRY_COMPARE_WITH_TIMEOUT(spec->shownFftSize(), 512, 10000);
        // A 512-sample frame smears the tone over more bands than a 2048 one: the picture changed ...
        QVERIFY(spec->grab().toImage() != before);
        QVERIFY(w.library()->analysis(w.currentRow()) == song);  // ... and the analysis did not
        QVERIFY(song->features == features);
        fft->setCurrentIndex(fft->findData(QStringLiteral("2048")));
        QCOMPARE(spec->shownFftSize(), 2048);

        // A song over 10 minutes keeps no samples: it stays at 2048, and the plot says so.
        auto longSong = std::make_shared<SongAnalysis>(*song);
        std::vector<float>().swap(longSong->audio.samples);
        SpectrogramSettings small = spec->settings();
        small.fftSize = 1024;
        SpectrogramView alone;
        TimeAxis axis;
        alone.resize(800, 300);
        alone.setTimeAxis(&axis);
        axis.reset(longSong->seconds);
        alone.setSettings(small);
        alone.setSong(longSong);
        const QImage shown = alone.grab().toImage();
        QTest::qWait(200);
        QCOMPARE(alone.shownFftSize(), 2048);
        QVERIFY(alone.grab().toImage() == shown);  // nothing arrives later
        QVERIFY2(alone.fftNote().contains(QStringLiteral("over 10 min")), qPrintable(alone.fftNote()));
        QVERIFY(spec->fftNote().isEmpty());
    }

    void panesShowTheSongOnTheSharedAxis()
    {
        {
            MainWindow w;
            QVERIFY(testwindow::show(w, {1200, 900}));
            auto* chroma = w.findChild<FeaturePaneView*>(QStringLiteral("chromaView"));
            auto* mfcc = w.findChild<FeaturePaneView*>(QStringLiteral("mfccView"));
            QVERIFY(chroma && mfcc);
            QVERIFY(!chroma->isVisible() && !mfcc->isVisible());  // off until asked for
            w.findChild<QAction*>(QStringLiteral("actionChromaPane"))->setChecked(true);
            w.findChild<QAction*>(QStringLiteral("actionMfccPane"))->setChecked(true);
            QVERIFY(chroma->isVisible() && mfcc->isVisible());
        }
        MainWindow w;  // remembered
        QVERIFY(testwindow::show(w, {1200, 900}));
        openSong(w);
        auto* spec = w.findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
        auto* chroma = w.findChild<FeaturePaneView*>(QStringLiteral("chromaView"));
        auto* mfcc = w.findChild<FeaturePaneView*>(QStringLiteral("mfccView"));
        QVERIFY(chroma->isVisible() && mfcc->isVisible());
        QVERIFY(w.findChild<QAction*>(QStringLiteral("actionChromaPane"))->isChecked());
        QCOMPARE(chroma->timeAxis(), w.timeAxis());
        QCOMPARE(mfcc->timeAxis(), w.timeAxis());
        // Under the spectrogram, with the same plot margins: the same left edge and width.
        for (QWidget* pane : {static_cast<QWidget*>(chroma), static_cast<QWidget*>(mfcc)}) {
            QCOMPARE(pane->mapTo(&w, QPoint(0, 0)).x(), spec->mapTo(&w, QPoint(0, 0)).x());
            QCOMPARE(pane->width(), spec->width());
            QVERIFY(pane->mapTo(&w, QPoint(0, 0)).y() > spec->mapTo(&w, QPoint(0, 0)).y());
        }

        // The whole song's chroma: A is the loudest class in every frame of the tone.
        const LevelGrid* grid = chroma->levels();
        QVERIFY(grid && grid->rows() == 12);
        const SongAnalysisPtr song = w.library()->analysis(w.currentRow());
        QCOMPARE(grid->frames(), song->melLevels.frames());
        QCOMPARE(chroma->rowLabel(9), QStringLiteral("A"));
        QCOMPARE(chroma->rowLabel(0), QStringLiteral("C"));
        for (long f = 5; f < grid->frames() - 5; f += 17)
            for (int row = 0; row < 12; ++row)
                QVERIFY(row == 9 ? grid->level(row, f) == 255 : grid->level(row, f) < 200);
        // ... and the pane draws A's row brightest.
        QTest::qWait(50);
        const QImage picture = chroma->grab().toImage();
        const int x = chroma->width() / 2;
        auto brightness = [&](int row) {
            int best = -1;
            for (int y = 0; y < chroma->height(); ++y)
                if (chroma->rowAt(QPoint(x, y)) == row) {
                    const QRgb c = picture.pixel(x, y);
                    best = std::max(best, qRed(c) + qGreen(c) + qBlue(c));
                }
            return best;
        };
        const int a = brightness(9);
        for (int row = 0; row < 12; ++row)
            if (row != 9)
                QVERIFY2(brightness(row) >= 0 && brightness(row) < a, qPrintable(chroma->rowLabel(row)));

        // Both hold the core's per-frame values for the whole song (to one level of 256).
        const std::vector<float>& y = song->audio.samples;
        const genrescope::Stft stft;
        const genrescope::Spectrogram power = stft.power(y.data(), long(y.size()));
        const genrescope::Spectrogram reference = genrescope::chromaStft(power, genrescope::estimateTuning(power), {});
        QCOMPARE(reference.frames, grid->frames());
        for (long f = 0; f < reference.frames; f += 7)
            for (int row = 0; row < 12; ++row)
                QVERIFY(std::abs(grid->valueAt(row, f) - reference.at(row, f)) <= 1.0 / 255 + 1e-6);
        const LevelGrid* coefficients = mfcc->levels();
        QVERIFY(coefficients && coefficients->rows() == 20);
        QCOMPARE(coefficients->frames(), grid->frames());
        QCOMPARE(mfcc->rowLabel(19), QStringLiteral("19"));
        const genrescope::Spectrogram cepstrum = genrescope::mfcc(genrescope::powerToDb(
            genrescope::MelSpectrogram().fromPower(power), genrescope::DbParams{0.0, 1e-10, 80.0}));
        for (int k = 0; k < 20; ++k) {
            float largest = 0;
            for (long f = 0; f < cepstrum.frames; ++f)
                largest = std::max(largest, std::abs(cepstrum.at(k, f)));
            QVERIFY(largest > 0);
            for (long f = 0; f < cepstrum.frames; f += 7)
                QVERIFY2(std::abs(coefficients->valueAt(k, f) - cepstrum.at(k, f) / largest) <= 2.0 / 255 + 1e-4,
                         qPrintable(QStringLiteral("coefficient %1 frame %2").arg(k).arg(f)));
        }
    }

    void verticalZoomMovesTheFrequencyLabels()
    {
        QSettings().remove(QStringLiteral("spectrogram"));  // the mel scale again
        MainWindow w;
        QVERIFY(testwindow::show(w, {1200, 800}));
        openSong(w);
        auto* spec = w.findChild<SpectrogramView*>(QStringLiteral("spectrogramView"));
        const QList<double> before = spec->labelledFrequencies();
        QVERIFY(!before.isEmpty() && before.last() >= 4000);
        const double top = spec->highestShownHz();
        QVERIFY(top > 10000);
        // Ctrl+wheel near the bottom of the plot zooms into the low frequencies.
        const QPoint low(spec->width() / 2, spec->height() - 30);
        sendCtrlWheel(spec, low, 4);
        QVERIFY(spec->highestShownHz() < top / 2);
        const QList<double> after = spec->labelledFrequencies();
        QVERIFY(after.size() >= 2);
        QVERIFY2(after.last() <= spec->highestShownHz() && after.first() >= spec->lowestShownHz(),
                 qPrintable(QStringLiteral("%1 .. %2").arg(after.first()).arg(after.last())));
        QVERIFY(after.last() < before.last());
        // The plain wheel still zooms time, not frequency.
        const double span = w.timeAxis()->viewSpan();
        const double high = spec->highestShownHz();
        QWheelEvent plain(low, spec->mapToGlobal(low), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(spec, &plain);
        QVERIFY(w.timeAxis()->viewSpan() < span);
        QCOMPARE(spec->highestShownHz(), high);
        w.findChild<QAction*>(QStringLiteral("actionResetFrequencyZoom"))->trigger();  // View menu
        QCOMPARE(spec->highestShownHz(), top);
        QCOMPARE(spec->labelledFrequencies(), before);
    }

private:
    void openSong(MainWindow& w)
    {
        w.openPaths({song_});
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 30000);
        QTRY_VERIFY(w.library()->analysis(w.currentRow()) != nullptr);
        QTest::qWait(50);
    }

    QTemporaryDir dir_;
    QString song_;
};

QTEST_MAIN(TestExplorePanes)
#include "tst_explore_panes.moc"
