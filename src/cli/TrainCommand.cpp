// genrescope-cli train --data PATH --input features|image [--arch SPEC] [--lr X] [--batch N]
//   [--epochs N] [--optimizer sgd|adam] [--momentum M] [--weight-decay W] [--patience N]
//   [--split random|song|lists:DIR] [--seed N] [--log FILE.json] [--force] --out FILE
// genrescope-cli evaluate --model FILE --data PATH [--list FILE] [--json]

#include "CliSupport.h"

#include "classify/Training.h"
#include "common/Error.h"
#include "common/PngFile.h"

#include <QFileInfo>
#include <QJsonDocument>

#include <cmath>

namespace genrescope::cli {

namespace {

QString percent(double v)
{
    return QStringLiteral("%1 %").arg(100.0 * v, 0, 'f', 1);
}

void printScores(const char* name, const classify::PartScores& s)
{
    if (s.empty())
        return;
    out() << QStringLiteral("%1: %2 on %3 rows, %4 on %5 songs (probabilities averaged per song)")
                 .arg(QLatin1String(name), percent(s.rowReport.accuracy)).arg(s.rows)
                 .arg(percent(s.songReport.accuracy)).arg(s.songs)
          << Qt::endl;
}

} // namespace

int runTrain(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Train an MLP on features or a CNN on mel images. Prints one line per epoch.\n"
        "--arch is a comma-separated layer list, e.g. dense:100:relu,dense:250:relu,dropout:0.3 or\n"
        "conv:16:3x3:p1:relu,maxpool:2x2,conv:32:3x3:p1:relu,gap (an output layer is added);\n"
        "--arch none gives a linear softmax classifier."));
    const QList<QCommandLineOption> options{
        {QStringLiteral("data"), QStringLiteral("Kaggle features CSV, or an images_original-style folder."), QStringLiteral("PATH")},
        {QStringLiteral("input"), QStringLiteral("features or image (default: features)."), QStringLiteral("KIND"), QStringLiteral("features")},
        {QStringLiteral("arch"), QStringLiteral("Hidden layers (default depends on --input)."), QStringLiteral("SPEC")},
        {QStringLiteral("lr"), QStringLiteral("Learning rate (default 0.001)."), QStringLiteral("X"), QStringLiteral("0.001")},
        {QStringLiteral("batch"), QStringLiteral("Batch size (default 64)."), QStringLiteral("N"), QStringLiteral("64")},
        {QStringLiteral("epochs"), QStringLiteral("Epochs (default 100)."), QStringLiteral("N"), QStringLiteral("100")},
        {QStringLiteral("optimizer"), QStringLiteral("sgd or adam (default adam)."), QStringLiteral("NAME"), QStringLiteral("adam")},
        {QStringLiteral("momentum"), QStringLiteral("SGD momentum (default 0)."), QStringLiteral("M"), QStringLiteral("0")},
        {QStringLiteral("weight-decay"), QStringLiteral("L2 weight decay (default 0)."), QStringLiteral("W"), QStringLiteral("0")},
        {QStringLiteral("patience"), QStringLiteral("Stop after N epochs without validation gain (0: never)."), QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("split"), QStringLiteral("random, song or lists:DIR (default random)."), QStringLiteral("SPEC"), QStringLiteral("random")},
        {QStringLiteral("seed"), QStringLiteral("Seed for the split, weights and shuffling (default 1)."), QStringLiteral("N"), QStringLiteral("1")},
        {QStringLiteral("log"), QStringLiteral("Also write a JSON log of the run."), QStringLiteral("FILE")},
        {QStringLiteral("force"), QStringLiteral("Replace an existing --out file.")},
        {QStringLiteral("out"), QStringLiteral("Where to save the model."), QStringLiteral("FILE")},
    };
    parser.addOptions(options);
    if (!parseOrReport(parser, args))
        return kBadInput;
    auto usage = [](const QString& text) {
        printError(QStringLiteral("train: %1").arg(text));
        return int(kBadInput);
    };
    if (!parser.isSet(QStringLiteral("data")) || !parser.isSet(QStringLiteral("out")))
        return usage(QStringLiteral("--data and --out are required (see 'genrescope-cli train --help')."));
    const QString outPath = parser.value(QStringLiteral("out"));
    if (QFileInfo::exists(outPath) && !parser.isSet(QStringLiteral("force")))
        return usage(QStringLiteral("%1 already exists; pass --force to replace it.").arg(outPath));

    classify::TrainingRequest request;
    request.dataPath = parser.value(QStringLiteral("data"));
    request.input = data::parseInputKind(parser.value(QStringLiteral("input")));
    request.architecture = parser.value(QStringLiteral("arch"));
    request.split = parser.value(QStringLiteral("split"));
    bool ok1, ok2, ok3, ok4, ok5, ok6, ok7;
    request.config.optimizer.learningRate = parser.value(QStringLiteral("lr")).toDouble(&ok1);
    request.config.batch = parser.value(QStringLiteral("batch")).toInt(&ok2);
    request.config.epochs = parser.value(QStringLiteral("epochs")).toInt(&ok3);
    request.config.optimizer.momentum = parser.value(QStringLiteral("momentum")).toDouble(&ok4);
    request.config.optimizer.weightDecay = parser.value(QStringLiteral("weight-decay")).toDouble(&ok5);
    request.config.patience = parser.value(QStringLiteral("patience")).toInt(&ok6);
    request.config.seed = parser.value(QStringLiteral("seed")).toUInt(&ok7);
    request.config.optimizer.kind = ml::OptimizerConfig::parseKind(parser.value(QStringLiteral("optimizer")));
    if (!(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || request.config.batch < 1 || request.config.epochs < 1 ||
        request.config.epochs > 100000 || !(request.config.optimizer.learningRate > 0) ||
        request.config.optimizer.momentum < 0 || request.config.optimizer.weightDecay < 0 || request.config.patience < 0)
        return usage(QStringLiteral("numeric options must be positive numbers (--lr, --batch, --epochs, ...)."));

    ml::TrainCallbacks callbacks;
    callbacks.onEpoch = [](const ml::EpochStats& e) {
        QString line = QStringLiteral("epoch %1  loss %2  acc %3")
                           .arg(e.epoch, 4).arg(e.trainLoss, 0, 'f', 4).arg(percent(e.trainAccuracy));
        if (std::isfinite(e.validAccuracy))
            line += QStringLiteral("  valid loss %1  valid acc %2").arg(e.validLoss, 0, 'f', 4).arg(percent(e.validAccuracy));
        line += QStringLiteral("  (%1 s)").arg(e.seconds, 0, 'f', 2);
        out() << line << Qt::endl;
    };
    const classify::TrainingOutcome outcome = classify::runTraining(request, callbacks);
    out() << "split: " << outcome.split.description << " (" << outcome.split.train.size() << " train, "
          << outcome.split.valid.size() << " valid, " << outcome.split.test.size() << " test rows)" << Qt::endl;
    for (const QString& note : outcome.split.notes)
        out() << "note: " << note << Qt::endl;
    out() << outcome.result.message << Qt::endl;
    printScores("valid", outcome.valid);
    printScores("test", outcome.test);

    if (parser.isSet(QStringLiteral("log")))
        writeFileAtomically(parser.value(QStringLiteral("log")), QJsonDocument(outcome.log).toJson(QJsonDocument::Indented));
    if (outcome.result.diverged && outcome.result.bestEpoch == 0) {
        printError(QStringLiteral("train: %1 No model was saved.").arg(outcome.result.message));
        return kBadInput;
    }
    ml::saveModel(outcome.model, outPath, true);
    out() << "saved " << outPath << Qt::endl;
    if (outcome.result.diverged) {
        printError(QStringLiteral("train: %1").arg(outcome.result.message));
        return kBadInput;
    }
    return kOk;
}

int runEvaluate(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Score a model on labelled data: accuracy per row and per song, "
                                                    "the confusion matrix, and per-class precision, recall and F1."));
    parser.addOptions({
        {QStringLiteral("model"), QStringLiteral("A model file."), QStringLiteral("FILE")},
        {QStringLiteral("data"), QStringLiteral("Features CSV or image folder of the model's input kind."), QStringLiteral("PATH")},
        {QStringLiteral("list"), QStringLiteral("Only songs named in this list (e.g. valid.txt)."), QStringLiteral("FILE")},
        {QStringLiteral("json"), QStringLiteral("Print JSON.")},
    });
    if (!parseOrReport(parser, args))
        return kBadInput;
    if (!parser.isSet(QStringLiteral("model")) || !parser.isSet(QStringLiteral("data"))) {
        printError(QStringLiteral("evaluate: --model and --data are required."));
        return kBadInput;
    }
    const ml::Model model = ml::loadModel(parser.value(QStringLiteral("model")));
    const data::Dataset d = data::loadDataset(parser.value(QStringLiteral("data")), data::parseInputKind(model.inputKind));
    const classify::PartScores s = classify::evaluateModel(model, d, parser.value(QStringLiteral("list")));
    if (parser.isSet(QStringLiteral("json"))) {
        const QJsonObject json{{"rows", s.rows}, {"songs", s.songs}, {"accuracy", s.rowReport.accuracy},
                               {"songAccuracy", s.songReport.accuracy},
                               {"rowReport", s.rowReport.toJson(model.classes)},
                               {"songReport", s.songReport.toJson(model.classes)}};
        out() << QJsonDocument(json).toJson(QJsonDocument::Indented);
        return kOk;
    }
    printScores("accuracy", s);
    out() << "\nconfusion matrix (rows: true, columns: predicted)\n" << s.rowReport.confusionText(model.classes);
    out() << "\nclass         precision  recall     F1\n";
    for (int c = 0; c < model.classes.size(); ++c)
        out() << model.classes[c].leftJustified(14) << QString::number(s.rowReport.precision[size_t(c)], 'f', 3).rightJustified(9)
              << QString::number(s.rowReport.recall[size_t(c)], 'f', 3).rightJustified(8)
              << QString::number(s.rowReport.f1[size_t(c)], 'f', 3).rightJustified(7) << '\n';
    out().flush();
    return kOk;
}

} // namespace genrescope::cli
