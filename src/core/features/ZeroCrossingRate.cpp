#include "features/ZeroCrossingRate.h"

#include <algorithm>
#include <cmath>

namespace genrescope {

std::vector<float> zeroCrossingRate(const float* y, long n, const ZeroCrossingParams& p)
{
    const long pad = p.frameLength / 2;
    const long frames = n > 0 ? 1 + n / p.hop : 0;
    // Sign bit per padded sample: negative after thresholding small values to +0.
    auto negative = [&](long j) {
        const float v = y[std::clamp(j, 0L, n - 1)];
        return std::abs(v) > p.threshold && std::signbit(v);
    };
    std::vector<float> out(static_cast<size_t>(frames));
    for (long f = 0; f < frames; ++f) {
        const long start = f * p.hop - pad;
        int crossings = 0;
        bool previous = negative(start);
        for (long i = 1; i < p.frameLength; ++i) {
            const bool current = negative(start + i);
            crossings += current != previous;
            previous = current;
        }
        out[size_t(f)] = float(crossings) / float(p.frameLength);
    }
    return out;
}

} // namespace genrescope
