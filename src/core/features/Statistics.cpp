#include "features/Statistics.h"

#include <algorithm>

namespace genrescope {

MeanVar meanVar(const float* values, size_t count)
{
    MeanVar r;
    if (count == 0)
        return r;
    double sum = 0.0;
    for (size_t i = 0; i < count; ++i)
        sum += values[i];
    r.mean = sum / double(count);
    double sq = 0.0;
    for (size_t i = 0; i < count; ++i) {
        const double d = double(values[i]) - r.mean;
        sq += d * d;
    }
    r.var = sq / double(count);
    return r;
}

float medianInPlace(std::vector<float>& values)
{
    if (values.empty())
        return 0.0f;
    const size_t n = values.size(), mid = n / 2;
    std::nth_element(values.begin(), values.begin() + long(mid), values.end());
    const float upper = values[mid];
    if (n % 2 == 1)
        return upper;
    const float lower = *std::max_element(values.begin(), values.begin() + long(mid));
    return (lower + upper) / 2.0f;
}

} // namespace genrescope
