// View building blocks: the peak pyramid against brute force and the shared
// time axis's zoom, scroll and clamping.

#include "TestAudio.h"

#include "PeakPyramid.h"
#include "TimeAxis.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <random>

using namespace genrescope::app;

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

QTEST_GUILESS_MAIN(TestViews)
#include "tst_views.moc"
