#pragma once
// Training data from songs: each song is cut into the windows the classifier sees when it
// is used (visitSongWindows: 30 s every 15 s and one end-aligned, a short song one window of the whole), and
// every window gives one row of 57 features and one Kaggle-style mel image, from one STFT,
// exactly as GenreClassifier::classifyFile computes them. Songs are analysed in parallel
// and cached on disk by content, both kinds of rows at once, so training the second model
// of a pair, or training again, analyses nothing.

#include "common/Progress.h"
#include "data/Dataset.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace genrescope::classify {

struct LabelledSong {
    QString path;
    QString label;
};

/// Every audio file (recursively) under each immediate subfolder of `dir`, labelled by that subfolder's name,
/// sorted. Throws genrescope::Error (path + what to do) if dir is not a folder or has no audio in class subfolders.
std::vector<LabelledSong> songsInClassFolders(const QString& dir);

enum class WantedInputs { Features = 1, Images = 2, Both = 3 };

struct SongSetAnalysis {
    data::Dataset features, images;  // one row per song window (the windows Explore classifies); a kind not wanted is empty
    QStringList skipped;             // "path: reason" for every file left out (unreadable, undecodable, shorter than 10 s)
    int songs = 0;                   // files analysed
};

/// Analyses the songs on `threads` threads (songs in parallel, cached by file content), reporting progress through
/// control (fraction of songs done) and stopping with Cancelled when cancelled. Throws Error when no song is usable
/// or fewer than two classes remain.
///
/// Rows are in song order, then window order. A row's song id is GTZAN's ("blues.00012", so list-file splits work)
/// for GTZAN-named files, else the file's path below the songs' common folder (unique per file); all windows of a
/// file share it. Row names are the file name and the window's start ("song.mp3 @ 15 s").
SongSetAnalysis analyseSongs(const std::vector<LabelledSong>& songs, WantedInputs wanted, int threads,
                             const TaskControl& control = {});

/// Where analysed songs are cached: a folder under the user's cache location named after the analysis version
/// (one file per song content, "<quickContentHash>.windows").
QString songCacheDir();

} // namespace genrescope::classify
