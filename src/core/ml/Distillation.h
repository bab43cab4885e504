#pragma once
// Knowledge distillation: training a network to reproduce a teacher's outputs (for
// example a pretrained network's embedding of each song) by mean squared error. The
// student's output layer is as wide as the targets; its layers can afterwards start a
// classifier (Network::copyLeadingLayers).

#include "common/Progress.h"
#include "ml/Trainer.h"

#include <QString>

#include <functional>
#include <vector>

namespace genrescope::ml {

struct TargetSet {
    const Tensor* inputs = nullptr;   // batch + the network's input shape (or wider images, with crops)
    const Tensor* targets = nullptr;  // (batch, outputs)
    int size() const { return inputs ? inputs->batch() : 0; }
};

struct DistillationResult {
    std::vector<double> trainLoss;  // mean squared error per epoch
    bool cancelled = false, diverged = false;
    QString message;
    double seconds = 0;
};

/// Trains `net` (already initialised) for config.epochs epochs on mini-batches of `set`:
/// random time crops when config.crop is set, masks and shifts when config.specAugment is.
/// The loss is the mean over outputs of the squared difference to the targets. Stops on a
/// non-finite loss (diverged) or when callbacks.cancel is set, keeping the last finite weights.
DistillationResult distil(Network& net, const TargetSet& set, const TrainConfig& config,
                          const std::function<void(int epoch, double loss)>& onEpoch = {},
                          const CancelFlag* cancel = nullptr);

/// The network's raw outputs for every input: the mean over crop.views evenly spaced crops
/// when the inputs are wider than the network.
Tensor predictOutputs(Network& net, const Tensor& inputs, const CropConfig& crop, int batch = 64);

/// Mean squared error and mean cosine similarity of outputs against targets, row by row.
std::pair<double, double> regressionError(const Tensor& outputs, const Tensor& targets);

} // namespace genrescope::ml
