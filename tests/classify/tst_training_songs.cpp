// Training data from songs (issue #12): a folder of genre folders becomes one row per song
// window, exactly the windows, features and mel images the classifier computes; song ids keep a
// file's windows together; unusable files are left out with reasons; analyses are cached by
// content, independent of the thread count, cancellable, with monotone progress; a model pair
// trained from one analysis classifies held-out songs; and the CLI's train --data / --pair.
// All songs are synthesised here: tone-rich harmonic clips against noise-rich percussive ones.

#include "CliProcess.h"
#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "classify/GenreClassifier.h"
#include "classify/Training.h"
#include "classify/TrainingSongs.h"
#include "common/ContentHash.h"
#include "common/Error.h"
#include "dsp/MelImage.h"
#include "features/FeatureExtractor.h"
#include "ml/ModelFile.h"
#include "workflow/TrainingJob.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <random>

#include <sndfile.h>

using namespace genrescope;
using classify::LabelledSong;
using classify::SongSetAnalysis;
using classify::WantedInputs;

namespace {

constexpr int kRate = 22050;

using testaudio::noiseSong;
using testaudio::toneSong;
using testaudio::writeSong;

void useCache(const QString& dir)
{
    qputenv("XDG_CACHE_HOME", dir.toUtf8());
}

int cacheEntries()
{
    return int(QDir(classify::songCacheDir()).entryList({QStringLiteral("*.windows")}, QDir::Files).size());
}

void compareAnalyses(const SongSetAnalysis& a, const SongSetAnalysis& b)
{
    QCOMPARE(a.features.inputs.shape, b.features.inputs.shape);
    QVERIFY(a.features.inputs.data == b.features.inputs.data);
    QCOMPARE(a.images.inputs.shape, b.images.inputs.shape);
    QVERIFY(a.images.inputs.data == b.images.inputs.data);
    QCOMPARE(a.features.songIds, b.features.songIds);
    QCOMPARE(a.features.names, b.features.names);
    QCOMPARE(a.features.labels, b.features.labels);
    QCOMPARE(a.images.songIds, b.images.songIds);
    QCOMPARE(a.skipped, b.skipped);
}

} // namespace

class TestTrainingSongs : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        useCache(tmp_.filePath(QStringLiteral("cache")));
        // The mixed tree: a same-named file in two folders, a GTZAN name, a 46 s song (three windows, the last end-aligned),
        // a damaged file and a 3 s one.
        mixed_ = tmp_.filePath(QStringLiteral("mixed"));
        QVERIFY(writeSong(mixed_ + "/tones/song.wav", toneSong(12.0, 1)));
        QVERIFY(writeSong(mixed_ + "/tones/blues.00012.wav", toneSong(12.0, 2)));
        QVERIFY(writeSong(mixed_ + "/tones/album/song.wav", toneSong(46.0, 3)));
        QVERIFY(writeSong(mixed_ + "/noise/song.wav", noiseSong(12.0, 4)));
        QVERIFY(writeSong(mixed_ + "/noise/short.wav", noiseSong(3.0, 5)));
        testaudio::writeBytes(mixed_ + "/noise/broken.wav", testaudio::wavHeader(1, kRate, 16, 400000) + "not really audio");
        testaudio::writeBytes(mixed_ + "/notes.txt", "not a song");
        testaudio::writeBytes(mixed_ + "/loose.wav", "audio outside a genre folder is not labelled");

        // Separable songs for the pair: 8 a class to train on, 4 held out.
        pair_ = tmp_.filePath(QStringLiteral("pair"));
        for (int i = 0; i < 12; ++i) {
            const QString part = i < 8 ? QStringLiteral("/train") : QStringLiteral("/heldout");
            QVERIFY(writeSong(pair_ + part + QStringLiteral("/tones/t%1.wav").arg(i), toneSong(12.0, 100 + i)));
            QVERIFY(writeSong(pair_ + part + QStringLiteral("/noise/n%1.wav").arg(i), noiseSong(12.0, 200 + i)));
        }
    }

    void songsInClassFolders()
    {
        const std::vector<LabelledSong> songs = classify::songsInClassFolders(mixed_);
        QStringList paths, labels;
        for (const LabelledSong& s : songs) {
            paths << QDir(mixed_).relativeFilePath(s.path);
            labels << s.label;
        }
        QCOMPARE(paths, QStringList({"noise/broken.wav", "noise/short.wav", "noise/song.wav", "tones/album/song.wav",
                                     "tones/blues.00012.wav", "tones/song.wav"}));
        QCOMPARE(labels, QStringList({"noise", "noise", "noise", "tones", "tones", "tones"}));

        const QString empty = tmp_.filePath(QStringLiteral("empty"));
        QDir().mkpath(empty + "/rock");
        testaudio::writeBytes(empty + "/top.wav", "a song outside a genre folder");
        for (const QString& bad : {empty, mixed_ + "/tones/song.wav", tmp_.filePath(QStringLiteral("missing"))}) {
            try {
                classify::songsInClassFolders(bad);
                QFAIL(qPrintable(bad + " was accepted"));
            } catch (const Error& e) {
                QVERIFY2(e.message().contains(QFileInfo(bad).fileName()) && e.message().contains("e.g. rock/song.mp3"),
                         qPrintable(e.message()));
            }
        }
    }

    void rowsAreTheClassifiersWindows()
    {
        QCOMPARE(cacheEntries(), 0);
        std::vector<double> progress;
        const TaskControl control{[&](double f) { progress.push_back(f); }, nullptr};
        first_ = classify::analyseSongs(classify::songsInClassFolders(mixed_), WantedInputs::Both, 1, control);

        QVERIFY(!progress.empty());
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.back(), 1.0);
        QVERIFY(progress.front() >= 0.0);

        QCOMPARE(first_.songs, 6);
        QCOMPARE(first_.skipped.size(), 2);
        QVERIFY2(first_.skipped[0].startsWith(mixed_ + "/noise/broken.wav: "), qPrintable(first_.skipped[0]));
        QVERIFY2(first_.skipped[1].startsWith(mixed_ + "/noise/short.wav: ") && first_.skipped[1].contains("3.0 s") &&
                     first_.skipped[1].contains("at least 10 s"),
                 qPrintable(first_.skipped[1]));

        const data::Dataset& f = first_.features;
        const data::Dataset& im = first_.images;
        QCOMPARE(f.kind, data::InputKind::Features);
        QCOMPARE(im.kind, data::InputKind::Image);
        QCOMPARE(f.inputs.shape, std::vector<int>({6, kFeatureCount}));
        QCOMPARE(im.inputs.shape, std::vector<int>({6, 1, kMelImageRows, kMelImageColumns}));
        QCOMPARE(f.classes, QStringList({"noise", "tones"}));
        QCOMPARE(im.classes, f.classes);
        QCOMPARE(im.labels, f.labels);
        QCOMPARE(f.labels, std::vector<int>({0, 1, 1, 1, 1, 1}));
        QCOMPARE(f.names, QStringList({"song.wav @ 0 s", "song.wav @ 0 s", "song.wav @ 15 s", "song.wav @ 16 s",
                                       "blues.00012.wav @ 0 s", "song.wav @ 0 s"}));
        QCOMPARE(im.names, f.names);
        // A file's windows share its id; same-named files in other folders do not; GTZAN names keep GTZAN's id.
        // The 46 s album song: 0-30 s, 15-45 s and 16-46 s (its end).
        QCOMPARE(f.songIds, QStringList({"noise/song.wav", "tones/album/song.wav", "tones/album/song.wav",
                                         "tones/album/song.wav", "blues.00012", "tones/song.wav"}));
        QCOMPARE(im.songIds, f.songIds);
        QCOMPARE(f.songCount(), 4);

        // Each row is what the classifier computes for that window of that file, bit for bit.
        const classify::GenreClassifier classifier(testaudio::tinyModel("features", f.classes), nullptr);
        const QStringList files{"noise/song.wav", "tones/album/song.wav", "tones/blues.00012.wav", "tones/song.wav"};
        int row = 0;
        for (const QString& file : files) {
            Spectrogram wholeMel;
            classify::GenreClassifier::FileOptions options;
            options.windowFeatures = true;
            options.wholeSongMel = &wholeMel;
            const classify::SongPrediction p = classifier.classifyFile(mixed_ + "/" + file, options);
            QCOMPARE(int(p.windows.size()), file.contains("album") ? 3 : 1);
            for (size_t w = 0; w < p.windows.size(); ++w, ++row) {
                QCOMPARE(f.names[row], QFileInfo(file).fileName() + QStringLiteral(" @ %1 s").arg(p.windows[w].start));
                QCOMPARE(int(p.windows[w].features.size()), kFeatureCount);
                for (int k = 0; k < kFeatureCount; ++k)
                    QCOMPARE(f.inputs.sample(row)[k], float(p.windows[w].features[size_t(k)]));
            }
            if (p.windows.size() == 1) {  // its mel image: the CNN's input for the song
                const MelImage image = melImageFromPower(wholeMel);
                for (size_t k = 0; k < image.index.size(); ++k)
                    QCOMPARE(im.inputs.sample(row - 1)[k], float(image.index[k]) / 255.0f);
            }
        }
        QCOMPARE(row, 6);
        // The second window of the long song is the image of its samples 15 s to 45 s.
        const DecodedAudio audio = decodeAudio(mixed_ + "/tones/album/song.wav");
        const long start = 15L * kRate, length = 30L * kRate;
        const MelImage second = melImageFromAudio(audio.samples.data() + start, length);
        int differing = 0;
        for (size_t k = 0; k < second.index.size(); ++k)
            differing += im.inputs.sample(2)[k] != float(second.index[k]) / 255.0f;
        QVERIFY2(differing <= int(second.index.size() / 1000), qPrintable(QString::number(differing)));
    }

    void secondAnalysisReadsTheCache()
    {
        QCOMPARE(cacheEntries(), 4);  // one entry a usable file, nothing for those left out
        const SongSetAnalysis again = classify::analyseSongs(classify::songsInClassFolders(mixed_), WantedInputs::Both, 1);
        compareAnalyses(again, first_);

        // What the cache holds is what comes back: a doctored entry (valid, one value changed) shows through ...
        const QString entry = QDir(classify::songCacheDir()).filePath(
            quickContentHash(mixed_ + "/noise/song.wav") + QStringLiteral(".windows"));
        QFile file(entry);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray original = file.readAll();
        file.close();
        QByteArray doctored = original;
        const float marker = 12345.0f;
        std::memcpy(doctored.data() + 16 + 16, &marker, 4);  // header, start and length, then feature 0
        testaudio::writeBytes(entry, doctored);
        const SongSetAnalysis fromCache = classify::analyseSongs({{mixed_ + "/noise/song.wav", "noise"},
                                                                  {mixed_ + "/tones/song.wav", "tones"}},
                                                                 WantedInputs::Features, 1);
        QCOMPARE(fromCache.features.inputs.sample(0)[0], marker);
        QCOMPARE(fromCache.images.size(), 0);  // not wanted

        // ... and a damaged one is analysed again, never trusted.
        testaudio::writeBytes(entry, original.left(original.size() - 7));
        compareAnalyses(classify::analyseSongs(classify::songsInClassFolders(mixed_), WantedInputs::Both, 1), first_);
        QFile repaired(entry);
        QVERIFY(repaired.open(QIODevice::ReadOnly));
        QVERIFY(repaired.readAll() == original);
    }

    void twoThreadsGiveTheSameRows()
    {
        useCache(tmp_.filePath(QStringLiteral("cache-2")));  // analysed again, not read back
        const SongSetAnalysis two = classify::analyseSongs(classify::songsInClassFolders(mixed_), WantedInputs::Both, 2);
        QCOMPARE(cacheEntries(), 4);
        compareAnalyses(two, first_);
        useCache(tmp_.filePath(QStringLiteral("cache")));
    }

    void cancelStops()
    {
        useCache(tmp_.filePath(QStringLiteral("cache-cancel")));
        const std::vector<LabelledSong> songs = classify::songsInClassFolders(mixed_);
        CancelFlag cancel{true};
        QVERIFY_THROWS_EXCEPTION(Cancelled, classify::analyseSongs(songs, WantedInputs::Both, 2, {{}, &cancel}));
        CancelFlag later{false};
        const TaskControl control{[&](double f) { if (f > 0) later = true; }, &later};
        QVERIFY_THROWS_EXCEPTION(Cancelled, classify::analyseSongs(songs, WantedInputs::Features, 1, control));
        useCache(tmp_.filePath(QStringLiteral("cache")));
    }

    void refusesUnusableSets()
    {
        QVERIFY_THROWS_EXCEPTION(Error, classify::analyseSongs({}, WantedInputs::Both, 1));
        try {  // one class left after the damaged and short files are dropped
            classify::analyseSongs({{mixed_ + "/noise/song.wav", "noise"}, {mixed_ + "/noise/short.wav", "noise"},
                                    {mixed_ + "/noise/broken.wav", "tones"}},
                                   WantedInputs::Both, 1);
            QFAIL("one class accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("Only one class (noise)") && e.message().contains("2 files were left out, e.g. " + mixed_ + "/noise/short.wav"),
                     qPrintable(e.message()));
        }
        try {
            classify::analyseSongs({{mixed_ + "/noise/short.wav", "noise"}}, WantedInputs::Both, 1);
            QFAIL("no usable song accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains("None of the 1 songs") && e.message().contains("short.wav"),
                     qPrintable(e.message()));
        }
    }

    void runTrainingTakesSongFolders()
    {
        classify::TrainingRequest request;
        request.dataPath = mixed_;
        request.architecture = QStringLiteral("dense:8:relu");
        request.config.epochs = 2;
        request.config.batch = 4;
        const classify::TrainingOutcome o = classify::runTraining(request);
        QCOMPARE(o.model.classes, QStringList({"noise", "tones"}));
        QCOMPARE(o.skipped.size(), 2);
        QCOMPARE(int(o.split.train.size() + o.split.valid.size() + o.split.test.size()), 6);

        // The job reports the analysis and hands the rows to the training as they are.
        std::vector<double> progress;
        workflow::TrainingProgress p;
        p.onAnalysing = [&](double f) { progress.push_back(f); };
        request.input = data::InputKind::Image;
        request.architecture = QStringLiteral("conv:2:5x5:s4x4:relu,gap");
        request.threads = 2;
        const classify::TrainingOutcome job = workflow::runTrainingJob(request, p);
        QCOMPARE(job.model.inputKind, QStringLiteral("image"));
        QCOMPARE(job.skipped, first_.skipped);
        QVERIFY(!progress.empty() && std::is_sorted(progress.begin(), progress.end()) && progress.back() == 1.0);

        // A cancel before the analysis stops it.
        CancelFlag cancel{true};
        p.training.cancel = &cancel;
        QVERIFY_THROWS_EXCEPTION(Cancelled, workflow::runTrainingJob(request, p));
    }

    void pairClassifiesHeldOutSongs()
    {
        classify::TrainingRequest mlp, cnn;
        mlp.architecture = QStringLiteral("dense:32:relu");
        mlp.config.epochs = 40;
        mlp.config.batch = 8;
        mlp.config.optimizer.learningRate = 0.01;
        mlp.config.seed = 3;
        mlp.threads = 2;
        mlp.split = QStringLiteral("song");
        cnn.architecture = QStringLiteral("conv:8:5x5:s2x2:relu,maxpool:4x4,conv:8:3x3:p1:relu,gap");
        cnn.config.epochs = 15;
        cnn.config.batch = 8;
        cnn.config.optimizer.learningRate = 0.01;
        cnn.dataPath = QStringLiteral("ignored");
        std::vector<int> models;
        workflow::TrainingProgress progress;
        progress.onModel = [&](int m) { models.push_back(m); };
        const workflow::PairOutcome pair =
            workflow::trainModelPair(classify::songsInClassFolders(pair_ + "/train"), mlp, cnn, progress);
        QCOMPARE(models, std::vector<int>({0, 1}));
        QCOMPARE(pair.songs, 16);
        QVERIFY(pair.skipped.isEmpty());
        QCOMPARE(pair.mlp.model.inputKind, QStringLiteral("features"));
        QCOMPARE(pair.cnn.model.inputKind, QStringLiteral("image"));
        QCOMPARE(pair.cnn.model.classes, pair.mlp.model.classes);
        QCOMPARE(pair.cnn.split.train, pair.mlp.split.train);  // the same split: the MLP's, by song, seed 3
        QCOMPARE(pair.cnn.split.valid, pair.mlp.split.valid);
        QVERIFY(pair.mlp.split.description.contains("seed 3"));
        QCOMPARE(pair.mlp.model.training.value("data").toString(), QFileInfo(pair_ + "/train").absoluteFilePath());

        auto mlpModel = std::make_shared<ml::Model>(ml::loadModel(saved(pair.mlp.model, "pair-mlp.gsm")));
        auto cnnModel = std::make_shared<ml::Model>(ml::loadModel(saved(pair.cnn.model, "pair-cnn.gsm")));
        const classify::GenreClassifier classifier(mlpModel, cnnModel);
        int mlpRight = 0, cnnRight = 0, songs = 0;
        for (const LabelledSong& s : classify::songsInClassFolders(pair_ + "/heldout")) {
            const classify::SongPrediction p = classifier.classifyFile(s.path);
            const int truth = int(classifier.classes().indexOf(s.label));
            mlpRight += classify::topClass(p.mlp).first == truth;
            cnnRight += classify::topClass(p.cnn).first == truth;
            ++songs;
        }
        QCOMPARE(songs, 8);
        QVERIFY2(mlpRight >= 7, qPrintable(QStringLiteral("MLP %1 of 8").arg(mlpRight)));
        QVERIFY2(cnnRight >= 7, qPrintable(QStringLiteral("CNN %1 of 8").arg(cnnRight)));
    }

    void cliTrainsFromSongFolders()
    {
        const QString model = tmp_.filePath(QStringLiteral("cli.gsm"));
        testcli::Run r = testcli::cli({"train", "--data", mixed_, "--arch", "dense:8:relu", "--epochs", "2", "--batch",
                                       "4", "--jobs", "2", "--out", model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(model));
        QVERIFY2(r.err.contains("analysing songs: 100 %"), qPrintable(r.err));
        QVERIFY2(r.err.contains("broken.wav: ") && r.err.contains("short.wav: ") && r.err.contains("at least 10 s"),
                 qPrintable(r.err));
        QVERIFY2(r.out.contains("2 files were left out"), qPrintable(r.out));
        QVERIFY2(r.out.contains("split: random by song"), qPrintable(r.out));  // windows of a song stay together
        QCOMPARE(ml::loadModel(model).classes, QStringList({"noise", "tones"}));

        const QString mlp = tmp_.filePath(QStringLiteral("cli-mlp.gsm")), cnn = tmp_.filePath(QStringLiteral("cli-cnn.gsm"));
        const QStringList pair{"train", "--pair", "--data", pair_ + "/train", "--epochs", "2", "--out-mlp", mlp, "--out-cnn", cnn};
        r = testcli::cli(pair);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(r.out.count("split: random by song"), 2);
        const ml::Model a = ml::loadModel(mlp), b = ml::loadModel(cnn);
        QCOMPARE(a.inputKind, QStringLiteral("features"));
        QCOMPARE(b.inputKind, QStringLiteral("image"));
        QCOMPARE(a.classes, b.classes);
        // The pair classifies together: each model, and their ensemble.
        r = testcli::cli({"classify", "--model", mlp, "--model", cnn, pair_ + "/train/tones/t0.wav"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("\n  ensemble  tones "), qPrintable(r.out));

        // Existing outputs are refused before any work, unless --force.
        const QByteArray before = readAll(mlp);
        r = testcli::cli(pair);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cli-mlp.gsm") && r.err.contains("--force"), qPrintable(r.err));
        QVERIFY(!r.out.contains("MLP on"));
        QVERIFY(readAll(mlp) == before);
        r = testcli::cli({"train", "--pair", "--data", pair_ + "/train", "--epochs", "2", "--out-mlp", tmp_.filePath("new.gsm"),
                          "--out-cnn", cnn});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!QFile::exists(tmp_.filePath("new.gsm")));
        r = testcli::cli({"train", "--data", mixed_, "--epochs", "1", "--out", model});
        QCOMPARE(r.exitCode, 2);
        r = testcli::cli(pair + QStringList{"--force", "--seed", "2"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(readAll(mlp) != before);

        // --pair takes the two outputs and no single-model options.
        r = testcli::cli({"train", "--pair", "--data", pair_ + "/train", "--out", model});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--out"), qPrintable(r.err));
    }

private:
    QString saved(const ml::Model& model, const QString& name)
    {
        const QString path = tmp_.filePath(name);
        ml::saveModel(model, path, true);
        return path;
    }
    static QByteArray readAll(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    QTemporaryDir tmp_;
    QString mixed_, pair_;
    SongSetAnalysis first_;
};

QTEST_GUILESS_MAIN(TestTrainingSongs)
#include "tst_training_songs.moc"
