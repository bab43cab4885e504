#pragma once
// librosa.feature.melspectrogram(y, sr) with its defaults: power STFT
// (n_fft 2048, hop 512, centred, reflect-padded) through a 128-band Slaney bank.

#include "dsp/MelFilterbank.h"
#include "dsp/Stft.h"

namespace genrescope {

struct MelSpectrogramParams {
    StftParams stft;       // n_fft 2048, hop 512, centred
    int nMels = 128;
    double sampleRate = 22050.0;
};

class MelSpectrogram {
public:
    explicit MelSpectrogram(MelSpectrogramParams params = {});

    const MelSpectrogramParams& params() const { return params_; }
    const Stft& stft() const { return stft_; }
    const MelFilterbank& filterbank() const { return bank_; }

    /// Mel power spectrogram: nMels bands x frames.
    Spectrogram compute(const float* y, long n, const TaskControl& control = {}) const;
    /// Mel power from an already computed power spectrogram (share one STFT).
    Spectrogram fromPower(const Spectrogram& power) const { return bank_.apply(power); }

    /// Seconds at the centre of frame f.
    double frameTime(long f) const { return double(f) * params_.stft.hop / params_.sampleRate; }

private:
    MelSpectrogramParams params_;
    Stft stft_;
    MelFilterbank bank_;
};

struct DbParams {
    double ref = 1.0;     // 0 dB reference; <= 0 means "the maximum of the input"
    double amin = 1e-10;  // floor before the logarithm
    double topDb = 80.0;  // clip below max - topDb; < 0 disables
};

/// librosa.power_to_db: 10*log10(max(S, amin)/ref), clipped to topDb below the peak.
Spectrogram powerToDb(const Spectrogram& power, const DbParams& params = {});

} // namespace genrescope
