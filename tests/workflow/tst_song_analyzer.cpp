// The song-analysis layer: one STFT per window shared by features, mel image and the
// whole-song views; whole-song features exact up to kExactFeatureSeconds and pooled beyond;
// songs too short for genres still shown; broken files refused.

#include "TestAudio.h"

#include "classify/GenreClassifier.h"
#include "common/Error.h"
#include "dsp/MelSpectrogram.h"
#include "features/FeatureExtractor.h"
#include "workflow/SongAnalyzer.h"

#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

using namespace genrescope;

namespace {

std::vector<float> song(double seconds, unsigned seed)
{
    auto y = testaudio::noise(seconds, kAnalysisRate, seed, 0.1f);
    const auto tone = testaudio::sine(196.0, seconds, kAnalysisRate, 0.2f);
    for (size_t i = 0; i < y.size(); ++i)
        y[i] += tone[i] * float(1 + (i / 11025) % 4);
    return y;
}

FeatureValues valuesOf(const std::vector<double>& v)
{
    FeatureValues out{};
    std::copy(v.begin(), v.end(), out.begin());
    return out;
}

} // namespace

class TestSongAnalyzer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        classifier_ = std::make_shared<classify::GenreClassifier>(testaudio::tinyModel(QStringLiteral("features")),
                                                                  testaudio::tinyModel(QStringLiteral("image")));
    }

    void aSongOfOneWindowSharesItsAnalysis()
    {
        // 30.5 s: one window of the whole song, whose STFT gives the song's features and views.
        const auto y = song(30.5, 1);
        const QString path = write(QStringLiteral("one-window.wav"), y);
        const workflow::AnalysedSong a = workflow::analyseSongFile(path, classifier_);
        QVERIFY(a.hasGenres);
        QCOMPARE(a.genres.windows.size(), size_t(1));
        QCOMPARE(a.genres.windows[0].end, 30.5);
        QVERIFY(a.audio.samples == y);
        QVERIFY(a.hasFeatures && !a.featuresPooled);
        QVERIFY(a.features == extractFeatures(y.data(), long(y.size())));
        QVERIFY(a.features == valuesOf(a.genres.windows[0].features));
        const Spectrogram mel = MelSpectrogram().compute(y.data(), long(y.size()));
        QVERIFY(a.melDb.data == powerToDb(mel, DbParams{0.0, 1e-10, 80.0}).data);
        QVERIFY(a.tempo > 0);
        // The same answers as classifying the samples in memory.
        QVERIFY(a.genres.ensemble == classifier_->classify(y).ensemble);
    }

    void featuresAreExactUpToALimitThenPooled()
    {
        const auto medium = song(45.0, 2);  // two windows, under kExactFeatureSeconds: exact
        const workflow::AnalysedSong m = workflow::analyseSongFile(write(QStringLiteral("medium.wav"), medium), classifier_);
        QCOMPARE(m.genres.windows.size(), size_t(2));
        QVERIFY(!m.featuresPooled);
        QVERIFY(m.features == extractFeatures(medium.data(), long(medium.size())));

        // Pooled from its windows: 0, 15, 30 and 45 s, and 50-80 s weighing 1/3 (it adds 5 s of a 15 s hop).
        const auto longer = song(kExactFeatureSeconds + 20.0, 3);
        const workflow::AnalysedSong l = workflow::analyseSongFile(write(QStringLiteral("long.wav"), longer), classifier_);
        QVERIFY(l.featuresPooled);
        std::vector<FeatureValues> windows;
        const std::vector<FeatureWindow> spans = songWindows(long(longer.size()));
        for (const FeatureWindow& w : spans)
            windows.push_back(extractFeatures(longer.data() + w.start, w.length));
        QCOMPARE(l.genres.windows.size(), size_t(5));
        QCOMPARE(l.genres.windows.back().end, 80.0);
        QVERIFY(std::abs(l.genres.windows.back().weight - 1.0 / 3.0) < 1e-9);
        QCOMPARE(windows.size(), size_t(5));
        QVERIFY(l.features == poolFeatures(windows, songWindowWeights(spans)));
        QVERIFY(l.features != poolFeatures(windows));

        // Without models: the same features, no genres.
        const workflow::AnalysedSong bare = workflow::analyseSongFile(write(QStringLiteral("long.wav"), longer), nullptr);
        QVERIFY(!bare.hasGenres && bare.featuresPooled);
        QVERIFY(bare.features == l.features);
    }

    void knownGenresAreReusedForAnUnchangedFile()
    {
        const auto y = song(50.0, 6);
        const QString path = write(QStringLiteral("known.wav"), y);
        const workflow::AnalysedSong first = workflow::analyseSongFile(path, classifier_);
        QVERIFY(!first.genresReused);
        workflow::KnownGenres known{classifier_, first.genres, first.fileSize, first.mtimeNs, first.contentHash};
        const workflow::AnalysedSong again = workflow::analyseSongFile(path, classifier_, 2, {}, &known);
        QVERIFY(again.genresReused);
        QVERIFY(again.genres.ensemble == first.genres.ensemble);
        QVERIFY(again.audio.samples == first.audio.samples);
        QVERIFY(again.melDb.data == first.melDb.data);
        QVERIFY(again.features == first.features);
        QCOMPARE(again.tempo, first.tempo);
        // Another classifier, or a changed file: classified again.
        const auto other = std::make_shared<classify::GenreClassifier>(testaudio::tinyModel(QStringLiteral("features")), nullptr);
        QVERIFY(!workflow::analyseSongFile(path, other, 2, {}, &known).genresReused);
        known.mtimeNs += 1;
        QVERIFY(!workflow::analyseSongFile(path, classifier_, 2, {}, &known).genresReused);
        known.mtimeNs -= 1;
        known.contentHash = QStringLiteral("another file of the same size and time");
        QVERIFY(!workflow::analyseSongFile(path, classifier_, 2, {}, &known).genresReused);
    }

    void aShortSongIsShownWithoutGenres()
    {
        const auto y = song(5.0, 4);
        const workflow::AnalysedSong a = workflow::analyseSongFile(write(QStringLiteral("short.wav"), y), classifier_);
        QVERIFY(!a.hasGenres);
        QVERIFY2(a.genreNote.contains(QStringLiteral("at least 10 s")), qPrintable(a.genreNote));
        QVERIFY(a.audio.samples == y);
        QVERIFY(a.hasFeatures);
        QVERIFY(a.features == extractFeatures(y.data(), long(y.size())));
    }

    void brokenFilesAreRefused()
    {
        const QString text = dir_.filePath(QStringLiteral("text.wav"));
        testaudio::writeBytes(text, "this is not audio at all");
        QVERIFY_THROWS_EXCEPTION(Error, workflow::analyseSongFile(text, classifier_));
        QVERIFY_THROWS_EXCEPTION(Error, workflow::analyseSongFile(text, nullptr));
        CancelFlag cancel{true};
        QVERIFY_THROWS_EXCEPTION(Cancelled, workflow::analyseSongFile(write(QStringLiteral("c.wav"), song(12.0, 5)),
                                                                      classifier_, 2, {{}, &cancel}));
    }

private:
    QString write(const QString& name, const std::vector<float>& y)
    {
        const QString path = dir_.filePath(name);
        if (!testaudio::write(path, y, 1, kAnalysisRate, SF_FORMAT_WAV | SF_FORMAT_FLOAT))
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

    QTemporaryDir dir_;
    std::shared_ptr<const classify::GenreClassifier> classifier_;
};

QTEST_GUILESS_MAIN(TestSongAnalyzer)
#include "tst_song_analyzer.moc"
