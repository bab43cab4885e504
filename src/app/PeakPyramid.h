#pragma once
// Min/max summaries of a signal at power-of-two resolutions, so a waveform of
// any length repaints at any zoom by reading about two bins per pixel.

#include <cstddef>
#include <utility>
#include <vector>

namespace genrescope::app {

class PeakPyramid {
public:
    static constexpr int kBaseBin = 16;  // samples per bin at level 0

    PeakPyramid() = default;
    explicit PeakPyramid(const std::vector<float>& samples);

    int levels() const { return int(levels_.size()); }
    size_t bytes() const
    {
        size_t n = 0;
        for (const auto& level : levels_)
            n += level.size() * sizeof(level[0]);
        return n;
    }
    size_t binCount(int level) const { return levels_[size_t(level)].size(); }
    long sampleCount() const { return samples_; }
    long binSize(int level) const { return long(kBaseBin) << level; }

    /// Min and max of samples [first, last) using the coarsest level finer than the range.
    /// Without the samples (a long song keeps only its peaks), ranges under two bins read the
    /// level-0 bins they touch.
    std::pair<float, float> range(long first, long last, const std::vector<float>& samples) const;

private:
    long samples_ = 0;
    std::vector<std::vector<std::pair<float, float>>> levels_;
};

} // namespace genrescope::app
