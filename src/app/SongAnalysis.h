#pragma once
// What the Explore views need of one song, computed off the UI thread.

#include "PeakPyramid.h"
#include "audio/AudioDecoder.h"
#include "common/Progress.h"
#include "dsp/Spectrogram.h"
#include "classify/GenreClassifier.h"
#include "features/FeatureVector.h"

#include <QImage>

#include <memory>

namespace genrescope::app {

struct SongAnalysis {
    DecodedAudio audio;        // mono, 22050 Hz (empty when slim)
    double seconds = 0.0;      // length of the decoded song
    /// Only the summary is kept: no samples, peaks or spectrogram (a full analysis
    /// always has samples: shorter songs are refused).
    bool slim() const { return audio.samples.empty(); }
    PeakPyramid peaks;
    Spectrogram melDb;         // 128 bands x frames, dB relative to the peak, >= -80
    QImage melImage;           // melDb in magma, band 0 at the bottom
    int hop = 512;
    double dbFloor = -80.0;    // colour range of melImage
    double dbCeiling = 0.0;

    // The 57 GTZAN features over the whole song, its tempo and beats (songs up to kMaxFeatureSeconds).
    bool hasFeatures = false;
    FeatureValues features{};
    double tempo = 0.0;                // BPM, as librosa's beat_track
    std::vector<double> beatTimes;     // seconds
    static constexpr double kMaxFeatureSeconds = 600.0;

    // Genre probabilities from the embedded default models (when the build has them).
    bool hasGenres = false;
    classify::SongPrediction genres;
    QString genreNote;  // why there are none, e.g. too short

    // The file as it was when analysed, for the library store.
    qint64 fileSize = 0;
    qint64 mtimeNs = 0;
    QString contentHash;
    std::shared_ptr<const classify::GenreClassifier> classifier;  // that made `genres`

    double frameSeconds() const { return double(hop) / audio.sampleRate; }
};

using SongAnalysisPtr = std::shared_ptr<const SongAnalysis>;

/// The summary of an analysis (length, genres, features, tempo) without its samples,
/// peaks and spectrogram: what the library keeps of songs not looked at lately.
SongAnalysisPtr slimmed(const SongAnalysis& song);

/// Decodes and analyses a file. Progress: decoding 40 %, mel spectrogram and beats 20 %, features 40 %.
/// Throws genrescope::Error (including Cancelled).
SongAnalysisPtr analyseSong(const QString& path, const TaskControl& control);

/// The classifier new analyses use: at first the embedded models (null when the
/// binary has none). Thread-safe.
std::shared_ptr<const classify::GenreClassifier> currentClassifier();
void setCurrentClassifier(std::shared_ptr<const classify::GenreClassifier> classifier);

} // namespace genrescope::app
