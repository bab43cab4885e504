#pragma once
// librosa.feature.mfcc(y, sr): orthonormal DCT-II over the bands of
// power_to_db(mel) (ref 1, amin 1e-10, top_db 80), first 20 coefficients.

#include "dsp/Spectrogram.h"

namespace genrescope {

struct MfccParams {
    int nMfcc = 20;
};

/// nMfcc x frames from the dB mel spectrogram.
Spectrogram mfcc(const Spectrogram& melDb, const MfccParams& params = {});

} // namespace genrescope
