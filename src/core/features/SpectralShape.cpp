#include "features/SpectralShape.h"

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
        double total = 0.0;
        for (int k = 0; k < S.bins; ++k)
            total += s[k];
        // util.normalize(norm=1): a frame whose sum is below float32's tiny stays unscaled (all zero).
        const double scale = total < double(FLT_MIN) ? 1.0 : 1.0 / total;
        double centroid = 0.0;
        for (int k = 0; k < S.bins; ++k)
            centroid += freq[size_t(k)] * s[k] * scale;
        double spread = 0.0;
        for (int k = 0; k < S.bins; ++k) {
            const double d = freq[size_t(k)] - centroid;
            spread += s[k] * scale * d * d;
        }
        out.centroid[size_t(f)] = float(centroid);
        out.bandwidth[size_t(f)] = float(std::sqrt(spread));

        // Rolloff in float32 as numpy does it: sequential cumsum against 0.85 * sum.
        float cumulative = 0.0f;
        float last = 0.0f;
        for (int k = 0; k < S.bins; ++k)
            last += s[k];
        const float threshold = params.rollPercent * last;
        double rolloff = freq.back();
        for (int k = 0; k < S.bins; ++k) {
            cumulative += s[k];
            if (!(cumulative < threshold)) {
                rolloff = freq[size_t(k)];
                break;
            }
        }
        out.rolloff[size_t(f)] = float(rolloff);
    }
    return out;
}

} // namespace genrescope
