#include "PeakPyramid.h"

#include <algorithm>

namespace genrescope::app {

PeakPyramid::PeakPyramid(const std::vector<float>& samples) : samples_(long(samples.size()))
{
    std::vector<std::pair<float, float>> level;
    level.reserve(samples.size() / kBaseBin + 1);
    for (size_t i = 0; i < samples.size(); i += kBaseBin) {
        const auto end = samples.begin() + long(std::min(samples.size(), i + kBaseBin));
        const auto [lo, hi] = std::minmax_element(samples.begin() + long(i), end);
        level.emplace_back(*lo, *hi);
    }
    while (!level.empty()) {
        levels_.push_back(level);
        if (level.size() == 1)
            break;
        std::vector<std::pair<float, float>> next((level.size() + 1) / 2);
        for (size_t i = 0; i < next.size(); ++i) {
            const auto& a = level[2 * i];
            const auto& b = 2 * i + 1 < level.size() ? level[2 * i + 1] : a;
            next[i] = {std::min(a.first, b.first), std::max(a.second, b.second)};
        }
        level = std::move(next);
    }
}

std::pair<float, float> PeakPyramid::range(long first, long last, const std::vector<float>& samples) const
{
    first = std::max(0L, first);
    last = std::min(samples_, last);
    if (last <= first || levels_.empty())
        return {0.0f, 0.0f};
    // The coarsest level with at least two bins per range; bins overlapping the
    // range count whole, so a peak bleeds at most half a pixel.
    int level = samples.empty() ? 0 : -1;
    for (int l = 0; l < levels(); ++l)
        if (binSize(l) * 2 <= last - first)
            level = l;
    float lo = level < 0 ? samples[size_t(first)] : levels_[size_t(level)][size_t(first / binSize(level))].first;
    float hi = level < 0 ? lo : levels_[size_t(level)][size_t(first / binSize(level))].second;
    if (level < 0) {
        for (long i = first; i < last; ++i) {
            lo = std::min(lo, samples[size_t(i)]);
            hi = std::max(hi, samples[size_t(i)]);
        }
        return {lo, hi};
    }
    const long size = binSize(level);
    const auto& bins = levels_[size_t(level)];
    const long lastBin = std::min(long(bins.size()) - 1, (last - 1) / size);
    for (long b = first / size; b <= lastBin; ++b) {
        lo = std::min(lo, bins[size_t(b)].first);
        hi = std::max(hi, bins[size_t(b)].second);
    }
    return {lo, hi};
}

} // namespace genrescope::app
