#pragma once
// What the Explore views need of one song, computed off the UI thread.

#include "PeakPyramid.h"
#include "workflow/SongAnalyzer.h"

#include <QImage>

#include <memory>

namespace genrescope::app {

/// A song as the Explore views show it: the workflow's analysis, its peaks and its picture.
struct SongAnalysis : workflow::AnalysedSong {
    /// Only the summary is kept: no samples, peaks or spectrogram (a full analysis
    /// always has samples: shorter songs are refused).
    bool slim() const { return audio.samples.empty(); }
    PeakPyramid peaks;
    QImage melImage;           // melDb in magma, band 0 at the bottom
    double dbFloor = -80.0;    // colour range of melImage
    double dbCeiling = 0.0;
    /// Bytes held by the samples, spectrogram, picture and peaks (what slimming frees).
    size_t heldBytes() const;
};

using SongAnalysisPtr = std::shared_ptr<const SongAnalysis>;

/// The summary of an analysis (length, genres, features, tempo) without its samples,
/// peaks and spectrogram: what the library keeps of songs not looked at lately.
SongAnalysisPtr slimmed(const SongAnalysis& song);

/// Analyses a file for the views (workflow::analyseSongFile) with `classifier` (may be null).
/// Throws genrescope::Error (including Cancelled).
SongAnalysisPtr analyseSong(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                            const TaskControl& control, const workflow::KnownGenres* known = nullptr);

} // namespace genrescope::app
