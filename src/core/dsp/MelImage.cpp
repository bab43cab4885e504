#include "dsp/MelImage.h"

#include "common/Error.h"
#include "common/PngFile.h"
#include "dsp/Colormap.h"
#include "dsp/MelSpectrogram.h"

#include <QHash>

#include <algorithm>
#include <cmath>

namespace genrescope {
namespace {

constexpr int kCanvasWidth = 432, kCanvasHeight = 288;
constexpr int kFirstRow = 36, kFirstColumn = 55;

/// matplotlib snaps positions to 1/256 pixel.
double snap(double v)
{
    return std::round(256.0 * v) / 256.0;
}

} // namespace

std::vector<long> melImageColumnFrames(long nt)
{
    // Column c shows the largest frame f with q(54 + f*334.8/nt) < c+1.
    std::vector<long> frameOf(kMelImageColumns);
    for (int c = 0; c < kMelImageColumns; ++c) {
        const int x = kFirstColumn + c;
        long f = 0;
        for (long g = 0; g < nt; ++g)
            if (snap(54.0 + double(g) * 334.8 / double(nt)) < x + 1)
                f = g;
        frameOf[size_t(c)] = f;
    }
    return frameOf;
}

std::vector<int> melImageRowBands()
{
    // Row r shows the largest band b with q(36 + b*217.44/128) < 288 - r.
    std::vector<int> bandOf(kMelImageRows);
    for (int r = 0; r < kMelImageRows; ++r) {
        const int y = kFirstRow + r;
        int b = 0;
        for (int g = 0; g < 128; ++g)
            if (snap(36.0 + g * 217.44 / 128.0) < kCanvasHeight - y)
                b = g;
        bandOf[size_t(r)] = b;
    }
    return bandOf;
}

MelImage melImageFromPower(const Spectrogram& S)
{
    if (S.bins != 128 || S.frames < 1)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The mel image needs a 128-band spectrogram."));
    const long nt = S.frames;
    // D = 20 log10(max(S, 1e-5)) - 20 log10(max(max S, 1e-5)), clipped at max(D) - 80 (float32, as librosa).
    float peak = 0.0f;
    for (float v : S.data)
        peak = std::max(peak, v);
    const float ref = 20.0f * std::log10(std::max(peak, 1e-5f));
    std::vector<float> D(S.data.size());
    float top = -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < D.size(); ++i) {
        D[i] = 20.0f * std::log10(std::max(S.data[i], 1e-5f)) - ref;
        top = std::max(top, D[i]);
    }
    float low = std::numeric_limits<float>::infinity();
    for (float& v : D) {
        v = std::max(v, top - 80.0f);
        low = std::min(low, v);
    }
    const std::vector<long> frameOf = melImageColumnFrames(nt);
    const std::vector<int> bandOf = melImageRowBands();
    MelImage image;
    image.index.resize(size_t(kMelImageRows) * kMelImageColumns);
    const float range = top - low;
    for (int r = 0; r < kMelImageRows; ++r)
        for (int c = 0; c < kMelImageColumns; ++c) {
            const float v = D[size_t(frameOf[size_t(c)]) * 128 + size_t(bandOf[size_t(r)])];
            int k = range > 0 ? int(std::floor(256.0f * (v - low) / range)) : 0;
            image.index[size_t(r) * kMelImageColumns + size_t(c)] = std::uint8_t(std::clamp(k, 0, 255));
        }
    return image;
}

MelImage melImageFromAudio(const float* y, long n)
{
    return melImageFromPower(MelSpectrogram().compute(y, n));
}

MelImage melImageFromPng(const QByteArray& bytes, const QString& source)
{
    const ArgbImage png = decodePng(bytes, source);
    if (png.width != kCanvasWidth || png.height != kCanvasHeight)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 is %2x%3 pixels; a GTZAN spectrogram image is %4x%5.")
                        .arg(source).arg(png.width).arg(png.height).arg(kCanvasWidth).arg(kCanvasHeight));
    static const QHash<std::uint32_t, int> exact = [] {
        QHash<std::uint32_t, int> h;
        for (int k = 255; k >= 0; --k)
            h.insert(magmaArgb(k) & 0xffffffu, k);
        return h;
    }();
    const auto& table = magmaTable();
    MelImage image;
    image.index.resize(size_t(kMelImageRows) * kMelImageColumns);
    for (int r = 0; r < kMelImageRows; ++r)
        for (int c = 0; c < kMelImageColumns; ++c) {
            const std::uint32_t rgb = png.pixels[size_t(kFirstRow + r) * kCanvasWidth + size_t(kFirstColumn + c)] & 0xffffffu;
            int k;
            if (auto it = exact.find(rgb); it != exact.end()) {
                k = *it;
            } else {  // nearest magma colour
                const double R = (rgb >> 16) & 0xff, G = (rgb >> 8) & 0xff, B = rgb & 0xff;
                double best = 1e300;
                k = 0;
                for (int j = 0; j < 256; ++j) {
                    const double dr = R - 255.0 * table[size_t(j)][0], dg = G - 255.0 * table[size_t(j)][1],
                                 db = B - 255.0 * table[size_t(j)][2];
                    const double d = dr * dr + dg * dg + db * db;
                    if (d < best) {
                        best = d;
                        k = j;
                    }
                }
            }
            image.index[size_t(r) * kMelImageColumns + size_t(c)] = std::uint8_t(k);
        }
    return image;
}

} // namespace genrescope
