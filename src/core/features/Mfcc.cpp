#include "features/Mfcc.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace genrescope {

Spectrogram mfcc(const Spectrogram& melDb, const MfccParams& params)
{
    const int bands = melDb.bins, n = params.nMfcc;
    // DCT-II, norm="ortho": sqrt(1/N) for k = 0, sqrt(2/N) otherwise.
    std::vector<double> basis(size_t(n) * size_t(bands));
    for (int k = 0; k < n; ++k) {
        const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / bands);
        for (int b = 0; b < bands; ++b)
            basis[size_t(k) * size_t(bands) + size_t(b)] =
                scale * std::cos(std::numbers::pi * k * (2.0 * b + 1.0) / (2.0 * bands));
    }
    Spectrogram out(n, melDb.frames);
    for (long f = 0; f < melDb.frames; ++f) {
        const float* x = melDb.frame(f);
        float* y = out.frame(f);
        for (int k = 0; k < n; ++k) {
            const double* row = basis.data() + size_t(k) * size_t(bands);
            double acc = 0.0;
            for (int b = 0; b < bands; ++b)
                acc += row[b] * x[b];
            y[k] = float(acc);
        }
    }
    return out;
}

} // namespace genrescope
