// The header Explore shows above a song: the file's name (escaped), its format and
// length, the decoding note, tempo, how it was analysed, and the genres or why there are
// none; for a song still analysing or that failed, a plain line.

#include "workflow/SongSummary.h"

#include <QTest>

using namespace genrescope;
using namespace genrescope::workflow;

namespace {

/// A 45 s stereo MP3 at 44.1 kHz, analysed as mono 22050 Hz, with two windows of genres.
AnalysedSong song()
{
    AnalysedSong s;
    s.audio.source.container = QStringLiteral("MP3");
    s.audio.source.encoding = QStringLiteral("MPEG layer 3");
    s.audio.source.sampleRate = 44100;
    s.audio.source.channels = 2;
    s.audio.sampleRate = 22050;
    s.seconds = 45.25;
    s.tempo = 120.04;
    s.beatTimes = {0.5, 1.0, 1.5};
    s.hasGenres = true;
    s.genres.classes = {QStringLiteral("blues"), QStringLiteral("jazz"), QStringLiteral("rock")};
    s.genres.mlp = {0.1f, 0.7f, 0.2f};
    s.genres.cnn = {0.2f, 0.3f, 0.5f};
    s.genres.ensemble = {0.15f, 0.5f, 0.35f};
    s.genres.windows.resize(2);
    s.genres.windows[0].end = 30.0;
    s.genres.windows[1].start = 15.0;
    s.genres.windows[1].end = 45.0;
    return s;
}

} // namespace

class TestSongSummary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void probabilities()
    {
        const QStringList classes{QStringLiteral("blues"), QStringLiteral("jazz"), QStringLiteral("rock")};
        QCOMPARE(describeProbabilities({0.2f, 0.5f, 0.3f}, classes), QStringLiteral("jazz 50 %, rock 30 %, blues 20 %"));
        QCOMPARE(describeProbabilities({0.2f, 0.5f, 0.3f}, classes, 1), QStringLiteral("jazz 50 %"));
        QCOMPARE(describeProbabilities({}, classes), QString());
    }

    void windows()
    {
        classify::SongPrediction p;
        QCOMPARE(describeWindows(p), QStringLiteral("no windows"));
        p.windows.resize(1);
        p.windows[0].end = 20.0;
        QCOMPARE(describeWindows(p), QStringLiteral("one window of the whole 20.0 s"));
        for (double start : {0.0, 15.0, 30.0, 44.0}) {
            classify::WindowPrediction w;
            w.start = start;
            w.end = start + 30.0;
            p.windows.push_back(w);
        }
        p.windows.erase(p.windows.begin());
        QCOMPARE(describeWindows(p), QStringLiteral("4 windows of 30 s, 15 s apart"));
        classify::weighWindows(p.windows);  // the last adds 14 s past the one before
        QCOMPARE(describeWindows(p), QStringLiteral("4 windows of 30 s, 15 s apart, the last aligned to the song's end (weight 0.93)"));
    }

    void aNormalSong()
    {
        const AnalysedSong s = song();
        const SongSummary summary = summariseSong(SongStage::Ready, QStringLiteral("/music/take five.mp3"), &s);
        QCOMPARE(summary.title, QStringLiteral("<b>take five.mp3</b>"));
        QCOMPARE(summary.details,
                 QStringLiteral("MP3, MPEG layer 3 · 44100 Hz · stereo · 0:45.3 · 120.0 BPM (3 beats)"
                                " · analysed as mono 22050 Hz (downmixed/resampled)"
                                "<br><b>Genre: jazz 50 %</b> (features MLP: jazz 70 %, image CNN: rock 50 %; 2 windows of 30 s, 15 s apart)"));
    }

    void aMonoSongAtTheAnalysisRateIsAnalysedAsIs()
    {
        AnalysedSong s = song();
        s.audio.source.sampleRate = 22050;
        s.audio.source.channels = 1;
        s.tempo = 0;  // no beat grid: no tempo shown
        const QString details = summariseSong(SongStage::Ready, QStringLiteral("a.wav"), &s).details;
        QVERIFY2(details.contains(QStringLiteral(" · mono · ")), qPrintable(details));
        QVERIFY2(details.contains(QStringLiteral(" · analysed as is (mono, 22050 Hz)")), qPrintable(details));
        QVERIFY2(!details.contains(QStringLiteral("BPM")), qPrintable(details));
        s.audio.source.channels = 6;
        QVERIFY(summariseSong(SongStage::Ready, QStringLiteral("a.wav"), &s).details.contains(QStringLiteral(" · 6 channels · ")));
    }

    void anUnusualSong()
    {
        AnalysedSong s = song();
        s.genres.unusual = true;
        const QString details = summariseSong(SongStage::Ready, QStringLiteral("hum.wav"), &s).details;
        QVERIFY2(details.endsWith(QStringLiteral("<br><b>Unusual audio: no genre can be trusted</b> (2 windows of 30 s, 15 s apart)")),
                 qPrintable(details));
        QVERIFY2(!details.contains(QLatin1Char('%')), qPrintable(details));
        const AnalysedSong usual = song();
        QVERIFY(!summariseSong(SongStage::Ready, QStringLiteral("a.wav"), &usual).details.contains(QStringLiteral("unusual")));
    }

    void aDecodingNoteIsShownEscaped()
    {
        AnalysedSong s = song();
        s.audio.source.note = QStringLiteral("the last 0.4 s <missing> & padded");
        const QString details = summariseSong(SongStage::Ready, QStringLiteral("a.mp3"), &s).details;
        QVERIFY2(details.contains(QStringLiteral(" · 0:45.3 · <i>note: the last 0.4 s &lt;missing&gt; &amp; padded</i> · 120.0 BPM")),
                 qPrintable(details));
    }

    void aSongWithoutGenresSaysWhy()
    {
        AnalysedSong s = song();
        s.hasGenres = false;
        s.genreNote = QStringLiteral("a song needs at least 10 s <of audio>");
        const QString details = summariseSong(SongStage::Ready, QStringLiteral("short.wav"), &s).details;
        QVERIFY2(details.endsWith(QStringLiteral("<br>No genre: a song needs at least 10 s &lt;of audio&gt;")), qPrintable(details));
        QVERIFY(!details.contains(QStringLiteral("Genre:")));
        s.genreNote.clear();  // no models: nothing about genres at all
        QVERIFY(!summariseSong(SongStage::Ready, QStringLiteral("short.wav"), &s).details.contains(QStringLiteral("<br>")));
    }

    void aSingleModelWithoutEnsemble()
    {
        // A features model used alone: no CNN, and the song's genre is the MLP's.
        AnalysedSong s = song();
        s.genres.cnn.clear();
        s.genres.ensemble = s.genres.mlp;
        s.seconds = 15.0;  // a song under 31 s is one window of the whole song
        s.genres.windows.resize(1);
        s.genres.windows[0].end = 15.0;
        const QString details = summariseSong(SongStage::Ready, QStringLiteral("a.wav"), &s).details;
        QVERIFY2(details.endsWith(QStringLiteral("<br><b>Genre: jazz 70 %</b> (features MLP: jazz 70 %, image CNN: –; "
                                                 "one window of the whole 15.0 s)")),
                 qPrintable(details));
    }

    void aSongStillAnalysingOrFailed()
    {
        const SongSummary analysing = summariseSong(SongStage::Analysing, QStringLiteral("/m/long.flac"));
        QCOMPARE(analysing.title, QStringLiteral("<b>long.flac</b>"));
        QCOMPARE(analysing.details, QStringLiteral("Decoding and computing the mel spectrogram…"));
        const SongSummary failed = summariseSong(SongStage::Failed, QStringLiteral("/m/broken.wav"));
        QCOMPARE(failed.title, QStringLiteral("<b>broken.wav</b>"));
        QCOMPARE(failed.details, QStringLiteral("This file could not be loaded."));
    }

    void noSong()
    {
        const SongSummary none = summariseSong(SongStage::NoSong);
        QCOMPARE(none.title, QStringLiteral("No song loaded"));
        QVERIFY(none.details.contains(QStringLiteral("Drag songs or folders")));
    }

    void fileNamesAreEscaped()
    {
        const AnalysedSong s = song();
        const QString path = QStringLiteral("/music/Tom & Jerry <live> \"best\".wav");
        const QString escaped = QStringLiteral("<b>Tom &amp; Jerry &lt;live&gt; &quot;best&quot;.wav</b>");
        QCOMPARE(summariseSong(SongStage::Ready, path, &s).title, escaped);
        QCOMPARE(summariseSong(SongStage::Analysing, path).title, escaped);
        QCOMPARE(summariseSong(SongStage::Failed, QStringLiteral("/m/a<i>&b.wav")).title,
                 QStringLiteral("<b>a&lt;i&gt;&amp;b.wav</b>"));
    }
};

QTEST_GUILESS_MAIN(TestSongSummary)
#include "tst_song_summary.moc"
