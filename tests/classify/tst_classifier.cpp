// The audio -> probabilities pipeline with untrained models made here: window
// layout, probabilities that sum to one, song = mean of windows, ensemble =
// weighted mean of the two models, and a clear refusal for songs under 10 s.
// With the shipped models: silence, noise, tones and speech are flagged as
// unusual, and real GTZAN songs are not.

#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "audio/AudioFormats.h"

#include "classify/GenreClassifier.h"
#include "workflow/ModelCatalog.h"
#include "common/Error.h"
#include "dsp/MelImage.h"
#include "features/FeatureVector.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>
#include <QtConcurrent>

#include <numeric>

using namespace genrescope;
using namespace genrescope::classify;

namespace {

std::shared_ptr<const ml::Model> model(const QString& kind)
{
    return testaudio::tinyModel(kind);
}

} // namespace

class TestClassifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void windowsAndAverages_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<int>("windows");
        QTest::newRow("12 s: one short window") << 12.0 << 1;
        QTest::newRow("30 s: one window") << 30.0 << 1;
        QTest::newRow("30.6 s: one window of the whole (a GTZAN clip)") << 30.6 << 1;
        QTest::newRow("31.5 s: the first 30 s and the last 30 s") << 31.5 << 2;
        QTest::newRow("74 s: 0, 15, 30, and 44 s to the end") << 74.0 << 4;
        QTest::newRow("75 s: 0, 15, 30, 45 (the last ends with the song)") << 75.0 << 4;
    }

    void windowsAndAverages()
    {
        QFETCH(double, seconds);
        QFETCH(int, windows);
        const GenreClassifier classifier(model(QStringLiteral("features")), model(QStringLiteral("image")), 0.3);
        const auto y = testaudio::noise(seconds, 22050, 3, 0.2f);
        const SongPrediction p = classifier.classify(y);
        // Windows on two threads give the same answer as on one.
        const SongPrediction p2 = classifier.classify(y, {}, 2);
        QVERIFY(p2.ensemble == p.ensemble);
        QCOMPARE(int(p.windows.size()), windows);
        QCOMPARE(p.classes.size(), 3);
        for (const WindowPrediction& w : p.windows) {
            QVERIFY(std::abs(std::accumulate(w.mlp.begin(), w.mlp.end(), 0.0) - 1.0) < 1e-5);
            QVERIFY(std::abs(std::accumulate(w.cnn.begin(), w.cnn.end(), 0.0) - 1.0) < 1e-5);
            for (int c = 0; c < 3; ++c)
                QVERIFY(std::abs(w.ensemble[size_t(c)] - (0.3f * w.mlp[size_t(c)] + 0.7f * w.cnn[size_t(c)])) < 1e-6);
            QVERIFY(w.end - w.start <= 30.0 + 1e-9 || (p.windows.size() == 1 && w.end == seconds && seconds < 31.0));
        }
        // The last window ends with the song; it weighs the part of a 15 s hop it adds.
        QVERIFY(std::abs(p.windows.back().end - seconds) < 1e-4 || seconds < 31.0);
        double total = 0;
        for (size_t i = 0; i < p.windows.size(); ++i) {
            const double adds = i == 0 ? 15.0 : p.windows[i].end - p.windows[i - 1].end;
            QVERIFY(std::abs(p.windows[i].weight - std::min(1.0, adds / 15.0)) < 1e-9);
            total += p.windows[i].weight;
        }
        // Each model's song probabilities are the weighted mean of its windows' (the ensemble mixes those means).
        for (int c = 0; c < 3; ++c) {
            double mlp = 0, cnn = 0;
            for (const WindowPrediction& w : p.windows) {
                mlp += w.mlp[size_t(c)] * w.weight / total;
                cnn += w.cnn[size_t(c)] * w.weight / total;
            }
            QVERIFY(std::abs(mlp - p.mlp[size_t(c)]) < 1e-5);
            QVERIFY(std::abs(cnn - p.cnn[size_t(c)]) < 1e-5);
        }
    }

    void classifyingWhileDecodingMatchesDecodingFirst_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<int>("threads");
        QTest::newRow("75 s, 2 threads") << 75.0 << 2;
        QTest::newRow("75 s, 1 thread") << 75.0 << 1;
        QTest::newRow("12 s: one short window") << 12.0 << 2;
        QTest::newRow("30.6 s: one window of the whole") << 30.6 << 2;
        // Longer than the buffer a streamed run holds (30 s + 15 s x (threads + 2)): samples are dropped.
        QTest::newRow("150 s, 1 thread") << 150.0 << 1;
        QTest::newRow("157 s, 1 thread: an end-aligned last window") << 157.0 << 1;
        QTest::newRow("74 s, 2 threads: an end-aligned last window") << 74.0 << 2;
    }

    void classifyingWhileDecodingMatchesDecodingFirst()
    {
        QFETCH(double, seconds);
        QFETCH(int, threads);
        const GenreClassifier classifier(model(QStringLiteral("features")), model(QStringLiteral("image")), 0.3);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("song.wav"));
        const auto left = testaudio::noise(seconds, 44100, 21, 0.3f), right = testaudio::noise(seconds, 44100, 22, 0.2f);
        QVERIFY(testaudio::write(path, testaudio::interleave({left, right}), 2, 44100, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        const DecodedAudio first = decodeAudio(path);
        const SongPrediction expected = classifier.classify(first.samples, {}, threads);
        DecodedAudio streamed;
        std::vector<double> progress;
        const TaskControl control{[&](double f) { progress.push_back(f); }, nullptr};
        const SongPrediction kept = classifier.classifyFile(path, &streamed, control, threads);
        QVERIFY(streamed.samples == first.samples);
        QVERIFY(!progress.empty() && progress.back() == 1.0);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        const SongPrediction bounded = classifier.classifyFile(path, nullptr, {}, threads);  // keeps only a few windows
        for (const SongPrediction* p : {&kept, &bounded}) {
            QCOMPARE(p->windows.size(), expected.windows.size());
            for (size_t w = 0; w < p->windows.size(); ++w) {
                QCOMPARE(p->windows[w].start, expected.windows[w].start);
                QCOMPARE(p->windows[w].end, expected.windows[w].end);
                QCOMPARE(p->windows[w].weight, expected.windows[w].weight);
                QVERIFY(p->windows[w].ensemble == expected.windows[w].ensemble);
            }
            QVERIFY(p->ensemble == expected.ensemble);
            QCOMPARE(p->seconds, expected.seconds);
            QVERIFY(std::abs(p->rmsDbfs - expected.rmsDbfs) < 1e-9);
            QCOMPARE(p->gapFraction, expected.gapFraction);
        }
    }

    void classifyingWhileDecodingRefusesBadAndShortFiles()
    {
        const GenreClassifier classifier(model(QStringLiteral("features")), nullptr);
        QTemporaryDir dir;
        const QString shortSong = dir.filePath(QStringLiteral("short.wav"));
        QVERIFY(testaudio::write(shortSong, testaudio::noise(5.0, 22050, 3), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        DecodedAudio audio;
        try {
            classifier.classifyFile(shortSong, &audio, {}, 2);
            QFAIL("accepted a 5 s song");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("at least 10 s")), qPrintable(e.message()));
        }
        QCOMPARE(audio.samples.size(), size_t(5 * 22050));  // the song is kept, for the views
        const QString text = dir.filePath(QStringLiteral("text.wav"));
        testaudio::writeBytes(text, "this is not audio at all");
        QVERIFY_THROWS_EXCEPTION(Error, classifier.classifyFile(text, nullptr, {}, 2));
        // Cancelled before it starts: nothing runs.
        CancelFlag cancel{true};
        QVERIFY_THROWS_EXCEPTION(Cancelled, classifier.classifyFile(shortSong, &audio, {{}, &cancel}, 2));
    }

    void concurrentCallsAgreeWithSequentialOnes()
    {
        // The GUI classifies several songs at once with one shared classifier.
        const GenreClassifier classifier(model(QStringLiteral("features")), model(QStringLiteral("image")));
        QList<int> seeds{1, 2, 3, 4, 5, 6};
        auto run = [&](int seed) { return classifier.classify(testaudio::noise(31.0, 22050, unsigned(seed), 0.2f)).ensemble; };
        std::vector<std::vector<float>> sequential;
        for (int s : seeds)
            sequential.push_back(run(s));
        const QList<std::vector<float>> parallel = QtConcurrent::blockingMapped(seeds, run);
        for (int i = 0; i < seeds.size(); ++i)
            QVERIFY(parallel[i] == sequential[size_t(i)]);
    }

    void refusesShortSongs()
    {
        const GenreClassifier classifier(model(QStringLiteral("features")), nullptr);
        try {
            classifier.classify(testaudio::noise(5.0, 22050, 1));
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("at least 10 s")), qPrintable(e.message()));
        }
    }

    void flagsAudioUnlikeMusic_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("silence") << "silence";
        QTest::newRow("white noise") << "noise";
        QTest::newRow("loud white noise") << "loud noise";
        QTest::newRow("440 Hz tone") << "tone";
        QTest::newRow("1 kHz square wave") << "square";
        QTest::newRow("speech (espeak-ng)") << "speech";
    }

    void flagsAudioUnlikeMusic()
    {
        QFETCH(QString, kind);
        const auto classifier = workflow::defaultClassifier();
        if (!classifier || !classifier->hasMlp() || classifier->mlp()->distribution.empty())
            QSKIP("this build has no shipped MLP with a feature distribution");
        std::vector<float> y;
        const int sr = 22050;
        if (kind == QLatin1String("silence"))
            y.assign(size_t(30 * sr), 0.0f);
        else if (kind == QLatin1String("noise"))
            y = testaudio::noise(30.0, sr, 5, 0.1f);
        else if (kind == QLatin1String("loud noise"))
            y = testaudio::noise(30.0, sr, 6, 0.9f);
        else if (kind == QLatin1String("tone"))
            y = testaudio::sine(440.0, 30.0, sr, 0.5f);
        else if (kind == QLatin1String("square")) {
            y = testaudio::sine(1000.0, 30.0, sr, 0.5f);
            for (float& v : y)
                v = v >= 0 ? 0.3f : -0.3f;
        } else {
            QTemporaryDir dir;
            const QString wav = dir.filePath(QStringLiteral("speech.wav"));
            if (!testaudio::writeSpeech(wav))
                QSKIP("espeak-ng is not installed (packaging/debian-build-deps.txt lists it)");
            y = decodeAudio(wav).samples;
            QVERIFY(y.size() > size_t(10 * sr));
        }
        const SongPrediction p = classifier->classify(y);
        qInfo("%s: distance %.1f (threshold %.1f), %.0f dBFS", qPrintable(kind), p.distance, p.distanceThreshold, p.rmsDbfs);
        QVERIFY2(p.unusual, qPrintable(kind));
        QVERIFY(!p.unusualReason.isEmpty());
    }

    void realSongsAreNotFlagged()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("classifying all 32 clips is too slow under sanitizers; the release suite checks it");
#endif
        const QString data = testaudio::gtzanDir();
        if (data.isEmpty())
            QSKIP("GTZAN data not found (set GENRESCOPE_GTZAN or put it at ../shared/data/gtzan)");
        const auto classifier = workflow::defaultClassifier();
        if (!classifier || !classifier->hasMlp() || classifier->mlp()->distribution.empty())
            QSKIP("this build has no shipped MLP with a feature distribution");
        const QStringList clips = audioformats::collectAudioFiles({data + QStringLiteral("/audio")});
        QVERIFY(clips.size() >= 30);
        QStringList flagged;
        for (const QString& clip : clips) {
            const SongPrediction p = classifier->classify(decodeAudio(clip).samples, {}, 2);
            if (p.unusual)
                flagged << QStringLiteral("%1 (%2)").arg(QFileInfo(clip).fileName()).arg(p.distance, 0, 'f', 1);
        }
        // At most one song in 30 may look unusual (the threshold sits above every training song).
        QVERIFY2(flagged.size() * 30 <= clips.size(), qPrintable(flagged.join(QStringLiteral(", "))));
    }

    void refusesMismatchedModels()
    {
        auto other = std::make_shared<ml::Model>();
        other->network = std::make_unique<ml::Network>(QStringLiteral("gap"), std::vector<int>{1, kMelImageRows, kMelImageColumns}, 2);
        other->inputKind = QStringLiteral("image");
        other->classes = {"a", "b"};
        QVERIFY_THROWS_EXCEPTION(Error, GenreClassifier(model(QStringLiteral("features")), other));
        QVERIFY_THROWS_EXCEPTION(Error, GenreClassifier(nullptr, nullptr));
        QVERIFY_THROWS_EXCEPTION(Error, GenreClassifier(model(QStringLiteral("image")), nullptr));
    }
};

QTEST_GUILESS_MAIN(TestClassifier)
#include "tst_classifier.moc"
