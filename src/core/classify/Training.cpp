#include "classify/Training.h"

#include "classify/EnsembleEvaluation.h"
#include "common/Error.h"
#include "features/FeatureVector.h"

#include <QDateTime>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <numeric>

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

CrossValidation CrossValidation::parse(const QString& text)
{
    CrossValidation cv;
    if (text == QLatin1String("auto")) {
        cv.mode = Mode::Auto;
        return cv;
    }
    if (text == QLatin1String("loo")) {
        cv.mode = Mode::LeaveOneOut;
        return cv;
    }
    const QStringList parts = text.split(QLatin1Char(':'));
    bool ok = false, fold = true;
    if (parts.size() <= 2)
        cv.folds = parts[0].toInt(&ok);
    if (parts.size() == 2)
        cv.onlyFold = parts[1].toInt(&fold);
    if (!ok || !fold || cv.folds < 2 || (parts.size() == 2 && (cv.onlyFold < 1 || cv.onlyFold > cv.folds)))
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Unknown cross-validation \"%1\". Use a number of folds K of 2 or more, K:F for fold F "
                                   "of K alone, auto or loo.").arg(text));
    cv.mode = Mode::Folds;
    return cv;
}

CrossValidation CrossValidation::resolve(int smallestClass, int songs) const
{
    if (mode != Mode::Auto)
        return *this;
    CrossValidation cv;
    if (smallestClass >= kSmallClassSongs)
        return cv;  // Off
    cv.mode = smallestClass < kFewSongs && songs <= kMaxLeaveOneOutSongs ? Mode::LeaveOneOut : Mode::Folds;
    cv.folds = 5;
    return cv;
}

double chanceThreshold(int classes, int songs)
{
    const double p = 1.0 / std::max(classes, 1);
    return p + 2.0 * std::sqrt(p * (1.0 - p) / std::max(songs, 1));
}

bool atChance(double songAccuracy, int songs, int classes)
{
    const double threshold = chanceThreshold(classes, songs);
    if (threshold >= 1.0)  // too few songs for any score to stand out: only one no better than guessing is at chance
        return songAccuracy <= 1.0 / std::max(classes, 1) + 1e-12;
    return songAccuracy <= threshold + 1e-12;
}

namespace {

QString percentText(double v)
{
    return QStringLiteral("%1 %").arg(100.0 * v, 0, 'f', 1);
}

/// Standardisation fitted on `rows`, with the ignored features zeroed; refuses data it cannot use.
data::Standardizer fitStandardizer(const data::Dataset& d, const std::vector<int>& rows, const TrainingRequest& request,
                                   const std::vector<int>& logInputs)
{
    data::Standardizer stdz;
    if (request.initialWeights) {  // the layers taken over expect their own standardisation
        const long width = d.inputs.sampleSize();
        const auto& m = request.initialWeights->mean;
        if (!request.ignoredFeatures.isEmpty())
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("--ignore-features cannot change the standardisation of a "
                                                                   "starting model (--init): leave one of them out."));
        if ((m.size() != 1 && long(m.size()) != width) || m.size() != request.initialWeights->scale.size())
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("The starting model's standardisation has %1 values; "
                                                                   "this data has %2 a row.").arg(m.size()).arg(width));
        stdz.mean = request.initialWeights->mean;
        stdz.scale = request.initialWeights->scale;
        checkStandardisable(d, stdz, request.dataPath, logInputs);
        return stdz;
    }
    stdz = data::Standardizer::fit(d.inputs, rows, request.input == data::InputKind::Features);
    for (const QString& name : request.ignoredFeatures) {
        const int f = featureIndex(name);
        if (request.input != data::InputKind::Features || f < 0 || size_t(f) >= stdz.scale.size())
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("There is no feature called '%1' to ignore.").arg(name));
        stdz.scale[size_t(f)] = 0.0f;
    }
    checkStandardisable(d, stdz, request.dataPath, logInputs);
    return stdz;
}

/// The network's input shape (time crops narrow images).
std::vector<int> inputShapeOf(const data::Dataset& d, const TrainingRequest& request)
{
    std::vector<int> inputShape(d.inputs.shape.begin() + 1, d.inputs.shape.end());
    if (request.config.crop.enabled()) {
        if (request.input != data::InputKind::Image || request.config.crop.columns > inputShape.back())
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("Time crops need image input at least %1 columns wide.").arg(request.config.crop.columns));
        inputShape.back() = request.config.crop.columns;
    }
    return inputShape;
}

/// A fresh model for `d`'s classes with standardisation `stdz` and an initialised network.
void startModel(ml::Model& model, const TrainingRequest& request, const data::Dataset& d, const QString& arch,
                const data::Standardizer& stdz, const std::vector<int>& logInputs)
{
    model.network = std::make_unique<ml::Network>(arch, inputShapeOf(d, request), int(d.classes.size()));
    model.network->initialise(request.config.seed);
    if (request.initialWeights) {
        const int copied = model.network->copyLeadingLayers(*request.initialWeights->network);
        if (copied == 0)
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("The starting model's first layer (%1) does not match the network's (%2).")
                            .arg(request.initialWeights->network->layer(0).spec(), model.network->layer(0).spec()));
        if (request.freezeInitial)
            model.network->setFrozenLayers(copied);
    }
    model.inputKind = data::inputKindName(request.input);
    model.classes = d.classes;
    model.mean = stdz.mean;
    model.scale = stdz.scale;
    model.crop = request.config.crop;
    model.logInputs = logInputs;
}

/// "rock (3 songs), jazz (4 songs)" for the classes with fewer than kFewSongs songs; empty when none.
QString fewSongsNote(const std::vector<int>& perClass, const QStringList& classes)
{
    QStringList small;
    for (size_t c = 0; c < perClass.size(); ++c)
        if (perClass[c] < kFewSongs)
            small << QStringLiteral("%1 (%2 song%3)").arg(classes[int(c)]).arg(perClass[c]).arg(perClass[c] == 1 ? "" : "s");
    if (small.isEmpty())
        return {};
    return QStringLiteral("%1 fewer than %2 songs: %3; scores on so few songs mean little. Add songs (%4 or more a class "
                          "for a held-out split).")
        .arg(small.size() == 1 ? QStringLiteral("One class has") : QStringLiteral("%1 classes have").arg(small.size()))
        .arg(kFewSongs).arg(small.join(QStringLiteral(", "))).arg(kSmallClassSongs);
}

/// The class with the fewest songs.
int smallestClass(const std::vector<int>& perClass)
{
    return int(std::min_element(perClass.begin(), perClass.end()) - perClass.begin());
}

QJsonObject hyperparametersJson(const TrainingRequest& request)
{
    const ml::OptimizerConfig& opt = request.config.optimizer;
    return QJsonObject{{"epochs", request.config.epochs}, {"batch", request.config.batch},
                       {"optimizer", opt.kindName()}, {"learningRate", opt.learningRate},
                       {"momentum", opt.momentum}, {"weightDecay", opt.weightDecay},
                       {"patience", request.config.patience}, {"seed", double(request.config.seed)},
                       {"cropColumns", request.config.crop.columns}, {"cropViews", request.config.crop.views},
                       {"inputNoise", double(request.config.inputNoise)}, {"logFeatures", request.logFeatures},
                       {"frequencyMask", request.config.specAugment.frequencyMask},
                       {"timeMask", request.config.specAugment.timeMask},
                       {"frequencyShift", request.config.specAugment.frequencyShift},
                       {"ignoredFeatures", QJsonArray::fromStringList(request.ignoredFeatures)}};
}

QJsonArray historyJson(const std::vector<ml::EpochStats>& epochs)
{
    QJsonArray history;
    for (const ml::EpochStats& e : epochs)
        history.append(QJsonObject{{"epoch", e.epoch}, {"trainLoss", e.trainLoss}, {"trainAccuracy", e.trainAccuracy},
                                   {"validLoss", std::isfinite(e.validLoss) ? QJsonValue(e.validLoss) : QJsonValue()},
                                   {"validAccuracy", std::isfinite(e.validAccuracy) ? QJsonValue(e.validAccuracy) : QJsonValue()},
                                   {"seconds", e.seconds}});
    return history;
}

QJsonObject crossValidationJson(const CrossValidationScores& cv, const QStringList& classes)
{
    if (cv.empty())
        return {};
    QJsonArray folds;
    for (const FoldScore& f : cv.perFold)
        folds.append(QJsonObject{{"fold", f.fold}, {"trainSongs", f.trainSongs}, {"songs", f.songs}, {"rows", f.rows},
                                 {"songAccuracy", f.songAccuracy}, {"accuracy", f.rowAccuracy}, {"stopped", f.stopped}});
    return QJsonObject{{"description", cv.description}, {"folds", cv.folds}, {"leaveOneOut", cv.leaveOneOut},
                       {"onlyFold", cv.onlyFold},
                       {"meanSongAccuracy", cv.meanSongAccuracy}, {"sdSongAccuracy", cv.sdSongAccuracy},
                       {"meanAccuracy", cv.meanRowAccuracy}, {"sdAccuracy", cv.sdRowAccuracy},
                       {"perFold", folds}, {"pooled", scoresJson(cv.pooled, classes)}};
}

/// The note on an epoch-1 model kept by validation: why it was kept.
QString epochOneNote(const TrainingOutcome& o)
{
    const ml::TrainResult& r = o.result;
    if (r.bestEpoch != 1 || r.history.size() < 2 || o.split.valid.empty() || r.diverged)
        return {};
    return QStringLiteral("The model from epoch 1 was kept: the validation accuracy never rose above epoch 1's (%1 of "
                          "rows), and the validation part holds only %2 songs (%3 rows). Check the learning rate, or "
                          "cross-validate by song (--cv auto).")
        .arg(percentText(r.history.front().validAccuracy)).arg(o.valid.songs).arg(o.valid.rows);
}

/// Sets atChance and its note from a song accuracy on `songs` songs.
void judgeChance(TrainingOutcome& o, double songAccuracy, int songs, int classes, const QString& what)
{
    o.atChance = atChance(songAccuracy, songs, classes);
    if (!o.atChance)
        return;
    o.notes << QStringLiteral("The %1 song accuracy, %2 on %3 songs, is no better than chance: guessing among %4 classes "
                              "scores %5, and above %6 only one time in 40. The model was kept anyway; check the labels "
                              "and features, or add songs.")
                   .arg(what, percentText(songAccuracy)).arg(songs).arg(classes)
                   .arg(percentText(1.0 / classes), percentText(chanceThreshold(classes, songs)));
}

/// Trains on `trainRows` of the raw data (standardised here) with no validation part and scores
/// `testRows`; fills `oof` at the test rows with the probabilities.
struct FoldRun {
    ml::TrainResult result;
    PartScores scores;
};

FoldRun runFold(const TrainingRequest& request, const data::Dataset& raw, const QString& arch,
                const std::vector<int>& logInputs, const std::vector<int>& trainRows, const std::vector<int>& testRows,
                const ml::TrainCallbacks& callbacks, ml::Tensor& oof)
{
    const data::Standardizer stdz = fitStandardizer(raw, trainRows, request, logInputs);
    data::Dataset trainPart = raw.subset(trainRows);
    data::Dataset testPart = raw.subset(testRows);
    stdz.apply(trainPart.inputs);
    stdz.apply(testPart.inputs);
    ml::Model model;
    startModel(model, request, raw, arch, stdz, logInputs);
    ml::TrainConfig config = request.config;
    config.patience = 0;
    FoldRun run;
    run.result = ml::train(*model.network, {&trainPart.inputs, &trainPart.labels}, {}, config, callbacks);
    if (run.result.cancelled || (run.result.diverged && run.result.bestEpoch == 0))
        return run;
    const ml::Tensor p = ml::predictWithCrops(*model.network, testPart.inputs, model.crop);
    for (size_t i = 0; i < testRows.size(); ++i)
        std::copy_n(p.sample(int(i)), p.sampleSize(), oof.sample(testRows[i]));
    run.scores = scoresOf(testPart, p);
    return run;
}

/// Every song's mean probabilities over its rows of `oof`, for the rows with a fold.
OutOfFold outOfFoldOf(const data::Dataset& d, const ml::Tensor& oof, const std::vector<int>& rowFold)
{
    OutOfFold o;
    o.classes = d.classes;
    o.input = data::inputKindName(d.kind);
    QHash<QString, int> index;
    std::vector<int> rowsOfSong;
    for (int r = 0; r < d.size(); ++r) {
        if (rowFold[size_t(r)] == 0)
            continue;
        auto it = index.find(d.songIds[r]);
        if (it == index.end()) {
            it = index.insert(d.songIds[r], int(o.songs.size()));
            o.songs << d.songIds[r];
            o.labels.push_back(d.labels[size_t(r)]);
            o.folds.push_back(rowFold[size_t(r)]);
            rowsOfSong.push_back(0);
        }
        ++rowsOfSong[size_t(*it)];
    }
    const long K = oof.sampleSize();
    o.probabilities = ml::Tensor({int(o.songs.size()), int(K)});
    o.probabilities.zero();  // Buffer leaves values uninitialised
    for (int r = 0; r < d.size(); ++r) {
        if (rowFold[size_t(r)] == 0)
            continue;
        const int s = index.value(d.songIds[r]);
        for (long c = 0; c < K; ++c)
            o.probabilities.sample(s)[c] += oof.sample(r)[c] / float(rowsOfSong[size_t(s)]);
    }
    return o;
}

/// Cross-validation by song, then the kept model trained on every row. `d` holds raw (log-scaled) inputs.
void crossValidate(TrainingOutcome& out, const TrainingRequest& request, data::Dataset& d, const QString& arch,
                   const std::vector<int>& logInputs, const CrossValidation& cv, const ml::TrainCallbacks& callbacks,
                   const CrossValidationCallbacks& cvCallbacks)
{
    const int songs = d.songCount();
    const int k = cv.mode == CrossValidation::Mode::LeaveOneOut ? songs : cv.folds;
    const bool byList = cv.mode == CrossValidation::Mode::Folds && request.split.startsWith(QLatin1String("lists:"));
    const std::vector<std::vector<int>> folds =
        byList ? data::listFolds(d.songIds, d.labels, k, request.split.mid(6))
               : data::songFolds(d.songIds, d.labels, k, request.config.seed);
    CrossValidationScores& scores = out.crossValidation;
    scores.folds = k;
    scores.onlyFold = cv.onlyFold;
    scores.leaveOneOut = k == songs;
    scores.description = scores.leaveOneOut
        ? QStringLiteral("leave-one-out cross-validation by song, %1 folds").arg(k)
        : byList ? QStringLiteral("%1-fold cross-validation by song following the lists in %2 (each fold holds songs of one "
                                  "list; each genre's songs of a list cut into runs of consecutive clips)")
                       .arg(k).arg(shownPath(request.split.mid(6)))
                 : QStringLiteral("%1-fold cross-validation by song, stratified by class, seed %2").arg(k).arg(request.config.seed);
    if (cv.onlyFold)
        scores.description += QStringLiteral("; fold %1 alone").arg(cv.onlyFold);
    out.split.train.resize(size_t(d.size()));
    std::iota(out.split.train.begin(), out.split.train.end(), 0);
    out.split.description = scores.description + (cv.onlyFold ? QStringLiteral("; no model is kept")
                                                              : QStringLiteral("; the kept model is trained on all %1 songs").arg(songs));

    // The kept model exists from the start (untrained), so a stopped run still hands back a whole Model.
    const data::Standardizer stdz = fitStandardizer(d, out.split.train, request, logInputs);
    startModel(out.model, request, d, arch, stdz, logInputs);

    ml::Tensor oof({d.size(), int(d.classes.size())});
    std::vector<int> rowFold(static_cast<size_t>(d.size()), 0);  // 1-based fold of each row scored so far
    std::vector<double> songAccuracies, rowAccuracies;
    for (int f = 0; f < k; ++f) {
        if (cv.onlyFold && f + 1 != cv.onlyFold)
            continue;
        if (cvCallbacks.onRun)
            cvCallbacks.onRun(f + 1, k + 1);
        for (int r : folds[size_t(f)])
            rowFold[size_t(r)] = f + 1;
        std::vector<int> trainRows;
        for (int r = 0; r < d.size(); ++r)
            if (rowFold[size_t(r)] != f + 1)
                trainRows.push_back(r);
        FoldRun run = runFold(request, d, arch, logInputs, trainRows, folds[size_t(f)], callbacks, oof);
        if (run.result.cancelled || (run.result.diverged && run.result.bestEpoch == 0)) {
            QString why = run.result.message;
            why[0] = why[0].toLower();
            out.result = run.result;
            out.result.bestEpoch = 0;
            out.result.message = QStringLiteral("Cross-validation stopped in fold %1 of %2, so no model was kept: %3")
                                     .arg(f + 1).arg(k).arg(why);
            return;
        }
        FoldScore fold;
        fold.fold = f + 1;
        fold.songs = run.scores.songs;
        fold.rows = run.scores.rows;
        fold.trainSongs = songs - fold.songs;
        fold.songAccuracy = run.scores.songReport.accuracy;
        fold.rowAccuracy = run.scores.rowReport.accuracy;
        fold.stopped = run.result.message;
        scores.perFold.push_back(fold);
        songAccuracies.push_back(fold.songAccuracy);
        rowAccuracies.push_back(fold.rowAccuracy);
        if (cvCallbacks.onFold)
            cvCallbacks.onFold(fold);
    }
    std::tie(scores.meanSongAccuracy, scores.sdSongAccuracy) = ml::meanAndSpread(songAccuracies);
    std::tie(scores.meanRowAccuracy, scores.sdRowAccuracy) = ml::meanAndSpread(rowAccuracies);
    std::vector<int> scoredRows;
    for (int r = 0; r < d.size(); ++r)
        if (rowFold[size_t(r)] > 0)
            scoredRows.push_back(r);
    ml::Tensor scoredOof({int(scoredRows.size()), int(oof.sampleSize())});
    for (size_t i = 0; i < scoredRows.size(); ++i)
        std::copy_n(oof.sample(scoredRows[i]), oof.sampleSize(), scoredOof.sample(int(i)));
    scores.pooled = scoresOf(d.subset(scoredRows), scoredOof);
    scores.outOfFold = outOfFoldOf(d, oof, rowFold);
    if (cv.onlyFold) {
        out.result = {};
        out.result.message = QStringLiteral("Scored fold %1 of %2 alone; no model was kept.").arg(cv.onlyFold).arg(k);
        return;
    }

    // The kept model: every row, the same epochs, no validation part.
    if (cvCallbacks.onRun)
        cvCallbacks.onRun(k + 1, k + 1);
    stdz.apply(d.inputs);
    if (request.input == data::InputKind::Features &&
        ml::enoughRowsForDistribution(out.split.train.size(), int(d.inputs.sampleSize())))
        out.model.distribution = ml::fitFeatureDistribution(d.inputs, out.split.train);
    ml::TrainConfig config = request.config;
    config.patience = 0;
    out.result = ml::train(*out.model.network, {&d.inputs, &d.labels}, {}, config, callbacks);
    if (out.result.cancelled || out.result.diverged)
        return;
    out.model.temperature = ml::fitTemperature(oof, d.labels);  // calibrated on the held-out folds' probabilities
    out.notes << QStringLiteral("The kept model was trained on all %1 songs for %2 epochs after the cross-validation; "
                                "its scores are the cross-validation's.")
                     .arg(songs).arg(out.result.history.size());
}

} // namespace

data::Dataset loadTrainingData(const TrainingRequest& request, const TaskControl& control, QStringList* skipped)
{
    if (request.dataset) {
        if (request.dataset->kind != request.input)
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("The data holds %1 but the network takes %2 input.")
                                                        .arg(data::inputKindName(request.dataset->kind),
                                                             data::inputKindName(request.input)));
        return *request.dataset;
    }
    std::vector<LabelledSong> songs = request.songs;
    if (songs.empty() && data::isSongFolder(request.dataPath))
        songs = songsInClassFolders(request.dataPath);
    if (songs.empty())
        return data::loadDataset(request.dataPath, request.input);
    const bool features = request.input == data::InputKind::Features;
    SongSetAnalysis analysis =
        analyseSongs(songs, features ? WantedInputs::Features : WantedInputs::Images, request.threads, control);
    if (skipped)
        *skipped << analysis.skipped;
    return std::move(features ? analysis.features : analysis.images);
}

TrainingOutcome runTraining(const TrainingRequest& givenRequest, const ml::TrainCallbacks& callbacks,
                            const CrossValidationCallbacks& cvCallbacks)
{
    TrainingOutcome out;
    data::Dataset d = loadTrainingData(givenRequest, TaskControl{{}, callbacks.cancel}, &out.skipped);
    TrainingRequest request = givenRequest;  // messages and the model's card name the data
    if (request.dataPath.isEmpty())
        request.dataPath = d.source;
    request.songs.clear();
    request.dataset.reset();
    if (!request.initialModel.isEmpty() && !request.initialWeights)
        request.initialWeights = std::make_shared<const ml::Model>(ml::loadModel(request.initialModel));
    if (request.initialWeights && request.initialWeights->inputKind != data::inputKindName(request.input))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The starting model takes %1 input; this network takes %2.")
                                                    .arg(request.initialWeights->inputKind, data::inputKindName(request.input)));
    if (request.freezeInitial && !request.initialWeights)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Freezing the starting model's layers needs a starting model (--init)."));
    const int classes = int(d.classes.size());
    const std::vector<int> perClass = data::songsPerClass(d.songIds, d.labels, classes);
    const int smallest = smallestClass(perClass);
    if (const QString note = fewSongsNote(perClass, d.classes); !note.isEmpty())
        out.notes << note;

    const CrossValidation cv = request.crossValidation.resolve(perClass[size_t(smallest)], d.songCount());
    const bool crossValidating = cv.mode != CrossValidation::Mode::Off;
    if (crossValidating && request.config.patience > 0) {
        if (request.crossValidation.mode != CrossValidation::Mode::Auto)
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("Early stopping needs a validation part, and cross-validation keeps none (each fold "
                                       "trains every epoch). Set the patience to 0."));
        out.notes << QStringLiteral("The patience was ignored: cross-validation trains each fold for all %1 epochs.")
                         .arg(request.config.epochs);
    }
    if (request.crossValidation.mode == CrossValidation::Mode::Auto && crossValidating)
        out.notes << QStringLiteral("Cross-validation was chosen because the smallest class (%1) has %2 songs, fewer than %3.")
                         .arg(d.classes[smallest]).arg(perClass[size_t(smallest)]).arg(kSmallClassSongs);
    else if (!crossValidating && perClass[size_t(smallest)] < kSmallClassSongs)
        out.notes << QStringLiteral("The smallest class (%1) has %2 songs, fewer than %3: a held-out split scores the model "
                                    "on a handful of them. Cross-validate by song instead (--cv auto).")
                         .arg(d.classes[smallest]).arg(perClass[size_t(smallest)]).arg(kSmallClassSongs);

    std::vector<int> logInputs;
    if (request.logFeatures && request.input == data::InputKind::Features) {
        logInputs = logScaledFeatures();
        ml::logScaleInPlace(d.inputs, logInputs);
    }
    const QString arch = request.architecture.isEmpty() ? defaultArchitecture(request.input) : request.architecture;
    if (request.initialWeights) {
        ml::Network probe(arch, inputShapeOf(d, request), classes);
        const int copied = probe.copyLeadingLayers(*request.initialWeights->network);
        out.notes << QStringLiteral("Started from %1: its first %2 of %3 layers, %4, with its standardisation.")
                         .arg(request.initialModel.isEmpty() ? QStringLiteral("the given model") : shownPath(request.initialModel))
                         .arg(copied).arg(probe.layerCount())
                         .arg(request.freezeInitial ? QStringLiteral("kept fixed") : QStringLiteral("fine-tuned"));
    }

    if (crossValidating && request.split.startsWith(QLatin1String("lists:"))) {
        // Only the songs of train.txt and valid.txt take part: test songs are never trained on.
        const data::Split lists = data::listSplit(d.songIds, request.split.mid(6));
        std::vector<int> listed = lists.train;
        listed.insert(listed.end(), lists.valid.begin(), lists.valid.end());
        std::sort(listed.begin(), listed.end());
        if (int(listed.size()) < d.size())
            out.notes << QStringLiteral("%1 rows of songs in test.txt or in no list were left out of the cross-validation "
                                        "and of the kept model.").arg(d.size() - int(listed.size()));
        d = d.subset(listed);
    }
    if (crossValidating) {
        crossValidate(out, request, d, arch, logInputs, cv, callbacks, cvCallbacks);
        if (out.crossValidation.complete() && !cv.onlyFold)
            judgeChance(out, out.crossValidation.meanSongAccuracy, d.songCount(), classes, QStringLiteral("cross-validated mean"));
    } else {
        out.split = data::makeSplit(request.split, d.songIds, request.config.seed);
        if (out.split.train.empty())
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("The split leaves no training rows."));
        const data::Standardizer stdz = fitStandardizer(d, out.split.train, request, logInputs);
        stdz.apply(d.inputs);
        startModel(out.model, request, d, arch, stdz, logInputs);
        if (request.input == data::InputKind::Features &&
            ml::enoughRowsForDistribution(out.split.train.size(), int(d.inputs.sampleSize())))
            out.model.distribution = ml::fitFeatureDistribution(d.inputs, out.split.train);

        const data::Dataset trainPart = d.subset(out.split.train);
        const data::Dataset validPart = d.subset(out.split.valid);
        out.result = ml::train(*out.model.network, {&trainPart.inputs, &trainPart.labels},
                               {&validPart.inputs, &validPart.labels}, request.config, callbacks);

        out.valid = score(out.model, d, out.split.valid, out.result.bestEpoch > 0);  // calibrates on valid
        out.test = score(out.model, d, out.split.test, false);
        if (const QString note = epochOneNote(out); !note.isEmpty())
            out.notes << note;
        const PartScores& judged = out.valid.empty() ? out.test : out.valid;
        if (!judged.empty() && out.result.bestEpoch > 0)
            judgeChance(out, judged.songReport.accuracy, judged.songs, classes,
                        out.valid.empty() ? QStringLiteral("test") : QStringLiteral("validation"));
    }

    out.model.training = QJsonObject{
        {"data", QFileInfo(request.dataPath).absoluteFilePath()},
        {"input", data::inputKindName(request.input)},
        {"split", out.split.description},
        {"rows", QJsonObject{{"train", int(out.split.train.size())}, {"valid", int(out.split.valid.size())},
                             {"test", int(out.split.test.size())}}},
        {"hyperparameters", hyperparametersJson(request)},
        {"bestEpoch", out.result.bestEpoch},
        {"stopped", out.result.message},
        {"seconds", out.result.seconds},
        {"date", QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
        {"parameters", out.model.network ? double(out.model.network->parameterCount()) : 0.0},
        {"temperature", out.model.temperature},
        {"songs", d.songCount()},
        {"notes", QJsonArray::fromStringList(out.notes)},
    };
    if (crossValidating)
        out.model.training.insert("keptModel", QStringLiteral("trained on all %1 songs").arg(d.songCount()));
    out.model.metrics = QJsonObject{{"valid", scoresJson(out.valid, d.classes)}, {"test", scoresJson(out.test, d.classes)},
                                    {"atChance", out.atChance}, {"chanceLevel", 1.0 / classes}};
    if (crossValidating)
        out.model.metrics.insert("crossValidation", crossValidationJson(out.crossValidation, d.classes));
    out.log = QJsonObject{{"architecture", arch}, {"training", out.model.training}, {"metrics", out.model.metrics},
                          {"history", historyJson(out.result.history)},
                          {"notes", QJsonArray::fromStringList(out.split.notes + out.notes)}};
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
