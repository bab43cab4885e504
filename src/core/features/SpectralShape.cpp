#include "features/SpectralShape.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace genrescope {

SpectralShape spectralShape(const Spectrogram& S, const SpectralShapeParams& params)
{
    SpectralShape out;
    out.centroid.resize(size_t(S.frames));
    out.bandwidth.resize(size_t(S.frames));
    out.rolloff.resize(size_t(S.frames));
    // fft_frequencies: linspace(0, sr/2, bins)
    std::vector<double> freq(static_cast<size_t>(S.bins));
    const double nyquist = params.sampleRate / 2.0;
    for (int k = 0; k < S.bins; ++k)
        freq[size_t(k)] = k == S.bins - 1 ? nyquist : k * (nyquist / double(S.bins - 1));

    for (long f = 0; f < S.frames; ++f) {
        const float* s = S.frame(f);
        // One pass of moments: sum s, sum s*f, sum s*f^2 (double).
        double m0 = 0.0, m1 = 0.0, m2 = 0.0;
        for (int k = 0; k < S.bins; ++k) {
            const double v = s[k], fv = freq[size_t(k)] * v;
            m0 += v;
            m1 += fv;
            m2 += freq[size_t(k)] * fv;
        }
        // util.normalize(norm=1): a frame whose sum is below float32's tiny stays unscaled (all zero).
        const double scale = m0 < double(FLT_MIN) ? 1.0 : 1.0 / m0;
        const double centroid = m1 * scale;
        // sum s (f - c)^2 = m2 - 2 c m1 + c^2 m0
        const double spread = std::max(0.0, (m2 - 2.0 * centroid * m1 + centroid * centroid * m0) * scale);
        out.centroid[size_t(f)] = float(centroid);
        out.bandwidth[size_t(f)] = float(std::sqrt(spread));
    }

    // Rolloff in float32 as numpy does it: a sequential cumsum against 0.85 * sum.
    // Eight frames run side by side so the dependent additions overlap.
    constexpr int kLanes = 8;
    for (long f0 = 0; f0 < S.frames; f0 += kLanes) {
        const int lanes = int(std::min<long>(kLanes, S.frames - f0));
        float total[kLanes] = {}, threshold[kLanes], cumulative[kLanes] = {};
        int found[kLanes];
        for (int l = 0; l < lanes; ++l) {
            const float* s = S.frame(f0 + l);
            for (int k = 0; k < S.bins; ++k)
                total[l] += s[k];
            threshold[l] = params.rollPercent * total[l];
            found[l] = S.bins - 1;
        }
        int pending = lanes;
        for (int k = 0; k < S.bins && pending > 0; ++k) {
            for (int l = 0; l < lanes; ++l) {
                cumulative[l] += S.frame(f0 + l)[k];
                if (found[l] == S.bins - 1 && k < S.bins - 1 && !(cumulative[l] < threshold[l])) {
                    found[l] = k;
                    --pending;
                }
            }
        }
        for (int l = 0; l < lanes; ++l)
            out.rolloff[size_t(f0 + l)] = float(freq[size_t(found[l])]);
    }
    return out;
}

} // namespace genrescope
