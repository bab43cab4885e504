#include "LevelGrid.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace genrescope::app {

LevelGrid::LevelGrid(const Spectrogram& values, float lo, float hi)
    : rows_(values.bins), frames_(values.frames), lo_(lo), hi_(hi)
{
    std::vector<std::uint8_t> base(values.data.size());
    const float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
    for (size_t i = 0; i < base.size(); ++i)
        base[i] = std::uint8_t(std::lround(std::clamp((values.data[i] - lo) * scale, 0.0f, 255.0f)));
    levels_.push_back(std::move(base));
    for (long n = (frames_ + 1) / 2; levels_.back().size() > size_t(rows_); n = (n + 1) / 2) {
        const std::vector<std::uint8_t>& fine = levels_.back();
        const long fineFrames = long(fine.size() / size_t(rows_));
        std::vector<std::uint8_t> coarse(size_t(n) * size_t(rows_));
        for (long f = 0; f < n; ++f) {
            const std::uint8_t* a = fine.data() + size_t(2 * f) * size_t(rows_);
            const std::uint8_t* b = 2 * f + 1 < fineFrames ? a + rows_ : a;
            std::uint8_t* out = coarse.data() + size_t(f) * size_t(rows_);
            for (int r = 0; r < rows_; ++r)
                out[r] = std::max(a[r], b[r]);
        }
        levels_.push_back(std::move(coarse));
    }
}

double LevelGrid::valueAt(int row, long frame) const
{
    if (row < 0 || row >= rows_ || frame < 0 || frame >= frames_)
        return std::numeric_limits<double>::quiet_NaN();
    return valueOf(level(row, frame));
}

void LevelGrid::maxOver(double first, double last, std::uint8_t* out) const
{
    const long a = std::clamp(long(std::floor(first)), 0L, frames_ - 1);
    const long b = std::clamp(long(std::ceil(last)), a + 1, frames_);  // exclusive
    const int k = std::min(int(levels_.size()) - 1, std::max(0, int(std::floor(std::log2(double(b - a))))));
    const std::vector<std::uint8_t>& level = levels_[size_t(k)];
    const long from = a >> k, to = (b - 1) >> k;
    std::copy_n(level.data() + size_t(from) * size_t(rows_), rows_, out);
    for (long c = from + 1; c <= to; ++c) {
        const std::uint8_t* col = level.data() + size_t(c) * size_t(rows_);
        for (int r = 0; r < rows_; ++r)
            out[r] = std::max(out[r], col[r]);
    }
}

size_t LevelGrid::bytes() const
{
    size_t n = 0;
    for (const auto& l : levels_)
        n += l.capacity();
    return n;
}

void renderLevels(const LevelGrid& grid, double first, double last, const std::vector<int>& rowOfY,
                  const ColourTable& colours, std::uint32_t blank, QImage& image)
{
    const int width = image.width(), height = std::min(image.height(), int(rowOfY.size()));
    const double perPixel = (last - first) / std::max(1, width);
    std::vector<std::uint8_t> column(size_t(std::max(1, grid.rows())));
    auto* pixels = reinterpret_cast<std::uint32_t*>(image.bits());
    const qsizetype stride = image.bytesPerLine() / 4;
    for (int x = 0; x < width; ++x) {
        const double a = first + x * perPixel;
        const bool outside = grid.empty() || a + perPixel <= 0 || a >= double(grid.frames());
        if (!outside)
            grid.maxOver(a, a + perPixel, column.data());
        for (int y = 0; y < height; ++y) {
            const int row = rowOfY[size_t(y)];
            pixels[y * stride + x] = outside || row < 0 ? blank : colours[column[size_t(row)]];
        }
    }
}

} // namespace genrescope::app
