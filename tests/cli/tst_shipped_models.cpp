// The shipped models' cross-validated scores, stored in models/ensemble.json by
// scripts/train-default-models, are what the cards' commands give: the MLP's folds and one
// fold of the CNN and of the ensemble are trained again here from the same recipes, folds and
// seed (the image model from the distilled student in models/student), and scored by
// `evaluate --oof`. The README quotes the same figures.

#include "CliProcess.h"
#include "TestAudio.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using testcli::cli;
using testcli::Run;

namespace {

// Each model alone: the same seed, folds and thread count give the same training, so only the
// order of floating-point sums could move a song (about 0.5 points of a fold).
constexpr double kModelTolerance = 0.01;
// The ensemble of one fold: its temperatures are fitted on that fold's songs here and on all
// 640 in the card, which can move a few songs near a tie (2.5 points: 5 or 6 songs of a fold).
constexpr double kEnsembleTolerance = 0.025;

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString percentText(double v)
{
    return QString::number(100.0 * v, 'f', 1) + QStringLiteral(" %");
}

} // namespace

class TestShippedModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        card_ = readJson(QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/ensemble.json")).value("crossValidation").toObject();
        QVERIFY2(!card_.isEmpty(), "models/ensemble.json has no crossValidation scores: run scripts/train-default-models");
        QCOMPARE(card_.value("folds").toInt(), 3);
        data_ = testaudio::gtzanDir();
        if (data_.isEmpty())
            return;
        // As the script does: only the train and valid lists, so the split holds no test songs at all.
        QVERIFY(QDir().mkpath(dir_.filePath(QStringLiteral("splits"))));
        for (const char* list : {"train.txt", "valid.txt"})
            QVERIFY(QFile::copy(data_ + QStringLiteral("/splits/") + QLatin1String(list),
                                dir_.filePath(QStringLiteral("splits/") + QLatin1String(list))));
    }

    void theReadmeQuotesTheCard()
    {
        QFile readme(QStringLiteral(GENRESCOPE_SOURCE_DIR "/README.md"));
        QVERIFY(readme.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(readme.readAll()).simplified();
        for (const char* model : {"mlp", "cnn", "ensemble"}) {
            const QJsonObject s = card_.value(QLatin1String(model)).toObject();
            const QString quoted = QStringLiteral("%1 %2 ± %3").arg(model == QLatin1String("mlp") ? "MLP"
                                                                    : model == QLatin1String("cnn") ? "CNN" : "ensemble",
                                                                    percentText(s.value("mean").toDouble()).chopped(2),
                                                                    percentText(s.value("sd").toDouble()));
            QVERIFY2(text.contains(quoted), qPrintable(QStringLiteral("README.md does not say \"%1\"").arg(quoted)));
        }
    }

    void theMlpFoldsAreReproduced()
    {
        if (data_.isEmpty())
            QSKIP("GTZAN data not found (set GENRESCOPE_GTZAN or put it at ../shared/data/gtzan)");
        const Run r = cli({"train", "--preset", "shipped-mlp", "--data", data_ + QStringLiteral("/features_30_sec.csv"),
                           "--split", QStringLiteral("lists:") + dir_.filePath(QStringLiteral("splits")), "--cv", "3",
                           "--seed", QString::number(card_.value("seed").toInt()), "--oof", mlpOof(), "--out",
                           dir_.filePath(QStringLiteral("mlp.gsm"))},
                          600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const Run e = cli({"evaluate", "--oof", mlpOof(), "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        const QJsonObject got = QJsonDocument::fromJson(e.out.toUtf8()).object();
        const QJsonObject want = card_.value("mlp").toObject();
        QCOMPARE(got.value("songs").toInt(), 640);
        const QJsonArray gotFolds = got.value("perFold").toArray(), wantFolds = want.value("perFold").toArray();
        QCOMPARE(gotFolds.size(), 3);
        QCOMPARE(wantFolds.size(), 3);
        for (int f = 0; f < 3; ++f) {
            qInfo("MLP fold %d: %.1f %% (card %.1f %%)", f + 1, 100 * gotFolds[f].toDouble(), 100 * wantFolds[f].toDouble());
            QVERIFY(std::abs(gotFolds[f].toDouble() - wantFolds[f].toDouble()) <= kModelTolerance);
        }
        QVERIFY(std::abs(got.value("mean").toDouble() - want.value("mean").toDouble()) <= kModelTolerance);
        QVERIFY(std::abs(got.value("temperature").toDouble() - want.value("temperature").toDouble()) <= 0.05);
    }

    void theCnnAndEnsembleOfOneFoldAreReproduced()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("fine-tuning the CNN on 416 songs for 30 epochs takes too long under sanitizers; the release suite runs it");
#endif
        if (data_.isEmpty())
            QSKIP("GTZAN data not found (set GENRESCOPE_GTZAN or put it at ../shared/data/gtzan)");
        constexpr int kFold = 1;  // the fold with the fewest training songs: the quickest to train
        if (!QFile::exists(mlpOof())) {  // run alone: the MLP's fold (seconds)
            const Run r = cli({"train", "--preset", "shipped-mlp", "--data", data_ + QStringLiteral("/features_30_sec.csv"),
                               "--split", QStringLiteral("lists:") + dir_.filePath(QStringLiteral("splits")), "--cv",
                               QStringLiteral("3:%1").arg(kFold), "--seed", QString::number(card_.value("seed").toInt()),
                               "--oof", mlpOof()},
                              600000);
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        const QString cnnOof = dir_.filePath(QStringLiteral("cnn.fold1.oof.csv"));
        // The image model is the distilled student (committed beside the models) fine-tuned on the genres.
        const Run r = cli({"train", "--preset", "shipped-student", "--init",
                           QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/student/musicnn-student.gsm"), "--data",
                           data_ + QStringLiteral("/images"), "--split",
                           QStringLiteral("lists:") + dir_.filePath(QStringLiteral("splits")), "--cv",
                           QStringLiteral("3:%1").arg(kFold), "--seed", QString::number(card_.value("seed").toInt()),
                           "--oof", cnnOof},
                          1200000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out.right(2000)));
        QVERIFY2(r.out.contains(QStringLiteral("no model was kept")), qPrintable(r.out.right(500)));
        Run e = cli({"evaluate", "--oof", cnnOof, "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QJsonObject got = QJsonDocument::fromJson(e.out.toUtf8()).object();
        QCOMPARE(got.value("folds").toArray(), QJsonArray{kFold});
        const double cnn = got.value("perFold").toArray().at(0).toDouble();
        const double cnnCard = card_.value("cnn").toObject().value("perFold").toArray().at(kFold - 1).toDouble();
        qInfo("CNN fold %d: %.1f %% (card %.1f %%)", kFold, 100 * cnn, 100 * cnnCard);
        QVERIFY(std::abs(cnn - cnnCard) <= kModelTolerance);

        const QJsonObject ensembleCard = card_.value("ensemble").toObject();
        const double weight = readJson(QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/ensemble.json")).value("mlpWeight").toDouble(-1);
        QVERIFY(weight >= 0 && weight <= 1);
        e = cli({"evaluate", "--oof", mlpOof(), "--oof", cnnOof, "--mlp-weight", QString::number(weight), "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        got = QJsonDocument::fromJson(e.out.toUtf8()).object().value("ensemble").toObject();
        const double ensemble = got.value("perFold").toArray().at(0).toDouble();
        const double ensembleFold = ensembleCard.value("perFold").toArray().at(kFold - 1).toDouble();
        qInfo("ensemble fold %d: %.1f %% (card %.1f %%)", kFold, 100 * ensemble, 100 * ensembleFold);
        QVERIFY(std::abs(ensemble - ensembleFold) <= kEnsembleTolerance);
    }

private:
    QString mlpOof() const { return dir_.filePath(QStringLiteral("mlp.oof.csv")); }

    QTemporaryDir dir_;
    QString data_;
    QJsonObject card_;
};

QTEST_GUILESS_MAIN(TestShippedModels)
#include "tst_shipped_models.moc"
