#pragma once
// A batch of float32 values with a shape: (N, F) for vectors, (N, C, H, W) for
// images. Row-major; the first dimension is always the batch.

#include "dsp/Spectrogram.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace genrescope::ml {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixMap = Eigen::Map<RowMatrix>;
using ConstMatrixMap = Eigen::Map<const RowMatrix>;

struct Tensor {
    std::vector<int> shape;  // shape[0] is the batch
    Buffer<float> data;

    Tensor() = default;
    explicit Tensor(std::vector<int> s) : shape(std::move(s)), data(size_t(count(shape))) {}

    static long count(const std::vector<int>& s)
    {
        return std::accumulate(s.begin(), s.end(), 1L, [](long a, int b) { return a * b; });
    }
    int batch() const { return shape.empty() ? 0 : shape[0]; }
    /// Values per sample.
    long sampleSize() const { return shape.size() < 2 ? 1 : count(std::vector<int>(shape.begin() + 1, shape.end())); }
    long size() const { return long(data.size()); }
    void resize(const std::vector<int>& s)
    {
        shape = s;
        data.resize(size_t(count(s)));
    }
    void zero() { std::fill(data.begin(), data.end(), 0.0f); }
    float* sample(int n) { return data.data() + size_t(n) * size_t(sampleSize()); }
    const float* sample(int n) const { return data.data() + size_t(n) * size_t(sampleSize()); }

    /// The tensor as a batch x sampleSize matrix.
    MatrixMap matrix() { return MatrixMap(data.data(), batch(), sampleSize()); }
    ConstMatrixMap matrix() const { return ConstMatrixMap(data.data(), batch(), sampleSize()); }
};

/// x = log(max(x, 1e-10)) for the given value indices of every sample.
inline void logScaleInPlace(Tensor& inputs, const std::vector<int>& indices)
{
    for (int n = 0; n < inputs.batch(); ++n) {
        float* x = inputs.sample(n);
        for (int k : indices)
            if (k >= 0 && k < inputs.sampleSize())
                x[k] = std::log(std::max(x[k], 1e-10f));
    }
}

/// x = (x - mean) * scale for every sample; one entry per value, or a single entry for all.
inline void standardiseInPlace(Tensor& inputs, const std::vector<float>& mean, const std::vector<float>& scale)
{
    if (mean.empty())
        return;
    const long F = inputs.sampleSize();
    const bool perValue = long(mean.size()) == F;
    for (int n = 0; n < inputs.batch(); ++n) {
        float* x = inputs.sample(n);
        for (long k = 0; k < F; ++k) {
            const size_t j = perValue ? size_t(k) : 0;
            x[k] = (x[k] - mean[j]) * scale[j];
        }
    }
}

} // namespace genrescope::ml
