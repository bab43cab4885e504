#pragma once
// The magma colormap and the mapping from decibels to its 256 colour indices.

#include "dsp/Spectrogram.h"

#include <array>
#include <cstdint>

namespace genrescope {

/// matplotlib's magma: 256 RGB triples in [0, 1].
const std::array<std::array<float, 3>, 256>& magmaTable();

/// 8-bit colour of index k (round(255*v) per channel), packed 0xffRRGGBB.
std::uint32_t magmaArgb(int k);

/// Colour index 0..255 of a value on [lo, hi]: floor(256*(v-lo)/(hi-lo)), 256 mapped to 255.
int colourIndex(float v, float lo, float hi);

/// A dB spectrogram rendered to magma colours: rows top to bottom are the highest
/// band down to band 0, columns are frames. Values span [lo, hi] dB.
struct ArgbImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> pixels;  // 0xAARRGGBB, row-major
};
ArgbImage renderMagma(const Spectrogram& db, float lo, float hi);
/// The same into a caller's pixels (db.bins rows of db.frames pixels, `stride` pixels apart),
/// e.g. a QImage's, so a long song's picture is not held twice.
void renderMagmaInto(const Spectrogram& db, float lo, float hi, std::uint32_t* pixels, long stride);
/// The colour index (0..255) of a magma colour (alpha ignored), or -1.
int magmaIndexOf(std::uint32_t argb);

} // namespace genrescope
