#pragma once
// Scanning a music library into the store: only what is new or changed is analysed (a
// moved file is recognised by its content), on a thread pool of its own, and each song is
// written in its own transaction as soon as it is done. Work can be split into shards by
// path hash, for GNU parallel, Slurm arrays or several machines, and merged afterwards.

#include "classify/GenreClassifier.h"
#include "workflow/LibraryStore.h"

#include <atomic>
#include <functional>

namespace genrescope::workflow {

struct ScanOptions {
    int jobs = 1;          // files analysed at once
    int shardIndex = 0;    // this run scans the files whose shardOf(path, shardCount) == shardIndex
    int shardCount = 1;
};

struct ScanReport {
    int considered = 0;    // files in this shard
    int analysed = 0;
    int unchanged = 0;     // already in the store with every model's predictions
    int moved = 0;         // known content at a new path
    int failed = 0;        // analysed, and failed (the reason is stored too)
};

/// The shard (0 .. count-1) a file belongs to: FNV-1a of its absolute path's UTF-8, mod count.
int shardOf(const QString& absolutePath, int count);

/// After each file: its path, the error (empty on success or when nothing was to do), and
/// whether it was analysed now.
using ScanProgress = std::function<void(const QString& path, const QString& error, bool analysed, int done, int total)>;

/// Brings the store up to date for these files with the classifier's models.
ScanReport scanLibrary(LibraryStore& store, const QStringList& files, const classify::GenreClassifier& classifier,
                       const ScanOptions& options, const ScanProgress& progress = {},
                       const std::atomic<bool>* cancel = nullptr);

/// The stored predictions of a classified song (one per model present).
std::vector<StoredPrediction> predictionsOf(const classify::SongPrediction& song, const classify::GenreClassifier& classifier);

/// A song prediction rebuilt from the store, or nullopt when a model's predictions are missing.
std::optional<classify::SongPrediction> storedPrediction(const LibraryStore& store, const StoredSong& song,
                                                         const classify::GenreClassifier& classifier);

} // namespace genrescope::workflow
