#pragma once
// One song from file to everything the front ends show of it: the decoded samples,
// the mel spectrogram and beat grid, the 57 features and the genres. Windows are
// classified while the file decodes, and each window's single STFT serves its features
// and its mel image; a song that is one window shares that STFT with the whole-song
// views and features too. The Explore tab analyses through here; the scan and the CLI
// use the same windows (GenreClassifier::classifyFile) without keeping the samples.

#include "audio/AudioDecoder.h"
#include "classify/GenreClassifier.h"
#include "common/Progress.h"
#include "dsp/Spectrogram.h"
#include "features/FeatureVector.h"
#include "workflow/ModelCatalog.h"

#include <memory>

namespace genrescope::workflow {

struct AnalysedSong {
    DecodedAudio audio;            // mono, 22050 Hz (songs up to kMaxWholeSongSeconds)
    double seconds = 0.0;          // decoded length
    Spectrogram melDb;             // 128 bands x frames, dB re the song's peak, >= -80
    int hop = 512;                 // samples per melDb frame
    double tempo = 0.0;            // BPM, as librosa's beat_track
    std::vector<double> beatTimes; // seconds

    bool hasFeatures = false;      // the 57 features of the whole song
    FeatureValues features{};
    bool featuresPooled = false;   // summarised from the song windows (songs over kExactFeatureSeconds)

    bool hasGenres = false;
    bool genresReused = false;     // taken from an earlier analysis of the unchanged file
    classify::SongPrediction genres;
    QString genreNote;             // why there are none, e.g. too short
    std::shared_ptr<const classify::GenreClassifier> classifier;  // that made `genres`

    // The file as it was when analysed, for the library store.
    qint64 fileSize = 0;
    qint64 mtimeNs = 0;
    QString contentHash;

    double frameSeconds() const { return double(hop) / kAnalysisRate; }
};

/// What an earlier analysis found, to show a song again without classifying it again.
struct KnownGenres {
    std::shared_ptr<const classify::GenreClassifier> classifier;  // that made them
    classify::SongPrediction genres;  // with its windows (and their features)
    qint64 fileSize = 0;              // the file as it was then
    qint64 mtimeNs = 0;
    QString contentHash;
};

/// Analyses a file with `classifier` (may be null: no genres), its windows on `threads`
/// threads. With `known` genres from this classifier for the file unchanged, only the
/// views and features are made. Progress: decoding and windows 80 %, the whole-song views
/// 20 %. Throws genrescope::Error (including Cancelled) when the file cannot be decoded; a
/// song too short for genres gets a genreNote.
AnalysedSong analyseSongFile(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                             int threads = 2, const TaskControl& control = {}, const KnownGenres* known = nullptr);

} // namespace genrescope::workflow
