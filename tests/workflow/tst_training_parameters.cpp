// The training settings declared once (workflow/TrainingParameters.h): their defaults are the
// core's, `genrescope-cli train --help` shows each with its range and default, the CLI refuses
// a value outside a declared range (exit 2, naming the option), the Train tab's widgets have
// exactly the declared ranges, choices, tooltips and starting values, and every training
// recipe lies within the declarations.

#include "CliProcess.h"

#include "ParameterWidgets.h"
#include "TrainPanel.h"
#include "workflow/TrainingParameters.h"
#include "workflow/TrainingRecipes.h"

#include "common/Error.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace genrescope;
using namespace genrescope::workflow;

namespace {

/// Every value of a request the table knows, as text.
QMap<QString, QString> readAll(const classify::TrainingRequest& r)
{
    QMap<QString, QString> values;
    for (const TrainingParameter& p : trainingParameters())
        values.insert(p.key, p.read(r));
    return values;
}

} // namespace

class TestTrainingParameters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // the Train tab's run history goes to a test folder
    }

    void declarationsAreComplete()
    {
        QSet<QString> keys;
        for (const TrainingParameter& p : trainingParameters()) {
            QVERIFY2(!keys.contains(p.key), qPrintable(p.key));
            keys.insert(p.key);
            QVERIFY2(!p.label.isEmpty() && !p.description.isEmpty(), qPrintable(p.key));
            QVERIFY2(!p.description.contains(QLatin1Char('\n')), qPrintable(p.key));  // one line
            QVERIFY2(p.description.endsWith(QLatin1Char('.')), qPrintable(p.key));
            QVERIFY2(p.type == ParameterType::Flag || !p.valueName.isEmpty(), qPrintable(p.key));
            QVERIFY2(p.read && p.write, qPrintable(p.key));
            if (p.isNumber())
                QVERIFY2(p.min <= p.max, qPrintable(p.key));
            if (p.type == ParameterType::Choice)
                QVERIFY2(!p.choices.empty(), qPrintable(p.key));
            try {  // the default and the tab's starting value are accepted
                p.parse(p.defaultValue);
                p.parse(p.startValue());
            } catch (const Error& e) {
                QFAIL(qPrintable(e.message()));
            }
        }
        // Everything `train` configures besides its inputs and outputs.
        for (const char* key : {"input", "arch", "optimizer", "lr", "momentum", "weight-decay", "batch", "epochs",
                                "patience", "split", "cv", "seed", "crop", "crop-views", "frequency-mask", "time-mask",
                                "frequency-shift", "input-noise", "log-features", "ignore-features", "init", "freeze-init"})
            QVERIFY2(keys.contains(QLatin1String(key)), key);
        QCOMPARE(keys.size(), 22);
        QVERIFY(!findTrainingParameter(QStringLiteral("out")));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, trainingParameter(QStringLiteral("no-such")));
    }

    void defaultsAreTheCoresDefaults()
    {
        const ml::TrainConfig c;
        const classify::TrainingRequest r;
        auto def = [](const char* key) { return trainingParameter(QLatin1String(key)).defaultValue; };
        QCOMPARE(def("epochs").toInt(), c.epochs);
        QCOMPARE(def("batch").toInt(), c.batch);
        QCOMPARE(def("seed").toUInt(), c.seed);
        QCOMPARE(def("patience").toInt(), c.patience);
        QCOMPARE(def("crop").toInt(), c.crop.columns);
        QCOMPARE(def("crop-views").toInt(), c.crop.views);
        QCOMPARE(def("lr").toDouble(), c.optimizer.learningRate);
        QCOMPARE(def("momentum").toDouble(), c.optimizer.momentum);
        QCOMPARE(def("weight-decay").toDouble(), c.optimizer.weightDecay);
        QCOMPARE(def("input-noise").toFloat(), c.inputNoise);
        QCOMPARE(def("optimizer"), c.optimizer.kindName());
        QCOMPARE(def("input"), data::inputKindName(r.input));
        QCOMPARE(def("arch"), r.architecture);
        QCOMPARE(def("split"), r.split);
        QCOMPARE(def("cv"), QStringLiteral("off"));
        QCOMPARE(r.crossValidation.mode, classify::CrossValidation::Mode::Off);
        QCOMPARE(def("log-features"), QStringLiteral("false"));
        QCOMPARE(def("ignore-features"), QString());

        // Applying every default to a request changes nothing.
        TrainingParameterValues defaults;
        for (const TrainingParameter& p : trainingParameters())
            defaults.insert(p.key, p.defaultValue);
        classify::TrainingRequest applied;
        applyTrainingParameters(defaults, applied);
        QCOMPARE(readAll(applied), readAll(r));
    }

    void valuesAreParsedAndApplied()
    {
        const TrainingParameterValues values{
            {"input", "image"}, {"arch", "conv:8:3x3:p1:relu,gap"}, {"optimizer", "sgd"}, {"lr", "0.02"},
            {"momentum", "0.9"}, {"weight-decay", "0.0001"}, {"batch", "16"}, {"epochs", "7"}, {"patience", "3"},
            {"split", "lists:/some/folder"}, {"cv", "loo"}, {"seed", "4294967295"}, {"crop", "128"},
            {"crop-views", "3"}, {"frequency-mask", "12"}, {"time-mask", "20"}, {"frequency-shift", "2"},
            {"input-noise", "0.25"}, {"log-features", "true"}, {"ignore-features", "rms_mean,rms_var"},
            {"init", "/models/student.gsm"}, {"freeze-init", "true"}};
        classify::TrainingRequest r;
        applyTrainingParameters(values, r);
        QCOMPARE(readAll(r), values);
        QCOMPARE(r.initialModel, QStringLiteral("/models/student.gsm"));
        QVERIFY(r.freezeInitial);
        QCOMPARE(r.config.specAugment.frequencyMask, 12);
        QCOMPARE(r.config.specAugment.timeMask, 20);
        QCOMPARE(r.config.specAugment.frequencyShift, 2);
        classify::TrainingRequest oneFold;
        applyTrainingParameters({{"cv", "3:2"}}, oneFold);
        QCOMPARE(oneFold.crossValidation.onlyFold, 2);
        QCOMPARE(readAll(oneFold).value("cv"), QStringLiteral("3:2"));
        QVERIFY_THROWS_EXCEPTION(Error, applyTrainingParameters({{"cv", "3:4"}}, oneFold));
        QVERIFY_THROWS_EXCEPTION(Error, applyTrainingParameters({{"cv", "3:0"}}, oneFold));
        QCOMPARE(r.config.seed, 4294967295u);
        QCOMPARE(r.config.optimizer.kind, ml::OptimizerConfig::Kind::Sgd);
        QCOMPARE(r.crossValidation.mode, classify::CrossValidation::Mode::LeaveOneOut);
        QCOMPARE(r.ignoredFeatures, QStringList({"rms_mean", "rms_var"}));
        classify::TrainingRequest folds;
        applyTrainingParameters({{"cv", "7"}}, folds);
        QCOMPARE(folds.crossValidation.mode, classify::CrossValidation::Mode::Folds);
        QCOMPARE(folds.crossValidation.folds, 7);

        // A refused value leaves the request as it was, and the message says what the option takes.
        classify::TrainingRequest untouched;
        try {
            applyTrainingParameters({{"batch", "8"}, {"epochs", "2.5"}}, untouched);
            QFAIL("2.5 epochs were accepted");
        } catch (const Error& e) {
            QCOMPARE(e.code(), ErrorCode::InvalidArgument);
            QCOMPARE(e.message(), QStringLiteral("--epochs must be a whole number from 1 to 100000 (got '2.5')."));
        }
        QCOMPARE(readAll(untouched), readAll(classify::TrainingRequest{}));
        QVERIFY_THROWS_EXCEPTION(Error, applyTrainingParameters({{"no-such", "1"}}, untouched));
        QVERIFY_THROWS_EXCEPTION(Error, applyTrainingParameters({{"split", "lists:"}}, untouched));
        QCOMPARE(trainingParameter(QStringLiteral("patience")).allowedText(), QStringLiteral("0 (off) to 100000"));
        QCOMPARE(trainingParameter(QStringLiteral("cv")).allowedText(),
                 QStringLiteral("auto, off, loo or a whole number from 2 to 1000 (optionally :F)"));
        QCOMPARE(parameterNumberText(0.000001), QStringLiteral("0.000001"));
        QCOMPARE(parameterNumberText(4294967295.0), QStringLiteral("4294967295"));
    }

    void helpShowsEveryParameter()
    {
        const testcli::Run r = testcli::cli({QStringLiteral("train"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QString help = r.out.simplified();  // the help wraps its lines
        for (const TrainingParameter& p : trainingParameters()) {
            const QString option = p.type == ParameterType::Flag ? QStringLiteral("--%1 ").arg(p.key)
                                                                 : QStringLiteral("--%1 <%2> ").arg(p.key, p.valueName);
            const qsizetype at = help.indexOf(option);
            QVERIFY2(at >= 0, qPrintable(option));
            QVERIFY2(help.mid(at + option.size()).startsWith(p.helpText().simplified()), qPrintable(p.key));
            if (p.type != ParameterType::Text && p.type != ParameterType::Flag)
                QVERIFY2(p.helpText().contains(p.allowedText()), qPrintable(p.key));
            QVERIFY2(p.helpText().contains(p.defaultText()), qPrintable(p.key));
        }
    }

    void outOfRangeValuesAreRefused_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        for (const TrainingParameter& p : trainingParameters()) {
            if (!p.acceptsNumbers())
                continue;
            const bool whole = p.type != ParameterType::Real;
            const double below = whole || p.min == 0 ? p.min - 1 : p.min / 2;
            const double above = whole ? p.max + 1 : p.max * 1.5;
            QTest::addRow("%s below", qPrintable(p.key)) << p.key << parameterNumberText(below);
            QTest::addRow("%s above", qPrintable(p.key)) << p.key << parameterNumberText(above);
            if (whole)
                QTest::addRow("%s fraction", qPrintable(p.key)) << p.key << parameterNumberText(p.min + 0.5);
        }
        for (const TrainingParameter& p : trainingParameters())
            if (p.type == ParameterType::Choice)
                QTest::addRow("%s unknown", qPrintable(p.key)) << p.key << QStringLiteral("sideways");
    }

    void outOfRangeValuesAreRefused()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        const TrainingParameter& p = trainingParameter(key);
        QVERIFY_THROWS_EXCEPTION(Error, p.parse(value));
        const QString out = tmp_.filePath(QStringLiteral("never.gsm"));
        const testcli::Run r = testcli::cli({QStringLiteral("train"), QStringLiteral("--data"),
                                             tmp_.filePath(QStringLiteral("no-data.csv")), QStringLiteral("--out"), out,
                                             QStringLiteral("--%1=%2").arg(key, value)});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(testcli::lineCount(r.err), 1);
        QVERIFY2(r.err.contains(QStringLiteral("train: --%1 must be ").arg(key)), qPrintable(r.err));
        QVERIFY2(r.err.contains(p.allowedText()), qPrintable(r.err));  // what it takes
        QVERIFY(!QFile::exists(out));
    }

    void widgetsFollowTheDeclarations()
    {
        app::TrainPanel panel;
        const auto* form = panel.findChild<QFormLayout*>();
        QVERIFY(form);
        auto checkCommon = [form](QWidget* w, const TrainingParameter& p) {
            QVERIFY2(w, qPrintable(p.key));
            QCOMPARE(w->toolTip(), p.description);
            const auto* label = qobject_cast<QLabel*>(form->labelForField(w));
            QVERIFY2(label, qPrintable(p.key));
            QCOMPARE(label->text(), p.label + QLatin1Char(':'));
        };
        const std::pair<const char*, const char*> spins[] = {
            {"trainSeed", "seed"}, {"trainBatch", "batch"}, {"trainEpochs", "epochs"},
            {"trainPatience", "patience"}, {"trainCrop", "crop"}};
        for (const auto& [name, key] : spins) {
            const TrainingParameter& p = trainingParameter(QLatin1String(key));
            auto* box = panel.findChild<QSpinBox*>(QLatin1String(name));
            checkCommon(box, p);
            QCOMPARE(box->minimum(), int(p.min));
            QCOMPARE(box->maximum(), int(std::min(p.max, double(std::numeric_limits<int>::max()))));
            QCOMPARE(box->specialValueText(), p.specialValueText);
        }
        const TrainingParameter& lr = trainingParameter(QStringLiteral("lr"));
        auto* rate = panel.findChild<QDoubleSpinBox*>(QStringLiteral("trainLearningRate"));
        checkCommon(rate, lr);
        QCOMPARE(rate->decimals(), lr.decimals);
        QCOMPARE(rate->minimum(), lr.min);
        QCOMPARE(rate->maximum(), lr.max);
        QCOMPARE(rate->singleStep(), lr.step);
        const std::pair<const char*, const char*> combos[] = {
            {"trainNetwork", "input"}, {"trainOptimizer", "optimizer"}, {"trainSplit", "split"}, {"trainScoring", "cv"}};
        for (const auto& [name, key] : combos) {
            const TrainingParameter& p = trainingParameter(QLatin1String(key));
            auto* box = panel.findChild<QComboBox*>(QLatin1String(name));
            checkCommon(box, p);
            QCOMPARE(box->count(), int(p.choices.size()));
            for (int i = 0; i < box->count(); ++i) {
                QCOMPARE(box->itemData(i).toString(), p.choices[i].value);
                QCOMPARE(box->itemText(i), p.choices[i].label);
            }
        }
        checkCommon(panel.findChild<QLineEdit*>(QStringLiteral("trainLayers")), trainingParameter(QStringLiteral("arch")));

        // The settings no recipe sets start where the declaration says; the rest show the first recipe.
        QCOMPARE(QString::number(panel.findChild<QSpinBox*>(QStringLiteral("trainSeed"))->value()),
                 trainingParameter(QStringLiteral("seed")).startValue());
        QCOMPARE(panel.findChild<QComboBox*>(QStringLiteral("trainSplit"))->currentData().toString(),
                 trainingParameter(QStringLiteral("split")).startValue());
        QCOMPARE(panel.findChild<QComboBox*>(QStringLiteral("trainScoring"))->currentData().toString(),
                 trainingParameter(QStringLiteral("cv")).startValue());
        const TrainingRecipe& recipe = trainingRecipes().front();
        QCOMPARE(rate->value(), recipe.learningRate);
        QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("trainBatch"))->value(), recipe.batch);
        QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("trainEpochs"))->value(), recipe.epochs);
        QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("trainPatience"))->value(), recipe.patience);
        QCOMPARE(panel.findChild<QComboBox*>(QStringLiteral("trainOptimizer"))->currentData().toString(), recipe.optimizer);

        // Before any recipe, a configured widget shows the declared default.
        for (const TrainingParameter& p : trainingParameters()) {
            if (p.type == ParameterType::Integer) {
                QSpinBox box;
                app::configureWidget(&box, p);
                QCOMPARE(QString::number(box.value()), p.startValue());
            } else if (p.type == ParameterType::Real) {
                QDoubleSpinBox box;
                app::configureWidget(&box, p);
                QCOMPARE(box.value(), p.startValue().toDouble());
            } else if (p.type == ParameterType::Choice) {
                QComboBox box;
                app::configureWidget(&box, p);
                QCOMPARE(box.currentData().toString(), p.startValue());
            }
        }
        QSpinBox wrong;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, app::configureWidget(&wrong, "lr"));
    }

    void recipesLieWithinTheDeclarations()
    {
        for (const TrainingRecipe& recipe : trainingRecipes()) {
            classify::TrainingRequest declared, direct;
            try {
                applyTrainingParameters(trainingParameterValues(recipe.trainArguments()), declared);
            } catch (const Error& e) {
                QFAIL(qPrintable(QStringLiteral("recipe %1: %2").arg(recipe.id, e.message())));
            }
            if (recipe.seed > 0)
                QVERIFY(trainingParameter(QStringLiteral("seed")).parse(QString::number(recipe.seed)).isValid());
            // The recipe's own applyTo and its options through the declarations agree.
            recipe.applyTo(direct);
            QCOMPARE(readAll(declared), readAll(direct));
        }
        // A recipe outside a range is caught.
        TrainingRecipe bad = trainingRecipes().front();
        bad.learningRate = 50;
        classify::TrainingRequest r;
        QVERIFY_THROWS_EXCEPTION(Error, applyTrainingParameters(trainingParameterValues(bad.trainArguments()), r));
    }

private:
    QTemporaryDir tmp_;
};

QTEST_MAIN(TestTrainingParameters)
#include "tst_training_parameters.moc"
