// Each feature stage against librosa 0.8.1's per-frame reference arrays for
// blues.00000 and classical.00000. Tolerances are stated per stage; they
// allow for librosa's float32 arithmetic (about 1e-7 relative per operation).

#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "dsp/MelSpectrogram.h"
#include "features/Chroma.h"
#include "features/Hpss.h"
#include "features/Mfcc.h"
#include "features/Onset.h"
#include "features/Rms.h"
#include "features/SpectralShape.h"
#include "features/Tempo.h"
#include "features/ZeroCrossingRate.h"

#include <QTest>

#include <cmath>

using namespace genrescope;

namespace {

struct Clip {
    DecodedAudio audio;
    ComplexSpectrogram X;
    Spectrogram magnitude, power, melDb;
};

Clip analyse(const QString& path)
{
    Clip c;
    c.audio = decodeAudio(path);
    c.X = Stft().compute(c.audio.samples.data(), long(c.audio.samples.size()));
    c.magnitude = Spectrogram(c.X.bins, c.X.frames);
    c.power = Spectrogram(c.X.bins, c.X.frames);
    for (size_t i = 0; i < c.X.data.size(); ++i) {
        c.magnitude.data[i] = float(std::abs(std::complex<double>(c.X.data[i])));
        c.power.data[i] = c.magnitude.data[i] * c.magnitude.data[i];
    }
    c.melDb = powerToDb(MelFilterbank().apply(c.power));
    return c;
}

/// Largest |ours - ref| / scale over a matrix given as rows (bands) of frames.
double worstError(const Spectrogram& ours, const std::vector<std::vector<double>>& ref, double scale)
{
    double worst = 0.0;
    for (int b = 0; b < ours.bins; ++b)
        for (long f = 0; f < ours.frames; ++f)
            worst = std::max(worst, std::abs(ours.at(b, f) - ref[size_t(b)][size_t(f)]) / scale);
    return worst;
}

Spectrogram fromRow(const std::vector<float>& v)
{
    Spectrogram s(1, long(v.size()));
    s.data.assign(v.begin(), v.end());
    return s;
}

double worstRelative(const std::vector<float>& ours, const std::vector<double>& ref, double floor)
{
    double worst = 0.0;
    for (size_t i = 0; i < ours.size(); ++i)
        worst = std::max(worst, std::abs(ours[i] - ref[i]) / std::max(std::abs(ref[i]), floor));
    return worst;
}

} // namespace

class TestFeatureStages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        data_ = testaudio::gtzanDir();
        if (data_.isEmpty())
            QSKIP("GTZAN data not found: set GENRESCOPE_GTZAN or place it at ../shared/data/gtzan");
        frames_ = data_ + QStringLiteral("/reference/librosa-0.8.1/frames/");
    }

    void stages_data()
    {
        QTest::addColumn<QString>("clip");
        QTest::newRow("blues.00000") << "blues/blues.00000.wav";
        QTest::newRow("classical.00000") << "classical/classical.00000.wav";
    }

    void stages()
    {
        QFETCH(QString, clip);
        const QString name = clip.section(QLatin1Char('/'), 1);
        auto ref = [&](const char* stage) {
            const auto m = testaudio::readCsvMatrix(frames_ + name + QLatin1Char('.') + QLatin1String(stage) + ".csv");
            if (m.empty())
                qFatal("missing reference %s for %s", stage, qPrintable(name));
            return m;
        };
        const Clip c = analyse(data_ + QStringLiteral("/audio/") + clip);
        const long n = long(c.audio.samples.size());
        const float* y = c.audio.samples.data();

        // MFCC: absolute error <= 1e-3 dB-units (values span about +-300).
        const auto refMfcc = ref("mfcc");
        const double mfccErr = worstError(mfcc(c.melDb), refMfcc, 1.0);
        qInfo("mfcc: %.3g", mfccErr);
        QVERIFY2(mfccErr <= 1e-3, qPrintable(QString::number(mfccErr)));

        // Chroma (values in [0, 1]): absolute error <= 1e-5.
        const double tuning = estimateTuning(c.power);
        const double chromaErr = worstError(chromaStft(c.power, tuning), ref("chroma_stft"), 1.0);
        qInfo("tuning %.2f, chroma: %.3g", tuning, chromaErr);
        QVERIFY2(chromaErr <= 1e-5, qPrintable(QString::number(chromaErr)));

        // RMS: relative 1e-5.
        const double rmsErr = worstRelative(rms(y, n), ref("rms").front(), 1e-6);
        qInfo("rms: %.3g", rmsErr);
        QVERIFY2(rmsErr <= 1e-5, qPrintable(QString::number(rmsErr)));

        // Spectral shape: relative 1e-4; rolloff picks the same bin in every frame.
        const SpectralShape shape = spectralShape(c.magnitude);
        const double centroidErr = worstRelative(shape.centroid, ref("spectral_centroid").front(), 1.0);
        const double bandwidthErr = worstRelative(shape.bandwidth, ref("spectral_bandwidth").front(), 1.0);
        const double rolloffErr = worstRelative(shape.rolloff, ref("rolloff").front(), 1.0);
        qInfo("centroid %.3g bandwidth %.3g rolloff %.3g", centroidErr, bandwidthErr, rolloffErr);
        QVERIFY(centroidErr <= 1e-4);
        QVERIFY(bandwidthErr <= 1e-4);
        QVERIFY2(rolloffErr <= 1e-6, qPrintable(QString::number(rolloffErr)));

        // Zero-crossing rate: the same crossing count in every frame (the CSV holds count/2048 to 9 digits).
        const auto zcr = zeroCrossingRate(y, n);
        const auto refZcr = ref("zero_crossing_rate").front();
        QCOMPARE(zcr.size(), refZcr.size());
        for (size_t i = 0; i < zcr.size(); ++i)
            QCOMPARE(std::lround(zcr[i] * 2048.0), std::lround(refZcr[i] * 2048.0));

        // Onset envelope: absolute 1e-4 (values up to about 10 dB).
        const auto onset = onsetStrengthMedian(c.melDb);
        const double onsetErr = worstError(fromRow(onset), ref("onset_strength_median"), 1.0);
        qInfo("onset: %.3g", onsetErr);
        QVERIFY2(onsetErr <= 1e-4, qPrintable(QString::number(onsetErr)));

        // Tempo and beat frames: exact.
        const double bpm = estimateTempo(onset);
        const auto beats = trackBeats(onset, bpm);
        const auto refBeats = ref("beat_frames").front();
        qInfo("tempo %.6f, %zu beats (reference %zu)", bpm, beats.size(), refBeats.size());
        QCOMPARE(beats.size(), refBeats.size());
        for (size_t i = 0; i < beats.size(); ++i)
            QCOMPARE(double(beats[i]), refBeats[i]);

    }

    void hpssSignals()
    {
        const QString clip = QStringLiteral("blues/blues.00000.wav");
        const Clip c = analyse(data_ + QStringLiteral("/audio/") + clip);
        const HpssSignals parts = hpss(c.X, long(c.audio.samples.size()));
        const auto harmonic = testaudio::readRaw(frames_ + QStringLiteral("blues.00000.wav.harmonic.wav"));
        const auto percussive = testaudio::readRaw(frames_ + QStringLiteral("blues.00000.wav.percussive.wav"));
        QCOMPARE(parts.harmonic.size(), harmonic.size());
        QCOMPARE(parts.percussive.size(), percussive.size());
        // Absolute error <= 1e-5 of full scale, sample by sample.
        double worstH = 0, worstP = 0;
        for (size_t i = 0; i < harmonic.size(); ++i) {
            worstH = std::max(worstH, double(std::abs(parts.harmonic[i] - harmonic[i])));
            worstP = std::max(worstP, double(std::abs(parts.percussive[i] - percussive[i])));
        }
        qInfo("harmonic %.3g percussive %.3g", worstH, worstP);
        QVERIFY(worstH <= 1e-5);
        QVERIFY(worstP <= 1e-5);
    }

private:
    QString data_;
    QString frames_;
};

QTEST_GUILESS_MAIN(TestFeatureStages)
#include "tst_feature_stages.moc"
