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
    // Frame-major storage is a column-major bands x frames matrix; accumulate in double.
    const Eigen::Map<const Eigen::MatrixXf> S(melDb.data.data(), bands, melDb.frames);
    const Eigen::MatrixXd coefficients = basis.lazyProduct(S.cast<double>());  // single-threaded
    Spectrogram out(n, melDb.frames);
    Eigen::Map<Eigen::MatrixXf>(out.data.data(), n, melDb.frames) = coefficients.cast<float>();
    return out;
}

} // namespace genrescope
