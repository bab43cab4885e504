#pragma once
// The header Explore shows above a song's views: the file's name, then a line on the
// file, its decoding and its analysis, with the genres. Pure functions (QtCore only), so
// the text is tested without a window.

#include "workflow/SongAnalyzer.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace genrescope::workflow {

/// "rock 61 %, metal 20 %, ..." for the top `count` classes.
QString describeProbabilities(const std::vector<float>& p, const QStringList& classes, int count = 3);

/// How a song was cut for its genres: "one window of the whole 20.0 s", "3 windows of 30 s,
/// 15 s apart", or "4 windows of 30 s, 15 s apart, the last aligned to the song's end (weight 0.93)".
QString describeWindows(const classify::SongPrediction& prediction);

/// How far a song shown in Explore has come.
enum class SongStage { NoSong, Analysing, Failed, Ready };

/// Rich text for Explore's two header labels.
struct SongSummary {
    QString title;    // the file name in bold (escaped), or "No song loaded"
    QString details;  // format, length, decoding note, tempo, genres or why there are none
};

/// The header for the song at `path` at `stage`. `song` is read only when Ready, and must
/// then be given.
SongSummary summariseSong(SongStage stage, const QString& path = {}, const AnalysedSong* song = nullptr);

} // namespace genrescope::workflow
