#pragma once
// A time-by-rows matrix of 8-bit levels (a spectrogram, chroma or MFCC as the views keep it,
// a quarter of an RGB picture) with a pyramid of column maxima, and its rendering: the
// visible frames drawn into a picture through a colour table, at most ~2 columns read per pixel.

#include "dsp/Spectrogram.h"

#include <QImage>

#include <array>
#include <cstdint>
#include <vector>

namespace genrescope::app {

class LevelGrid {
public:
    LevelGrid() = default;
    /// `values` (rows x frames) rounded onto 256 levels spanning [lo, hi] (clamped).
    LevelGrid(const Spectrogram& values, float lo, float hi);

    bool empty() const { return frames_ == 0; }
    int rows() const { return rows_; }
    long frames() const { return frames_; }
    float lo() const { return lo_; }
    float hi() const { return hi_; }
    std::uint8_t level(int row, long frame) const { return levels_[0][size_t(frame) * size_t(rows_) + size_t(row)]; }
    /// The value a level stands for (lo + level * (hi - lo) / 255).
    double valueOf(int level) const { return lo_ + level * double(hi_ - lo_) / 255.0; }
    /// The value at a row and frame, or NaN outside.
    double valueAt(int row, long frame) const;
    /// Each row's largest level over the frames [first, last) (fractional; at least the frame
    /// holding `first`), read from the pyramid level with 1 to 2 columns per frame span.
    void maxOver(double first, double last, std::uint8_t* out) const;
    size_t bytes() const;

private:
    int rows_ = 0;
    long frames_ = 0;
    float lo_ = 0, hi_ = 1;
    std::vector<std::vector<std::uint8_t>> levels_;  // [k]: maxima over 2^k frames
};

using ColourTable = std::array<std::uint32_t, 256>;  // 0xffRRGGBB by level

/// Draws grid frames [first, last) across `image` (its width): image row y shows grid row
/// rowOfY[y] (-1: `blank`), through `colours`. The image must be Format_RGB32 or ARGB32.
void renderLevels(const LevelGrid& grid, double first, double last, const std::vector<int>& rowOfY,
                  const ColourTable& colours, std::uint32_t blank, QImage& image);

} // namespace genrescope::app
