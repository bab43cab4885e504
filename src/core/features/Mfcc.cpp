#include "features/Mfcc.h"

#include <Eigen/Core>

#include <cmath>
#include <numbers>
#include <vector>

namespace genrescope {

Spectrogram mfcc(const Spectrogram& melDb, const MfccParams& params)
{
    const int bands = melDb.bins, n = params.nMfcc;
    // DCT-II, norm="ortho": sqrt(1/N) for k = 0, sqrt(2/N) otherwise.
    Eigen::MatrixXd basis(n, bands);
    for (int k = 0; k < n; ++k) {
        const double scale = std::sqrt((k == 0 ? 1.0 : 2.0) / bands);
        for (int b = 0; b < bands; ++b)
            basis(k, b) = scale * std::cos(std::numbers::pi * k * (2.0 * b + 1.0) / (2.0 * bands));
    }
    // Band-major basis; each frame's coefficients advance together over the bands
    // (vectorised across coefficients, fixed order, double accumulation).
    std::vector<double> byBand(size_t(bands) * size_t(n));
    for (int k = 0; k < n; ++k)
        for (int b = 0; b < bands; ++b)
            byBand[size_t(b) * size_t(n) + size_t(k)] = basis(k, b);
    Spectrogram out(n, melDb.frames);
    std::vector<double> acc(static_cast<size_t>(n));
    for (long f = 0; f < melDb.frames; ++f) {
        const float* x = melDb.frame(f);
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int b = 0; b < bands; ++b) {
            const double v = x[b];
            const double* w = byBand.data() + size_t(b) * size_t(n);
            for (int k = 0; k < n; ++k)
                acc[size_t(k)] += w[k] * v;
        }
        for (int k = 0; k < n; ++k)
            out.frame(f)[k] = float(acc[size_t(k)]);
    }
    return out;
}

} // namespace genrescope
