#include "features/ZeroCrossingRate.h"

#include <algorithm>
#include <cmath>

namespace genrescope {

std::vector<float> zeroCrossingRate(const float* y, long n, const ZeroCrossingParams& p)
{
    const long pad = p.frameLength / 2;
    const long frames = n > 0 ? 1 + n / p.hop : 0;
    if (frames == 0)
        return {};
    // Sign bit per edge-padded sample (negative after small values become +0), then
    // a prefix sum of sign changes so each frame's count is one subtraction.
    const long paddedLength = n + 2 * pad;
    std::vector<int> changes(static_cast<size_t>(paddedLength) + 1, 0);  // changes[j]: crossings in (0, j)
    bool previous = false;
    for (long j = 0; j < paddedLength; ++j) {
        const float v = y[std::clamp(j - pad, 0L, n - 1)];
        const bool negative = std::abs(v) > p.threshold && std::signbit(v);
        changes[size_t(j) + 1] = changes[size_t(j)] + (j > 0 && negative != previous);
        previous = negative;
    }
    std::vector<float> out(static_cast<size_t>(frames));
    for (long f = 0; f < frames; ++f) {
        const long start = f * p.hop;  // in padded coordinates
        const long end = std::min(start + p.frameLength, paddedLength);
        // Crossings between consecutive samples inside [start, end).
        const int count = changes[size_t(end)] - changes[size_t(start) + 1];
        out[size_t(f)] = float(count) / float(p.frameLength);
    }
    return out;
}

} // namespace genrescope
