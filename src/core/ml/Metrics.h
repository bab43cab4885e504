#pragma once
// Classification metrics: accuracy, confusion matrix, per-class precision,
// recall and F1, and song-level accuracy from averaged window probabilities.

#include "ml/Tensor.h"

#include <QJsonObject>
#include <QStringList>

#include <utility>
#include <vector>

namespace genrescope::ml {

std::vector<int> argmaxRows(const Tensor& probabilities);

struct ClassificationReport {
    int classes = 0;
    long samples = 0;
    double accuracy = 0.0;
    std::vector<std::vector<long>> confusion;  // [true][predicted]
    std::vector<double> precision, recall, f1;
    double macroF1 = 0.0;

    QJsonObject toJson(const QStringList& classNames) const;
    /// Plain-text confusion matrix with class names.
    QString confusionText(const QStringList& classNames) const;
};

ClassificationReport classificationReport(const std::vector<int>& truth, const std::vector<int>& predicted, int classes);

/// Mean and standard deviation (n - 1; 0 for fewer than two values) of values.
std::pair<double, double> meanAndSpread(const std::vector<double>& values);

/// Expected calibration error: rows binned by their top probability into `bins` equal bins of
/// [0, 1]; the mean over rows of |accuracy - mean top probability| of each row's bin.
double expectedCalibrationError(const Tensor& probabilities, const std::vector<int>& truth, int bins = 10);

/// One prediction per song, in the order songs first appear.
struct SongPredictions {
    QStringList songs;
    std::vector<int> truth, predicted;
};

/// Averages probabilities of rows that share a song id, then scores one prediction per song.
/// Returns the report over songs (truth: the label of the song's rows); perSong, when
/// given, receives each song's truth and prediction.
ClassificationReport songLevelReport(const Tensor& probabilities, const std::vector<int>& truth,
                                     const QStringList& songIds, int classes, SongPredictions* perSong = nullptr);

} // namespace genrescope::ml
