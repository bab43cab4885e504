#pragma once
// How far an input lies from the training data: the Mahalanobis distance of a
// standardised feature vector under the training rows' covariance (shrunk
// towards the identity so 57 dimensions fit a few hundred rows). Inputs beyond
// `threshold` (a margin over the largest training distance) are flagged as
// unlike anything the model learned from: silence, speech, noise, pure tones.

#include "ml/Tensor.h"

#include <QJsonObject>

#include <algorithm>
#include <vector>

namespace genrescope::ml {

struct FeatureDistribution {
    int dimensions = 0;
    std::vector<double> precision;  // inverse shrunk covariance, dimensions^2, row-major
    double trainingMax = 0;         // the largest distance of a training row
    double threshold = 0;           // distances above this are flagged

    bool empty() const { return dimensions == 0; }
    /// Distance of one standardised row (dimensions values).
    double distance(const float* row) const;

    QJsonObject toJson() const;
    /// Throws genrescope::Error (InvalidArgument) for malformed JSON; an empty object gives an empty distribution.
    static FeatureDistribution fromJson(const QJsonObject& json);
};

inline constexpr double kCovarianceShrinkage = 0.01;
inline constexpr double kDistanceMargin = 1.3;

/// Rows per feature below which a fitted distribution says nothing: with fewer rows than features the
/// covariance is singular, every new row lies off the training rows' subspace and looks far away
/// (songs like the training songs came out "unusual" for a model trained on 22 songs).
inline constexpr int kMinRowsPerFeature = 4;
inline bool enoughRowsForDistribution(size_t rows, int features)
{
    return rows >= size_t(kMinRowsPerFeature) * size_t(std::max(features, 1));
}

/// Fits on the given rows of standardised (N, F) inputs.
FeatureDistribution fitFeatureDistribution(const Tensor& standardised, const std::vector<int>& rows,
                                           double shrinkage = kCovarianceShrinkage, double margin = kDistanceMargin);

} // namespace genrescope::ml
