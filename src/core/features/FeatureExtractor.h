#pragma once
// The 57 Kaggle features of a signal (librosa 0.8.1 defaults), and the windows
// they are computed over: the whole clip, Kaggle's 3 s segments, or any
// window and hop. One STFT per window is shared by every spectral feature.

#include "common/Progress.h"
#include "features/FeatureVector.h"

#include <vector>

namespace genrescope {

/// Kaggle's "3 s" segment: 66149 samples at 22050 Hz.
inline constexpr long kSegmentSamples = 66149;

struct FeatureWindow {
    long start = 0;   // first sample
    long length = 0;  // samples
};

struct WindowSpec {
    enum class Kind { Whole, KaggleSegments, Sliding };
    Kind kind = Kind::Whole;
    long windowSamples = 0;  // Sliding
    long hopSamples = 0;     // Sliding

    static WindowSpec whole() { return {}; }
    static WindowSpec kaggleSegments() { return {Kind::KaggleSegments, kSegmentSamples, kSegmentSamples}; }
    static WindowSpec sliding(double seconds, double hopSeconds, int sampleRate = 22050);
};

/// Windows over a signal of n samples:
/// - Whole: one window [0, n);
/// - KaggleSegments: floor(n / 66149) consecutive segments (none if shorter);
/// - Sliding: windows at 0, hop, 2 hop, ... that fit, or one window of the whole signal if it is shorter.
std::vector<FeatureWindow> featureWindows(long n, const WindowSpec& spec);

/// The 57 features of y[0, n). Throws Error for empty or non-finite input. Never returns NaN.
FeatureValues extractFeatures(const float* y, long n, const TaskControl& control = {});

/// Shorter audio has no meaningful features (tempo, variances): extractRows refuses it.
inline constexpr double kMinimumFeatureSeconds = 1.0;

/// Rows for each window of a decoded file, named as Kaggle does ("<stem>.<i>.wav" for windows).
std::vector<FeatureRow> extractRows(const std::vector<float>& y, const QString& filename, const WindowSpec& spec,
                                    const QString& label = {}, const TaskControl& control = {});

} // namespace genrescope
