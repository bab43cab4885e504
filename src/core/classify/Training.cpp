#include "classify/Training.h"

#include "classify/EnsembleEvaluation.h"
#include "common/Error.h"
#include "features/FeatureVector.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace genrescope::classify {

QString defaultArchitecture(data::InputKind input)
{
    if (input == data::InputKind::Features)
        return QStringLiteral("dense:256:relu,dropout:0.3,dense:128:relu,dropout:0.3");
    return QStringLiteral("conv:16:3x3:p1:relu,maxpool:2x2,conv:32:3x3:p1:relu,maxpool:2x2,"
                          "conv:64:3x3:p1:relu,maxpool:2x2,conv:64:3x3:p1:relu,gap");
}

namespace {

/// Row and song reports of probabilities p for the rows of `part`.
PartScores scoresOf(const data::Dataset& part, const ml::Tensor& p)
{
    PartScores s;
    s.rows = part.size();
    s.songs = part.songCount();
    s.rowReport = ml::classificationReport(part.labels, ml::argmaxRows(p), int(part.classes.size()));
    s.songReport = ml::songLevelReport(p, part.labels, part.songIds, int(part.classes.size()), &s.songPredictions);
    return s;
}

/// Scores a freshly trained model on some rows of already standardised data. With
/// `calibrate`, the model's softmax temperature is first fitted on those rows.
PartScores score(ml::Model& model, const data::Dataset& d, const std::vector<int>& rows, bool calibrate)
{
    if (rows.empty())
        return {};
    const data::Dataset part = d.subset(rows);
    ml::Tensor p = ml::predictWithCrops(*model.network, part.inputs, model.crop);
    if (calibrate)
        model.temperature = ml::fitTemperature(p, part.labels);
    ml::applyTemperature(p, model.temperature);
    return scoresOf(part, p);
}

QJsonObject scoresJson(const PartScores& s, const QStringList& classes)
{
    if (s.empty())
        return {};
    return QJsonObject{{"rows", s.rows}, {"songs", s.songs}, {"accuracy", s.rowReport.accuracy},
                       {"songAccuracy", s.songReport.accuracy}, {"rowReport", s.rowReport.toJson(classes)},
                       {"songReport", s.songReport.toJson(classes)}};
}

/// Refuses inputs no learning rate can train on: a non-finite value, or one more than a
/// million standard deviations from the training rows' mean, is a broken cell in the data.
/// Checked before standardising, so the message shows the value as the data holds it.
void checkStandardisable(const data::Dataset& d, const data::Standardizer& s, const QString& dataPath,
                         const std::vector<int>& logInputs)
{
    constexpr float kExtreme = 1e6f;
    const long F = d.inputs.sampleSize();
    const bool perValue = long(s.mean.size()) == F;
    auto refuse = [&](int n, long k, const QString& why) {
        const bool logged = std::find(logInputs.begin(), logInputs.end(), int(k)) != logInputs.end();
        const QString column = d.kind == data::InputKind::Features && k < kFeatureCount ? featureNames()[size_t(k)]
                                                                                       : QStringLiteral("value %1").arg(k);
        const bool csv = d.kind == data::InputKind::Features && QFileInfo(dataPath).isFile();
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1: the data holds extreme values, e.g. column %2 = %3%4 in row %5 (%6), %7; "
                                   "training cannot use it. Check the %8.")
                        .arg(shownPath(dataPath), column, QString::number(d.inputs.sample(n)[k], 'g', 6),
                             logged ? QStringLiteral(" (as a logarithm)") : QString())
                        .arg(n + 1)
                        .arg(kagglecsv::shownCell(d.names.value(n)), why,
                             csv ? QStringLiteral("CSV") : QStringLiteral("data")));
    };
    for (int n = 0; n < d.inputs.batch(); ++n)
        for (long k = 0; k < F; ++k)
            if (!std::isfinite(d.inputs.sample(n)[k]))
                refuse(n, k, QStringLiteral("not a finite number"));
    for (int n = 0; n < d.inputs.batch(); ++n) {
        const float* x = d.inputs.sample(n);
        for (long k = 0; k < F; ++k) {
            const size_t j = perValue ? size_t(k) : 0;
            const float z = (x[k] - s.mean[j]) * s.scale[j];
            if (!std::isfinite(z) || std::abs(z) > kExtreme)
                refuse(n, k, QStringLiteral("%1 standard deviations from the training rows' mean")
                                 .arg(std::isfinite(z) ? QString::number(double(std::abs(z)), 'g', 3) : QStringLiteral("infinitely many")));
        }
    }
}

} // namespace

TrainingOutcome runTraining(const TrainingRequest& request, const ml::TrainCallbacks& callbacks)
{
    data::Dataset d = data::loadDataset(request.dataPath, request.input);
    TrainingOutcome out;
    out.split = data::makeSplit(request.split, d.songIds, request.config.seed);
    if (out.split.train.empty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The split leaves no training rows."));

    std::vector<int> logInputs;
    if (request.logFeatures && request.input == data::InputKind::Features) {
        logInputs = logScaledFeatures();
        ml::logScaleInPlace(d.inputs, logInputs);
    }
    data::Standardizer stdz =
        data::Standardizer::fit(d.inputs, out.split.train, request.input == data::InputKind::Features);
    for (const QString& name : request.ignoredFeatures) {
        const int f = featureIndex(name);
        if (request.input != data::InputKind::Features || f < 0 || size_t(f) >= stdz.scale.size())
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("There is no feature called '%1' to ignore.").arg(name));
        stdz.scale[size_t(f)] = 0.0f;
    }
    checkStandardisable(d, stdz, request.dataPath, logInputs);
    stdz.apply(d.inputs);

    const QString arch = request.architecture.isEmpty() ? defaultArchitecture(request.input) : request.architecture;
    std::vector<int> inputShape(d.inputs.shape.begin() + 1, d.inputs.shape.end());
    if (request.config.crop.enabled()) {
        if (request.input != data::InputKind::Image || request.config.crop.columns > inputShape.back())
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("Time crops need image input at least %1 columns wide.").arg(request.config.crop.columns));
        inputShape.back() = request.config.crop.columns;
    }
    out.model.network = std::make_unique<ml::Network>(arch, inputShape, int(d.classes.size()));
    out.model.network->initialise(request.config.seed);
    out.model.inputKind = data::inputKindName(request.input);
    out.model.classes = d.classes;
    out.model.mean = stdz.mean;
    out.model.scale = stdz.scale;
    out.model.crop = request.config.crop;
    out.model.logInputs = logInputs;
    if (request.input == data::InputKind::Features && out.split.train.size() >= 2)
        out.model.distribution = ml::fitFeatureDistribution(d.inputs, out.split.train);

    const data::Dataset trainPart = d.subset(out.split.train);
    const data::Dataset validPart = d.subset(out.split.valid);
    out.result = ml::train(*out.model.network, {&trainPart.inputs, &trainPart.labels},
                           {&validPart.inputs, &validPart.labels}, request.config, callbacks);

    out.valid = score(out.model, d, out.split.valid, out.result.bestEpoch > 0);  // calibrates on valid
    out.test = score(out.model, d, out.split.test, false);

    const ml::OptimizerConfig& opt = request.config.optimizer;
    const QJsonObject hyper{{"epochs", request.config.epochs}, {"batch", request.config.batch},
                            {"optimizer", opt.kindName()}, {"learningRate", opt.learningRate},
                            {"momentum", opt.momentum}, {"weightDecay", opt.weightDecay},
                            {"patience", request.config.patience}, {"seed", double(request.config.seed)},
                            {"cropColumns", request.config.crop.columns}, {"cropViews", request.config.crop.views},
                            {"inputNoise", double(request.config.inputNoise)}, {"logFeatures", request.logFeatures},
                            {"ignoredFeatures", QJsonArray::fromStringList(request.ignoredFeatures)}};
    QJsonArray history;
    for (const ml::EpochStats& e : out.result.history)
        history.append(QJsonObject{{"epoch", e.epoch}, {"trainLoss", e.trainLoss}, {"trainAccuracy", e.trainAccuracy},
                                   {"validLoss", std::isfinite(e.validLoss) ? QJsonValue(e.validLoss) : QJsonValue()},
                                   {"validAccuracy", std::isfinite(e.validAccuracy) ? QJsonValue(e.validAccuracy) : QJsonValue()},
                                   {"seconds", e.seconds}});
    out.model.training = QJsonObject{
        {"data", QFileInfo(request.dataPath).absoluteFilePath()},
        {"input", out.model.inputKind},
        {"split", out.split.description},
        {"rows", QJsonObject{{"train", int(out.split.train.size())}, {"valid", int(out.split.valid.size())},
                             {"test", int(out.split.test.size())}}},
        {"hyperparameters", hyper},
        {"bestEpoch", out.result.bestEpoch},
        {"stopped", out.result.message},
        {"seconds", out.result.seconds},
        {"date", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {"parameters", double(out.model.network->parameterCount())},
        {"temperature", out.model.temperature},
    };
    out.model.metrics = QJsonObject{{"valid", scoresJson(out.valid, d.classes)}, {"test", scoresJson(out.test, d.classes)}};
    out.log = QJsonObject{{"architecture", arch}, {"training", out.model.training}, {"metrics", out.model.metrics},
                          {"history", history}, {"notes", QJsonArray::fromStringList(out.split.notes)}};
    return out;
}

PartScores evaluateModel(const ml::Model& model, data::Dataset d, const QString& listFile)
{
    if (data::inputKindName(d.kind) != model.inputKind)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("The model takes %1 input but the data is %2.").arg(model.inputKind, data::inputKindName(d.kind)));
    d.remapClasses(model.classes);
    const data::Dataset part = d.subset(rowsInList(d, listFile));
    return scoresOf(part, model.predict(part.inputs));  // part.classes == model.classes after the remap
}

} // namespace genrescope::classify
