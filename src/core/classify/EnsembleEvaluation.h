#pragma once
// Scoring the MLP + CNN ensemble on labelled data: a features dataset and an
// image dataset are joined by song; each model's probabilities are averaged
// over a song's rows, then mixed with the MLP weight w:
//   ensemble = w * mlp + (1 - w) * cnn.

#include "data/Dataset.h"
#include "ml/Metrics.h"
#include "ml/ModelFile.h"

#include <QStringList>

#include <vector>

namespace genrescope::classify {

struct JoinedPredictions {
    QStringList classes;
    QStringList songs;                   // songs present in both datasets (and in the list, if any)
    std::vector<int> labels;             // per song
    std::vector<std::vector<float>> mlp, cnn;  // per song, per class
    QStringList missing;                 // songs found in only one of the two datasets
    double mlpWeight = 0.5;              // the pair's ensemble weight, for reports (set by the caller)
};

/// Throws Error when the models do not fit the data or no song is in both datasets.
JoinedPredictions predictJoined(const ml::Model& mlp, const ml::Model& cnn, data::Dataset features,
                                data::Dataset images, const QString& listFile = {});

/// Song-level report of the ensemble with MLP weight w (0: CNN only, 1: MLP only).
ml::ClassificationReport ensembleReport(const JoinedPredictions& joined, double mlpWeight);

/// Rows of `d` whose song is named in the list file (all rows when the path is empty).
std::vector<int> rowsInList(const data::Dataset& d, const QString& listFile);

} // namespace genrescope::classify
