#pragma once
// What the Explore views need of one song, computed off the UI thread.

#include "PeakPyramid.h"
#include "workflow/SongAnalyzer.h"

#include <QImage>

#include <memory>

namespace genrescope::app {

/// A song as the Explore views show it: the workflow's analysis, its peaks and its picture.
struct SongAnalysis : workflow::AnalysedSong {
    /// Songs up to this long keep their samples, for the waveform's closest zoom; longer ones
    /// keep only their peaks (16 samples a bin at the finest), which saves 80 MB per 20 minutes.
    static constexpr double kSamplesKeptSeconds = 600.0;
    /// Only the summary is kept: no samples, peaks or spectrogram (a full analysis always
    /// has its picture: shorter songs are refused).
    bool slim() const { return melImage.isNull(); }
    PeakPyramid peaks;
    QImage melImage;           // the mel spectrogram in magma, band 0 at the bottom (melDb is not kept)
    double dbFloor = -80.0;    // colour range of melImage
    double dbCeiling = 0.0;
    /// Bytes held by the samples, picture and peaks (what slimming frees).
    size_t heldBytes() const;
    /// The level at a band and frame, read back from the picture's colour (to 80/256 dB), or NaN.
    double decibelsAt(int band, long frame) const;
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
