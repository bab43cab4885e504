#pragma once
// Out-of-fold predictions (written by `train --cv K --oof FILE`): every song's probabilities from
// the cross-validation fold that held it out. From them come each model's cross-validated accuracy
// per fold, its softmax temperature and calibration error, and the MLP + CNN ensemble's weight,
// all without a single song being scored by a model that trained on it.

#include "classify/Training.h"

#include <QByteArray>

#include <vector>

namespace genrescope::classify {

/// CSV: song, label, fold, input, then one probability column per class (named after it).
QByteArray outOfFoldCsv(const OutOfFold& o);
/// Reads outOfFoldCsv's format; throws Error for a missing or malformed file.
OutOfFold readOutOfFold(const QString& path);

/// Song accuracy per fold (in fold order), its mean and standard deviation (n - 1) over folds,
/// and the report over every song.
struct FoldedAccuracy {
    std::vector<int> folds;
    std::vector<double> perFold;
    double mean = 0, sd = 0;
    double logLoss = 0;  // mean cross-entropy over songs
    ml::ClassificationReport pooled;
};
FoldedAccuracy foldedAccuracy(const ml::Tensor& probabilities, const std::vector<int>& labels,
                              const std::vector<int>& folds);

/// A softmax temperature fitted on every out-of-fold song (by cross-entropy), and the expected
/// calibration error (10 bins) before and after it.
struct Calibration {
    double temperature = 1;
    double eceBefore = 0, eceAfter = 0;
};
Calibration calibrate(const OutOfFold& o);

/// One model's out-of-fold scores, calibrated.
struct ModelOutOfFold {
    OutOfFold predictions;
    Calibration calibration;
    FoldedAccuracy accuracy;  // of the calibrated probabilities (the same predictions as before calibration)
};
ModelOutOfFold scoreOutOfFold(OutOfFold o);

/// The ensemble w * MLP + (1 - w) * CNN of two calibrated models' out-of-fold predictions.
struct EnsembleOutOfFold {
    ModelOutOfFold mlp, cnn;  // restricted to the songs in both, in the same order
    std::vector<std::pair<double, FoldedAccuracy>> sweep;  // w = 0, 0.05, ..., 1
    double mlpWeight = 0.5;   // the given weight, else the best mean fold accuracy of the sweep (ties: lower log loss)
    FoldedAccuracy accuracy;  // at mlpWeight
    /// Each fold scored at the weight that is best on the other folds (nested: no fold's songs choose
    /// their own weight), and those weights, one a fold. Empty with one fold.
    std::vector<double> nestedPerFold, nestedWeights;
    double nestedMean = 0, nestedSd = 0;
    Calibration calibration;  // of the mix at mlpWeight: a temperature sharpens it (averaging two calibrated
                              // models leaves the mix under-confident); the accuracy does not change
    QStringList missing;      // songs in only one of the two
};
/// Throws Error unless one model takes features and the other images, with the same classes,
/// and every shared song was held out by the same fold in both.
EnsembleOutOfFold combineOutOfFold(const OutOfFold& a, const OutOfFold& b, double mlpWeight = -1);

} // namespace genrescope::classify
