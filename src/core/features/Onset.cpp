#include "features/Onset.h"

#include "features/Statistics.h"

#include <algorithm>

namespace genrescope {

std::vector<float> onsetStrengthMedian(const Spectrogram& S, const OnsetParams& p)
{
    const long frames = S.frames;
    std::vector<float> env(static_cast<size_t>(std::max(0L, frames)), 0.0f);
    const long shift = p.lag + p.centreShift;
    std::vector<float> diffs(static_cast<size_t>(S.bins));
    for (long t = p.lag; t < frames; ++t) {
        const long dst = t - p.lag + shift;
        if (dst >= frames)
            break;
        const float* now = S.frame(t);
        const float* before = S.frame(t - p.lag);
        for (int b = 0; b < S.bins; ++b)
            diffs[size_t(b)] = std::max(0.0f, now[b] - before[b]);
        env[size_t(dst)] = medianInPlace(diffs);
    }
    return env;
}

} // namespace genrescope
