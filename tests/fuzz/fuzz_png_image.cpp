// libFuzzer target: any bytes as a Kaggle mel-spectrogram PNG: decoding (libpng) and the
// inversion of the colormap back to the 216 x 334 index image.

#include "common/Error.h"
#include "dsp/MelImage.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        genrescope::melImageFromPng(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)),
                                    QStringLiteral("fuzz.png"));
    } catch (const genrescope::Error&) {
    }
    return 0;
}
