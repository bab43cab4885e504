// Writes the seed corpus for the fuzz targets: small valid inputs of every kind, made here
// (no shared data): audio in each format libsndfile writes, a features CSV, two tiny models
// and a Kaggle-layout mel PNG. Usage: make_fuzz_seeds OUTDIR (makes OUTDIR/<target>/).

#include "common/PngFile.h"
#include "dsp/Colormap.h"
#include "dsp/MelImage.h"
#include "features/FeatureVector.h"
#include "ml/ModelFile.h"

#include <QDir>
#include <QFile>

#include <sndfile.h>

#include <cmath>
#include <cstdio>
#include <vector>

using namespace genrescope;

namespace {

void save(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        std::fprintf(stderr, "make_fuzz_seeds: cannot write %s\n", qPrintable(path));
}

/// A tenth of a second of a stereo chord in `format`, as bytes (empty if libsndfile cannot write it).
QByteArray encodedAudio(int format, int rate, const QString& scratch)
{
    const int frames = rate / 10;
    std::vector<float> y(size_t(frames) * 2);
    for (int i = 0; i < frames; ++i) {
        y[size_t(2 * i)] = 0.3f * float(std::sin(2 * M_PI * 440.0 * i / rate));
        y[size_t(2 * i + 1)] = 0.2f * float(std::sin(2 * M_PI * 660.0 * i / rate));
    }
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 2;
    info.format = format;
    SNDFILE* f = sf_open(QFile::encodeName(scratch).constData(), SFM_WRITE, &info);
    if (!f)
        return {};
    sf_writef_float(f, y.data(), frames);
    sf_close(f);
    QFile in(scratch);
    return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
}

ml::Model tinyModel(const QString& kind, const QString& architecture, std::vector<int> inputShape)
{
    ml::Model m;
    m.inputKind = kind;
    m.classes = {QStringLiteral("blues"), QStringLiteral("jazz"), QStringLiteral("rock")};
    m.network = std::make_unique<ml::Network>(architecture, inputShape, 3);
    m.network->initialise(1);
    const long n = ml::Tensor::count(inputShape);
    m.mean.assign(kind == QLatin1String("features") ? size_t(n) : 1, 0.1f);
    m.scale.assign(m.mean.size(), 2.0f);
    return m;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_fuzz_seeds OUTDIR\n");
        return 2;
    }
    QDir out(QFile::decodeName(argv[1]));
    for (const char* target : {"audio_decoder", "features_csv", "model_file", "png_image"})
        out.mkpath(QLatin1String(target));

    // Audio: the first byte picks the extension, as in fuzz_audio_decoder.cpp.
    const struct { int extension; int format; int rate; } audio[] = {
        {0, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050},      {0, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 96000},
        {1, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 44100},     {2, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100},
        {3, SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000},        {4, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 44100},
        {5, SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 44100},     {6, SF_FORMAT_AU | SF_FORMAT_ULAW, 8000},
        {7, SF_FORMAT_CAF | SF_FORMAT_ALAC_16, 44100},
    };
    int n = 0;
    QList<QByteArray> made;
    for (const auto& a : audio) {
        const QByteArray bytes = encodedAudio(a.format, a.rate, out.filePath(QStringLiteral("scratch")));
        made << bytes;
        if (!bytes.isEmpty())
            save(out.filePath(QStringLiteral("audio_decoder/seed%1").arg(n++)), QByteArray(1, char(a.extension)) + bytes);
    }
    out.remove(QStringLiteral("scratch"));
    // The decoder's other paths: what streamed writes, concatenation and other codecs leave.
    const QByteArray& wav = made[0];
    const QByteArray& vorbis = made[3];
    const QByteArray& opus = made[4];
    const QByteArray& mp3 = made[5];
    QList<QByteArray> variants;
    QByteArray openWav = wav;  // data size left open (0xFFFFFFFF), as ffmpeg writes to a pipe
    if (const qsizetype data = openWav.indexOf("data"); data > 0) {
        openWav.replace(4, 4, QByteArray(4, '\xFF'));
        openWav.replace(data + 4, 4, QByteArray(4, '\xFF'));
        variants << openWav;
    }
    QByteArray noXing = mp3;  // an MP3 whose first frame no longer states the length
    for (const char* tag : {"Xing", "Info"})
        if (const qsizetype at = noXing.indexOf(tag); at > 0)
            noXing.replace(at, 4, QByteArray(4, '\0'));
    variants << noXing << mp3 + mp3 << vorbis + vorbis << opus + opus;
    // MP3 in WAV: MPEGLAYER3WAVEFORMAT (tag 0x55, 2 channels, 44100 Hz), data size left open.
    const QByteArray mp3Format = QByteArray::fromHex("1e000000" "5500" "0200" "44ac0000" "803e0000" "0100" "0000"
                                                     "0c00" "0100" "02000000" "a101" "0100" "7105");
    const QByteArray mp3InWav = "RIFF" + QByteArray(4, '\xFF') + "WAVEfmt " + mp3Format + "data" + QByteArray(4, '\xFF') + mp3;
    variants << mp3InWav;
    QByteArray acm = mp3InWav;  // a codec in WAV we do not decode (Vorbis ACM)
    acm[20] = 0x4f;
    acm[21] = 0x67;
    variants << acm;
    for (const QByteArray& v : variants)
        save(out.filePath(QStringLiteral("audio_decoder/seed%1").arg(n++)), QByteArray(1, char(n % 8)) + v);

    std::vector<FeatureRow> rows(4);
    for (size_t i = 0; i < rows.size(); ++i) {
        rows[i].filename = QStringLiteral("%1.0000%2.wav").arg(i % 2 ? QStringLiteral("jazz") : QStringLiteral("rock")).arg(i);
        rows[i].length = 661794;
        rows[i].label = i % 2 ? QStringLiteral("jazz") : QStringLiteral("rock");
        for (int f = 0; f < kFeatureCount; ++f)
            rows[i].values[size_t(f)] = 0.5 * f + double(i);
    }
    save(out.filePath(QStringLiteral("features_csv/seed0")), kagglecsv::write(rows));

    save(out.filePath(QStringLiteral("model_file/seed0")),
         ml::serializeModel(tinyModel(QStringLiteral("features"), QStringLiteral("dense:4,dropout:0.5"), {kFeatureCount})));
    save(out.filePath(QStringLiteral("model_file/seed1")),
         ml::serializeModel(tinyModel(QStringLiteral("image"), QStringLiteral("conv:2:3x3:p1,batchnorm,maxpool:2x2,gap"), {1, 8, 12})));

    // A Kaggle-layout PNG: white 432 x 288 canvas with the 216 x 334 picture at (55, 36).
    ArgbImage png;
    png.width = 432;
    png.height = 288;
    png.pixels.assign(size_t(png.width) * size_t(png.height), 0xffffffffu);
    for (int r = 0; r < kMelImageRows; ++r)
        for (int c = 0; c < kMelImageColumns; ++c)
            png.pixels[size_t(36 + r) * 432 + size_t(55 + c)] = magmaArgb((r * 7 + c) % 256);
    save(out.filePath(QStringLiteral("png_image/seed0")), encodePng(png));
    return 0;
}
