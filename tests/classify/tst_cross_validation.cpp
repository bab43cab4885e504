// Honest small-data training: cross-validation folds are whole songs, stratified by class and
// fixed by the seed; separable songs score high and random labels score at chance; small
// classes, an epoch-1 model and chance-level runs get notes; and the CLI's --cv prints and logs it.

#include "CliProcess.h"
#include "TestAudio.h"

#include "classify/OutOfFold.h"
#include "classify/Training.h"
#include "common/Error.h"
#include "data/Splits.h"
#include "features/FeatureVector.h"
#include "ml/ModelFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace genrescope;
using classify::CrossValidation;

namespace {

const QStringList kGenres{"blues", "jazz", "rock"};

struct SongSpec {
    int label = 0;  // the genre written in the file name and label column
    int looks = 0;  // the genre whose pattern the features follow
};

/// A Kaggle-style features CSV, `segments` rows a song ("blues.00003.2.wav" when more than one):
/// feature f is near 1 when f % 3 is the genre the song looks like, near 0 otherwise.
void writeSongs(const QString& path, const std::vector<SongSpec>& songs, int segments, unsigned seed = 1)
{
    QByteArray text = kagglecsv::header().toUtf8() + "\n";
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 0.3);
    for (size_t i = 0; i < songs.size(); ++i) {
        const QString genre = kGenres[songs[i].label];
        std::vector<double> centre(static_cast<size_t>(kFeatureCount));
        for (int f = 0; f < kFeatureCount; ++f)
            centre[size_t(f)] = (f % 3 == songs[i].looks ? 1.0 : 0.0) + noise(rng);
        for (int s = 0; s < segments; ++s) {
            QString name = QStringLiteral("%1.%2").arg(genre).arg(int(i), 5, 10, QLatin1Char('0'));
            if (segments > 1)
                name += QStringLiteral(".%1").arg(s);
            QByteArray row = (name + QStringLiteral(".wav,66149")).toUtf8();
            for (int f = 0; f < kFeatureCount; ++f)
                row += "," + QByteArray::number(centre[size_t(f)] + 0.3 * noise(rng));
            text += row + "," + genre.toUtf8() + "\n";
        }
    }
    testaudio::writeBytes(path, text);
}

/// `perClass[c]` songs of genre c, each looking like its genre.
std::vector<SongSpec> separable(const std::vector<int>& perClass)
{
    std::vector<SongSpec> songs;
    for (int c = 0; c < int(perClass.size()); ++c)
        for (int i = 0; i < perClass[size_t(c)]; ++i)
            songs.push_back({c, c});
    return songs;
}

/// `n` songs with balanced labels and features that say nothing about them.
std::vector<SongSpec> randomLabels(int n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> genre(0, 2);
    std::vector<SongSpec> songs;
    for (int i = 0; i < n; ++i)
        songs.push_back({i % 3, genre(rng)});
    return songs;
}

classify::TrainingRequest request(const QString& csv, CrossValidation cv, int epochs = 40)
{
    classify::TrainingRequest r;
    r.dataPath = csv;
    r.architecture = QStringLiteral("dense:16:relu");
    r.config.epochs = epochs;
    r.config.batch = 16;
    r.config.optimizer.kind = ml::OptimizerConfig::Kind::Adam;
    r.config.optimizer.learningRate = 0.01;
    r.config.seed = 3;
    r.crossValidation = cv;
    return r;
}

CrossValidation folds(int k)
{
    CrossValidation cv;
    cv.mode = CrossValidation::Mode::Folds;
    cv.folds = k;
    return cv;
}

QString notesOf(const classify::TrainingOutcome& o)
{
    return o.notes.join(QLatin1Char('\n'));
}

} // namespace

class TestCrossValidation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void foldsAreWholeSongsStratifiedAndSeeded()
    {
        // 3 classes of 12, 7 and 4 songs, 3 segments each, rows of a song not adjacent.
        const std::vector<int> perClass{12, 7, 4};
        QStringList songIds;
        std::vector<int> labels;
        for (int segment = 0; segment < 3; ++segment)
            for (int c = 0, song = 0; c < 3; ++c)
                for (int i = 0; i < perClass[size_t(c)]; ++i, ++song) {
                    songIds << QStringLiteral("%1.%2").arg(kGenres[c]).arg(song, 5, 10, QLatin1Char('0'));
                    labels.push_back(c);
                }
        QCOMPARE(data::songsPerClass(songIds, labels, 3), perClass);

        const auto f = data::songFolds(songIds, labels, 5, 7);
        QCOMPARE(int(f.size()), 5);
        QHash<QString, int> foldOf;
        int rows = 0;
        std::vector<int> songsInFold(5, 0);
        for (int k = 0; k < 5; ++k) {
            std::vector<int> perClassInFold(3, 0);
            QSet<QString> songs;
            for (int r : f[size_t(k)]) {
                ++rows;
                const QString& song = songIds[r];
                QVERIFY2(foldOf.value(song, k) == k, qPrintable(song + QStringLiteral(" is in two folds")));
                foldOf[song] = k;
                if (!songs.contains(song)) {
                    songs.insert(song);
                    ++perClassInFold[size_t(labels[size_t(r)])];
                }
            }
            songsInFold[size_t(k)] = int(songs.size());
            // Stratified: each class's songs are spread as evenly as the counts allow.
            for (int c = 0; c < 3; ++c) {
                QVERIFY2(perClassInFold[size_t(c)] >= perClass[size_t(c)] / 5, qPrintable(QString::number(c)));
                QVERIFY2(perClassInFold[size_t(c)] <= (perClass[size_t(c)] + 4) / 5, qPrintable(QString::number(c)));
            }
        }
        QCOMPARE(rows, int(songIds.size()));  // every row in exactly one fold
        QCOMPARE(foldOf.size(), 23);
        const auto [fewest, most] = std::minmax_element(songsInFold.begin(), songsInFold.end());
        QVERIFY(*most - *fewest <= 1);

        QVERIFY(data::songFolds(songIds, labels, 5, 7) == f);  // deterministic for a seed
        QVERIFY(data::songFolds(songIds, labels, 5, 8) != f);

        // As many folds as songs: leave-one-out by song, three rows each.
        const auto loo = data::songFolds(songIds, labels, 23, 7);
        for (const auto& fold : loo) {
            QCOMPARE(int(fold.size()), 3);
            QCOMPARE(songIds[fold[0]], songIds[fold[2]]);
        }
        QVERIFY_THROWS_EXCEPTION(Error, data::songFolds(songIds, labels, 24, 7));
        QVERIFY_THROWS_EXCEPTION(Error, data::songFolds(songIds, labels, 1, 7));
    }

    void listFoldsFollowTheListsAndKeepRunsOfClips()
    {
        // train.txt: 12 blues and 12 jazz clips; valid.txt: 6 of each; test.txt: 2 more. Two rows a song.
        QDir dir(tmp_.filePath("lists"));
        QVERIFY(dir.mkpath("."));
        QStringList train, valid, test, songIds;
        std::vector<int> labels;
        for (int c = 0; c < 2; ++c)
            for (int i = 0; i < 20; ++i) {
                const QString id = QStringLiteral("%1.%2").arg(kGenres[c]).arg(i, 5, 10, QLatin1Char('0'));
                (i < 12 ? train : i < 18 ? valid : test) << QStringLiteral("%1/%2.wav").arg(kGenres[c], id);
                for (int segment = 0; segment < 2; ++segment) {
                    songIds << id;
                    labels.push_back(c);
                }
            }
        testaudio::writeBytes(dir.filePath("train.txt"), train.join('\n').toUtf8());
        testaudio::writeBytes(dir.filePath("valid.txt"), valid.join('\n').toUtf8());
        testaudio::writeBytes(dir.filePath("test.txt"), test.join('\n').toUtf8());

        // 3 folds: two for train (24 songs), one for valid (12 songs).
        const auto folds = data::listFolds(songIds, labels, 3, dir.path());
        QCOMPARE(int(folds.size()), 3);
        auto songsOf = [&](const std::vector<int>& fold) {
            QStringList songs;
            for (const int r : fold)
                if (!songs.contains(songIds[r]))
                    songs << songIds[r];
            return songs;
        };
        QCOMPARE(songsOf(folds[0]), (QStringList{"blues.00000", "blues.00001", "blues.00002", "blues.00003", "blues.00004",
                                                 "blues.00005", "jazz.00000", "jazz.00001", "jazz.00002", "jazz.00003",
                                                 "jazz.00004", "jazz.00005"}));
        QCOMPARE(songsOf(folds[1]).size(), 12);
        QVERIFY(songsOf(folds[1]).contains("blues.00011"));
        QCOMPARE(songsOf(folds[2]).size(), 12);
        QVERIFY(songsOf(folds[2]).contains("jazz.00012") && songsOf(folds[2]).contains("blues.00017"));
        int rows = 0;
        for (const auto& fold : folds) {
            rows += int(fold.size());
            for (const int r : fold)
                QVERIFY2(!songIds[r].endsWith(".00018") && !songIds[r].endsWith(".00019"), "a test song is in a fold");
        }
        QCOMPARE(rows, 2 * 36);

        // A dataset without blues.00002 or jazz.00000 (as GTZAN's images lack one clip) gets the same folds
        // for the rest.
        QStringList fewerIds;
        std::vector<int> fewerLabels;
        for (int r = 0; r < songIds.size(); ++r)
            if (songIds[r] != QLatin1String("blues.00002") && songIds[r] != QLatin1String("jazz.00000")) {
                fewerIds << songIds[r];
                fewerLabels.push_back(labels[size_t(r)]);
            }
        const auto fewer = data::listFolds(fewerIds, fewerLabels, 3, dir.path());
        for (int k = 0; k < 3; ++k) {
            QStringList expected = songsOf(folds[size_t(k)]);
            expected.removeAll("blues.00002");
            expected.removeAll("jazz.00000");  // the first of its genre: its class comes from the next jazz clip
            QStringList got;
            for (const int r : fewer[size_t(k)])
                if (!got.contains(fewerIds[r]))
                    got << fewerIds[r];
            QCOMPARE(got, expected);
        }
        QVERIFY_THROWS_EXCEPTION(Error, data::listFolds(songIds, labels, 1, dir.path()));
        QVERIFY_THROWS_EXCEPTION(Error, data::listFolds(songIds, labels, 37, dir.path()));
    }

    void outOfFoldPredictionsCalibrateAndCombine()
    {
        // Models over 40 songs of 2 classes in 2 folds (songs 0-19 and 20-39), right on songs
        // firstRight..lastRight with probability `confidence` for the truth, wrong on the others with
        // `wrongConfidence` for the wrong class.
        auto make = [](const QString& input, int firstRight, int lastRight, float confidence, float wrongConfidence) {
            classify::OutOfFold o;
            o.classes = {"blues", "jazz"};
            o.input = input;
            o.probabilities = ml::Tensor({40, 2});
            for (int s = 0; s < 40; ++s) {
                o.songs << QStringLiteral("song%1").arg(s);
                o.labels.push_back(s % 2);
                o.folds.push_back(s < 20 ? 1 : 2);
                const bool right = s >= firstRight && s <= lastRight;
                const int predicted = right ? s % 2 : 1 - s % 2;
                const float p = right ? confidence : wrongConfidence;
                o.probabilities.sample(s)[predicted] = p;
                o.probabilities.sample(s)[1 - predicted] = 1 - p;
            }
            return o;
        };
        const classify::OutOfFold mlp = make("features", 0, 29, 0.999f, 0.999f);

        // The CSV round trip keeps everything.
        const QString path = tmp_.filePath("mlp.oof.csv");
        testaudio::writeBytes(path, classify::outOfFoldCsv(mlp));
        const classify::OutOfFold read = classify::readOutOfFold(path);
        QCOMPARE(read.songs, mlp.songs);
        QCOMPARE(read.labels, mlp.labels);
        QCOMPARE(read.folds, mlp.folds);
        QCOMPARE(read.input, QStringLiteral("features"));
        QCOMPARE(read.probabilities.sample(3)[1], mlp.probabilities.sample(3)[1]);

        // Per fold: 20 of 20 right in fold 1, 10 of 20 in fold 2.
        const classify::ModelOutOfFold m = classify::scoreOutOfFold(read);
        QCOMPARE(m.accuracy.perFold, (std::vector<double>{1.0, 0.5}));
        QCOMPARE(m.accuracy.mean, 0.75);
        QVERIFY(qAbs(m.accuracy.sd - std::sqrt(0.125)) < 1e-12);
        // 75 % right at 99.9 % confidence: over-confident, and the temperature softens it.
        QVERIFY(m.calibration.temperature > 1);
        QVERIFY(qAbs(m.calibration.eceBefore - (0.999 - 0.75)) < 1e-4);
        QVERIFY(m.calibration.eceAfter < 0.05);

        // Combined: each model is unsure where it is wrong and sure where it is right, so a mix of the
        // two gets every song right, which neither does alone (features 30 of 40, images 20 of 40).
        const classify::OutOfFold sureMlp = make("features", 0, 29, 0.9f, 0.55f), cnn = make("image", 20, 39, 0.9f, 0.55f);
        const classify::EnsembleOutOfFold e = classify::combineOutOfFold(cnn, sureMlp);  // any order
        QCOMPARE(e.mlp.predictions.input, QStringLiteral("features"));
        QCOMPARE(e.sweep.size(), size_t(21));
        QCOMPARE(e.sweep.front().second.mean, 0.5);   // w = 0: the image model alone (0 of 20, then 20 of 20)
        QCOMPARE(e.sweep.back().second.mean, 0.75);   // w = 1: the features model alone
        QCOMPARE(e.accuracy.mean, 1.0);
        QCOMPARE(e.accuracy.perFold, (std::vector<double>{1.0, 1.0}));
        QVERIFY2(e.mlpWeight > 0 && e.mlpWeight < 1, qPrintable(QString::number(e.mlpWeight)));
        QVERIFY(e.calibration.temperature > 0);
        // Nested: fold 1 alone prefers the features model, fold 2 alone the image model, so each fold,
        // scored at the weight the other chose, does worse than the weight chosen on both.
        QCOMPARE(e.nestedWeights.size(), size_t(2));
        QVERIFY(e.nestedWeights[0] < e.nestedWeights[1]);
        QVERIFY(e.nestedMean < e.accuracy.mean);
        QCOMPARE(classify::combineOutOfFold(sureMlp, cnn, 1.0).accuracy.mean, 0.75);  // given: the MLP alone
        QCOMPARE(classify::combineOutOfFold(sureMlp, cnn, 1.0).mlpWeight, 1.0);

        // Refused: two models of one kind, and folds that differ.
        QVERIFY_THROWS_EXCEPTION(Error, classify::combineOutOfFold(mlp, mlp));
        classify::OutOfFold moved = cnn;
        moved.folds[0] = 2;
        QVERIFY_THROWS_EXCEPTION(Error, classify::combineOutOfFold(mlp, moved));
        testaudio::writeBytes(tmp_.filePath("bad.oof.csv"), "song,label,fold,input,blues,jazz\nsong0,blues,1,features,0.5\n");
        QVERIFY_THROWS_EXCEPTION(Error, classify::readOutOfFold(tmp_.filePath("bad.oof.csv")));
    }

    void parseAndTheAutoRule()
    {
        QCOMPARE(CrossValidation::parse("auto").mode, CrossValidation::Mode::Auto);
        QCOMPARE(CrossValidation::parse("loo").mode, CrossValidation::Mode::LeaveOneOut);
        QCOMPARE(CrossValidation::parse("7").folds, 7);
        QCOMPARE(CrossValidation::parse("7").onlyFold, 0);
        QCOMPARE(CrossValidation::parse("3:2").folds, 3);
        QCOMPARE(CrossValidation::parse("3:2").onlyFold, 2);
        for (const char* bad : {"3:0", "3:4", "3:", ":1", "3:1:1", "3:x"})
            QVERIFY_THROWS_EXCEPTION(Error, CrossValidation::parse(QLatin1String(bad)));
        QVERIFY_THROWS_EXCEPTION(Error, CrossValidation::parse("1"));
        QVERIFY_THROWS_EXCEPTION(Error, CrossValidation::parse("five"));
        const CrossValidation a = CrossValidation::parse("auto");
        QCOMPARE(a.resolve(20, 60).mode, CrossValidation::Mode::Off);
        QCOMPARE(a.resolve(19, 57).mode, CrossValidation::Mode::Folds);
        QCOMPARE(a.resolve(19, 57).folds, 5);
        QCOMPARE(a.resolve(5, 15).mode, CrossValidation::Mode::Folds);
        QCOMPARE(a.resolve(4, 12).mode, CrossValidation::Mode::LeaveOneOut);
        QCOMPARE(a.resolve(4, 101).mode, CrossValidation::Mode::Folds);  // leave-one-out would cost 101 trainings
        QCOMPARE(folds(3).resolve(100, 300).folds, 3);                   // asked for: kept

        // Chance: 1/3 plus two standard errors of a guesser, sqrt((1/3)(2/3)/n).
        QVERIFY(qAbs(classify::chanceThreshold(3, 50) - (1.0 / 3 + 2 * std::sqrt(2.0 / 9 / 50))) < 1e-12);
        QVERIFY(classify::atChance(0.40, 50, 3));
        QVERIFY(!classify::atChance(0.60, 50, 3));
        QVERIFY(!classify::atChance(0.15, 1000, 10));
        // Two validation songs of two classes: no score can stand out from guessing (the bound is above
        // 100 %), so only a score no better than guessing is at chance; both right is not.
        QVERIFY(!classify::atChance(1.0, 2, 2));
        QVERIFY(classify::atChance(0.5, 2, 2));
    }

    void separableSongsScoreHigh()
    {
        const QString csv = tmp_.filePath("separable.csv");
        writeSongs(csv, separable({10, 10, 10}), 3);
        std::vector<int> runs;
        std::vector<classify::FoldScore> seen;
        classify::CrossValidationCallbacks cb;
        cb.onRun = [&](int run, int of) {
            QCOMPARE(of, 6);
            runs.push_back(run);
        };
        cb.onFold = [&](const classify::FoldScore& f) { seen.push_back(f); };
        const classify::TrainingOutcome o = classify::runTraining(request(csv, folds(5)), {}, cb);
        const classify::CrossValidationScores& cv = o.crossValidation;
        QCOMPARE(runs, (std::vector<int>{1, 2, 3, 4, 5, 6}));
        QCOMPARE(int(seen.size()), 5);
        QCOMPARE(cv.folds, 5);
        QVERIFY(!cv.leaveOneOut);
        int songs = 0;
        for (const classify::FoldScore& f : cv.perFold) {
            QCOMPARE(f.songs, 6);  // 2 of each class
            QCOMPARE(f.rows, 18);
            QCOMPARE(f.trainSongs, 24);
            songs += f.songs;
        }
        QCOMPARE(songs, 30);
        QVERIFY2(cv.meanSongAccuracy >= 0.9, qPrintable(QString::number(cv.meanSongAccuracy)));
        QVERIFY(cv.sdSongAccuracy >= 0 && cv.sdSongAccuracy < 0.2);
        // The summed confusion matrix counts every song once.
        QCOMPARE(cv.pooled.songs, 30);
        long total = 0;
        for (const auto& row : cv.pooled.songReport.confusion)
            for (long n : row)
                total += n;
        QCOMPARE(total, 30L);
        QVERIFY(!o.atChance);
        // The kept model: trained on every row, said so, scored by the cross-validation alone.
        QCOMPARE(int(o.split.train.size()), 90);
        QVERIFY(o.valid.empty() && o.test.empty());
        QVERIFY2(notesOf(o).contains("trained on all 30 songs"), qPrintable(notesOf(o)));
        QVERIFY2(!notesOf(o).contains("fewer than"), qPrintable(notesOf(o)));
        QVERIFY(o.result.message.startsWith("Finished 40 epochs"));
        const QJsonObject m = o.model.metrics.value("crossValidation").toObject();
        QCOMPARE(m.value("perFold").toArray().size(), 5);
        QCOMPARE(m.value("meanSongAccuracy").toDouble(), cv.meanSongAccuracy);
        QCOMPARE(m.value("sdSongAccuracy").toDouble(), cv.sdSongAccuracy);
        QCOMPARE(o.model.metrics.value("atChance").toBool(true), false);
        QCOMPARE(o.log.value("metrics").toObject(), o.model.metrics);
        QCOMPARE(o.model.training.value("keptModel").toString(), QStringLiteral("trained on all 30 songs"));

        // Deterministic for a seed.
        const classify::TrainingOutcome again = classify::runTraining(request(csv, folds(5)));
        QCOMPARE(again.crossValidation.meanSongAccuracy, cv.meanSongAccuracy);
        QCOMPARE(again.crossValidation.perFold[2].songAccuracy, cv.perFold[2].songAccuracy);
    }

    void randomLabelsAreAtChance()
    {
        const QString csv = tmp_.filePath("random.csv");
        writeSongs(csv, randomLabels(45, 11), 2);
        for (const CrossValidation& cv : {folds(5), CrossValidation::parse("auto")}) {
            const classify::TrainingOutcome o = classify::runTraining(request(csv, cv));
            QCOMPARE(o.crossValidation.folds, 5);
            QVERIFY2(o.atChance, qPrintable(QString::number(o.crossValidation.meanSongAccuracy)));
            QVERIFY2(notesOf(o).contains("is no better than chance"), qPrintable(notesOf(o)));
            QVERIFY2(notesOf(o).contains("The model was kept anyway"), qPrintable(notesOf(o)));
            QCOMPARE(o.model.metrics.value("atChance").toBool(), true);
        }
    }

    void aClassOfThreeSongsIsWarnedAndAutoLeavesOneOut()
    {
        const QString csv = tmp_.filePath("three.csv");
        writeSongs(csv, separable({8, 8, 3}), 1);
        const classify::TrainingOutcome o = classify::runTraining(request(csv, CrossValidation::parse("auto"), 20));
        QVERIFY2(notesOf(o).contains("One class has fewer than 5 songs: rock (3 songs)"), qPrintable(notesOf(o)));
        QVERIFY2(notesOf(o).contains("Cross-validation was chosen because the smallest class (rock) has 3 songs"),
                 qPrintable(notesOf(o)));
        QVERIFY(o.crossValidation.leaveOneOut);
        QCOMPARE(o.crossValidation.folds, 19);
        for (const classify::FoldScore& f : o.crossValidation.perFold)
            QCOMPARE(f.songs, 1);
        QVERIFY(o.crossValidation.meanSongAccuracy >= 0.8);
    }

    void smallDataWithoutCrossValidationGetsANote()
    {
        const QString csv = tmp_.filePath("small.csv");
        writeSongs(csv, separable({12, 12, 12}), 1);
        const classify::TrainingOutcome o = classify::runTraining(request(csv, {}, 5));
        QVERIFY(o.crossValidation.empty());
        QVERIFY(o.split.description.startsWith("random by row"));  // as before
        QVERIFY2(notesOf(o).contains("fewer than 20: a held-out split scores the model on a handful of them. "
                                     "Cross-validate by song instead (--cv auto)."),
                 qPrintable(notesOf(o)));
        QVERIFY(!o.model.metrics.contains("crossValidation"));

        // Cross-validation keeps no validation part, so early stopping cannot be asked for.
        classify::TrainingRequest r = request(csv, folds(3), 5);
        r.config.patience = 2;
        QVERIFY_THROWS_EXCEPTION(Error, classify::runTraining(r));
        r.crossValidation = CrossValidation::parse("auto");
        QVERIFY2(notesOf(classify::runTraining(r)).contains("The patience was ignored"), "auto ignores it with a note");
    }

    void anEpochOneModelSaysWhy()
    {
        // The validation songs look like another genre than their label: the better the network
        // learns the training songs, the worse it does on them, so epoch 1 stays the best.
        const QString csv = tmp_.filePath("contrary.csv");
        std::vector<SongSpec> songs = separable({20, 20, 20});
        for (int c = 0; c < 3; ++c)
            for (int i = 0; i < 2; ++i)
                songs.push_back({c, (c + 1) % 3});
        writeSongs(csv, songs, 1);
        const QString lists = tmp_.filePath("contrary-lists");
        QDir().mkpath(lists);
        QByteArray train, valid;
        for (int i = 0; i < int(songs.size()); ++i)
            (i < 60 ? train : valid) += QStringLiteral("%1/%1.%2.wav\n").arg(kGenres[songs[size_t(i)].label])
                                            .arg(i, 5, 10, QLatin1Char('0')).toUtf8();
        testaudio::writeBytes(lists + "/train.txt", train);
        testaudio::writeBytes(lists + "/valid.txt", valid);
        classify::TrainingRequest r = request(csv, {}, 15);
        r.split = "lists:" + lists;
        const classify::TrainingOutcome o = classify::runTraining(r);
        QCOMPARE(o.result.bestEpoch, 1);
        QVERIFY2(notesOf(o).contains("The model from epoch 1 was kept: the validation accuracy never rose above epoch 1's"),
                 qPrintable(notesOf(o)));
        QVERIFY2(notesOf(o).contains("the validation part holds only 6 songs (6 rows)"), qPrintable(notesOf(o)));
        QVERIFY(o.atChance);  // 0 of 6 right
    }

    void cliPrintsAndLogsFolds()
    {
        const QString csv = tmp_.filePath("cli.csv");
        writeSongs(csv, separable({8, 8, 8}), 2);
        const QString model = tmp_.filePath("cv.gsm"), log = tmp_.filePath("cv.json");
        const testcli::Run run = testcli::cli({"train", "--data", csv, "--arch", "dense:16:relu", "--lr", "0.01",
                                               "--batch", "16", "--epochs", "30", "--cv", "4", "--seed", "2",
                                               "--out", model, "--log", log});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY2(run.out.contains("cross-validation: 4-fold cross-validation by song, stratified by class, seed 2 (24 songs)"),
                 qPrintable(run.out));
        for (int k = 1; k <= 4; ++k)
            QVERIFY2(run.out.contains(QStringLiteral("fold %1 of 4: ").arg(k)), qPrintable(run.out));
        QVERIFY2(run.out.contains("song accuracy over 4 folds: "), qPrintable(run.out));
        QVERIFY2(run.out.contains(QStringLiteral(" ± ")), qPrintable(run.out));
        QVERIFY2(run.out.contains("confusion matrix per song, summed over folds"), qPrintable(run.out));
        QVERIFY2(run.out.contains("note: The kept model was trained on all 24 songs"), qPrintable(run.out));
        QVERIFY2(run.out.contains("saved " + model), qPrintable(run.out));

        QFile f(log);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject cv = QJsonDocument::fromJson(f.readAll()).object().value("metrics").toObject()
                                   .value("crossValidation").toObject();
        QCOMPARE(cv.value("folds").toInt(), 4);
        QCOMPARE(cv.value("perFold").toArray().size(), 4);
        QVERIFY(cv.value("meanSongAccuracy").toDouble() >= 0.9);
        const ml::Model saved = ml::loadModel(model);
        QCOMPARE(saved.metrics.value("crossValidation").toObject().value("sdSongAccuracy").toDouble(),
                 cv.value("sdSongAccuracy").toDouble());

        // At chance: said, and the model is still saved with exit status 0.
        const QString random = tmp_.filePath("cli-random.csv");
        writeSongs(random, randomLabels(45, 11), 1);
        const testcli::Run chance = testcli::cli({"train", "--data", random, "--arch", "dense:16:relu", "--lr", "0.01",
                                                  "--batch", "16", "--epochs", "30", "--cv", "auto", "--seed", "3",
                                                  "--out", tmp_.filePath("random.gsm")});
        QVERIFY2(chance.exitCode == 0, qPrintable(chance.err));
        QVERIFY2(chance.out.contains("is no better than chance"), qPrintable(chance.out));
        QVERIFY2(chance.out.contains("saved " + tmp_.filePath("random.gsm") + " (at chance level"), qPrintable(chance.out));

        // Without --cv, small data gets the note; bad --cv values are refused.
        const testcli::Run plain = testcli::cli({"train", "--data", csv, "--arch", "dense:16:relu", "--epochs", "3",
                                                 "--out", tmp_.filePath("plain.gsm")});
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
        QVERIFY2(plain.out.contains("Cross-validate by song instead (--cv auto)"), qPrintable(plain.out));
        for (const QStringList& extra : {QStringList{"--cv", "1"}, QStringList{"--cv", "5", "--patience", "3"},
                                         QStringList{"--cv", "5", "--split", "song"}, QStringList{"--cv", "4:1"},
                                         QStringList{"--oof", tmp_.filePath("no.oof.csv")}}) {
            const testcli::Run bad = testcli::cli(QStringList{"train", "--data", csv, "--epochs", "3", "--out",
                                                              tmp_.filePath("bad.gsm")} + extra);
            QCOMPARE(bad.exitCode, 2);
            QCOMPARE(testcli::lineCount(bad.err), 1);
            QVERIFY(!QFile::exists(tmp_.filePath("bad.gsm")));
        }

        // One fold alone: scored and its held-out predictions written; no model is kept.
        const QString oof = tmp_.filePath("fold2.oof.csv");
        const testcli::Run one = testcli::cli({"train", "--data", csv, "--arch", "dense:16:relu", "--lr", "0.01",
                                               "--batch", "16", "--epochs", "30", "--cv", "4:2", "--seed", "2",
                                               "--oof", oof});
        QVERIFY2(one.exitCode == 0, qPrintable(one.err));
        QVERIFY2(one.out.contains("fold 2 of 4: ") && !one.out.contains("fold 1 of 4: "), qPrintable(one.out));
        QVERIFY2(one.out.contains("Scored fold 2 of 4 alone; no model was kept."), qPrintable(one.out));
        const classify::OutOfFold fold2 = classify::readOutOfFold(oof);
        QCOMPARE(fold2.songs.size(), 6);  // a quarter of 24 songs
        QCOMPARE(QSet<int>(fold2.folds.begin(), fold2.folds.end()), QSet<int>{2});
        // The same fold of the full run predicts the same.
        const QString allOof = tmp_.filePath("all.oof.csv");
        QCOMPARE(testcli::cli({"train", "--data", csv, "--arch", "dense:16:relu", "--lr", "0.01", "--batch", "16",
                               "--epochs", "30", "--cv", "4", "--seed", "2", "--oof", allOof, "--out",
                               tmp_.filePath("all.gsm")}).exitCode, 0);
        const classify::OutOfFold all = classify::readOutOfFold(allOof);
        QCOMPARE(all.songs.size(), 24);
        const int i = int(all.songs.indexOf(fold2.songs[0]));
        QCOMPARE(all.folds[size_t(i)], 2);
        QCOMPARE(all.probabilities.sample(i)[0], fold2.probabilities.sample(0)[0]);
        const testcli::Run scored = testcli::cli({"evaluate", "--oof", allOof});
        QVERIFY2(scored.exitCode == 0, qPrintable(scored.err));
        QVERIFY2(scored.out.contains("all.oof.csv (features model, 24 songs): ") && scored.out.contains("over 4 folds ("),
                 qPrintable(scored.out));
        QVERIFY2(scored.out.contains("softmax temperature "), qPrintable(scored.out));
    }

private:
    QTemporaryDir tmp_;
};

QTEST_GUILESS_MAIN(TestCrossValidation)
#include "tst_cross_validation.moc"
