#include "features/Hpss.h"

#include "features/MedianFilter.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace genrescope {

namespace {

/// softmask(X, X_ref, power=2, split_zeros=True) in float32 for both parts at once:
/// the filtered magnitudes H and P become H^2/(H^2+P^2) and P^2/(H^2+P^2), 0/0 = 0.5.
__attribute__((target_clones("avx2", "default")))
void softMasksInPlace(float* __restrict h, float* __restrict p, size_t count)
{
    for (size_t i = 0; i < count; ++i) {  // branch-free, so it vectorises
        // librosa divides both by Z = max(H, P); one quotient is exactly 1, so only
        // the other needs a division.
        const bool hLarger = h[i] >= p[i];
        const float z = hLarger ? h[i] : p[i];
        const bool zero = z < FLT_MIN;
        const float ratio = (hLarger ? p[i] : h[i]) / (zero ? 1.0f : z);
        const float hz = hLarger ? 1.0f : ratio, pz = hLarger ? ratio : 1.0f;
        const float a = hz * hz, b = pz * pz;
        h[i] = zero ? 0.5f : a / (a + b);
        p[i] = zero ? 0.5f : b / (b + a);
    }
}

} // namespace

HpssSignals hpss(const ComplexSpectrogram& X, long length, const HpssParams& params)
{
    Spectrogram magnitude(X.bins, X.frames);
    binMagnitudes(X.data.data(), long(X.data.size()), magnitude.data.data(), nullptr);
    return hpss(X, magnitude, nullptr, length, params);
}

HpssSignals hpss(const ComplexSpectrogram& X, const Spectrogram& magnitude, const float* y, long length,
                 const HpssParams& params)
{
    const int bins = X.bins;
    const long frames = X.frames;
    const size_t count = magnitude.data.size();
    std::vector<float> harm(count), perc(count);
    medianFilterColumns(magnitude.data.data(), harm.data(), frames, bins, params.harmonicKernel);  // over time
    medianFilterRows(magnitude.data.data(), perc.data(), frames, bins, params.percussiveKernel);   // over frequency

    softMasksInPlace(harm.data(), perc.data(), count);
    auto masked = [&](const std::vector<float>& mask) {
        return [&](long f, std::complex<double>* out) {
            const std::complex<float>* x = X.frame(f);
            const float* m = mask.data() + size_t(f) * size_t(bins);
            for (int k = 0; k < bins; ++k)
                out[k] = std::complex<double>(x[k].real() * m[k], x[k].imag() * m[k]);
        };
    };
    HpssSignals out;
    out.harmonic = inverseStft(frames, masked(harm), params.stft, length);
    if (!y) {
        out.percussive = inverseStft(frames, masked(perc), params.stft, length);
        return out;
    }
    // librosa 0.8.1's istft output stops n_fft/2 before the padded end (zeros after).
    const long covered = params.stft.center ? std::min(length, long(params.stft.hop) * (frames - 1)) : length;
    out.percussive.assign(size_t(length), 0.0f);
    for (long i = 0; i < covered; ++i)
        out.percussive[size_t(i)] = y[i] - out.harmonic[size_t(i)];
    return out;
}

} // namespace genrescope
