#include "dsp/Colormap.h"

#include <algorithm>
#include <cmath>

namespace genrescope {

std::uint32_t magmaArgb(int k)
{
    const auto& c = magmaTable()[size_t(std::clamp(k, 0, 255))];
    auto byte = [](float v) { return std::uint32_t(std::lround(255.0 * double(v))); };
    return 0xff000000u | (byte(c[0]) << 16) | (byte(c[1]) << 8) | byte(c[2]);
}

int colourIndex(float v, float lo, float hi)
{
    if (!(hi > lo))
        return 0;
    const float k = std::floor(256.0f * (v - lo) / (hi - lo));
    return std::clamp(int(k), 0, 255);
}

ArgbImage renderMagma(const Spectrogram& db, float lo, float hi)
{
    ArgbImage img;
    img.width = int(db.frames);
    img.height = db.bins;
    img.pixels.resize(size_t(img.width) * size_t(img.height));
    renderMagmaInto(db, lo, hi, img.pixels.data(), img.width);
    return img;
}

void renderMagmaInto(const Spectrogram& db, float lo, float hi, std::uint32_t* pixels, long stride)
{
    std::array<std::uint32_t, 256> lut{};
    for (int k = 0; k < 256; ++k)
        lut[size_t(k)] = magmaArgb(k);
    for (long f = 0; f < db.frames; ++f) {
        const float* col = db.frame(f);
        for (int b = 0; b < db.bins; ++b) {
            const int row = db.bins - 1 - b;
            pixels[size_t(row) * size_t(stride) + size_t(f)] = lut[size_t(colourIndex(col[b], lo, hi))];
        }
    }
}

int magmaIndexOf(std::uint32_t argb)
{
    for (int k = 0; k < 256; ++k)
        if ((magmaArgb(k) & 0xffffffu) == (argb & 0xffffffu))
            return k;
    return -1;
}

} // namespace genrescope
