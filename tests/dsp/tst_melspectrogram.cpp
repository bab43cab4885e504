// The mel power spectrogram against librosa 0.8.1's stored output for the two
// reference clips (relative error <= 1e-4), plus checks that need no data.

#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "dsp/MelSpectrogram.h"

#include <QTest>

#include <cmath>

using namespace genrescope;

class TestMelSpectrogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesLibrosa_data()
    {
        QTest::addColumn<QString>("clip");
        QTest::newRow("blues.00000") << "blues/blues.00000.wav";
        QTest::newRow("classical.00000") << "classical/classical.00000.wav";
    }

    void matchesLibrosa()
    {
        QFETCH(QString, clip);
        const QString data = testaudio::gtzanDir();
        if (data.isEmpty())
            QSKIP("GTZAN data not found: set GENRESCOPE_GTZAN or place it at ../shared/data/gtzan");
        const QString name = clip.section(QLatin1Char('/'), 1);
        const auto reference = testaudio::readCsvMatrix(
            data + QStringLiteral("/reference/librosa-0.8.1/frames/%1.melspectrogram.csv").arg(name));
        QCOMPARE(int(reference.size()), 128);

        const DecodedAudio audio = decodeAudio(data + QStringLiteral("/audio/") + clip);
        QCOMPARE(audio.source.sampleRate, 22050);
        const Spectrogram mel = MelSpectrogram().compute(audio.samples.data(), long(audio.samples.size()));
        QCOMPARE(mel.bins, 128);
        QCOMPARE(size_t(mel.frames), reference.front().size());

        // Tolerance: relative 1e-4 (the reference is float32 from numpy/BLAS;
        // values are compared where they exceed 1e-10, librosa's amin).
        double worst = 0.0;
        for (int b = 0; b < 128; ++b) {
            for (long f = 0; f < mel.frames; ++f) {
                const double ref = reference[size_t(b)][size_t(f)];
                const double ours = mel.at(b, f);
                const double rel = std::abs(ours - ref) / std::max(std::abs(ref), 1e-10);
                worst = std::max(worst, rel);
            }
        }
        qInfo("%s: largest relative error %.3g", qPrintable(name), worst);
        QVERIFY2(worst <= 1e-4, qPrintable(QString::number(worst)));
    }

    void sinePeaksInItsBand()
    {
        const auto y = testaudio::sine(1000.0, 2.0, 22050);
        const MelSpectrogram melspec;
        const Spectrogram mel = melspec.compute(y.data(), long(y.size()));
        const long f = mel.frames / 2;
        int best = 0;
        for (int b = 1; b < mel.bins; ++b)
            if (mel.at(b, f) > mel.at(best, f))
                best = b;
        const auto& edges = melspec.filterbank().bandEdgesHz();
        QVERIFY2(edges[size_t(best)] < 1000.0 && 1000.0 < edges[size_t(best) + 2],
                 qPrintable(QString::number(best)));
    }

    void powerToDbFollowsLibrosa()
    {
        Spectrogram s(2, 2);
        s.data = {1.0f, 1e-3f, 1e-12f, 100.0f};
        const Spectrogram db = powerToDb(s);  // ref 1, amin 1e-10, top_db 80
        QCOMPARE(db.data[0], 0.0f);
        QVERIFY(std::abs(db.data[1] + 30.0f) < 1e-4f);
        QVERIFY(std::abs(db.data[2] + 60.0f) < 1e-4f);  // clipped at max - 80 = -60
        QVERIFY(std::abs(db.data[3] - 20.0f) < 1e-4f);
        const Spectrogram rel = powerToDb(s, DbParams{0.0, 1e-10, 80.0});  // ref = max
        QVERIFY(std::abs(rel.data[3]) < 1e-5f);
        QVERIFY(std::abs(rel.data[0] + 20.0f) < 1e-4f);
    }
};

QTEST_GUILESS_MAIN(TestMelSpectrogram)
#include "tst_melspectrogram.moc"
