// View building blocks: the peak pyramid against brute force, the shared time axis's zoom,
// scroll and clamping, the one time format and the time ruler's ticks (measured in a real
// font), the waveform's amplitude scales and the beat grid's thinning.

#include "TestAudio.h"

#include "PeakPyramid.h"
#include "TimeAxis.h"
#include "WaveformView.h"
#include "workflow/TimeText.h"

#include <QApplication>
#include <QFontMetrics>

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <random>

using namespace genrescope::app;
using genrescope::workflow::clockText;
using genrescope::workflow::spanText;
using genrescope::workflow::stepDecimals;

namespace {

/// Centred labels of `ruler` over [start, end] at `pixels`: the least room between two neighbours.
double tightestGap(const genrescope::workflow::TimeRuler& ruler, double start, double end, double pixels,
                   const QFontMetrics& fm)
{
    double least = 1e9;
    for (qsizetype i = 1; i < ruler.labels.size(); ++i) {
        const double x0 = (ruler.ticks[size_t(i) - 1] - start) / (end - start) * pixels;
        const double x1 = (ruler.ticks[size_t(i)] - start) / (end - start) * pixels;
        least = std::min(least, (x1 - fm.horizontalAdvance(ruler.labels[i]) / 2.0)
                                    - (x0 + fm.horizontalAdvance(ruler.labels[i - 1]) / 2.0));
    }
    return least;
}

} // namespace

class TestViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pyramidMatchesBruteForceWithinOneBin()
    {
        const auto y = testaudio::noise(30.0, 22050, 3);
        const PeakPyramid pyramid(y);
        QVERIFY(pyramid.levels() > 10);
        std::mt19937 gen(1);
        std::uniform_int_distribution<long> pos(0, long(y.size()) - 1);
        for (int trial = 0; trial < 500; ++trial) {
            long a = pos(gen), b = pos(gen);
            if (a > b)
                std::swap(a, b);
            if (b == a)
                ++b;
            const auto [lo, hi] = pyramid.range(a, b, y);
            const auto [tlo, thi] = std::minmax_element(y.begin() + a, y.begin() + b);
            // Never less extreme than the truth; any extra reach stays within one bin of the range.
            QVERIFY(lo <= *tlo && hi >= *thi);
            const long slack = std::max(1L, (b - a) / 2);
            const auto [wlo, whi] = std::minmax_element(y.begin() + std::max(0L, a - slack),
                                                        y.begin() + std::min(long(y.size()), b + slack));
            QVERIFY(lo >= *wlo && hi <= *whi);
        }
    }

    void pyramidWithoutSamplesReadsItsFinestBins()
    {
        // A long song keeps only its peaks: a range shorter than two bins reads the bins it touches.
        const auto y = testaudio::noise(3.0, 22050, 4);
        const PeakPyramid pyramid(y);
        QCOMPARE(pyramid.sampleCount(), long(y.size()));
        const std::vector<float> none;
        for (long a : {0L, 5L, 17L, 1000L, long(y.size()) - 3}) {
            const long b = a + 3;
            const auto [lo, hi] = pyramid.range(a, b, none);
            const long from = a / PeakPyramid::kBaseBin * PeakPyramid::kBaseBin;
            const long to = std::min(long(y.size()), ((b - 1) / PeakPyramid::kBaseBin + 1) * PeakPyramid::kBaseBin);
            const auto [tlo, thi] = std::minmax_element(y.begin() + from, y.begin() + to);
            QCOMPARE(lo, *tlo);
            QCOMPARE(hi, *thi);
        }
        // Longer ranges read the same bins with or without the samples.
        QVERIFY(pyramid.range(100, 5000, none) == pyramid.range(100, 5000, y));
        QVERIFY(pyramid.range(long(y.size()), long(y.size()) + 10, none) == std::make_pair(0.0f, 0.0f));
    }

    void timeAxisZoomAndClamp()
    {
        TimeAxis axis;
        QSignalSpy view(&axis, &TimeAxis::viewChanged);
        axis.reset(30.0);
        QCOMPARE(axis.viewStart(), 0.0);
        QCOMPARE(axis.viewEnd(), 30.0);
        axis.zoomAround(10.0, 0.5);  // keeps 10 s under the same relative position
        QVERIFY(std::abs(axis.viewSpan() - 15.0) < 1e-9);
        QVERIFY(std::abs(axis.timeAt(axis.xOf(10.0, 600), 600) - 10.0) < 1e-9);
        QVERIFY(std::abs(axis.xOf(10.0, 300) - 100.0) < 1e-9);
        axis.scrollBy(100.0);  // clamped at the end
        QCOMPARE(axis.viewEnd(), 30.0);
        axis.scrollBy(-100.0);
        QCOMPARE(axis.viewStart(), 0.0);
        axis.zoomAround(5.0, 1e-9);  // no closer than the minimum span
        QVERIFY(std::abs(axis.viewSpan() - TimeAxis::kMinSpan) < 1e-12);
        axis.zoomAround(5.0, 1e9);  // no further out than the song
        QCOMPARE(axis.viewSpan(), 30.0);
        QVERIFY(view.count() >= 5);
        axis.setPlayhead(42.0);
        QCOMPARE(axis.playhead(), 30.0);
    }
    void clockTextIsOneFormat()
    {
        QCOMPARE(clockText(0.0), QStringLiteral("0:00.0"));
        QCOMPARE(clockText(75.36), QStringLiteral("1:15.4"));
        QCOMPARE(clockText(59.96), QStringLiteral("1:00.0"));  // rounded once, never "0:60.0"
        QCOMPARE(clockText(599.0, 0), QStringLiteral("9:59"));
        QCOMPARE(clockText(3599.95), QStringLiteral("1:00:00.0"));
        QCOMPARE(clockText(3725.0, 0), QStringLiteral("1:02:05"));
        QCOMPARE(clockText(36000.25, 2), QStringLiteral("10:00:00.25"));
        QCOMPARE(clockText(0.125, 3), QStringLiteral("0:00.125"));
        QCOMPARE(clockText(12.3456, 2), QStringLiteral("0:12.35"));
        QCOMPARE(clockText(-1.5), QStringLiteral("-0:01.5"));
        QCOMPARE(clockText(5.0, 0, true), QStringLiteral("0:00:05"));  // the times of a song over an hour line up
        QCOMPARE(clockText(std::nan("")), QStringLiteral("0:00.0"));
        QCOMPARE(spanText(15.0, 45.0), QStringLiteral("0:15–0:45"));
        QCOMPARE(spanText(60.0, 74.3), QStringLiteral("1:00.0–1:14.3"));
    }

    void rulerStepsAreNiceForPeople()
    {
        const std::vector<double>& steps = genrescope::workflow::rulerSteps();
        QVERIFY(std::is_sorted(steps.begin(), steps.end()));
        for (double s : {0.001, 0.002, 0.005, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0,
                         900.0, 1800.0, 3600.0, 7200.0})
            QVERIFY2(std::count_if(steps.begin(), steps.end(), [&](double t) { return std::abs(t - s) < 1e-9 * s; }) == 1,
                     qPrintable(QString::number(s)));
        QVERIFY(std::none_of(steps.begin(), steps.end(), [](double t) { return std::abs(t - 20.0) < 1e-9 || std::abs(t - 50.0) < 1e-9; }));
        QCOMPARE(stepDecimals(0.5), 1);
        QCOMPARE(stepDecimals(0.05), 2);
        QCOMPARE(stepDecimals(0.002), 3);
        QCOMPARE(stepDecimals(15.0), 0);
    }

    void rulerLabelsNeverOverlapAtAnyZoom()
    {
        const QFontMetrics fm(QApplication::font());
        const auto width = [&fm](const QString& s) { return double(fm.horizontalAdvance(s)); };
        const std::vector<double>& steps = genrescope::workflow::rulerSteps();
        int rulers = 0;
        for (double span : {0.01, 0.037, 0.3, 1.0, 4.0, 10.0, 30.0, 74.0, 300.0, 600.0, 3599.0, 5400.0, 36000.0})
            for (double start : {0.0, 17.3, 3590.0})
                for (double pixels : {120.0, 200.0, 380.0, 800.0, 1600.0}) {
                    const double end = start + span;
                    const auto ruler = genrescope::workflow::timeRuler(start, end, pixels, width);
                    const QString where = QStringLiteral("%1 s from %2 s over %3 px").arg(span).arg(start).arg(pixels);
                    QVERIFY2(std::count(steps.begin(), steps.end(), ruler.step) == 1, qPrintable(where));
                    QVERIFY2(!ruler.ticks.empty() && size_t(ruler.labels.size()) == ruler.ticks.size(), qPrintable(where));
                    for (size_t i = 0; i < ruler.ticks.size(); ++i) {
                        QVERIFY2(ruler.ticks[i] >= start - 1e-9 && ruler.ticks[i] <= end + 1e-9, qPrintable(where));
                        QCOMPARE(ruler.labels[qsizetype(i)], clockText(ruler.ticks[i], stepDecimals(ruler.step), end >= 3600.0));
                        if (i > 0) {  // every step, and each label tells its tick apart
                            QVERIFY(std::abs(ruler.ticks[i] - ruler.ticks[i - 1] - ruler.step) < 1e-6 * ruler.step);
                            QVERIFY2(ruler.labels[qsizetype(i)] != ruler.labels[qsizetype(i) - 1], qPrintable(where));
                        }
                    }
                    QVERIFY2(tightestGap(ruler, start, end, pixels, fm) >= 16.0 - 1e-6, qPrintable(where));
                    // Not sparser than needed: the next finer step would crowd its labels.
                    const auto finer = std::find(steps.begin(), steps.end(), ruler.step);
                    if (finer != steps.begin()) {
                        const double step = *(finer - 1);
                        genrescope::workflow::TimeRuler denser;
                        for (double k = std::ceil(start / step - 1e-9); k * step <= end + 1e-9 * step; k += 1) {
                            denser.ticks.push_back(k * step);
                            denser.labels << clockText(k * step, stepDecimals(step), end >= 3600.0);
                        }
                        if (denser.ticks.size() >= 2)
                            QVERIFY2(tightestGap(denser, start, end, pixels, fm) < 16.0, qPrintable(where));
                    }
                    ++rulers;
                }
        QCOMPARE(rulers, 13 * 3 * 5);
    }

    void aThirtySecondClipGetsSeveralLabels()
    {
        const QFontMetrics fm(QApplication::font());
        const auto width = [&fm](const QString& s) { return double(fm.horizontalAdvance(s)); };
        for (double pixels : {380.0, 600.0, 1000.0}) {
            const auto ruler = genrescope::workflow::timeRuler(0.0, 30.0, pixels, width);
            QVERIFY2(ruler.ticks.size() >= 4, qPrintable(ruler.labels.join(QStringLiteral(" "))));
            QCOMPARE(ruler.labels.first(), QStringLiteral("0:00"));
        }
        // A five-minute song at the same width: whole minutes or half minutes, never "0:20"-style 20 s steps.
        const auto minutes = genrescope::workflow::timeRuler(0.0, 300.0, 380.0, width);
        QVERIFY2(minutes.step == 30.0 || minutes.step == 60.0, qPrintable(minutes.labels.join(QStringLiteral(" "))));
        // Over an hour every label has its hours.
        const auto hours = genrescope::workflow::timeRuler(0.0, 5400.0, 800.0, width);
        QCOMPARE(hours.labels.first(), QStringLiteral("0:00:00"));
        QVERIFY2(hours.labels.contains(QStringLiteral("1:00:00")), qPrintable(hours.labels.join(QStringLiteral(" "))));
    }

    void amplitudeScales()
    {
        using Scale = WaveformView::AmplitudeScale;
        for (double v : {-1.0, -0.5, 0.0, 0.25, 1.0})
            QCOMPARE(WaveformView::heightOf(v, Scale::Linear), v);
        QCOMPARE(WaveformView::heightOf(1.0, Scale::Decibels), 1.0);
        QCOMPARE(WaveformView::heightOf(-1.0, Scale::Decibels), -1.0);
        QCOMPARE(WaveformView::heightOf(0.0, Scale::Decibels), 0.0);
        // -20 dBFS sits a third of the way down from full scale with a -60 dB floor.
        QVERIFY(std::abs(WaveformView::heightOf(0.1, Scale::Decibels) - (1.0 - 20.0 / 60.0)) < 1e-9);
        QVERIFY(std::abs(WaveformView::heightOf(-0.1, Scale::Decibels) + (1.0 - 20.0 / 60.0)) < 1e-9);
        QCOMPARE(WaveformView::heightOf(1e-4, Scale::Decibels), 0.0);  // below the floor: the centre line
        double last = -2;
        for (double v = -1.0; v <= 1.0; v += 0.01) {  // monotonic, so peaks stay in order
            const double h = WaveformView::heightOf(v, Scale::Decibels);
            QVERIFY(h >= last);
            last = h;
        }
    }

    void beatGridThinsToBarsThenHides()
    {
        std::vector<double> beats;
        for (int i = 0; i < 600; ++i)
            beats.push_back(0.1 + 0.5 * i);  // 120 BPM
        QCOMPARE(WaveformView::beatStride(beats, 20.0), 1);  // 10 px apart
        QCOMPARE(WaveformView::beatStride(beats, 4.0), 4);   // 2 px apart, bars 8 px
        QCOMPARE(WaveformView::beatStride(beats, 1.0), 0);   // bars 2 px apart: none
        QCOMPARE(WaveformView::beatStride({}, 1.0), 1);
    }

    void timeAxisSelection()
    {
        TimeAxis axis;
        axis.reset(60.0);
        QSignalSpy changed(&axis, &TimeAxis::selectionChanged);
        QVERIFY(!axis.hasSelection());
        axis.setSelection(40.0, 12.5);  // dragged leftwards
        QVERIFY(axis.hasSelection());
        QCOMPARE(axis.selectionStart(), 12.5);
        QCOMPARE(axis.selectionEnd(), 40.0);
        QCOMPARE(changed.count(), 1);
        axis.setSelection(12.5, 40.0);  // unchanged: no signal
        QCOMPARE(changed.count(), 1);
        axis.setSelection(-5.0, 70.0);  // clamped to the song
        QCOMPARE(axis.selectionStart(), 0.0);
        QCOMPARE(axis.selectionEnd(), 60.0);
        axis.setSelection(65.0, 80.0);  // past the end: nothing
        QVERIFY(!axis.hasSelection());
        axis.selectAll();
        QCOMPARE(axis.selectionEnd(), 60.0);
        axis.reset(30.0);  // a new song starts without one
        QVERIFY(!axis.hasSelection());
        QCOMPARE(changed.count(), 5);
    }
};

QTEST_MAIN(TestViews)
#include "tst_views.moc"
