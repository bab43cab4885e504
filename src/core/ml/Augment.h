#pragma once
// Training-time augmentation for image inputs: random time crops, and SpecAugment-style
// masks and shifts of the (standardised) mel image. A CNN trained on crops of `columns` of
// the full width sees, at inference, `views` evenly spaced crops of each full image and
// averages their probabilities; masks and shifts apply to training only.

#include "ml/Network.h"

#include <random>
#include <vector>

namespace genrescope::ml {

struct CropConfig {
    int columns = 0;  // crop width; 0: no cropping (the network sees whole images)
    int views = 5;    // crops averaged at inference
    bool enabled() const { return columns > 0; }
};

/// Per training image: one band of up to `frequencyMask` rows and one stretch of up to `timeMask`
/// columns set to 0 (the mean after standardisation), as in SpecAugment (Park et al. 2019), and a
/// shift of up to `frequencyShift` rows up or down (the edge row repeated), like a small change of
/// pitch on the mel axis.
struct SpecAugmentConfig {
    int frequencyMask = 0, timeMask = 0, frequencyShift = 0;
    bool enabled() const { return frequencyMask > 0 || timeMask > 0 || frequencyShift > 0; }
};

/// Applies `config` to every sample of an (N, C, H, W) batch in place.
void specAugment(Tensor& images, const SpecAugmentConfig& config, std::mt19937& rng);

/// Left edges of `views` crops of `width` spread evenly over `full` columns.
std::vector<int> evenCropOffsets(int full, int width, int views);

/// Copies columns [offset, offset+width) of every channel and row of sample n of
/// an (N, C, H, W) tensor into dst (C x H x width values).
void copyCrop(const Tensor& images, int n, int offset, int width, float* dst);

/// Probabilities for a batch: plain prediction when the input already has the
/// network's shape, else the mean over crop.views evenly spaced crops.
Tensor predictWithCrops(Network& net, const Tensor& inputs, const CropConfig& crop);

/// Softmax temperature applied to probabilities: p_i^(1/T), renormalised (T = 1: unchanged).
void applyTemperature(Tensor& probabilities, double temperature);

/// The temperature in [0.05, 50] that minimises the cross-entropy of the probabilities
/// against the labels (calibration on held-out rows).
double fitTemperature(const Tensor& probabilities, const std::vector<int>& labels);

/// Mean cross-entropy and accuracy of probabilities against labels.
std::pair<double, double> lossAndAccuracy(const Tensor& probabilities, const std::vector<int>& labels);

} // namespace genrescope::ml
