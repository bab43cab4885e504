#pragma once
// The teacher's input, a frames x 96 matrix of log10(10000 x + 1) mel power
// (16 kHz, n_fft 512, hop 256, 96 Slaney bands), made from real audio or
// rebuilt from a Kaggle GTZAN picture as ../shared/models/musicnn-msd/README.md
// describes.

#include "MusicnnTeacher.h"

#include "dsp/MelImage.h"

#include <QString>

#include <vector>

namespace genrescope::teacher {

inline constexpr int kTeacherRate = 16000;

/// From mono samples at 16 kHz.
Matrix logMelFromAudio(const float* samples, long count);

/// The 96 x 128 non-negative map from Kaggle's bands (22050 Hz, n_fft 2048) to musicnn's.
Matrix readBandMap(const QString& csvPath);

struct ImageReconstruction {
    long kaggleFrames = 1293;  // frames of the pictured clip (1293 for a 30 s GTZAN clip)
    double floorDb = -90.0;    // stands for pixels at the -80 dB floor
    double levelScale = 1000.0;  // relative power x this stands for the unknown absolute level
};

/// From a picture's colour indices: dB relative to the clip's peak, 128 bands, then
/// musicnn's bands and frames, then its log compression.
Matrix logMelFromImage(const MelImage& image, const Matrix& bandMap, const ImageReconstruction& how = {});

} // namespace genrescope::teacher
