// STFT building blocks against their definitions: numpy's reflect padding,
// the periodic Hann window, a direct DFT, and thread safety of shared plans.

#include "TestAudio.h"

#include "dsp/MelFilterbank.h"
#include "dsp/Stft.h"

#include <QTest>
#include <QtConcurrent>

#include <cmath>
#include <complex>
#include <numbers>

using namespace genrescope;

class TestStft : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void reflectMatchesNumpy()
    {
        // np.pad([0,1,2,3], 5, mode="reflect") == [1,2,3,2,1, 0,1,2,3, 2,1,0,1]
        const long expected[] = {1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1};
        for (long i = -5; i < 8; ++i)
            QCOMPARE(reflectIndex(i, 4), expected[i + 5]);
        QCOMPARE(reflectIndex(-3, 1), 0L);
    }

    void periodicHann()
    {
        const auto w = genrescope::periodicHann(8);
        const double expected[] = {0.0, 0.1464466094, 0.5, 0.8535533906, 1.0, 0.8535533906, 0.5, 0.1464466094};
        for (int i = 0; i < 8; ++i)
            QVERIFY(std::abs(w[size_t(i)] - expected[i]) < 1e-9);
    }

    void frameCount()
    {
        const Stft stft;
        QCOMPARE(stft.frameCount(661794), 1293L);  // a GTZAN clip: 1 + n / 512
        QCOMPARE(stft.frameCount(1), 1L);
        QCOMPARE(stft.frameCount(0), 0L);
        const Stft uncentred(StftParams{2048, 512, false});
        QCOMPARE(uncentred.frameCount(2047), 0L);
        QCOMPARE(uncentred.frameCount(2048 + 1024), 3L);
    }

    void matchesDirectDft_data()
    {
        QTest::addColumn<int>("length");
        QTest::newRow("long") << 6000;
        QTest::newRow("shorter than the window") << 700;  // padding reflects repeatedly
    }

    void matchesDirectDft()
    {
        QFETCH(int, length);
        const StftParams params{256, 64, true};
        const Stft stft(params);
        const auto y = testaudio::noise(double(length) / 8000.0, 8000, 5);
        const long n = long(y.size());
        const ComplexSpectrogram X = stft.compute(y.data(), n);
        QCOMPARE(X.frames, 1 + n / 64);
        const auto w = genrescope::periodicHann(256);
        for (long f : {0L, 1L, X.frames / 2, X.frames - 1}) {
            for (int k : {0, 3, 50, 128}) {
                std::complex<double> sum;
                for (int i = 0; i < 256; ++i) {
                    const double v = w[size_t(i)] * y[size_t(reflectIndex(f * 64 - 128 + i, n))];
                    sum += v * std::polar(1.0, -2.0 * std::numbers::pi * k * i / 256.0);
                }
                QVERIFY2(std::abs(std::complex<double>(X.at(k, f)) - sum) < 1e-5 * (1 + std::abs(sum)),
                         qPrintable(QStringLiteral("frame %1 bin %2").arg(f).arg(k)));
            }
        }
    }

    void isThreadSafe()
    {
        const auto y = testaudio::noise(5.0, 22050, 11);
        const Stft stft;
        const Spectrogram reference = stft.power(y.data(), long(y.size()));
        QList<int> runs(8);
        const QList<bool> same = QtConcurrent::blockingMapped(runs, [&](int) {
            const Stft local;  // plans are shared between instances and threads
            return local.power(y.data(), long(y.size())).data == reference.data;
        });
        QVERIFY(std::all_of(same.begin(), same.end(), [](bool b) { return b; }));
    }

    void slaneyMelScale()
    {
        QCOMPARE(hzToMelSlaney(1000.0), 15.0);
        QVERIFY(std::abs(hzToMelSlaney(200.0) - 3.0) < 1e-12);
        for (double hz : {0.0, 440.0, 999.0, 1000.0, 4000.0, 11025.0})
            QVERIFY(std::abs(melToHzSlaney(hzToMelSlaney(hz)) - hz) < 1e-9 * (1 + hz));
    }

    void melFiltersAreUnitAreaTriangles()
    {
        const MelFilterbank bank;
        QCOMPARE(bank.bands(), 128);
        const auto& edges = bank.bandEdgesHz();
        QCOMPARE(int(edges.size()), 130);
        QCOMPARE(edges.front(), 0.0);
        QVERIFY(std::abs(edges.back() - 11025.0) < 1e-9);
        const double binHz = 22050.0 / 2048.0;
        for (int b : {20, 64, 127}) {
            // Slaney normalisation: peak height 2/(hi-lo), so the area over Hz is 1.
            double area = 0.0, peak = 0.0;
            for (int k = 0; k < bank.fftBins(); ++k) {
                area += bank.weight(b, k) * binHz;
                peak = std::max(peak, double(bank.weight(b, k)));
            }
            QVERIFY2(std::abs(area - 1.0) < 0.05, qPrintable(QString::number(area)));
            QVERIFY(peak <= 2.0 / (edges[size_t(b) + 2] - edges[size_t(b)]) + 1e-7);
        }
    }
};

QTEST_GUILESS_MAIN(TestStft)
#include "tst_stft.moc"
