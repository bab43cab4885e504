#include "ml/Trainer.h"

#include "common/Error.h"
#include "ml/Metrics.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace genrescope::ml {
namespace {

using Snapshot = std::vector<Buffer<float>>;

Snapshot snapshot(Network& net)
{
    Snapshot s;
    for (auto& [name, t] : net.state())
        s.push_back(t->data);
    return s;
}

void restore(Network& net, const Snapshot& s)
{
    size_t i = 0;
    for (auto& [name, t] : net.state())
        t->data = s[i++];
}

/// Copies rows `order[from, from+count)` of a set into a batch.
void gather(const LabelledSet& set, const std::vector<int>& order, int from, int count, Tensor& x, std::vector<int>& y)
{
    std::vector<int> shape = set.inputs->shape;
    shape[0] = count;
    x.resize(shape);
    y.resize(size_t(count));
    const long F = set.inputs->sampleSize();
    // Threads copy the rows they will take through the network (ml/Gemm.h splits rows evenly).
#pragma omp parallel if (long(count) * F >= 8192)
    {
#ifdef _OPENMP
        const int team = omp_get_num_threads(), t = omp_get_thread_num();
#else
        const int team = 1, t = 0;
#endif
        const int first = int(long(count) * t / team), last = int(long(count) * (t + 1) / team);
        constexpr int kAhead = 8;  // shuffled rows of a set larger than the caches: fetch them early
        for (int i = first; i < last; ++i) {
            const int row = order[size_t(from + i)];
            if (F <= 1024 && i + kAhead < last) {
                const char* next = reinterpret_cast<const char*>(set.inputs->sample(order[size_t(from + i + kAhead)]));
                for (long b = 0; b < F * long(sizeof(float)); b += 64)
                    __builtin_prefetch(next + b);
            }
            std::copy(set.inputs->sample(row), set.inputs->sample(row) + F, x.sample(i));
            y[size_t(i)] = (*set.labels)[size_t(row)];
        }
    }
}

/// As gather, but each image is a random crop of `width` columns.
void gatherCrops(const LabelledSet& set, const std::vector<int>& order, int from, int count, int width,
                 std::mt19937& rng, Tensor& x, std::vector<int>& y)
{
    std::vector<int> shape = set.inputs->shape;
    shape[0] = count;
    shape[3] = width;
    x.resize(shape);
    y.resize(size_t(count));
    std::uniform_int_distribution<int> offset(0, set.inputs->shape[3] - width);
    for (int i = 0; i < count; ++i) {
        const int row = order[size_t(from + i)];
        copyCrop(*set.inputs, row, offset(rng), width, x.sample(i));
        y[size_t(i)] = (*set.labels)[size_t(row)];
    }
}

/// What a stopped run leaves: "the model from epoch N was kept", or that none was.
QString keptModel(int bestEpoch)
{
    return bestEpoch > 0 ? QStringLiteral("the model from epoch %1 was kept").arg(bestEpoch)
                         : QStringLiteral("no model was kept");
}

/// A learning rate to suggest after divergence: a tenth of this one, at most the default.
QString smallerLearningRate(double rate)
{
    return QString::number(std::min(rate / 10, OptimizerConfig{}.learningRate), 'g', 3);
}

/// Why an epoch counts as diverged by its losses, or an empty string. The scale is the
/// larger of an even guess's loss (ln C for C classes) and the untrained network's: a mean
/// training loss ten times that has blown up, and so has a later one a hundred times the
/// first epoch's. Overfitting raises the validation loss, but not to a hundred times the scale.
QString lossBlewUp(const std::vector<EpochStats>& history, int classes, double untrained)
{
    const EpochStats& e = history.back();
    const double scale = std::max(std::log(double(std::max(classes, 2))), untrained);
    const double first = history.front().trainLoss;
    if (e.trainLoss > 10 * scale)
        return QStringLiteral("the training loss reached %1; untrained it was %2").arg(e.trainLoss, 0, 'g', 3).arg(untrained, 0, 'g', 3);
    if (history.size() > 1 && e.trainLoss > 100 * first && e.trainLoss > scale)
        return QStringLiteral("the training loss rose to %1 from %2 in epoch 1").arg(e.trainLoss, 0, 'g', 3).arg(first, 0, 'g', 3);
    if (e.validLoss > 100 * scale)
        return QStringLiteral("the validation loss reached %1; untrained it was about %2").arg(e.validLoss, 0, 'g', 3).arg(untrained, 0, 'g', 3);
    return {};
}

void addNoise(Tensor& x, float sigma, std::mt19937& rng)
{
    std::normal_distribution<float> noise(0.0f, sigma);
    for (float& v : x.data)
        v += noise(rng);
}

} // namespace

bool allFinite(Network& net)
{
    for (auto& [name, t] : net.state())
        for (float v : t->data)
            if (!std::isfinite(v))
                return false;
    return true;
}

std::pair<double, double> evaluate(Network& net, const LabelledSet& set, int batch, const CropConfig& crop)
{
    const int N = set.size();
    if (N == 0)
        return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    if (crop.enabled())
        return lossAndAccuracy(predictWithCrops(net, *set.inputs, crop), *set.labels);
    std::vector<int> order(static_cast<size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    Tensor x, grad;
    std::vector<int> y;
    double loss = 0;
    long correct = 0;
    for (int start = 0; start < N; start += batch) {
        const int count = std::min(batch, N - start);
        gather(set, order, start, count, x, y);
        const Tensor& logits = net.forward(x, false);
        loss += softmaxCrossEntropy(logits, y, grad) * count;
        const std::vector<int> predicted = argmaxRows(logits);
        for (int i = 0; i < count; ++i)
            correct += predicted[size_t(i)] == y[size_t(i)];
    }
    return {loss / N, double(correct) / N};
}

TrainResult train(Network& net, const LabelledSet& training, const LabelledSet& validation, const TrainConfig& config,
                  const TrainCallbacks& callbacks)
{
    if (training.size() == 0)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("There are no training rows."));
    if (config.batch < 1 || config.epochs < 1)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Batch size and epochs must be positive."));
    if (!(config.optimizer.learningRate > 0) || !std::isfinite(config.optimizer.learningRate))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The learning rate must be a positive number."));
    const int cropWidth = config.crop.columns;
    if (cropWidth > 0 && (training.inputs->shape.size() != 4 || cropWidth > training.inputs->shape[3] ||
                          net.inputShape().size() != 3 || net.inputShape()[2] != cropWidth))
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Time crops of %1 columns need image inputs at least that wide.").arg(cropWidth));
    if (config.specAugment.enabled() && training.inputs->shape.size() != 4)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Frequency and time masks and shifts need image inputs."));
    if (!(config.inputNoise >= 0) || !std::isfinite(config.inputNoise))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The input noise must be zero or positive."));

    QElapsedTimer total;
    total.start();
    TrainResult result;
    Optimizer optimizer(config.optimizer);
    std::mt19937 shuffle(config.seed ^ 0x9e3779b9u);
    std::mt19937 augment(config.seed ^ 0x85ebca6bu);
    const int N = training.size();
    const int batches = (N + config.batch - 1) / config.batch;
    const bool hasValidation = validation.size() > 0;

    Snapshot best = snapshot(net);
    double bestScore = -std::numeric_limits<double>::infinity();
    int sinceBest = 0;
    std::vector<int> order(static_cast<size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    Tensor x, grad;
    std::vector<int> y;
    const std::vector<Parameter> parameters = net.trainableParameters();  // stable: the layers never change
    double untrainedLoss = 0;  // the first batch's, before any step
    auto cancelled = [&] { return callbacks.cancel && callbacks.cancel->load(std::memory_order_relaxed); };
    auto stopDiverged = [&](int epoch, const QString& why) {
        result.diverged = true;
        result.message = QStringLiteral("Training diverged in epoch %1 (%2); %3. Try a smaller learning rate than %4, "
                                        "e.g. %5.")
                             .arg(epoch).arg(why, keptModel(result.bestEpoch))
                             .arg(config.optimizer.learningRate, 0, 'g', 3)
                             .arg(smallerLearningRate(config.optimizer.learningRate));
        restore(net, best);
        result.seconds = total.elapsed() / 1000.0;
        return result;
    };

    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        QElapsedTimer clock;
        clock.start();
        std::shuffle(order.begin(), order.end(), shuffle);
        double lossSum = 0;
        long correct = 0;
        for (int b = 0; b < batches; ++b) {
            if (cancelled()) {
                result.cancelled = true;
                result.message = QStringLiteral("Training was cancelled in epoch %1; %2.").arg(epoch).arg(keptModel(result.bestEpoch));
                restore(net, best);
                result.seconds = total.elapsed() / 1000.0;
                return result;
            }
            const int start = b * config.batch, count = std::min(config.batch, N - start);
            if (cropWidth > 0)
                gatherCrops(training, order, start, count, cropWidth, augment, x, y);
            else
                gather(training, order, start, count, x, y);
            specAugment(x, config.specAugment, augment);
            if (config.inputNoise > 0)
                addNoise(x, config.inputNoise, augment);
            const Tensor& logits = net.forward(x, true);
            const double loss = softmaxCrossEntropy(logits, y, grad);
            if (epoch == 1 && b == 0)
                untrainedLoss = loss;
            if (!std::isfinite(loss))
                return stopDiverged(epoch, QStringLiteral("the loss became %1").arg(loss));
            const std::vector<int> predicted = argmaxRows(logits);
            for (int i = 0; i < count; ++i)
                correct += predicted[size_t(i)] == y[size_t(i)];
            lossSum += loss * count;
            net.backward(grad);
            optimizer.step(parameters);
            if (callbacks.onBatch)
                callbacks.onBatch(epoch, b + 1, batches, loss);
        }
        EpochStats stats;
        stats.epoch = epoch;
        stats.trainLoss = lossSum / N;
        stats.trainAccuracy = double(correct) / N;
        std::tie(stats.validLoss, stats.validAccuracy) = evaluate(net, validation, 256, config.crop);
        stats.seconds = double(clock.nsecsElapsed()) / 1e9;
        result.history.push_back(stats);

        if (!allFinite(net) || !std::isfinite(stats.trainLoss))
            return stopDiverged(epoch, QStringLiteral("weights became non-finite"));
        if (const QString why = lossBlewUp(result.history, net.classes(), untrainedLoss); !why.isEmpty())
            return stopDiverged(epoch, why);
        const double score = hasValidation ? stats.validAccuracy - 1e-9 * stats.validLoss : -stats.trainLoss;
        if (score > bestScore) {
            bestScore = score;
            best = snapshot(net);
            result.bestEpoch = epoch;
            result.bestValidAccuracy = hasValidation ? stats.validAccuracy : stats.trainAccuracy;
            sinceBest = 0;
        } else {
            ++sinceBest;
        }
        if (callbacks.onEpoch)
            callbacks.onEpoch(stats);
        if (config.patience > 0 && sinceBest >= config.patience) {
            result.stoppedEarly = true;
            result.message = QStringLiteral("Stopped early after epoch %1: no validation improvement for %2 epochs.")
                                 .arg(epoch).arg(config.patience);
            break;
        }
    }
    restore(net, best);
    if (result.message.isEmpty())
        result.message = result.bestEpoch > 0
                             ? QStringLiteral("Finished %1 epochs; kept the model from epoch %2%3.")
                                   .arg(result.history.size()).arg(result.bestEpoch)
                                   .arg(hasValidation ? QString()
                                                      : QStringLiteral(", the lowest training loss (there was no "
                                                                       "validation part to choose by)"))
                                              : QStringLiteral("Finished %1 epochs; no epoch gave a usable model.")
                                                    .arg(result.history.size());
    result.seconds = total.elapsed() / 1000.0;
    return result;
}

} // namespace genrescope::ml
