#pragma once
// Network layers with explicit forward and backward passes. Each layer keeps
// what its backward pass needs from the last forward pass.

#include "ml/Tensor.h"

#include <QString>

#include <memory>
#include <random>
#include <vector>

namespace genrescope::ml {

/// A trainable parameter and its gradient.
struct Parameter {
    QString name;
    Tensor* value;
    Tensor* grad;
    bool decay;  // weight decay applies (weights yes, biases and norm scales no)
};

class Layer {
public:
    virtual ~Layer() = default;
    /// Output shape for an input shape (without the batch dimension).
    virtual std::vector<int> outputShape(const std::vector<int>& input) const = 0;
    /// `in` and `out` must stay alive and unchanged until backward (the Network keeps them).
    virtual void forward(const Tensor& in, Tensor& out, bool training) = 0;
    /// Given dLoss/dOut, writes the parameter gradients and dLoss/dIn (dense and conv layers
    /// leave gradIn untouched when setInputGradientNeeded(false) was called).
    virtual void backward(const Tensor& gradOut, Tensor& gradIn) = 0;
    /// The network's first layer needs no dLoss/dIn (PyTorch skips it too for inputs
    /// without requires_grad).
    void setInputGradientNeeded(bool needed) { inputGradientNeeded_ = needed; }
    virtual std::vector<Parameter> parameters() { return {}; }
    /// Named non-trainable state saved with the model (batch norm running statistics).
    virtual std::vector<std::pair<QString, Tensor*>> buffers() { return {}; }
    /// The spec token this layer was built from, e.g. "dense:100:relu".
    virtual QString spec() const = 0;
    virtual void initialise(std::mt19937& rng) { (void)rng; }

protected:
    bool inputGradientNeeded_ = true;
};

enum class Activation { None, Relu, Tanh };
Activation parseActivation(const QString& name);  // "relu", "tanh", "none"/"linear"
QString activationName(Activation a);

/// y = x W^T + b, with an optional activation (a ReLU is fused into the product, ml/Gemm.h).
class Dense : public Layer {
public:
    Dense(int in, int out, Activation act);
    std::vector<int> outputShape(const std::vector<int>& input) const override;
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    std::vector<Parameter> parameters() override;
    QString spec() const override;
    void initialise(std::mt19937& rng) override;  // He for relu, Glorot otherwise
    /// For a network where `above` takes this layer's output as its input: `above` multiplies
    /// the gradient it passes down by this layer's activation derivative while it computes it
    /// (in its product's epilogue), and this layer's backward takes that gradient as it is.
    void fuseActivationGradientInto(Dense& above);
    Tensor weight, bias, weightGrad, biasGrad;

private:
    int in_, out_;
    Activation act_;
    Activation gateInputGradient_ = Activation::None;  // the layer below's activation (see fuse...)
    bool outputGradientGated_ = false;                 // the layer above applies act' for us
    const Tensor* input_ = nullptr;
    const Tensor* output_ = nullptr;
    Tensor gradScratch_;
};

/// 2-D convolution (NCHW) by im2col + GEMM, any kernel, stride and zero padding.
class Conv2D : public Layer {
public:
    Conv2D(int inChannels, int outChannels, int kh, int kw, int sh, int sw, int ph, int pw, Activation act);
    std::vector<int> outputShape(const std::vector<int>& input) const override;
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    std::vector<Parameter> parameters() override;
    QString spec() const override;
    void initialise(std::mt19937& rng) override;
    Tensor weight, bias, weightGrad, biasGrad;  // weight: outC x (inC*kh*kw)

private:
    int inC_, outC_, kh_, kw_, sh_, sw_, ph_, pw_;
    Activation act_;
    const Tensor* input_ = nullptr;   // large: referenced, not copied
    const Tensor* output_ = nullptr;
    std::vector<int> inShape_;
    // Per-thread scratch kept between batches (no re-allocation, no page faults).
    std::vector<RowMatrix> cols_, dCols_, dW_;
    std::vector<Eigen::VectorXf> dB_;
    Tensor gradScratch_;
};

class MaxPool2D : public Layer {
public:
    MaxPool2D(int kh, int kw, int sh, int sw);
    std::vector<int> outputShape(const std::vector<int>& input) const override;
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    QString spec() const override;

private:
    int kh_, kw_, sh_, sw_;
    std::vector<int> inShape_;
    std::vector<int> argmax_;
};

/// Mean over H and W: (N, C, H, W) -> (N, C).
class GlobalAvgPool : public Layer {
public:
    std::vector<int> outputShape(const std::vector<int>& input) const override;
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    QString spec() const override { return QStringLiteral("gap"); }

private:
    std::vector<int> inShape_;
};

class Flatten : public Layer {
public:
    std::vector<int> outputShape(const std::vector<int>& input) const override;
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    QString spec() const override { return QStringLiteral("flatten"); }

private:
    std::vector<int> inShape_;
};

/// Batch normalisation over features (N, F) or channels (N, C, H, W).
class BatchNorm : public Layer {
public:
    explicit BatchNorm(int channels, float momentum = 0.1f, float eps = 1e-5f);
    std::vector<int> outputShape(const std::vector<int>& input) const override { return input; }
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    std::vector<Parameter> parameters() override;
    std::vector<std::pair<QString, Tensor*>> buffers() override;
    QString spec() const override { return QStringLiteral("batchnorm"); }
    void initialise(std::mt19937& rng) override;
    Tensor gamma, beta, gammaGrad, betaGrad, runningMean, runningVar;

private:
    int channels_;
    float momentum_, eps_;
    Tensor normalised_;
    std::vector<float> invStd_;
    std::vector<int> inShape_;
};

class Dropout : public Layer {
public:
    explicit Dropout(float rate);
    std::vector<int> outputShape(const std::vector<int>& input) const override { return input; }
    void forward(const Tensor& in, Tensor& out, bool training) override;
    void backward(const Tensor& gradOut, Tensor& gradIn) override;
    QString spec() const override;
    void initialise(std::mt19937& rng) override { rng_.seed(rng()); }

private:
    float rate_;
    std::mt19937 rng_{0};
    std::vector<float> mask_;
};

/// Softmax over each row.
void softmaxRows(const Tensor& logits, Tensor& probabilities);

/// Mean cross-entropy of softmax(logits) against labels; writes dLoss/dLogits.
double softmaxCrossEntropy(const Tensor& logits, const std::vector<int>& labels, Tensor& gradLogits);

} // namespace genrescope::ml
