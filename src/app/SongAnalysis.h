#pragma once
// What the Explore views need of one song, computed off the UI thread.

#include "LevelGrid.h"
#include "PeakPyramid.h"
#include "workflow/SongAnalyzer.h"

#include <QImage>

#include <memory>

namespace genrescope::app {

/// A song as the Explore views show it: the workflow's analysis, its peaks and its picture.
struct SongAnalysis : workflow::AnalysedSong {
    /// A song whose samples never reach this (-100 dBFS) is silent: its spectrogram shows the floor.
    static constexpr float kSilentPeak = 1e-5f;
    /// Songs up to this long keep their samples, for the waveform's closest zoom; longer ones
    /// keep only their peaks (16 samples a bin at the finest), which saves 80 MB per 20 minutes.
    static constexpr double kSamplesKeptSeconds = 600.0;
    /// Only the summary is kept: no samples, peaks or spectrogram (a full analysis always
    /// has its picture: shorter songs are refused).
    bool slim() const { return melLevels.empty(); }
    PeakPyramid peaks;
    LevelGrid melLevels;       // the mel spectrogram in 8-bit levels over [dbFloor, dbCeiling] (melDb is not kept)
    double dbFloor = -80.0;
    double dbCeiling = 0.0;
    LevelGrid chroma;          // 12 pitch classes (C first) x frames, each frame's maximum 1
    LevelGrid mfcc;            // 20 coefficients x frames, each divided by its largest |value| in the song
    std::vector<float> mfccScale;  // that largest |value| of each coefficient
    /// Bytes held by the samples, levels and peaks (what slimming frees).
    size_t heldBytes() const;
    /// The level at a band and frame (to 80/510 dB), or NaN.
    double decibelsAt(int band, long frame) const;
};

/// The chromagram of a whole song for the views: librosa's chroma_stft (n_fft 2048, hop 512) with
/// the tuning estimated on the first minute, frame by frame (no full STFT is held).
LevelGrid chromaLevels(const std::vector<float>& samples, const TaskControl& control = {});
/// The mel spectrogram's levels (as melLevels) with another FFT size, for the picture alone.
LevelGrid melLevelsWithFft(const std::vector<float>& samples, int nFft, const TaskControl& control = {});
/// The MFCCs (20) of a dB mel spectrogram, each coefficient divided by its largest |value|.
LevelGrid mfccLevels(const Spectrogram& melDb, std::vector<float>* scale = nullptr);

using SongAnalysisPtr = std::shared_ptr<const SongAnalysis>;

/// The summary of an analysis (length, genres, features, tempo) without its samples,
/// peaks and spectrogram: what the library keeps of songs not looked at lately.
SongAnalysisPtr slimmed(const SongAnalysis& song);

/// Analyses a file for the views (workflow::analyseSongFile) with `classifier` (may be null).
/// Throws genrescope::Error (including Cancelled).
SongAnalysisPtr analyseSong(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                            const TaskControl& control, const workflow::KnownGenres* known = nullptr);

} // namespace genrescope::app
