#pragma once
// The feature rows of an audio file, decoded block by block: each window's features
// are computed as soon as its samples are in, so a file of any length takes bounded
// memory (a few windows' worth of samples, and one window's spectrograms per thread).

#include "audio/AudioInfo.h"
#include "common/Progress.h"
#include "features/FeatureExtractor.h"

namespace genrescope {

struct FileFeatures {
    std::vector<FeatureRow> rows;
    AudioInfo source;     // the file, with its decoded length and any decoding note
    bool pooled = false;  // the whole-file row was summarised from the song windows (poolFeatures)
};

/// What extractRows gives for the decoded file, streamed. A whole-file row (WindowSpec::whole)
/// is exact up to kExactFeatureSeconds and pooled from the song windows beyond. Windows run
/// on up to `threads` threads. Throws as decodeAudio and extractRows do.
FileFeatures extractFileRows(const QString& path, const WindowSpec& spec, const QString& label = {}, int threads = 1,
                             const TaskControl& control = {});

} // namespace genrescope
