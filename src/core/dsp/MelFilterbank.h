#pragma once
// Slaney-style mel filterbank, as librosa.filters.mel(sr, n_fft, n_mels,
// fmin=0, fmax=sr/2, htk=False, norm="slaney"): triangles on the Slaney mel
// scale (linear below 1 kHz, logarithmic above), each scaled to unit area.

#include "dsp/Spectrogram.h"

#include <vector>

namespace genrescope {

struct MelParams {
    double sampleRate = 22050.0;
    int nFft = 2048;
    int nMels = 128;
    double fMin = 0.0;
    double fMax = -1.0;  // < 0 means sampleRate / 2
};

double hzToMelSlaney(double hz);
double melToHzSlaney(double mel);

class MelFilterbank {
public:
    explicit MelFilterbank(MelParams params = {});

    const MelParams& params() const { return params_; }
    int bands() const { return params_.nMels; }
    int fftBins() const { return params_.nFft / 2 + 1; }
    /// Weight of FFT bin k in band b (float32, as librosa returns it).
    float weight(int band, int bin) const;
    /// Band edges in Hz: nMels + 2 values; band b spans edges b..b+2 and peaks at b+1.
    const std::vector<double>& bandEdgesHz() const { return edges_; }

    /// Applies the bank to one frame of a power spectrum (fftBins() values).
    void apply(const float* spectrum, float* mel) const;
    /// Applies the bank to every frame.
    Spectrogram apply(const Spectrogram& spectrum) const;

private:
    struct Band {
        int firstBin = 0;
        std::vector<float> weights;
    };
    MelParams params_;
    std::vector<double> edges_;
    std::vector<Band> bands_;
};

} // namespace genrescope
