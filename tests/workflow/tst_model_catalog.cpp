// The model catalog: names for the built-in models and files, one model of each kind,
// the ensemble only for a pair that knows the same genres, and the pair's weight.

#include "TestAudio.h"

#include "common/Error.h"
#include "classify/GenreClassifier.h"
#include "ml/ModelFile.h"
#include "workflow/ModelCatalog.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace genrescope;
using namespace genrescope::workflow;

class TestModelCatalog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        mlp3_ = save(QStringLiteral("mlp3.gsm"), QStringLiteral("features"), {"blues", "jazz", "rock"});
        cnn3_ = save(QStringLiteral("cnn3.gsm"), QStringLiteral("image"), {"blues", "jazz", "rock"});
        mlp2_ = save(QStringLiteral("mlp2.gsm"), QStringLiteral("features"), {"orchestral", "electronic"});
        cnn2_ = save(QStringLiteral("cnn2.gsm"), QStringLiteral("image"), {"orchestral", "electronic"});
    }

    void aPairOfTheSameGenresIsAnEnsemble()
    {
        const ModelChoice c = chooseModels({mlp3_, cnn3_}, Completion::None);
        QVERIFY(c.mlp && c.cnn);
        QCOMPARE(c.mlpName, mlp3_);
        QCOMPARE(c.cnnName, cnn3_);
        QCOMPARE(c.mlpWeight(), 0.5);  // only the built-in pair has a tuned weight
        QCOMPARE(c.ensembleTemperature(), 1.0);  // and temperature
        const auto classifier = c.classifier();
        QVERIFY(classifier->hasMlp() && classifier->hasCnn());
        // The ensemble is the weighted mean, sharpened by the temperature when one is given.
        const std::vector<float> mean = classifier->ensemble({0.6f, 0.4f, 0.0f}, {0.2f, 0.8f, 0.0f});
        QVERIFY(qAbs(mean[0] - 0.4f) < 1e-6f && qAbs(mean[1] - 0.6f) < 1e-6f && mean[2] == 0.0f);
        const classify::GenreClassifier sharp(c.mlp, c.cnn, 0.5, 0.5);
        const std::vector<float> e = sharp.ensemble({0.6f, 0.4f, 0.0f}, {0.2f, 0.8f, 0.0f});
        QVERIFY(qAbs(e[0] - 0.16f / 0.52f) < 1e-6f && qAbs(e[1] - 0.36f / 0.52f) < 1e-6f);  // 0.4² and 0.6², renormalised
        const classify::GenreClassifier alone(c.mlp, nullptr, 0.5, 0.5);  // one model: its own probabilities
        QCOMPARE(alone.ensemble({0.6f, 0.4f, 0.0f}, {}), (std::vector<float>{0.6f, 0.4f, 0.0f}));
        QVERIFY_THROWS_EXCEPTION(Error, classify::GenreClassifier(c.mlp, c.cnn, 0.5, 0.0));
        // The order of the names does not matter: a file's kind is read from it.
        QCOMPARE(chooseModels({cnn3_, mlp3_}, Completion::None).mlpName, mlp3_);
    }

    void aSingleModelWorksAlone()
    {
        const ModelChoice c = chooseModels({mlp2_}, Completion::None);
        QVERIFY(c.mlp && !c.cnn && c.note.isEmpty());
        const auto classifier = c.classifier();
        QVERIFY(classifier->hasMlp() && !classifier->hasCnn());
        QCOMPARE(classifier->classes(), QStringList({"orchestral", "electronic"}));
        QCOMPARE(classifier->mlpWeight(), 1.0);
    }

    void theOtherKindJoinsOnlyWhenItsGenresMatch()
    {
        // Filled in: the image model of the same genres joins.
        const ModelChoice joined = chooseModels({mlp2_}, Completion::IfCompatible, {mlp3_, cnn2_});
        QCOMPARE(joined.cnnName, cnn2_);
        QVERIFY(joined.note.isEmpty());
        // Other genres: the named model is used alone, and the note says why.
        const ModelChoice alone = chooseModels({mlp2_}, Completion::IfCompatible, {mlp3_, cnn3_});
        QVERIFY(alone.mlp && !alone.cnn);
        QVERIFY2(alone.note.contains(QStringLiteral("used alone")) && alone.note.contains(QStringLiteral("knows 3")),
                 qPrintable(alone.note));
        // An ensemble asked for: refused with both models named.
        try {
            chooseModels({mlp2_}, Completion::Required, {cnn3_});
            QFAIL("accepted an ensemble of different genres");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("mlp2.gsm")) && e.message().contains(QStringLiteral("cnn3.gsm")),
                     qPrintable(e.message()));
        }
    }

    void badChoicesAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(Error, chooseModels({mlp3_, mlp2_}, Completion::None));  // two of a kind
        QVERIFY_THROWS_EXCEPTION(Error, chooseModels({mlp2_, cnn3_}, Completion::None));  // a pair of other genres
        QVERIFY_THROWS_EXCEPTION(Error, chooseModels({dir_.filePath(QStringLiteral("missing.gsm"))}, Completion::None));
        QVERIFY(chooseModels({}, Completion::None).empty());
        QVERIFY(!chooseModels({}, Completion::None).classifier());
    }

    void theBuiltInPairHasItsShippedWeight()
    {
        if (!defaultClassifier())
            QSKIP("this build has no default models in models/");
        const ModelChoice builtIn = chooseModels({}, Completion::IfCompatible);
        QCOMPARE(builtIn.mlpName, QLatin1String(kBuiltInMlp));
        QCOMPARE(builtIn.cnnName, QLatin1String(kBuiltInCnn));
        QCOMPARE(builtIn.mlpWeight(), classify::defaultMlpWeight());
        QCOMPARE(defaultClassifier()->mlpWeight(), classify::defaultMlpWeight());
        // The ensemble temperature: the one models/ensemble.json holds (fitted out of fold).
        QFile card(QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/ensemble.json"));
        QVERIFY(card.open(QIODevice::ReadOnly));
        const double temperature = QJsonDocument::fromJson(card.readAll()).object().value("temperature").toDouble();
        QVERIFY(temperature > 0);
        QCOMPARE(classify::defaultEnsembleTemperature(), temperature);
        QCOMPARE(builtIn.ensembleTemperature(), temperature);
        QCOMPARE(defaultClassifier()->ensembleTemperature(), temperature);
        // Named explicitly, they are still the built-in pair.
        QCOMPARE(chooseModels({QStringLiteral("mlp"), QStringLiteral("cnn")}, Completion::None).mlpWeight(),
                 classify::defaultMlpWeight());
        // A custom model of other genres replaces its kind and leaves the other out.
        const ModelChoice custom = chooseModels({mlp2_}, Completion::IfCompatible);
        QVERIFY(custom.mlp && !custom.cnn);
        QVERIFY2(custom.note.contains(QStringLiteral("the built-in CNN")), qPrintable(custom.note));
    }

private:
    QString save(const QString& name, const QString& kind, const QStringList& classes)
    {
        const QString path = dir_.filePath(name);
        ml::saveModel(*testaudio::tinyModel(kind, classes), path, false);
        return path;
    }

    QTemporaryDir dir_;
    QString mlp3_, cnn3_, mlp2_, cnn2_;
};

QTEST_GUILESS_MAIN(TestModelCatalog)
#include "tst_model_catalog.moc"
