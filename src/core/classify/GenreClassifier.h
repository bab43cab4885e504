#pragma once
// From audio to genre probabilities for a song of any length: 30 s windows
// with a 15 s hop and one aligned to the song's end (a song shorter than 31 s
// is one window, if it reaches the 10 s minimum); each window gets its 57
// features (MLP) and its Kaggle-style mel image (CNN); the ensemble is a
// weighted mean of the two; the song's probabilities are the weighted mean
// over windows (songWindowWeight), and the windows form the genre
// timeline. Songs unlike the training music (silence, speech, noise, tones)
// are flagged from their features' distance to the MLP's training rows.

#include "audio/AudioDecoder.h"
#include "audio/AudioInfo.h"
#include "common/Progress.h"
#include "dsp/Spectrogram.h"
#include "features/FeatureExtractor.h"
#include "ml/ModelFile.h"

#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace genrescope::classify {

inline constexpr double kWindowSeconds = kSongWindowSeconds;  // the song windows (features/FeatureExtractor.h)
inline constexpr double kHopSeconds = kSongHopSeconds;
inline constexpr double kMinimumSeconds = 10.0;
/// A song quieter than this (RMS, dB re full scale) is flagged as silent.
inline constexpr double kSilenceDbfs = -60.0;
/// Frames 30 dB below the song's median frame level are gaps; music has almost none (at most
/// 0.1 % of the frames of the shared GTZAN clips), speech many (12 % for espeak-ng speech).
inline constexpr double kGapDb = 30.0;
inline constexpr double kMaxGapFraction = 0.05;

struct WindowPrediction {
    double start = 0, end = 0;                 // seconds
    double weight = 1;                         // in the song's mean (songWindowWeight: below 1 for the end-aligned last window)
    std::vector<float> mlp, cnn, ensemble;     // per class (empty when that model is absent)
    double distance = 0;                       // from the training features (NaN when unknown)
    std::vector<double> features;              // the window's 57 features (with a features model, or when asked for)
};

struct SongPrediction {
    QStringList classes;
    std::vector<WindowPrediction> windows;
    std::vector<float> mlp, cnn, ensemble;     // song level: each model's weighted mean over windows, and their ensemble
    double seconds = 0;
    double mlpWeight = 0.5;                    // ensemble = w * mlp + (1 - w) * cnn
    double rmsDbfs = 0;                        // loudness of the whole song
    double gapFraction = 0;                    // share of 512-sample frames that are gaps (kGapDb)
    double distance = 0;                       // median window distance (NaN when unknown)
    double distanceThreshold = 0;              // above it the song is unusual (NaN when unknown)
    bool unusual = false;                      // out of distribution: the genre means little
    QString unusualReason;                     // for people, when unusual
    QString decodingNote;                      // what decoding found (a short tail, a chain, ...), or empty
    AudioInfo source;                          // the file (classifyFile only), with its decoded length
};

/// The top class of a probability vector and its probability (-1 for an empty vector).
/// A song's loudness and its share of gap frames, fed in order, block by block.
class LevelMeter {
public:
    static constexpr size_t kFrame = 512;
    void add(const float* samples, size_t n);
    double rmsDbfs() const;       // RMS of everything added, dB re full scale
    double gapFraction() const;   // share of whole frames kGapDb below the median frame
    size_t samples() const { return samples_; }
private:
    double total_ = 0, frameSum_ = 0;
    size_t samples_ = 0, frameFill_ = 0;
    std::vector<float> frameDb_;
};

std::pair<int, float> topClass(const std::vector<float>& probabilities);

/// One song window of a file: its index, its first sample and its samples (22050 Hz mono).
/// `whole` is true for the one window of a song too short for windows of its own (its samples
/// are the whole song).
using SongWindowVisit = std::function<void(int index, long start, const float* samples, long length, bool whole)>;

struct SongWindowOptions {
    int threads = 1;               // windows visited at once
    DecodedAudio* keep = nullptr;  // receives the decoded song; without it memory stays bounded
};

/// What decoding a file for its windows found.
struct SongWindowsSource {
    LevelMeter levels;  // the whole song's loudness and gaps
    AudioInfo source;   // the file, with its decoded length and any note
    int windows = 0;
};

/// The windows the classifier sees: decodes a file and hands each song window (kWindowSeconds
/// every kHopSeconds, then one aligned to the end if those stop short of it, as songWindows;
/// a song shorter than a window and its tail is one window of the whole) to
/// `visit` on one of `threads` threads as soon as its samples are decoded, in bounded memory
/// (without `keep`). GenreClassifier::classifyFile and the training analysis
/// (classify/TrainingSongs.h) both cut songs here, so a model sees at use the windows it learnt
/// from. Reports progress (decoding and windows done); throws as decodeAudio does, Error for
/// songs shorter than kMinimumSeconds, Cancelled when cancelled.
SongWindowsSource visitSongWindows(const QString& path, const SongWindowOptions& options, const SongWindowVisit& visit,
                                   const TaskControl& control = {});

/// Sets each window's weight from the windows' ends (songWindowWeight), in time order.
void weighWindows(std::vector<WindowPrediction>& windows);

/// The stretch of the song window i stands for on a timeline: from its start to the
/// next window's start (windows overlap), the last one to its end. The end-aligned last
/// window stands for the song from a hop after the window before it (a 74 s song: 0-15,
/// 15-30, 30-45 and 45-74 s).
std::pair<double, double> timelineSpan(const SongPrediction& prediction, size_t i);
/// The window whose timeline span holds `seconds`, or -1.
int windowAt(const SongPrediction& prediction, double seconds);

class GenreClassifier {
public:
    /// Either model may be null. Both must share one class list when both are given.
    /// mlpWeight in [0, 1] weights the MLP in the ensemble; the mix of both is then sharpened by
    /// the softmax temperature ensembleTemperature (fitted out of fold for the shipped pair).
    GenreClassifier(std::shared_ptr<const ml::Model> mlp, std::shared_ptr<const ml::Model> cnn, double mlpWeight = 0.5,
                    double ensembleTemperature = 1.0);

    bool hasMlp() const { return bool(mlp_); }
    bool hasCnn() const { return bool(cnn_); }
    const QStringList& classes() const { return classes_; }
    double mlpWeight() const { return mlpWeight_; }
    double ensembleTemperature() const { return ensembleTemperature_; }
    /// The weighted mean of the two models' probabilities, with the ensemble temperature when both
    /// are there; an empty vector is a model that is absent.
    std::vector<float> ensemble(const std::vector<float>& mlp, const std::vector<float>& cnn) const;
    const ml::Model* mlp() const { return mlp_.get(); }
    const ml::Model* cnn() const { return cnn_.get(); }

    /// y: mono samples at 22050 Hz; windows run on up to `threads` threads.
    /// Throws Error for songs shorter than kMinimumSeconds, Cancelled when cancelled.
    SongPrediction classify(const std::vector<float>& y, const TaskControl& control = {}, int threads = 1) const;

    struct FileOptions {
        int threads = 1;                    // windows classified at once
        DecodedAudio* keep = nullptr;       // receives the decoded song; without it memory stays bounded
        bool windowFeatures = false;        // every window gets its features, even without a features model
        Spectrogram* wholeSongMel = nullptr;  // receives the mel power of a song that is one window
    };
    /// Decodes a file (as decodeAudio) and classifies it at once: each window starts on
    /// one of `threads` threads as soon as its samples are decoded. Without `keep`, memory
    /// stays bounded (a few windows' worth of samples) for songs of any length. Each window
    /// takes one STFT, shared by its features and its mel image. Throws as decodeAudio and classify do.
    SongPrediction classifyFile(const QString& path, const FileOptions& options, const TaskControl& control = {}) const;
    SongPrediction classifyFile(const QString& path, DecodedAudio* keep = nullptr, const TaskControl& control = {},
                                int threads = 1) const
    {
        return classifyFile(path, FileOptions{threads, keep}, control);
    }

private:
    WindowPrediction classifyWindow(const float* x, long n, const TaskControl& control, bool withFeatures = false,
                                    Spectrogram* melPower = nullptr) const;
    /// The song from its window predictions (in time order) and its signal.
    SongPrediction songFrom(std::vector<WindowPrediction> windows, const LevelMeter& levels) const;

    std::shared_ptr<const ml::Model> mlp_, cnn_;
    double mlpWeight_;
    double ensembleTemperature_;
    QStringList classes_;
};

/// A model file, or when the path is empty the embedded default (":/models/<embeddedName>")
/// when the binary carries it, else null.
std::shared_ptr<const ml::Model> loadModelOrEmbedded(const QString& pathOrEmpty, const QString& embeddedName);

inline constexpr auto kDefaultMlpName = "mlp-features.gsm";
inline constexpr auto kDefaultCnnName = "cnn-melimage.gsm";

/// The ensemble weight chosen by cross-validation for the embedded defaults (":/models/ensemble.json"),
/// else 0.5. Which pair gets it is the model catalog's rule (workflow/ModelCatalog.h).
double defaultMlpWeight();
/// The embedded defaults' ensemble temperature (":/models/ensemble.json"), else 1.
double defaultEnsembleTemperature();

} // namespace genrescope::classify
