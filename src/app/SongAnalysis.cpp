#include "SongAnalysis.h"

#include "dsp/Colormap.h"
#include "dsp/MelSpectrogram.h"

#include <cstring>

namespace genrescope::app {

SongAnalysisPtr analyseSong(const QString& path, const TaskControl& control)
{
    auto song = std::make_shared<SongAnalysis>();
    TaskControl decodeStage{[&](double f) { control.report(0.6 * f); }, control.cancel};
    song->audio = decodeAudio(path, decodeStage);
    control.throwIfCancelled();

    song->peaks = PeakPyramid(song->audio.samples);
    TaskControl melStage{[&](double f) { control.report(0.6 + 0.38 * f); }, control.cancel};
    const MelSpectrogram melspec;
    song->hop = melspec.params().stft.hop;
    const Spectrogram mel = melspec.compute(song->audio.samples.data(), long(song->audio.samples.size()), melStage);
    song->melDb = powerToDb(mel, DbParams{0.0, 1e-10, 80.0});

    const ArgbImage argb = renderMagma(song->melDb, float(song->dbFloor), float(song->dbCeiling));
    QImage image(argb.width, argb.height, QImage::Format_RGB32);
    for (int y = 0; y < argb.height; ++y)
        std::memcpy(image.scanLine(y), argb.pixels.data() + size_t(y) * size_t(argb.width),
                    size_t(argb.width) * sizeof(std::uint32_t));
    song->melImage = std::move(image);
    control.report(1.0);
    return song;
}

} // namespace genrescope::app
