#pragma once
// numpy.mean and numpy.var (population variance) of a feature's values,
// accumulated in double.

#include <cstddef>
#include <vector>

namespace genrescope {

struct MeanVar {
    double mean = 0.0;
    double var = 0.0;
};

MeanVar meanVar(const float* values, size_t count);
inline MeanVar meanVar(const std::vector<float>& v) { return meanVar(v.data(), v.size()); }

/// numpy.median of float32 values: the middle value, or for an even count the
/// float32 mean of the two middle values. Reorders `values`.
float medianInPlace(std::vector<float>& values);

} // namespace genrescope
