#pragma once
// From audio to genre probabilities for a song of any length: 30 s windows
// with a 15 s hop (a song shorter than 30 s is one window, if it reaches the
// 10 s minimum); each window gets its 57 features (MLP) and its Kaggle-style
// mel image (CNN); the ensemble averages the two; the song's probabilities
// are the mean over windows, and the windows form the genre timeline.

#include "common/Progress.h"
#include "ml/ModelFile.h"

#include <QStringList>

#include <memory>
#include <vector>

namespace genrescope::classify {

inline constexpr double kWindowSeconds = 30.0;
inline constexpr double kHopSeconds = 15.0;
inline constexpr double kMinimumSeconds = 10.0;

struct WindowPrediction {
    double start = 0, end = 0;                 // seconds
    std::vector<float> mlp, cnn, ensemble;     // per class (empty when that model is absent)
};

struct SongPrediction {
    QStringList classes;
    std::vector<WindowPrediction> windows;
    std::vector<float> mlp, cnn, ensemble;     // song-level means
    double seconds = 0;
};

class GenreClassifier {
public:
    /// Either model may be null. Both must share one class list when both are given.
    GenreClassifier(std::shared_ptr<const ml::Model> mlp, std::shared_ptr<const ml::Model> cnn);

    bool hasMlp() const { return bool(mlp_); }
    bool hasCnn() const { return bool(cnn_); }
    const QStringList& classes() const { return classes_; }

    /// y: mono samples at 22050 Hz. Throws Error for songs shorter than kMinimumSeconds.
    SongPrediction classify(const std::vector<float>& y, const TaskControl& control = {}) const;

private:
    std::shared_ptr<const ml::Model> mlp_, cnn_;
    QStringList classes_;
};

/// The embedded default models (":/models/mlp-features.gsm", ":/models/cnn-melimage.gsm")
/// when the binary carries them, else null.
std::shared_ptr<const ml::Model> loadModelOrEmbedded(const QString& pathOrEmpty, const QString& embeddedName);

} // namespace genrescope::classify
