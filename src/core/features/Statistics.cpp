#include "features/Statistics.h"

#include <algorithm>

namespace genrescope {

MeanVar meanVar(const float* values, size_t count)
{
    MeanVar r;
    if (count == 0)
        return r;
    // Four partial sums in double, so the loops vectorise.
    double s[4] = {0, 0, 0, 0};
    size_t i = 0;
    for (; i + 4 <= count; i += 4)
        for (int l = 0; l < 4; ++l)
            s[l] += values[i + size_t(l)];
    for (; i < count; ++i)
        s[0] += values[i];
    r.mean = ((s[0] + s[1]) + (s[2] + s[3])) / double(count);
    double q[4] = {0, 0, 0, 0};
    for (i = 0; i + 4 <= count; i += 4)
        for (int l = 0; l < 4; ++l) {
            const double d = double(values[i + size_t(l)]) - r.mean;
            q[l] += d * d;
        }
    for (; i < count; ++i) {
        const double d = double(values[i]) - r.mean;
        q[0] += d * d;
    }
    r.var = ((q[0] + q[1]) + (q[2] + q[3])) / double(count);
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
