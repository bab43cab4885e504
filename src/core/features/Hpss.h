#pragma once
// librosa.effects.hpss(y): harmonic/percussive separation by median
// filtering |X| over 31 frames in time (harmonic) and 31 bins in frequency
// (percussive), soft masks H^2/(H^2+P^2) and P^2/(H^2+P^2) (0/0 split as
// 0.5 each, librosa's split_zeros for margin 1), then the inverse STFT.

#include "dsp/Stft.h"

#include <vector>

namespace genrescope {

struct HpssParams {
    int harmonicKernel = 31;    // frames
    int percussiveKernel = 31;  // bins
    StftParams stft;
};

struct HpssSignals {
    std::vector<float> harmonic;
    std::vector<float> percussive;
};

/// From the complex STFT of a signal of `length` samples.
HpssSignals hpss(const ComplexSpectrogram& X, long length, const HpssParams& params = {});
/// The same when |X| (frame-major float32 magnitudes) and the signal y that X came
/// from are at hand. The masks sum to one, so the percussive part is y minus the
/// harmonic part (inverse STFT is linear and reconstructs y): one inverse STFT, not two.
/// Equal to the two-transform result within float32 rounding.
HpssSignals hpss(const ComplexSpectrogram& X, const Spectrogram& magnitude, const float* y, long length,
                 const HpssParams& params = {});

} // namespace genrescope
