#pragma once
// A genres_original-style folder of audio files as a dataset: each file gives
// its 57 whole-clip features or its 1 x 216 x 334 mel image, labelled by its
// folder. Results are cached on disk, keyed by the file's content hash, so a
// folder is analysed once.

#include "common/Progress.h"
#include "data/Dataset.h"

namespace genrescope::data {

/// Files that fail to decode are skipped and listed in `skipped` (path: reason).
Dataset loadAudioFolder(const QString& dir, InputKind kind, QStringList* skipped = nullptr,
                        const TaskControl& control = {});

/// Where cached analyses live (a folder under the user's cache location).
QString analysisCacheDir();

} // namespace genrescope::data
