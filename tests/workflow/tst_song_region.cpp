// A selected region and the genre changes of a song: the region's genre from the windows it
// covers (overlap-weighted), its features from its own samples (kept or decoded), the markers
// where the ensemble's top genre changes (from the windows' own times, any hop or a last window
// aligned to the end), and their label files read back.

#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "features/FeatureExtractor.h"
#include "workflow/GenreMarkers.h"
#include "workflow/SongRegion.h"

#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

using namespace genrescope;
using namespace genrescope::workflow;

namespace {

classify::WindowPrediction window(double start, double end, std::vector<float> ensemble, std::vector<float> mlp = {})
{
    classify::WindowPrediction w;
    w.start = start;
    w.end = end;
    w.ensemble = std::move(ensemble);
    w.mlp = std::move(mlp);
    return w;
}

/// A 74 s song: windows every 15 s and a last one aligned to the song's end (44-74 s), with a hop
/// of 14 s before it; blues, blues, rock, jazz.
classify::SongPrediction song()
{
    classify::SongPrediction p;
    p.classes = {QStringLiteral("blues"), QStringLiteral("jazz"), QStringLiteral("rock")};
    p.seconds = 74.0;
    p.windows = {window(0, 30, {0.7f, 0.2f, 0.1f}, {0.6f, 0.3f, 0.1f}), window(15, 45, {0.5f, 0.1f, 0.4f}, {0.4f, 0.2f, 0.4f}),
                 window(30, 60, {0.2f, 0.1f, 0.7f}, {0.1f, 0.1f, 0.8f}), window(44, 74, {0.1f, 0.6f, 0.3f}, {0.2f, 0.5f, 0.3f})};
    return p;
}

/// Splits a label file into lines of fields (tab- or comma-separated), dropping the last empty line.
QList<QStringList> fieldsOf(const QByteArray& bytes, QChar separator)
{
    QList<QStringList> rows;
    const QStringList lines = QString::fromUtf8(bytes).split(QLatin1Char('\n'));
    [&] { QVERIFY(lines.last().isEmpty()); }();
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        rows << lines[i].split(separator);
    return rows;
}

} // namespace

class TestSongRegion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void regionGenreIsTheOverlapWeightedMeanOfItsWindows()
    {
        const classify::SongPrediction p = song();
        // 20-40 s overlaps window 0 by 10 s, window 1 by 20 s and window 2 by 10 s.
        const RegionGenres r = regionGenres(p, 20.0, 40.0);
        QCOMPARE(r.windows, 3);
        QCOMPARE(r.ensemble.size(), size_t(3));
        QCOMPARE(r.mlp.size(), size_t(3));
        QVERIFY(r.cnn.empty());  // no CNN in these windows
        for (size_t c = 0; c < 3; ++c) {
            const double expected = (10 * p.windows[0].ensemble[c] + 20 * p.windows[1].ensemble[c] + 10 * p.windows[2].ensemble[c]) / 40.0;
            QVERIFY(std::abs(r.ensemble[c] - expected) < 1e-6);
            const double expectedMlp = (10 * p.windows[0].mlp[c] + 20 * p.windows[1].mlp[c] + 10 * p.windows[2].mlp[c]) / 40.0;
            QVERIFY(std::abs(r.mlp[c] - expectedMlp) < 1e-6);
        }
        // Inside one window only: that window's probabilities.
        const RegionGenres inside = regionGenres(p, 1.0, 10.0);
        QCOMPARE(inside.windows, 1);
        for (size_t c = 0; c < 3; ++c)
            QVERIFY(std::abs(inside.ensemble[c] - p.windows[0].ensemble[c]) < 1e-6);
        // The end aligned window counts for the tail.
        const RegionGenres tail = regionGenres(p, 65.0, 74.0);
        QCOMPARE(tail.windows, 1);
        QVERIFY(std::abs(tail.ensemble[1] - p.windows[3].ensemble[1]) < 1e-6);
        // The whole song reads as the song: the end-aligned window weighs what it adds (14/15).
        classify::SongPrediction weighed = p;
        classify::weighWindows(weighed.windows);
        const RegionGenres all = regionGenres(weighed, 0.0, 74.0);
        QCOMPARE(all.windows, 4);
        for (size_t c = 0; c < 3; ++c) {
            double sum = 0, total = 0;
            for (const classify::WindowPrediction& w : weighed.windows) {
                sum += 30.0 * w.weight * w.mlp[c];
                total += 30.0 * w.weight;
            }
            QVERIFY(std::abs(all.mlp[c] - sum / total) < 1e-6);
        }
        // Nothing covered: nothing claimed.
        const RegionGenres none = regionGenres(p, 80.0, 90.0);
        QCOMPARE(none.windows, 0);
        QVERIFY(none.ensemble.empty() && none.mlp.empty());
    }

    void markersWhereTheTopGenreChanges()
    {
        const classify::SongPrediction p = song();
        const std::vector<GenreMarker> m = genreChangeMarkers(p);
        QCOMPARE(m.size(), size_t(2));
        // blues -> rock where window 2's stretch of the timeline starts (30 s), lasting to its end
        // (window 3's start, 44 s: however the last window is placed, the markers follow the windows).
        QCOMPARE(m[0].from, 0);
        QCOMPARE(m[0].to, 2);
        QCOMPARE(m[0].time, classify::timelineSpan(p, 2).first);
        QCOMPARE(m[0].time, 30.0);
        QCOMPARE(m[0].end, classify::timelineSpan(p, 2).second);
        QCOMPARE(m[0].confidence, 0.7f);
        QCOMPARE(markerLabel(m[0], p.classes), QStringLiteral("blues → rock"));
        // rock -> jazz where the end-aligned window's stretch starts (not at 45 s: no hop is assumed), to the song's end.
        QCOMPARE(m[1].from, 2);
        QCOMPARE(m[1].to, 1);
        QCOMPARE(m[1].time, classify::timelineSpan(p, 3).first);
        QCOMPARE(m[1].time, 45.0);  // the end-aligned window's stretch starts a hop after 30 s
        QCOMPARE(m[1].end, 74.0);

        // A run of the new genre extends its marker; windows without an ensemble are skipped.
        classify::SongPrediction q = p;
        q.windows = {window(0, 30, {0.9f, 0.1f, 0.0f}), window(15, 45, {0.1f, 0.8f, 0.1f}), window(30, 60, {}),
                     window(45, 75, {0.2f, 0.7f, 0.1f}), window(60, 90, {0.6f, 0.3f, 0.1f})};
        const std::vector<GenreMarker> n = genreChangeMarkers(q);
        QCOMPARE(n.size(), size_t(2));
        QCOMPARE(n[0].time, 15.0);
        QCOMPARE(n[0].end, 60.0);  // window 3 (jazz again) ends its stretch at window 4's start
        QCOMPARE(n[1].time, 60.0);
        QCOMPARE(n[1].to, 0);

        // One genre throughout, or no windows: no markers.
        classify::SongPrediction same = p;
        for (auto& w : same.windows)
            w.ensemble = {0.1f, 0.1f, 0.8f};
        QVERIFY(genreChangeMarkers(same).empty());
        QVERIFY(genreChangeMarkers(classify::SongPrediction{}).empty());
    }

    void labelFilesReadBack()
    {
        classify::SongPrediction p = song();
        p.classes[2] = QStringLiteral("rock, \"hard\"");  // a name that needs quoting
        std::vector<GenreMarker> m = genreChangeMarkers(p);
        m[0].time = 1.0 / 3.0;  // a time that needs every digit
        m[0].end = 29.999999999999996;

        const auto csv = fieldsOf(markerFile(m, p.classes, MarkerFormat::Csv), QLatin1Char(','));
        QCOMPARE(csv.size(), qsizetype(m.size() + 1));
        QCOMPARE(csv[0], (QStringList{"time", "end", "label"}));
        for (size_t i = 0; i < m.size(); ++i) {
            QCOMPARE(csv[qsizetype(i) + 1][0].toDouble(), m[i].time);  // exactly
            QCOMPARE(csv[qsizetype(i) + 1][1].toDouble(), m[i].end);
        }
        // The quoted label survives: "blues → rock, ""hard""" (split on the comma inside it here).
        QCOMPARE(csv[1].mid(2).join(QLatin1Char(',')), QStringLiteral("\"blues → rock, \"\"hard\"\"\""));

        const auto audacity = fieldsOf(markerFile(m, p.classes, MarkerFormat::Audacity), QLatin1Char('\t'));
        QCOMPARE(audacity.size(), qsizetype(m.size()));
        for (size_t i = 0; i < m.size(); ++i) {
            const QStringList& f = audacity[qsizetype(i)];
            QCOMPARE(f.size(), 3);
            QCOMPARE(f[0], QString::number(m[i].time, 'f', 6));
            QCOMPARE(f[1], QString::number(m[i].end, 'f', 6));
            QVERIFY(std::abs(f[0].toDouble() - m[i].time) <= 5e-7);
            QCOMPARE(f[2], markerLabel(m[i], p.classes));
        }

        const auto sv = fieldsOf(markerFile(m, p.classes, MarkerFormat::SonicVisualiser), QLatin1Char('\t'));
        QCOMPARE(sv.size(), qsizetype(m.size()));
        QCOMPARE(sv[0][0], QStringLiteral("0.333333"));
        QCOMPARE(sv[0][1], QStringLiteral("\"blues → rock, \"\"hard\"\"\""));
        QVERIFY(sv[1][1].startsWith(QStringLiteral("\"rock, ")));

        // Format names, as the CLI takes them.
        for (const QString& name : markerFormatNames())
            QCOMPARE(markerFormatName(*markerFormatNamed(name)), name);
        QVERIFY(!markerFormatNamed(QStringLiteral("srt")));
        // No markers: a CSV of its header, empty label files.
        QCOMPARE(markerFile({}, p.classes, MarkerFormat::Csv), QByteArray("time,end,label\n"));
        QVERIFY(markerFile({}, p.classes, MarkerFormat::Audacity).isEmpty());
    }

    void regionFeaturesFromKeptOrDecodedSamples()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const auto y = testaudio::toneSong(8.0, 3);
        const QString path = dir.filePath(QStringLiteral("song.wav"));
        QVERIFY(testaudio::write(path, y, 1, kAnalysisRate, SF_FORMAT_WAV | SF_FORMAT_FLOAT));
        // 2.5-6 s of the file, decoded alone, is that slice of the whole song, sample for sample.
        const std::vector<float> whole = decodeAudio(path).samples;
        const std::vector<float> region = decodeRegion(path, 2.5, 6.0);
        const long first = std::lround(2.5 * kAnalysisRate), last = std::lround(6.0 * kAnalysisRate);
        QCOMPARE(long(region.size()), last - first);
        QVERIFY(std::equal(region.begin(), region.end(), whole.begin() + first));
        // Past the end: what there is.
        QCOMPARE(long(decodeRegion(path, 7.0, 20.0).size()), long(whole.size()) - std::lround(7.0 * kAnalysisRate));

        // Its features are the exact features of those samples, and differ from the whole song's.
        const RegionFeatures features = signalFeatures(region.data(), long(region.size()));
        QVERIFY(!features.pooled);
        const FeatureValues exact = extractFeatures(region.data(), long(region.size()));
        QVERIFY(features.values == exact);
        QVERIFY(!(extractFeatures(whole.data(), long(whole.size())) == exact));

        // Cancelled: stops.
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(Cancelled, decodeRegion(path, 0.0, 8.0, TaskControl{{}, &cancel}));
    }
};

QTEST_GUILESS_MAIN(TestSongRegion)
#include "tst_song_region.moc"
