// genrescope-cli melspec FILE --png OUT.png [--csv OUT.csv] [--force]

#include "CliSupport.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "common/PngFile.h"
#include "dsp/Colormap.h"
#include "dsp/MelSpectrogram.h"

#include <QFileInfo>

#include <algorithm>
#include <optional>

namespace genrescope::cli {

namespace {

/// Bands as rows (band 0 first), frames as columns: the layout of librosa's arrays.
QByteArray toCsv(const Spectrogram& mel)
{
    QByteArray csv;
    csv.reserve(qsizetype(mel.data.size()) * 14);
    char buf[32];
    for (int b = 0; b < mel.bins; ++b) {
        for (long f = 0; f < mel.frames; ++f) {
            const int n = std::snprintf(buf, sizeof buf, f ? ",%.9g" : "%.9g", double(mel.at(b, f)));
            csv.append(buf, n);
        }
        csv.append('\n');
    }
    return csv;
}

} // namespace

int runMelspec(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compute the 128-band mel spectrogram (n_fft 2048, hop 512, 22050 Hz) of an audio file.\n"
        "The PNG shows dB (80 dB range) in the magma colormap, low frequencies at the bottom;\n"
        "the CSV holds mel power, one row per band and one column per frame."));
    parser.addOption({QStringLiteral("png"), QStringLiteral("Write the picture to OUT.png (- for standard output)."),
                      QStringLiteral("OUT.png")});
    parser.addOption({QStringLiteral("csv"), QStringLiteral("Write mel power to OUT.csv (- for standard output)."),
                      QStringLiteral("OUT.csv")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Replace existing output files.")});
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("An audio file."), QStringLiteral("FILE"));
    if (!parseOrReport(parser, args))
        return kBadInput;
    const QStringList files = parser.positionalArguments();
    const QString png = parser.value(QStringLiteral("png"));
    const QString csv = parser.value(QStringLiteral("csv"));
    if (files.size() != 1) {
        printError(QStringLiteral("melspec: give exactly one FILE (see 'genrescope-cli melspec --help')."));
        return kBadInput;
    }
    if (png.isEmpty() && csv.isEmpty()) {
        printError(QStringLiteral("melspec: give --png OUT.png and/or --csv OUT.csv."));
        return kBadInput;
    }

    // Every output is checked before any work: never onto the input, never over a file unasked.
    const bool force = parser.isSet(QStringLiteral("force"));
    requireDistinctOutputs({{QStringLiteral("--png"), png}, {QStringLiteral("--csv"), csv}});
    std::optional<OutputTarget> pngOut, csvOut;
    if (!png.isEmpty())
        pngOut = OutputTarget::check(png, force, files);
    if (!csv.isEmpty())
        csvOut = OutputTarget::check(csv, force, files);

    const DecodedAudio audio = decodeAudio(files.front());
    const MelSpectrogram melspec;
    if (long(audio.samples.size()) < melspec.params().stft.nFft) {
        printError(QStringLiteral("%1: holds %2 samples; a mel spectrogram needs at least one %3-sample frame.")
                       .arg(shownPath(files.front())).arg(audio.samples.size()).arg(melspec.params().stft.nFft));
        return kBadInput;
    }
    const Spectrogram mel = melspec.compute(audio.samples.data(), long(audio.samples.size()));
    QByteArray pngBytes, csvBytes;  // both made before either is written: all or nothing
    if (!png.isEmpty()) {
        const Spectrogram db = powerToDb(mel, DbParams{0.0, 1e-10, 80.0});
        const auto [lo, hi] = std::minmax_element(db.data.begin(), db.data.end());
        pngBytes = encodePng(renderMagma(db, *lo, *hi));
    }
    if (!csv.isEmpty())
        csvBytes = toCsv(mel);
    if (pngOut)
        pngOut->write(pngBytes);
    if (csvOut)
        csvOut->write(csvBytes);
    return kOk;
}

} // namespace genrescope::cli
