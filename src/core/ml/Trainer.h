#pragma once
// Mini-batch training with shuffling, validation after every epoch, the best
// model on validation kept, optional early stopping, per-batch and per-epoch
// callbacks, cancellation (checked between batches) and divergence detection.

#include "common/Progress.h"
#include "ml/Augment.h"
#include "ml/Network.h"
#include "ml/Optimizer.h"

#include <QString>

#include <functional>
#include <vector>

namespace genrescope::ml {

struct TrainConfig {
    int epochs = 100;
    int batch = 64;
    OptimizerConfig optimizer;
    unsigned seed = 1;
    int patience = 0;  // epochs without validation improvement before stopping; 0 = off
    CropConfig crop;   // image inputs: train on random time crops, validate on evenly spaced ones
    float inputNoise = 0;  // standard deviation of Gaussian noise added to training inputs
    SpecAugmentConfig specAugment;  // image inputs: masks and shifts of training images
};

struct EpochStats {
    int epoch = 0;  // 1-based
    double trainLoss = 0, trainAccuracy = 0;
    double validLoss = 0, validAccuracy = 0;  // NaN when there is no validation set
    double seconds = 0;
};

struct TrainCallbacks {
    std::function<void(int epoch, int batch, int batches, double loss)> onBatch;
    std::function<void(const EpochStats&)> onEpoch;
    const CancelFlag* cancel = nullptr;
};

struct TrainResult {
    std::vector<EpochStats> history;
    int bestEpoch = 0;          // epoch whose weights the network now holds (0: the initial weights)
    double bestValidAccuracy = 0;
    bool cancelled = false;
    bool diverged = false;      // a non-finite loss or weight, or losses far above their scale (see train())
    bool stoppedEarly = false;
    QString message;            // why training stopped, for people
    double seconds = 0;
};

struct LabelledSet {
    const Tensor* inputs = nullptr;  // batch + the network's input shape
    const std::vector<int>* labels = nullptr;
    int size() const { return inputs ? inputs->batch() : 0; }
};

/// Trains `net` (already initialised). On return the network holds the best
/// weights seen (by validation accuracy, or training loss without a validation
/// set) and never non-finite weights. Training stops as diverged when a loss or
/// weight becomes non-finite, or when the losses leave their scale (the larger of
/// ln(classes), an even guess's loss, and the untrained network's): a mean training
/// loss above ten times the scale, a later one above a hundred times epoch 1's, or
/// a validation loss above a hundred times the scale. A diverged epoch is never kept.
TrainResult train(Network& net, const LabelledSet& training, const LabelledSet& validation, const TrainConfig& config,
                  const TrainCallbacks& callbacks = {});

/// Mean loss and accuracy over a set, in batches, without training (inputs wider than
/// the network are scored as the mean of crop.views crops).
std::pair<double, double> evaluate(Network& net, const LabelledSet& set, int batch = 256, const CropConfig& crop = {});

/// True when every parameter and buffer is finite.
bool allFinite(Network& net);

} // namespace genrescope::ml
