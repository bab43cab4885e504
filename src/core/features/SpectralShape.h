#pragma once
// librosa.feature.spectral_centroid, spectral_bandwidth (p=2, normalised) and
// spectral_rolloff (roll_percent 0.85), computed per frame on the magnitude
// spectrogram |X| with bin frequencies k*sr/n_fft.

#include "dsp/Spectrogram.h"

#include <vector>

namespace genrescope {

struct SpectralShapeParams {
    double sampleRate = 22050.0;
    int nFft = 2048;
    float rollPercent = 0.85f;  // rolloff: fraction of the frame's magnitude sum
};

struct SpectralShape {
    std::vector<float> centroid;   // Hz per frame
    std::vector<float> bandwidth;  // Hz per frame
    std::vector<float> rolloff;    // Hz per frame
};

/// All three from one magnitude spectrogram (bins = n_fft/2 + 1).
SpectralShape spectralShape(const Spectrogram& magnitude, const SpectralShapeParams& params = {});

} // namespace genrescope
