#pragma once
// The 57 Kaggle features of a signal (librosa 0.8.1 defaults), and the windows
// they are computed over: the whole clip, Kaggle's 3 s segments, or any
// window and hop. One STFT per window is shared by every spectral feature.

#include "common/Progress.h"
#include "dsp/Spectrogram.h"
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

/// The windows a song is classified and summarised over: 30 s every 15 s, and, when those
/// end before the song does, a last window aligned to the song's end, so every second is
/// heard. A song shorter than one window and its tail is one window of the whole (a GTZAN
/// clip of 30.01 s is taken whole, as Kaggle made its features and image).
inline constexpr double kSongWindowSeconds = 30.0;
inline constexpr double kSongHopSeconds = 15.0;
inline constexpr double kSongTailSeconds = 1.0;
WindowSpec songWindowSpec();
long songTailSamples();
std::vector<FeatureWindow> songWindows(long n);

/// How much a song window counts in the song's mean, from where it and the window before it
/// end: a full hop later (every window a hop after the last, and the first) counts 1; the
/// end-aligned last window counts the part of a hop it adds, (end - previous end) / hop.
double songWindowWeight(double endSeconds, double previousEndSeconds);
/// The weights of song windows in time order (songWindowWeight of each).
std::vector<double> songWindowWeights(const std::vector<FeatureWindow>& windows, int sampleRate = 22050);

/// Windows over a signal of n samples:
/// - Whole: one window [0, n);
/// - KaggleSegments: floor(n / 66149) consecutive segments (none if shorter);
/// - Sliding: windows at 0, hop, 2 hop, ... that fit, or one window of the whole signal if it is shorter.
std::vector<FeatureWindow> featureWindows(long n, const WindowSpec& spec);

/// The 57 features of y[0, n). Throws Error for empty or non-finite input. Never returns NaN.
/// With melPower, also gives the 128-band mel power spectrogram its STFT yields (the same
/// as MelSpectrogram's), so a mel image of the window needs no second STFT.
FeatureValues extractFeatures(const float* y, long n, const TaskControl& control = {}, Spectrogram* melPower = nullptr);

/// Whole-song features are exact (one STFT and HPSS over the song) up to this length, which
/// takes about 100 MB. Longer songs are summarised from their windows (poolFeatures), so a
/// song of any length takes bounded memory.
inline constexpr double kExactFeatureSeconds = 60.0;

/// A long song's features from those of its windows: each mean is the weighted mean of the
/// window means; each variance is the weighted mean window variance plus the weighted
/// variance of the window means (the law of total variance; no weights: windows alike);
/// the tempo is the median window tempo.
FeatureValues poolFeatures(const std::vector<FeatureValues>& windows, const std::vector<double>& weights = {});

/// Shorter audio has no meaningful features (tempo, variances): extractRows refuses it.
inline constexpr double kMinimumFeatureSeconds = 1.0;

/// Throws the error extractRows gives a signal shorter than kMinimumFeatureSeconds.
void requireFeatureLength(long samples, const QString& filename);

/// A file name without its extension: rows are named "<stem>.wav" and "<stem>.<i>.wav".
QString rowStem(const QString& filename);

/// Rows for each window of a decoded file, named as Kaggle does ("<stem>.<i>.wav" for windows).
std::vector<FeatureRow> extractRows(const std::vector<float>& y, const QString& filename, const WindowSpec& spec,
                                    const QString& label = {}, const TaskControl& control = {});

} // namespace genrescope
