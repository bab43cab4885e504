#pragma once
// SGD with momentum and Adam, both with L2 weight decay added to the gradient
// (PyTorch's semantics), applied to weights but not to biases or norm scales.

#include "ml/Layers.h"

#include <QString>

#include <vector>

namespace genrescope::ml {

struct OptimizerConfig {
    enum class Kind { Sgd, Adam };
    Kind kind = Kind::Adam;
    double learningRate = 1e-3;
    double momentum = 0.0;      // SGD
    double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // Adam
    double weightDecay = 0.0;

    static Kind parseKind(const QString& name);  // "sgd" | "adam"
    QString kindName() const { return kind == Kind::Sgd ? QStringLiteral("sgd") : QStringLiteral("adam"); }
};

class Optimizer {
public:
    explicit Optimizer(OptimizerConfig config) : config_(config) {}
    void step(const std::vector<Parameter>& parameters);
    const OptimizerConfig& config() const { return config_; }

private:
    OptimizerConfig config_;
    std::vector<std::vector<float>> m_, v_;
    long t_ = 0;
};

} // namespace genrescope::ml
