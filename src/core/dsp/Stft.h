#pragma once
// Short-time Fourier transform, as librosa 0.8.1's stft with its defaults:
// periodic Hann window, centred frames with numpy-style reflect padding.
// The FFT runs in double precision (as numpy's does) and results are stored
// as complex float. Plans are made once per size and shared across threads.

#include "common/Progress.h"
#include "dsp/Spectrogram.h"

#include <cmath>
#include <complex>
#include <functional>
#include <vector>

namespace genrescope {

struct StftParams {
    int nFft = 2048;       // FFT and window length, samples
    int hop = 512;         // samples between frame starts
    bool center = true;    // pad nFft/2 on each side (numpy "reflect", edge not repeated)
};

using ComplexSpectrogram = FrameMatrix<std::complex<float>>;

class Stft {
public:
    explicit Stft(StftParams params = {});

    const StftParams& params() const { return params_; }
    int bins() const { return params_.nFft / 2 + 1; }
    /// Frames for a signal of n samples (1 + n/hop when centred).
    long frameCount(long n) const;
    /// Centre frequency of bin k in Hz: k*sr/nFft.
    double binFrequency(int k, double sampleRate) const { return k * sampleRate / params_.nFft; }

    ComplexSpectrogram compute(const float* y, long n, const TaskControl& control = {}) const;
    /// |X|^2, computed as librosa does: the float magnitude, squared in float.
    Spectrogram power(const float* y, long n, const TaskControl& control = {}) const;

    /// Calls visit(frame, bins) for every frame with the double-precision FFT output.
    using FrameVisitor = std::function<void(long frame, const std::complex<double>* bins)>;
    void forEachFrame(const float* y, long n, const TaskControl& control, const FrameVisitor& visit) const;

    const std::vector<double>& window() const { return window_; }

private:
    StftParams params_;
    std::vector<double> window_;
};

/// librosa 0.8.1's istft with the same window and centring: inverse FFT of each
/// frame, windowed overlap-add into a float32 signal, divided by the summed
/// squared window, trimmed by n_fft/2 at both ends, then cut or zero-padded to `length`.
std::vector<float> inverseStft(const ComplexSpectrogram& X, const StftParams& params, long length);

/// The same, pulling each frame's n_fft/2+1 bins from `fill` instead of a stored spectrogram.
using FrameSource = std::function<void(long frame, std::complex<double>* bins)>;
std::vector<float> inverseStft(long frames, const FrameSource& fill, const StftParams& params, long length);

/// |X| and |X|^2 of n bins, as librosa computes them from the complex64 STFT:
/// numpy's hypotf (which glibc rounds correctly from double), squared in float.
/// Either output may be null. Vectorised.
void binMagnitudes(const std::complex<double>* bins, int n, float* magnitude, float* power);
void binMagnitudes(const std::complex<float>* bins, long n, float* magnitude, float* power);

/// Periodic Hann window of length n (scipy.signal.get_window('hann', n)).
std::vector<double> periodicHann(int n);

/// numpy.pad(mode="reflect") index: mirrors about the edge samples without repeating them.
long reflectIndex(long i, long n);

} // namespace genrescope
