#pragma once
// Kaggle's GTZAN "images_original" picture, as an array of magma colour
// indices: 216 rows x 334 columns, top row first. Made from audio with the
// recipe in the shared data's README, or recovered from a PNG by matching
// each data pixel to the nearest magma colour.

#include "dsp/Spectrogram.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <vector>

namespace genrescope {

inline constexpr int kMelImageRows = 216;
inline constexpr int kMelImageColumns = 334;

struct MelImage {
    std::vector<std::uint8_t> index;  // kMelImageRows * kMelImageColumns, row-major, top row first
    std::uint8_t at(int row, int column) const { return index[size_t(row) * kMelImageColumns + size_t(column)]; }
};

/// The picture of a whole clip from its mel power spectrogram (128 bands, any frames).
MelImage melImageFromPower(const Spectrogram& melPower);
/// The same from audio samples at 22050 Hz.
MelImage melImageFromAudio(const float* y, long n);
/// Placement: the spectrogram frame each column shows, for a clip of nt frames.
std::vector<long> melImageColumnFrames(long nt);
/// Placement: the mel band (0 lowest) each row shows, top row first.
std::vector<int> melImageRowBands();
/// Recovers the indices from a Kaggle PNG (432x288). Throws Error naming `source`.
MelImage melImageFromPng(const QByteArray& png, const QString& source);

} // namespace genrescope
