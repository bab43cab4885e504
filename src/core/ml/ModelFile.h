#pragma once
// One self-describing, versioned model file:
//   "GSCMODEL" | u32 version | u32 header bytes | header (JSON, UTF-8)
//   | u64 payload bytes | payload (float32, little-endian) | SHA-256 of all before.
// The header holds the architecture, input kind and shape, class names,
// standardisation, training metadata and metrics, and a table of tensors
// (name, shape, offset). Saving is atomic (QSaveFile); loading refuses
// truncated, corrupted, wrong-version or absurdly sized files with a message.

#include "ml/Augment.h"
#include "ml/FeatureDistribution.h"
#include "ml/Network.h"

#include <QJsonObject>
#include <QStringList>

#include <memory>
#include <vector>

namespace genrescope::ml {

inline constexpr quint32 kModelFormatVersion = 1;

struct Model {
    std::unique_ptr<Network> network;
    QString inputKind;                 // "features" | "image"
    QStringList classes;
    std::vector<int> logInputs;        // input values taken as log(x) before standardisation
    std::vector<float> mean, scale;    // standardisation fitted on the training rows
    FeatureDistribution distribution;  // of the standardised training rows (feature models)
    CropConfig crop;                   // a CNN trained on time crops averages crops of wider inputs
    double temperature = 1.0;          // softmax temperature calibrated on validation rows
    QJsonObject training;              // data, split, seed, hyperparameters, duration, ...
    QJsonObject metrics;               // accuracies, confusion matrices, ...
    QString checksum;                  // SHA-256 of the file it was read from (hex); empty for a new model

    /// Applies the log scaling and standardisation to raw inputs in place.
    void standardise(Tensor& inputs) const;
    /// Probabilities for raw (unstandardised) inputs (the mean over crops for a crop-trained CNN).
    Tensor predict(Tensor inputs) const;
    /// Distance of one raw input row from the training rows (NaN without a distribution).
    double distance(Tensor inputs) const;
};

QByteArray serializeModel(const Model& model);
/// Throws genrescope::Error naming `source` and what is wrong.
Model deserializeModel(const QByteArray& bytes, const QString& source);

/// Atomic save. Refuses to replace an existing file unless overwrite is true.
void saveModel(const Model& model, const QString& path, bool overwrite);
Model loadModel(const QString& path);

} // namespace genrescope::ml
