#include "ml/Network.h"

#include "common/Error.h"

#include <QRegularExpression>
#include <QStringList>
#include <algorithm>

namespace genrescope::ml {
namespace {

[[noreturn]] void badToken(const QString& token, const QString& why)
{
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("Architecture token \"%1\": %2").arg(token, why));
}

int positive(const QString& text, const QString& token, const char* what)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < 1 || v > 100000)
        badToken(token, QStringLiteral("%1 must be a positive whole number.").arg(QLatin1String(what)));
    return v;
}

/// "3x5" -> {3, 5}; "3" -> {3, 3}.
std::pair<int, int> pair(const QString& text, const QString& token, const char* what, bool allowZero = false)
{
    const QStringList parts = text.split(QLatin1Char('x'));
    if (parts.size() > 2)
        badToken(token, QStringLiteral("%1 must look like 3 or 3x5.").arg(QLatin1String(what)));
    bool ok1 = false, ok2 = false;
    const int a = parts[0].toInt(&ok1), b = parts.size() == 2 ? parts[1].toInt(&ok2) : (ok2 = ok1, a);
    if (!ok1 || !ok2 || a < (allowZero ? 0 : 1) || b < (allowZero ? 0 : 1) || a > 10000 || b > 10000)
        badToken(token, QStringLiteral("%1 must look like 3 or 3x5.").arg(QLatin1String(what)));
    return {a, b};
}

/// Limits that keep a hostile or mistyped architecture (or a crafted model file) from
/// asking for more memory than any real network here needs.
constexpr double kMaxLayerWeights = double(1 << 28);     // 1 GiB of floats in one layer
constexpr long kMaxActivationsPerSample = 1L << 26;      // 256 MiB of floats per example

void checkWeights(double weights, const QString& token)
{
    if (weights > kMaxLayerWeights)
        badToken(token, QStringLiteral("the layer would hold %1 million weights; at most %2 million are allowed.")
                            .arg(weights / 1e6, 0, 'f', 0).arg(kMaxLayerWeights / 1e6, 0, 'f', 0));
}

} // namespace

Network::Network(const QString& spec, std::vector<int> inputShape, int classes)
    : spec_(spec.simplified().remove(QLatin1Char(' '))), inputShape_(std::move(inputShape)), classes_(classes)
{
    if (classes < 2)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("A classifier needs at least two classes."));
    std::vector<int> shape = inputShape_;
    QString current = QStringLiteral("output");  // the token being built, for messages
    auto add = [&](std::unique_ptr<Layer> layer) {
        shape = layer->outputShape(shape);
        if (Tensor::count(shape) > kMaxActivationsPerSample)
            badToken(current, QStringLiteral("its output would hold %1 values per example; at most %2 are allowed.")
                                  .arg(Tensor::count(shape)).arg(kMaxActivationsPerSample));
        layers_.push_back(std::move(layer));
    };
    if (Tensor::count(inputShape_) < 1 || Tensor::count(inputShape_) > kMaxActivationsPerSample)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The input shape is empty or far too large."));
    if (spec_ == QLatin1String("none") || spec_ == QLatin1String("linear"))
        spec_.clear();  // no hidden layers: a linear softmax classifier
    const QStringList tokens = spec_.isEmpty() ? QStringList() : spec_.split(QLatin1Char(','));
    for (const QString& token : tokens) {
        const QStringList f = token.split(QLatin1Char(':'));
        const QString kind = f[0].toLower();
        current = token;
        try {
            if (kind == QLatin1String("dense")) {
                if (f.size() < 2 || f.size() > 3)
                    badToken(token, QStringLiteral("use dense:UNITS[:relu|tanh|none]."));
                if (shape.size() > 1)
                    add(std::make_unique<Flatten>());
                const int units = positive(f[1], token, "units");
                checkWeights(double(Tensor::count(shape)) * units, token);
                add(std::make_unique<Dense>(int(Tensor::count(shape)), units,
                                            parseActivation(f.size() == 3 ? f[2] : QStringLiteral("relu"))));
            } else if (kind == QLatin1String("conv")) {
                if (shape.size() != 3)
                    badToken(token, QStringLiteral("convolution needs an image input (use --input image)."));
                if (f.size() < 3)
                    badToken(token, QStringLiteral("use conv:FILTERS:KHxKW[:sSHxSW][:pPHxPW][:relu|tanh|none]."));
                const int filters = positive(f[1], token, "filters");
                const auto [kh, kw] = pair(f[2], token, "kernel");
                std::pair<int, int> stride{1, 1}, pad{0, 0};
                Activation act = Activation::Relu;
                for (int i = 3; i < f.size(); ++i) {
                    if (f[i].startsWith(QLatin1Char('s')))
                        stride = pair(f[i].mid(1), token, "stride");
                    else if (f[i].startsWith(QLatin1Char('p')))
                        pad = pair(f[i].mid(1), token, "padding", true);
                    else
                        act = parseActivation(f[i]);
                }
                checkWeights(double(shape[0]) * filters * kh * kw, token);
                add(std::make_unique<Conv2D>(shape[0], filters, kh, kw, stride.first, stride.second, pad.first,
                                             pad.second, act));
            } else if (kind == QLatin1String("maxpool")) {
                if (f.size() < 2 || f.size() > 3)
                    badToken(token, QStringLiteral("use maxpool:KHxKW[:sSHxSW]."));
                const auto k = pair(f[1], token, "window");
                const auto s = f.size() == 3 && f[2].startsWith(QLatin1Char('s')) ? pair(f[2].mid(1), token, "stride") : k;
                add(std::make_unique<MaxPool2D>(k.first, k.second, s.first, s.second));
            } else if (kind == QLatin1String("gap")) {
                add(std::make_unique<GlobalAvgPool>());
            } else if (kind == QLatin1String("flatten")) {
                add(std::make_unique<Flatten>());
            } else if (kind == QLatin1String("batchnorm")) {
                add(std::make_unique<BatchNorm>(shape.size() == 3 ? shape[0] : int(Tensor::count(shape))));
            } else if (kind == QLatin1String("dropout")) {
                bool ok = false;
                const double rate = f.size() == 2 ? f[1].toDouble(&ok) : 0.0;
                if (!ok || rate < 0 || rate >= 1)
                    badToken(token, QStringLiteral("use dropout:RATE with 0 <= RATE < 1."));
                add(std::make_unique<Dropout>(float(rate)));
            } else {
                badToken(token, QStringLiteral("unknown layer (use dense, conv, maxpool, gap, flatten, batchnorm, dropout)."));
            }
        } catch (const Error& e) {
            if (e.message().startsWith(QLatin1String("Architecture token")))
                throw;
            badToken(token, e.message());
        }
    }
    // Output layer.
    current = QStringLiteral("output");
    if (shape.size() > 1)
        add(std::make_unique<Flatten>());
    checkWeights(double(Tensor::count(shape)) * classes_, current);
    add(std::make_unique<Dense>(int(Tensor::count(shape)), classes_, Activation::None));
    layers_.front()->setInputGradientNeeded(false);  // nothing is trained before the first layer
    for (size_t i = 1; i < layers_.size(); ++i) {
        auto* below = dynamic_cast<Dense*>(layers_[i - 1].get());
        auto* above = dynamic_cast<Dense*>(layers_[i].get());
        if (below && above)
            below->fuseActivationGradientInto(*above);
    }
    activations_.resize(layers_.size());
}

void Network::initialise(unsigned seed)
{
    std::mt19937 rng(seed);
    for (auto& layer : layers_)
        layer->initialise(rng);
}

const Tensor& Network::forward(const Tensor& input, bool training)
{
    const Tensor* x = &input;
    for (size_t i = 0; i < layers_.size(); ++i) {
        layers_[i]->forward(*x, activations_[i], training && int(i) >= frozenLayers_);
        x = &activations_[i];
    }
    return *x;
}

void Network::backward(const Tensor& gradLogits)
{
    // gradients_[i] is dLoss/d(input of layer i); kept between batches to avoid re-allocation.
    gradients_.resize(layers_.size() + 1);
    gradients_.back() = gradLogits;
    for (size_t i = layers_.size(); i-- > size_t(frozenLayers_);)
        layers_[i]->backward(gradients_[i + 1], gradients_[i]);
}

void Network::setFrozenLayers(int count)
{
    frozenLayers_ = std::clamp(count, 0, int(layers_.size()));
    for (size_t i = 0; i < layers_.size(); ++i)
        layers_[i]->setInputGradientNeeded(int(i) > frozenLayers_);  // nothing is trained below the first trained layer
}

std::vector<Parameter> Network::trainableParameters()
{
    std::vector<Parameter> trainable;
    for (const Parameter& p : parameters())
        if (p.name.section(QLatin1Char('.'), 0, 0).toInt() >= frozenLayers_)
            trainable.push_back(p);
    return trainable;
}

int Network::copyLeadingLayers(Network& from)
{
    int copied = 0;
    // The output layer is always new: its classes are this network's own.
    for (; copied < layerCount() - 1 && copied < from.layerCount(); ++copied) {
        Layer& to = *layers_[size_t(copied)];
        Layer& source = *from.layers_[size_t(copied)];
        if (to.spec() != source.spec())
            break;
        auto tensorsOf = [](Layer& l) {
            std::vector<Tensor*> t;
            for (const Parameter& p : l.parameters())
                t.push_back(p.value);
            for (auto& [name, b] : l.buffers())
                t.push_back(b);
            return t;
        };
        const std::vector<Tensor*> a = tensorsOf(to), b = tensorsOf(source);
        bool sameShapes = a.size() == b.size();
        for (size_t j = 0; sameShapes && j < a.size(); ++j)
            sameShapes = a[j]->shape == b[j]->shape;
        if (!sameShapes)
            break;
        for (size_t j = 0; j < a.size(); ++j)
            a[j]->data = b[j]->data;
    }
    return copied;
}

std::vector<Parameter> Network::parameters()
{
    std::vector<Parameter> all;
    for (size_t i = 0; i < layers_.size(); ++i)
        for (Parameter p : layers_[i]->parameters()) {
            p.name = QStringLiteral("%1.%2").arg(i).arg(p.name);
            all.push_back(p);
        }
    return all;
}

std::vector<std::pair<QString, Tensor*>> Network::state()
{
    std::vector<std::pair<QString, Tensor*>> all;
    for (const Parameter& p : parameters())
        all.emplace_back(p.name, p.value);
    for (size_t i = 0; i < layers_.size(); ++i)
        for (auto [name, t] : layers_[i]->buffers())
            all.emplace_back(QStringLiteral("%1.%2").arg(i).arg(name), t);
    return all;
}

long Network::parameterCount()
{
    long n = 0;
    for (const Parameter& p : parameters())
        n += p.value->size();
    return n;
}

Tensor Network::predict(const Tensor& input, int batch)
{
    std::lock_guard lock(predictMutex_);
    const int N = input.batch();
    Tensor probabilities({N, classes_});
    std::vector<int> shape = input.shape;
    for (int start = 0; start < N; start += batch) {
        const int count = std::min(batch, N - start);
        shape[0] = count;
        Tensor chunk(shape);
        std::copy(input.sample(start), input.sample(start) + long(count) * input.sampleSize(), chunk.data.begin());
        Tensor p;
        softmaxRows(forward(chunk, false), p);
        std::copy(p.data.begin(), p.data.end(), probabilities.sample(start));
    }
    return probabilities;
}

} // namespace genrescope::ml
