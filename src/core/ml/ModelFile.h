#pragma once
// One self-describing, versioned model file:
//   "GSCMODEL" | u32 version | u32 header bytes | header (JSON, UTF-8)
//   | u64 payload bytes | payload (float32, little-endian) | SHA-256 of all before.
// The header holds the architecture, input kind and shape, class names,
// standardisation, training metadata and metrics, and a table of tensors
// (name, shape, offset). Saving is atomic (QSaveFile); loading refuses
// truncated, corrupted, wrong-version or absurdly sized files with a message.

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
    std::vector<float> mean, scale;    // standardisation fitted on the training rows
    QJsonObject training;              // data, split, seed, hyperparameters, duration, ...
    QJsonObject metrics;               // accuracies, confusion matrices, ...

    /// Applies the standardisation to raw inputs in place.
    void standardise(Tensor& inputs) const;
    /// Probabilities for raw (unstandardised) inputs.
    Tensor predict(Tensor inputs) const;
};

QByteArray serializeModel(const Model& model);
/// Throws genrescope::Error naming `source` and what is wrong.
Model deserializeModel(const QByteArray& bytes, const QString& source);

/// Atomic save. Refuses to replace an existing file unless overwrite is true.
void saveModel(const Model& model, const QString& path, bool overwrite);
Model loadModel(const QString& path);

} // namespace genrescope::ml
