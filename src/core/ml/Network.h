#pragma once
// A sequential network built from a compact architecture spec, e.g.
//   MLP: "dense:100:relu,dense:250:relu,dropout:0.3"
//   CNN: "conv:16:3x3:p1x1:relu,batchnorm,maxpool:2x2,conv:32:3x3:p1x1:relu,gap"
// A final dense layer to the class count (no activation; softmax in the loss)
// is always appended, and a flatten is inserted before the first dense layer
// that follows an image-shaped input.

#include "ml/Layers.h"

#include <QString>

#include <memory>
#include <mutex>
#include <vector>

namespace genrescope::ml {

class Network {
public:
    /// Throws genrescope::Error with the offending token for a malformed spec.
    Network(const QString& spec, std::vector<int> inputShape, int classes);

    const QString& spec() const { return spec_; }
    const std::vector<int>& inputShape() const { return inputShape_; }
    int classes() const { return classes_; }
    int layerCount() const { return int(layers_.size()); }
    const Layer& layer(int i) const { return *layers_[size_t(i)]; }
    Layer& layer(int i) { return *layers_[size_t(i)]; }

    /// Fresh weights from a seed (He/Glorot normal, zero biases).
    void initialise(unsigned seed);
    /// Logits for a batch (input shape: batch + inputShape()).
    const Tensor& forward(const Tensor& input, bool training);
    /// Backpropagates dLoss/dLogits through every layer, filling parameter gradients.
    void backward(const Tensor& gradLogits);

    std::vector<Parameter> parameters();
    /// The parameters of the layers that are not frozen (what an optimizer steps).
    std::vector<Parameter> trainableParameters();

    /// Keeps the first `count` layers fixed: they run in inference mode (batch norm on its
    /// running statistics, no dropout), and backward stops above them.
    void setFrozenLayers(int count);
    int frozenLayers() const { return frozenLayers_; }
    /// Copies the weights and buffers of `from`'s leading layers while their specs and tensor
    /// shapes match this network's (e.g. a distilled student's layers under a new output layer).
    /// This network's output layer is never copied. Returns how many layers were copied.
    int copyLeadingLayers(Network& from);
    /// Every saved tensor (parameters and buffers), named "<layer>.<name>".
    std::vector<std::pair<QString, Tensor*>> state();
    long parameterCount();

    /// Softmax probabilities for many samples, in batches. Safe to call from several
    /// threads at once (calls are serialised: layers keep per-pass state).
    Tensor predict(const Tensor& input, int batch = 128);

private:
    QString spec_;
    std::vector<int> inputShape_;
    int classes_;
    std::vector<std::unique_ptr<Layer>> layers_;
    std::vector<Tensor> activations_;
    std::vector<Tensor> gradients_;
    std::mutex predictMutex_;
    int frozenLayers_ = 0;
};

} // namespace genrescope::ml
