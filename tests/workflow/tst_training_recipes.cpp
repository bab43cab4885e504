// The training recipes: the shipped ones are the commands their model cards print (and
// scripts/train-default-models trains them through `train --preset`).

#include "TestAudio.h"

#include "classify/Training.h"
#include "common/Error.h"
#include "workflow/TrainingJob.h"
#include "workflow/TrainingRecipes.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

using namespace genrescope;
using namespace genrescope::workflow;

namespace {

/// A shell-like command line split into words ("double quotes" group).
QStringList words(const QString& line)
{
    QStringList out;
    static const QRegularExpression word(QStringLiteral("\"([^\"]*)\"|(\\S+)"));
    for (auto it = word.globalMatch(line); it.hasNext();) {
        const auto m = it.next();
        out << (m.captured(1).isNull() ? m.captured(2) : m.captured(1));
    }
    return out;
}

QString readText(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class TestTrainingRecipes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shippedRecipesAreWhatTheModelCardsSay()
    {
        int shipped = 0;
        for (const TrainingRecipe& recipe : trainingRecipes()) {
            if (recipe.shippedModel.isEmpty())
                continue;
            ++shipped;
            const QString card = readText(QStringLiteral(GENRESCOPE_SOURCE_DIR "/models/%1.md").arg(recipe.shippedModel));
            QVERIFY2(!card.isEmpty(), qPrintable(recipe.shippedModel));
            // The card's full command (it may also name the preset: `genrescope-cli train --preset ID`).
            QString command;
            static const QRegularExpression train(QStringLiteral("`genrescope-cli train ([^`]*--arch[^`]*)`"));
            if (const QRegularExpressionMatch m = train.match(card); m.hasMatch())
                command = m.captured(1);
            QVERIFY2(!command.isEmpty(), qPrintable(recipe.shippedModel));
            QStringList args = words(command);
            // The split, the cross-validation and the seed belong to the run, not to the recipe.
            const int split = int(args.indexOf(QStringLiteral("--split")));
            QVERIFY(split >= 0);
            args.remove(split, 2);
            const int cv = int(args.indexOf(QStringLiteral("--cv")));
            QVERIFY(cv >= 0);
            args.remove(cv, 2);
            const int init = int(args.indexOf(QStringLiteral("--init")));  // a student made by the same script
            QCOMPARE(init >= 0, recipe.needsInitialModel);
            if (init >= 0)
                args.remove(init, 2);
            const int seed = int(args.indexOf(QStringLiteral("--seed")));
            QVERIFY(seed >= 0);
            QCOMPARE(args[seed + 1].toUInt(), recipe.seed);
            args.remove(seed, 2);
            QCOMPARE(args, recipe.trainArguments());
        }
        QCOMPARE(shipped, 2);
    }

    void theScriptTrainsThroughTheRecipes()
    {
        const QString script = readText(QStringLiteral(GENRESCOPE_SOURCE_DIR "/scripts/train-default-models"));
        QVERIFY(!script.isEmpty());
        QVERIFY(script.contains(QStringLiteral("train --preset \"$preset\"")));
        for (const TrainingRecipe& recipe : trainingRecipes())
            if (!recipe.shippedModel.isEmpty())
                QVERIFY2(script.contains(QStringLiteral("train %1 %2 ").arg(recipe.shippedModel, recipe.id)), qPrintable(recipe.id));
        // No settings of its own: no architecture or learning rate is written there twice.
        QVERIFY(!script.contains(QStringLiteral("dense:1024")));
        QVERIFY(!script.contains(QStringLiteral("--lr ")));
    }

    void recipesSetEveryTrainingSetting()
    {
        const TrainingRecipe* cnn = findTrainingRecipe(QStringLiteral("shipped-cnn"));
        QVERIFY(cnn);
        classify::TrainingRequest r;
        cnn->applyTo(r);
        QCOMPARE(r.input, data::InputKind::Image);
        QCOMPARE(r.config.optimizer.weightDecay, 0.0001);
        QCOMPARE(r.config.crop.columns, 128);
        QCOMPARE(r.config.crop.views, 5);
        QCOMPARE(r.config.patience, 0);  // a fixed number of epochs: the shipped models train on every song
        // The Train tab's image default trains from scratch; the shipped student needs a starting model.
        QCOMPARE(defaultTrainingRecipe(data::InputKind::Image).id, QStringLiteral("shipped-cnn"));
        const TrainingRecipe* student = findTrainingRecipe(QStringLiteral("shipped-student"));
        QVERIFY(student && student->needsInitialModel);
        QVERIFY(student->architecture.endsWith(QLatin1String(",dense:200:none")));
        const TrainingRecipe& mlp = defaultTrainingRecipe(data::InputKind::Features);
        QCOMPARE(mlp.id, QStringLiteral("shipped-mlp"));
        mlp.applyTo(r);
        QCOMPARE(r.input, data::InputKind::Features);
        QVERIFY(r.logFeatures);
        QCOMPARE(r.ignoredFeatures.size(), 7);
        QCOMPARE(r.config.crop.columns, 0);
        QVERIFY(!findTrainingRecipe(QStringLiteral("no-such-recipe")));
    }

    // A pair's models: each its shipped recipe, with only the shared settings given applied.
    void pairMembersKeepTheirRecipes()
    {
        const TrainingRecipe& cnnRecipe = defaultTrainingRecipe(data::InputKind::Image);
        classify::TrainingRequest cnn = pairMemberRequest(data::InputKind::Image, {});
        QCOMPARE(cnn.input, data::InputKind::Image);
        QCOMPARE(cnn.architecture, cnnRecipe.architecture);
        QCOMPARE(cnn.config.epochs, cnnRecipe.epochs);
        QCOMPARE(cnn.config.patience, cnnRecipe.patience);
        QCOMPARE(cnn.config.optimizer.learningRate, cnnRecipe.learningRate);
        // Shared settings apply; a network's own (its layers, its input) are not taken from the other's.
        cnn = pairMemberRequest(data::InputKind::Image, {{"epochs", "3"}, {"seed", "5"}, {"arch", "none"},
                                                         {"input", "features"}, {"log-features", "true"}});
        QCOMPARE(cnn.config.epochs, 3);
        QCOMPARE(cnn.config.seed, 5u);
        QCOMPARE(cnn.architecture, cnnRecipe.architecture);
        QCOMPARE(cnn.input, data::InputKind::Image);
        QVERIFY(!cnn.logFeatures);
        const classify::TrainingRequest mlp = pairMemberRequest(data::InputKind::Features, {{"log-features", "false"}});
        QVERIFY(mlp.logFeatures);  // the shipped MLP's own setting stays
        // K folds train every epoch: no patience, unless one is given (which training then refuses, as for one model).
        QCOMPARE(pairMemberRequest(data::InputKind::Image, {{"cv", "5"}}).config.patience, 0);
        QCOMPARE(pairMemberRequest(data::InputKind::Image, {{"cv", "5"}, {"patience", "4"}}).config.patience, 4);
        QVERIFY_THROWS_EXCEPTION(genrescope::Error, pairMemberRequest(data::InputKind::Image, {{"epochs", "0"}}));
    }

    // The course report's CNN preset once diverged in its first epoch (loss 46.7, then one genre for
    // every song). Five epochs on GTZAN's train list must lower the loss steadily and beat chance
    // (10 %) on the 197 valid songs by a wide margin (measured: 31 % after 4 epochs).
    void reportCnnLearnsOnGtzanImages()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("training a CNN on 442 GTZAN images is too slow under sanitizers; the release suite runs it");
#endif
        const QString gtzan = testaudio::gtzanDir();
        if (gtzan.isEmpty())
            QSKIP("needs the GTZAN images and split lists (GENRESCOPE_GTZAN or ../shared/data/gtzan)");
        const TrainingRecipe* recipe = findTrainingRecipe(QStringLiteral("report-cnn"));
        QVERIFY(recipe);
        classify::TrainingRequest r;
        recipe->applyTo(r);
        r.dataPath = gtzan + QStringLiteral("/images");
        r.split = QStringLiteral("lists:") + gtzan + QStringLiteral("/splits");
        r.config.epochs = 5;
        const classify::TrainingOutcome o = classify::runTraining(r);
        QVERIFY2(!o.result.diverged, qPrintable(o.result.message));
        QCOMPARE(int(o.result.history.size()), 5);
        for (size_t e = 1; e < o.result.history.size(); ++e)
            QVERIFY2(o.result.history[e].trainLoss < o.result.history[e - 1].trainLoss,
                     qPrintable(QStringLiteral("epoch %1 loss %2 after %3").arg(e + 1)
                                    .arg(o.result.history[e].trainLoss).arg(o.result.history[e - 1].trainLoss)));
        QVERIFY2(o.result.history.front().trainLoss < 3.0, "the first epoch's loss is far above ln(10): diverging");
        QVERIFY2(o.valid.songReport.accuracy >= 0.22, qPrintable(QString::number(o.valid.songReport.accuracy)));
        QVERIFY(!o.atChance);
    }
};

QTEST_GUILESS_MAIN(TestTrainingRecipes)
#include "tst_training_recipes.moc"
