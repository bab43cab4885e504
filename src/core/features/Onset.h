#pragma once
// librosa.onset.onset_strength(y, sr, aggregate=np.median), as beat_track
// calls it: first difference of power_to_db(mel) along time (lag 1), rectified,
// median over the 128 bands, shifted right by lag + n_fft/(2*hop) = 3 frames.

#include "dsp/Spectrogram.h"

#include <vector>

namespace genrescope {

struct OnsetParams {
    int lag = 1;
    int centreShift = 2;  // n_fft / (2 * hop)
};

/// From the dB mel spectrogram (power_to_db(mel), ref 1, top_db 80).
std::vector<float> onsetStrengthMedian(const Spectrogram& melDb, const OnsetParams& params = {});

} // namespace genrescope
