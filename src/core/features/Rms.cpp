#include "features/Rms.h"

#include "dsp/Stft.h"

#include <cmath>

namespace genrescope {

std::vector<float> rms(const float* y, long n, const RmsParams& p)
{
    const long pad = p.frameLength / 2;
    const long frames = n > 0 ? 1 + n / p.hop : 0;
    if (frames == 0)
        return {};
    // Squares of the reflect-padded signal (float32, as numpy), summed in double
    // per hop-sized block; a frame is then a sum of frameLength / hop blocks.
    const long paddedLength = n + 2 * pad;
    const long blockCount = (paddedLength + p.hop - 1) / p.hop;
    std::vector<double> blocks(static_cast<size_t>(blockCount), 0.0);
    for (long j = 0; j < paddedLength; ++j) {
        const long src = j - pad;
        const float v = (src >= 0 && src < n) ? y[src] : y[reflectIndex(src, n)];
        const float sq = v * v;
        blocks[size_t(j / p.hop)] += sq;
    }
    const bool aligned = p.frameLength % p.hop == 0;
    std::vector<float> out(static_cast<size_t>(frames));
    for (long f = 0; f < frames; ++f) {
        double sum = 0.0;
        if (aligned) {
            for (long b = 0; b < p.frameLength / p.hop; ++b)
                sum += blocks[size_t(f + b)];
        } else {
            for (long i = 0; i < p.frameLength; ++i) {
                const long src = f * p.hop + i - pad;
                const float v = (src >= 0 && src < n) ? y[src] : y[reflectIndex(src, n)];
                sum += double(v * v);
            }
        }
        out[size_t(f)] = std::sqrt(float(sum / p.frameLength));
    }
    return out;
}

} // namespace genrescope
