// Decoding: the seven formats from signals written here, exact pass-through at
// 22050 Hz, downmix, resampling, progress, cancellation and every bad input.

#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "audio/AudioFormats.h"
#include "audio/Decimator.h"
#include "common/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

#include <cmath>
#include <numbers>

using namespace genrescope;

Q_DECLARE_METATYPE(genrescope::ErrorCode)

namespace {

using testaudio::wavHeader;

/// Amplitude of the component at hz (single-bin DFT over the whole signal).
double toneAmplitude(const std::vector<float>& y, double hz, int rate)
{
    double re = 0, im = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        const double phase = 2.0 * std::numbers::pi * hz * double(i) / rate;
        re += y[i] * std::cos(phase);
        im += y[i] * std::sin(phase);
    }
    return 2.0 * std::hypot(re, im) / double(y.size());
}

} // namespace

class TestAudioDecoder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decimatesByTwoWithoutAliasing()
    {
        // 44.1 kHz -> 22.05 kHz: a 9 kHz tone keeps its level; a 12 kHz tone, which would
        // fold to 10.05 kHz, is removed (below -80 dB).
        const QString path = dir_.filePath(QStringLiteral("two-tones-44k.wav"));
        const auto pass = testaudio::sine(9000.0, 3.0, 44100, 0.5f), stop = testaudio::sine(12000.0, 3.0, 44100, 0.5f);
        std::vector<float> mix(pass.size());
        for (size_t i = 0; i < mix.size(); ++i)
            mix[i] = 0.5f * (pass[i] + stop[i]);
        QVERIFY(testaudio::write(path, mix, 1, 44100, SF_FORMAT_WAV | SF_FORMAT_FLOAT));
        const DecodedAudio audio = decodeAudio(path);
        QCOMPARE(audio.samples.size(), (mix.size() + 1) / 2);
        const double kept = toneAmplitude(audio.samples, 9000.0, kAnalysisRate);
        const double folded = toneAmplitude(audio.samples, 22050.0 - 12000.0, kAnalysisRate);
        QVERIFY2(std::abs(kept - 0.25) < 0.25 * 0.005, qPrintable(QString::number(kept)));
        QVERIFY2(folded < 0.25e-4, qPrintable(QString::number(folded)));
    }

    void decimatorStreamsInAnyBlocks()
    {
        // Output does not depend on how the input is cut into blocks, and n inputs give ceil(n / M).
        for (int factor : {2, 4}) {
            const auto x = testaudio::noise(2.0, 44100, 11, 0.5f);
            std::vector<float> whole, pieces;
            Decimator a(factor), b(factor);
            a.process(x.data(), long(x.size()) - 3, whole);
            a.process(x.data() + x.size() - 3, 3, whole);
            a.finish(whole);
            size_t at = 0;
            for (size_t len : {size_t(1), size_t(7), size_t(1000), size_t(65536), size_t(13)}) {
                b.process(x.data() + at, long(len), pieces);
                at += len;
            }
            b.process(x.data() + at, long(x.size() - at), pieces);
            b.finish(pieces);
            QCOMPARE(whole.size(), (x.size() + size_t(factor) - 1) / size_t(factor));
            QVERIFY(whole == pieces);
        }
    }

    void initTestCase() { QVERIFY(dir_.isValid()); }

    void decodesFormat_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("rate");
        QTest::addColumn<QString>("container");
        QTest::addColumn<bool>("lossless");
        QTest::newRow("wav") << "wav" << (SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 44100 << "WAV" << true;
        QTest::newRow("flac") << "flac" << (SF_FORMAT_FLAC | SF_FORMAT_PCM_16) << 44100 << "FLAC" << true;
        QTest::newRow("ogg") << "ogg" << (SF_FORMAT_OGG | SF_FORMAT_VORBIS) << 44100 << "OGG Vorbis" << false;
        QTest::newRow("opus") << "opus" << (SF_FORMAT_OGG | SF_FORMAT_OPUS) << 48000 << "Opus" << false;
        QTest::newRow("mp3") << "mp3" << (SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III) << 44100 << "MP3" << false;
        QTest::newRow("aiff") << "aiff" << (SF_FORMAT_AIFF | SF_FORMAT_PCM_24) << 44100 << "AIFF" << true;
        QTest::newRow("au") << "au" << (SF_FORMAT_AU | SF_FORMAT_FLOAT) << 32000 << "AU" << true;
    }

    void decodesFormat()
    {
        QFETCH(QString, extension);
        QFETCH(int, format);
        QFETCH(int, rate);
        QFETCH(QString, container);
        QFETCH(bool, lossless);
        // Stereo: 440 Hz on the left, 1000 Hz on the right, 2 s.
        const auto left = testaudio::sine(440.0, 2.0, rate, 0.6f);
        const auto right = testaudio::sine(1000.0, 2.0, rate, 0.2f);
        const QString path = dir_.filePath(QStringLiteral("tone.") + extension);
        QVERIFY(testaudio::write(path, testaudio::interleave({left, right}), 2, rate, format));

        const AudioInfo info = probeAudio(path);
        QCOMPARE(info.container, container);
        QCOMPARE(info.channels, 2);
        QCOMPARE(info.sampleRate, rate);

        const DecodedAudio audio = decodeAudio(path);
        QCOMPARE(audio.sampleRate, kAnalysisRate);
        // MP3 and Opus decoders may add or trim a frame's worth of padding.
        const double expected = std::ceil(double(left.size()) * kAnalysisRate / rate);
        QVERIFY2(std::abs(double(audio.samples.size()) - expected) <= (lossless ? 0.0 : 0.06 * kAnalysisRate),
                 qPrintable(QStringLiteral("%1 samples, expected %2").arg(audio.samples.size()).arg(expected)));
        // The mono mix is the mean of the channels: half of each tone's amplitude.
        const double a440 = toneAmplitude(audio.samples, 440.0, kAnalysisRate);
        const double a1000 = toneAmplitude(audio.samples, 1000.0, kAnalysisRate);
        const double tolerance = lossless ? 0.002 : 0.03;
        QVERIFY2(std::abs(a440 - 0.3) < tolerance, qPrintable(QString::number(a440)));
        QVERIFY2(std::abs(a1000 - 0.1) < tolerance, qPrintable(QString::number(a1000)));
        QVERIFY(toneAmplitude(audio.samples, 3000.0, kAnalysisRate) < 0.01);
    }

    void passesThroughAt22050Exactly()
    {
        const QString path = dir_.filePath(QStringLiteral("native.wav"));
        QVERIFY(testaudio::write(path, testaudio::noise(3.1, kAnalysisRate, 7), 1, kAnalysisRate,
                                 SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        const std::vector<float> raw = testaudio::readRaw(path);
        const DecodedAudio audio = decodeAudio(path);
        QCOMPARE(audio.samples.size(), raw.size());
        QVERIFY(audio.samples == raw);  // bit-exact, not approximately equal
    }

    void downmixIsTheChannelMean()
    {
        const auto a = testaudio::noise(1.0, kAnalysisRate, 1), b = testaudio::noise(1.0, kAnalysisRate, 2);
        const QString path = dir_.filePath(QStringLiteral("stereo.wav"));
        QVERIFY(testaudio::write(path, testaudio::interleave({a, b}), 2, kAnalysisRate,
                                 SF_FORMAT_WAV | SF_FORMAT_FLOAT));
        const DecodedAudio audio = decodeAudio(path);
        QCOMPARE(audio.samples.size(), a.size());
        for (size_t i = 0; i < a.size(); ++i)
            QCOMPARE(audio.samples[i], (a[i] + b[i]) * 0.5f);
    }

    void reportsProgressAndCancels()
    {
        const QString path = dir_.filePath(QStringLiteral("long.wav"));
        QVERIFY(testaudio::write(path, testaudio::noise(20.0, 44100, 3), 1, 44100, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        std::vector<double> seen;
        decodeAudio(path, TaskControl{[&](double f) { seen.push_back(f); }, nullptr});
        QVERIFY(seen.size() > 3);
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);

        CancelFlag cancel{false};
        int calls = 0;
        TaskControl control{[&](double) { if (++calls == 2) cancel = true; }, &cancel};
        try {
            decodeAudio(path, control);
            QFAIL("decoding was not cancelled");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::Cancelled);
        }
        QCOMPARE(calls, 2);
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<genrescope::ErrorCode>("code");
        QTest::addColumn<QString>("phrase");

        const QByteArray pcm(4000, '\x10');
        QTest::newRow("empty file") << "empty.wav" << QByteArray() << ErrorCode::EmptyFile << "empty";
        QTest::newRow("text as wav") << "notes.wav" << QByteArray("just some text, not audio\n").repeated(20)
                                     << ErrorCode::NotAudio << "not a recognised audio file";
        QTest::newRow("random bytes") << "noise.mp3" << QByteArray::fromHex("00ff13a7c4e5").repeated(300)
                                      << ErrorCode::NotAudio << "not a recognised audio file";
        QByteArray m4a = QByteArray::fromHex("00000020") + "ftypM4A " + QByteArray(200, '\0');
        QTest::newRow("m4a") << "song.m4a" << m4a << ErrorCode::UnsupportedFormat << "MP4/M4A";
        QTest::newRow("zero frames") << "zero.wav" << wavHeader(1, 22050, 16, 0) << ErrorCode::NoAudioFrames
                                     << "no audio frames";
        QTest::newRow("truncated body") << "cut.wav" << wavHeader(1, 22050, 16, 88200) + pcm
                                        << ErrorCode::Truncated << "truncated";
        QTest::newRow("truncated header") << "half.wav" << wavHeader(1, 22050, 16, 100).left(20)
                                          << ErrorCode::BadHeader << "header";
        QTest::newRow("zero channels") << "nochan.wav" << wavHeader(0, 22050, 16, 4000) + pcm
                                       << ErrorCode::BadHeader << "";
        QTest::newRow("1 Hz") << "slow.wav" << wavHeader(1, 1, 16, 4000) + pcm << ErrorCode::BadHeader << "1 Hz";
        QTest::newRow("10 MHz") << "fast.wav" << wavHeader(1, 10000000, 16, 4000) + pcm << ErrorCode::BadHeader
                                << "10000000 Hz";
        QByteArray nan = wavHeader(2, 22050, 32, 800, 3);
        for (int i = 0; i < 200; ++i) {
            const float v = i == 150 ? std::numeric_limits<float>::quiet_NaN() : 0.1f;
            nan.append(reinterpret_cast<const char*>(&v), 4);
        }
        QTest::newRow("NaN samples") << "nan.wav" << nan << ErrorCode::NonFiniteSamples << "NaN";
        QByteArray inf = wavHeader(1, 22050, 32, 400, 3);
        for (int i = 0; i < 100; ++i) {
            const float v = i == 99 ? std::numeric_limits<float>::infinity() : -0.1f;
            inf.append(reinterpret_cast<const char*>(&v), 4);
        }
        QTest::newRow("Inf samples") << "inf.wav" << inf << ErrorCode::NonFiniteSamples << "infinity";
    }

    void rejectsBadInput()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(genrescope::ErrorCode, code);
        QFETCH(QString, phrase);
        const QString path = dir_.filePath(name);
        testaudio::writeBytes(path, bytes);
        try {
            decodeAudio(path);
            QFAIL("bad input was accepted");
        } catch (const Error& e) {
            QVERIFY2(e.code() == code, qPrintable(QStringLiteral("got %1: %2").arg(errorCodeName(e.code()), e.message())));
            QVERIFY2(e.message().contains(phrase, Qt::CaseInsensitive), qPrintable(e.message()));
            QVERIFY2(e.message().contains(name), qPrintable(e.message()));  // says which file
        }
    }

    void rejectsMissingAndFolders()
    {
        try {
            probeAudio(dir_.filePath(QStringLiteral("does-not-exist.wav")));
            QFAIL("missing file accepted");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::FileNotFound);
        }
        try {
            probeAudio(dir_.path());
            QFAIL("folder accepted");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::FileUnreadable);
            QVERIFY(e.message().contains(QStringLiteral("folder")));
        }
    }

    void truncatedFlacAndMp3FailCleanly_data()
    {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<int>("format");
        QTest::newRow("flac") << "flac" << (SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
        QTest::newRow("mp3") << "mp3" << (SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III);
    }

    void truncatedFlacAndMp3FailCleanly()
    {
        QFETCH(QString, extension);
        QFETCH(int, format);
        const QString full = dir_.filePath(QStringLiteral("full.") + extension);
        QVERIFY(testaudio::write(full, testaudio::noise(4.0, 44100, 9), 1, 44100, format));
        QFile f(full);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        const QString cut = dir_.filePath(QStringLiteral("cut.") + extension);
        testaudio::writeBytes(cut, bytes.left(bytes.size() / 2));
        // Either a clear error, or (MP3, whose length is only estimated) the part that is there.
        try {
            const DecodedAudio audio = decodeAudio(cut);
            QVERIFY(extension == QLatin1String("mp3"));
            QVERIFY(audio.durationSeconds() > 1.0 && audio.durationSeconds() < 3.0);
        } catch (const Error& e) {
            QVERIFY2(e.code() == ErrorCode::Truncated || e.code() == ErrorCode::BadHeader, qPrintable(e.message()));
        }
    }

    void collectsAudioFromFolders()
    {
        QDir d(dir_.path());
        d.mkpath(QStringLiteral("lib/sub"));
        testaudio::writeBytes(dir_.filePath(QStringLiteral("lib/a.WAV")), "x");
        testaudio::writeBytes(dir_.filePath(QStringLiteral("lib/sub/b.flac")), "x");
        testaudio::writeBytes(dir_.filePath(QStringLiteral("lib/sub/readme.txt")), "x");
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("lib")), dir_.filePath(QStringLiteral("lib/sub/loop"))));
        const QStringList files = audioformats::collectAudioFiles({dir_.filePath(QStringLiteral("lib"))});
        QCOMPARE(files.size(), 2);
        QVERIFY(files[0].endsWith(QStringLiteral("a.WAV")));
        QVERIFY(files[1].endsWith(QStringLiteral("b.flac")));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestAudioDecoder)
#include "tst_audio_decoder.moc"
