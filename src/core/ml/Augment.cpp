#include "ml/Augment.h"

#include "common/Error.h"
#include "ml/Metrics.h"

#include <algorithm>
#include <cmath>

namespace genrescope::ml {

std::vector<int> evenCropOffsets(int full, int width, int views)
{
    const int room = std::max(0, full - width);
    if (views <= 1 || room == 0)
        return {room / 2};
    std::vector<int> offsets;
    for (int v = 0; v < views; ++v)
        offsets.push_back(int(std::lround(double(room) * v / (views - 1))));
    return offsets;
}

void copyCrop(const Tensor& images, int n, int offset, int width, float* dst)
{
    const int C = images.shape[1], H = images.shape[2], W = images.shape[3];
    const float* src = images.sample(n);
    for (int r = 0; r < C * H; ++r)
        std::copy(src + long(r) * W + offset, src + long(r) * W + offset + width, dst + long(r) * width);
}

Tensor predictWithCrops(Network& net, const Tensor& inputs, const CropConfig& crop)
{
    const std::vector<int>& netShape = net.inputShape();
    const bool sameShape = std::equal(inputs.shape.begin() + 1, inputs.shape.end(), netShape.begin(), netShape.end());
    if (sameShape)
        return net.predict(inputs);
    const bool croppable = inputs.shape.size() == 4 && netShape.size() == 3 && inputs.shape[1] == netShape[0] &&
                           inputs.shape[2] == netShape[1] && inputs.shape[3] >= netShape[2];
    if (!crop.enabled() || !croppable)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The input does not have the shape the network expects."));
    const int N = inputs.batch(), width = netShape[2];
    Tensor mean({N, net.classes()});
    mean.zero();
    const std::vector<int> offsets = evenCropOffsets(inputs.shape[3], width, crop.views);
    const int V = int(offsets.size()), K = net.classes();
    // All crops of a chunk of samples go through the network as one batch (sample n, view v at n*V + v).
    const int chunk = std::max(1, 128 / V);
    for (int from = 0; from < N; from += chunk) {
        const int count = std::min(chunk, N - from);
        Tensor views({count * V, netShape[0], netShape[1], width});
        for (int n = 0; n < count; ++n)
            for (int v = 0; v < V; ++v)
                copyCrop(inputs, from + n, offsets[size_t(v)], width, views.sample(n * V + v));
        const Tensor p = net.predict(views);
        for (int n = 0; n < count; ++n)
            for (int v = 0; v < V; ++v)
                for (int k = 0; k < K; ++k)
                    mean.sample(from + n)[k] += p.sample(n * V + v)[k] / float(V);
    }
    return mean;
}

void specAugment(Tensor& images, const SpecAugmentConfig& config, std::mt19937& rng)
{
    if (!config.enabled() || images.shape.size() != 4)
        return;
    const int C = images.shape[1], H = images.shape[2], W = images.shape[3];
    auto upTo = [&rng](int most) { return most > 0 ? std::uniform_int_distribution<int>(0, most)(rng) : 0; };
    std::vector<float> plane(size_t(H) * size_t(W));
    for (int n = 0; n < images.batch(); ++n) {
        const int shift = config.frequencyShift > 0
            ? std::uniform_int_distribution<int>(-config.frequencyShift, config.frequencyShift)(rng) : 0;
        const int bandHeight = std::min(upTo(config.frequencyMask), H);
        const int bandTop = std::uniform_int_distribution<int>(0, H - bandHeight)(rng);
        const int stretchWidth = std::min(upTo(config.timeMask), W);
        const int stretchLeft = std::uniform_int_distribution<int>(0, W - stretchWidth)(rng);
        for (int c = 0; c < C; ++c) {
            float* x = images.sample(n) + size_t(c) * size_t(H) * size_t(W);
            if (shift != 0) {
                std::copy_n(x, plane.size(), plane.begin());
                for (int h = 0; h < H; ++h)
                    std::copy_n(plane.data() + size_t(std::clamp(h - shift, 0, H - 1)) * size_t(W), W, x + size_t(h) * size_t(W));
            }
            for (int h = bandTop; h < bandTop + bandHeight; ++h)
                std::fill_n(x + size_t(h) * size_t(W), W, 0.0f);
            for (int h = 0; h < H; ++h)
                std::fill_n(x + size_t(h) * size_t(W) + stretchLeft, stretchWidth, 0.0f);
        }
    }
}

void applyTemperature(Tensor& probabilities, double temperature)
{
    if (temperature == 1.0)
        return;
    const int K = int(probabilities.sampleSize());
    for (int n = 0; n < probabilities.batch(); ++n) {
        float* p = probabilities.sample(n);
        double maxLog = -1e300;
        std::vector<double> logs(static_cast<size_t>(K));
        for (int c = 0; c < K; ++c) {
            logs[size_t(c)] = std::log(std::max(double(p[c]), 1e-30)) / temperature;
            maxLog = std::max(maxLog, logs[size_t(c)]);
        }
        double sum = 0;
        for (double& l : logs)
            sum += (l = std::exp(l - maxLog));
        for (int c = 0; c < K; ++c)
            p[c] = float(logs[size_t(c)] / sum);
    }
}

double fitTemperature(const Tensor& probabilities, const std::vector<int>& labels)
{
    auto loss = [&](double logT) {
        Tensor p = probabilities;
        applyTemperature(p, std::exp(logT));
        return lossAndAccuracy(p, labels).first;
    };
    // Golden-section search on log T; the loss is unimodal in T for softmax outputs.
    double a = std::log(0.05), b = std::log(50.0);
    const double g = (std::sqrt(5.0) - 1.0) / 2.0;
    double c = b - g * (b - a), d = a + g * (b - a);
    double fc = loss(c), fd = loss(d);
    for (int i = 0; i < 60; ++i) {
        if (fc < fd) {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = loss(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = loss(d);
        }
    }
    return std::exp((a + b) / 2.0);
}

std::pair<double, double> lossAndAccuracy(const Tensor& probabilities, const std::vector<int>& labels)
{
    const int N = probabilities.batch();
    const std::vector<int> predicted = argmaxRows(probabilities);
    double loss = 0;
    long correct = 0;
    for (int n = 0; n < N; ++n) {
        loss -= std::log(std::max(1e-12, double(probabilities.sample(n)[labels[size_t(n)]])));
        correct += predicted[size_t(n)] == labels[size_t(n)];
    }
    return {loss / std::max(1, N), double(correct) / std::max(1, N)};
}

} // namespace genrescope::ml
