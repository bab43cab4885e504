#include "ml/Distillation.h"

#include "common/Error.h"

#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace genrescope::ml {
namespace {

/// dLoss/dOutputs of the mean squared error (mean over rows and outputs); returns the loss.
double meanSquaredError(const Tensor& outputs, const Tensor& targets, const std::vector<int>& rows, Tensor& grad)
{
    grad.resize(outputs.shape);
    const long D = outputs.sampleSize();
    const double scale = 2.0 / double(outputs.batch() * D);
    double loss = 0;
    for (int i = 0; i < outputs.batch(); ++i) {
        const float* y = outputs.sample(i);
        const float* t = targets.sample(rows[size_t(i)]);
        float* g = grad.sample(i);
        for (long k = 0; k < D; ++k) {
            const double d = double(y[k]) - double(t[k]);
            loss += d * d;
            g[k] = float(scale * d);
        }
    }
    return loss / double(outputs.batch() * D);
}

} // namespace

DistillationResult distil(Network& net, const TargetSet& set, const TrainConfig& config,
                          const std::function<void(int, double)>& onEpoch, const CancelFlag* cancel)
{
    const int N = set.size();
    if (N == 0 || !set.targets || set.targets->batch() != N)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Distillation needs one target row per input."));
    if (set.targets->sampleSize() != net.classes())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The network has %1 outputs for %2 target values.")
                                                    .arg(net.classes()).arg(set.targets->sampleSize()));
    if (config.batch < 1 || config.epochs < 1)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Batch size and epochs must be positive."));
    if (!(config.optimizer.learningRate > 0) || !std::isfinite(config.optimizer.learningRate))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The learning rate must be a positive number."));
    const int width = config.crop.columns;
    if (width > 0 && (set.inputs->shape.size() != 4 || width > set.inputs->shape[3]))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Time crops need image inputs at least that wide."));

    QElapsedTimer clock;
    clock.start();
    DistillationResult result;
    Optimizer optimizer(config.optimizer);
    const std::vector<Parameter> parameters = net.trainableParameters();
    std::mt19937 shuffle(config.seed ^ 0x9e3779b9u), augment(config.seed ^ 0x85ebca6bu);
    std::vector<int> order(static_cast<size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    std::vector<int> rows;
    Tensor x, grad;
    std::vector<int> shape = set.inputs->shape;
    if (width > 0)
        shape[3] = width;
    const long F = Tensor::count(std::vector<int>(shape.begin() + 1, shape.end()));
    for (int epoch = 1; epoch <= config.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), shuffle);
        double sum = 0;
        for (int start = 0; start < N; start += config.batch) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                result.cancelled = true;
                result.message = QStringLiteral("Distillation was cancelled in epoch %1.").arg(epoch);
                result.seconds = clock.elapsed() / 1000.0;
                return result;
            }
            const int count = std::min(config.batch, N - start);
            rows.assign(order.begin() + start, order.begin() + start + count);
            shape[0] = count;
            x.resize(shape);
            std::uniform_int_distribution<int> offset(0, width > 0 ? set.inputs->shape[3] - width : 0);
            for (int i = 0; i < count; ++i) {
                if (width > 0)
                    copyCrop(*set.inputs, rows[size_t(i)], offset(augment), width, x.sample(i));
                else
                    std::copy_n(set.inputs->sample(rows[size_t(i)]), F, x.sample(i));
            }
            specAugment(x, config.specAugment, augment);
            const Tensor& outputs = net.forward(x, true);
            const double loss = meanSquaredError(outputs, *set.targets, rows, grad);
            if (!std::isfinite(loss)) {
                result.diverged = true;
                result.message = QStringLiteral("Distillation diverged in epoch %1; try a smaller learning rate.").arg(epoch);
                result.seconds = clock.elapsed() / 1000.0;
                return result;
            }
            sum += loss * count;
            net.backward(grad);
            optimizer.step(parameters);
        }
        result.trainLoss.push_back(sum / N);
        if (onEpoch)
            onEpoch(epoch, sum / N);
    }
    result.message = QStringLiteral("Finished %1 epochs; mean squared error %2.")
                         .arg(config.epochs).arg(result.trainLoss.back(), 0, 'g', 4);
    result.seconds = clock.elapsed() / 1000.0;
    return result;
}

Tensor predictOutputs(Network& net, const Tensor& inputs, const CropConfig& crop, int batch)
{
    const std::vector<int>& inShape = net.inputShape();
    const bool cropping = crop.enabled() && inputs.shape.size() == 4 && inputs.shape[3] > inShape.back();
    const std::vector<int> offsets = cropping ? evenCropOffsets(inputs.shape[3], inShape.back(), crop.views) : std::vector<int>{0};
    Tensor out({inputs.batch(), net.classes()});
    out.zero();
    std::vector<int> shape = inputs.shape;
    if (cropping)
        shape[3] = inShape.back();
    Tensor x;
    for (int start = 0; start < inputs.batch(); start += batch) {
        const int count = std::min(batch, inputs.batch() - start);
        shape[0] = count;
        x.resize(shape);
        for (int offset : offsets) {
            for (int i = 0; i < count; ++i) {
                if (cropping)
                    copyCrop(inputs, start + i, offset, inShape.back(), x.sample(i));
                else
                    std::copy_n(inputs.sample(start + i), x.sampleSize(), x.sample(i));
            }
            const Tensor& y = net.forward(x, false);
            for (int i = 0; i < count; ++i)
                for (long k = 0; k < y.sampleSize(); ++k)
                    out.sample(start + i)[k] += y.sample(i)[k] / float(offsets.size());
        }
    }
    return out;
}

std::pair<double, double> regressionError(const Tensor& outputs, const Tensor& targets)
{
    if (outputs.shape != targets.shape || outputs.batch() == 0)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Outputs and targets must have the same, non-empty shape."));
    double squared = 0, cosine = 0;
    const long D = outputs.sampleSize();
    for (int i = 0; i < outputs.batch(); ++i) {
        double dot = 0, yy = 0, tt = 0;
        for (long k = 0; k < D; ++k) {
            const double y = outputs.sample(i)[k], t = targets.sample(i)[k];
            squared += (y - t) * (y - t);
            dot += y * t;
            yy += y * y;
            tt += t * t;
        }
        cosine += yy > 0 && tt > 0 ? dot / std::sqrt(yy * tt) : 0.0;
    }
    return {squared / double(outputs.batch() * D), cosine / outputs.batch()};
}

} // namespace genrescope::ml
