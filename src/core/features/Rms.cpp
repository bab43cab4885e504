#include "features/Rms.h"

#include "dsp/Stft.h"

#include <cmath>

namespace genrescope {

std::vector<float> rms(const float* y, long n, const RmsParams& p)
{
    const long pad = p.frameLength / 2;
    const long frames = n > 0 ? 1 + n / p.hop : 0;
    std::vector<float> out(static_cast<size_t>(frames));
    for (long f = 0; f < frames; ++f) {
        const long start = f * p.hop - pad;
        double sum = 0.0;
        for (long i = 0; i < p.frameLength; ++i) {
            const long j = start + i;
            const float v = (j >= 0 && j < n) ? y[j] : y[reflectIndex(j, n)];
            const float sq = v * v;  // float32 |x|^2
            sum += sq;
        }
        out[size_t(f)] = float(std::sqrt(float(sum / p.frameLength)));
    }
    return out;
}

} // namespace genrescope
