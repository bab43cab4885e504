#include "features/Hpss.h"

#include "features/MedianFilter.h"

#include <cfloat>
#include <cmath>

namespace genrescope {

HpssSignals hpss(const ComplexSpectrogram& X, long length, const HpssParams& params)
{
    const int bins = X.bins;
    const long frames = X.frames;
    // |X| frame-major (float32, as numpy's abs of complex64).
    std::vector<float> mag(size_t(bins) * size_t(frames));
    for (size_t i = 0; i < mag.size(); ++i) {
        const double re = X.data[i].real(), im = X.data[i].imag();
        mag[i] = float(std::sqrt(re * re + im * im));
    }
    std::vector<float> harm(mag.size()), perc(mag.size());
    medianFilterColumns(mag.data(), harm.data(), frames, bins, params.harmonicKernel);  // over time
    medianFilterRows(mag.data(), perc.data(), frames, bins, params.percussiveKernel);   // over frequency

    // softmask(X, X_ref, power=2, split_zeros=True) in float32, applied to X as each frame is inverted.
    std::vector<float> maskBuffer(static_cast<size_t>(bins));
    auto masked = [&](bool harmonic) {
        return [&, harmonic](long f, std::complex<double>* out) {
            const std::complex<float>* x = X.frame(f);
            const float* h = harm.data() + size_t(f) * size_t(bins);
            const float* p = perc.data() + size_t(f) * size_t(bins);
            const float* num = harmonic ? h : p;
            const float* ref = harmonic ? p : h;
            float* mask = maskBuffer.data();
            for (int k = 0; k < bins; ++k) {  // branch-free so it vectorises
                const float z = std::max(h[k], p[k]);
                const bool zero = z < FLT_MIN;
                const float zs = zero ? 1.0f : z;
                const float a = (num[k] / zs) * (num[k] / zs), b = (ref[k] / zs) * (ref[k] / zs);
                mask[k] = zero ? 0.5f : a / (a + b);
            }
            for (int k = 0; k < bins; ++k)
                out[k] = std::complex<double>(x[k].real() * mask[k], x[k].imag() * mask[k]);
        };
    };
    HpssSignals out;
    out.harmonic = inverseStft(frames, masked(true), params.stft, length);
    out.percussive = inverseStft(frames, masked(false), params.stft, length);
    return out;
}

} // namespace genrescope
