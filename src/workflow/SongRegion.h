#pragma once
// What a selected stretch of a song is: the genre of the classification windows it
// covers, and the 57 features of its own audio.

#include "classify/GenreClassifier.h"
#include "common/Progress.h"
#include "features/FeatureVector.h"

#include <vector>

namespace genrescope::workflow {

/// The genre of a region: each model's probabilities averaged over the windows the region
/// overlaps, each weighted by the seconds of its own [start, end) inside the region times its
/// weight in the song (the end-aligned window weighs less). With the classifier that made
/// them, the ensemble mixes those means as the song's does (its temperature applied once), so
/// the whole song selected reads as the song; without, it is the mean of the windows' ensembles.
struct RegionGenres {
    std::vector<float> mlp, cnn, ensemble;  // empty when that model is absent or no window is covered
    int windows = 0;                        // windows that overlap the region
};
RegionGenres regionGenres(const classify::SongPrediction& prediction, double start, double end,
                          const classify::GenreClassifier* classifier = nullptr);

/// The 57 features of a region's samples (22050 Hz mono): exact up to kExactFeatureSeconds,
/// pooled from the song windows of the region beyond (as a whole song's are).
struct RegionFeatures {
    FeatureValues values{};
    bool pooled = false;
};
/// Callers refuse regions shorter than kMinimumFeatureSeconds (requireFeatureLength). Throws
/// Cancelled when cancelled.
RegionFeatures signalFeatures(const float* samples, long n, const TaskControl& control = {}, int threads = 2);

/// The samples of [start, end) seconds of a file, decoded at the analysis rate (for songs whose
/// samples are not kept). Stops decoding at the region's end. Throws as AudioDecoder does.
std::vector<float> decodeRegion(const QString& path, double start, double end, const TaskControl& control = {});

} // namespace genrescope::workflow
