// End-to-end classification with the shipped models (decode, resample, features,
// mel image, MLP, CNN, ensemble): a 30 s WAV on one thread (goal <= 300 ms) and
// a 5-minute 44.1 kHz stereo MP3 on two threads (goal <= 2 s). The inputs are
// made here: the 30 s blues.00000 clip from the shared data when present (else
// noise), upsampled to 44.1 kHz stereo and repeated to 5 minutes for the MP3.

#include "BenchClip.h"
#include "audio/AudioDecoder.h"
#include "audio/Resampler.h"
#include "classify/GenreClassifier.h"
#include "workflow/ModelCatalog.h"
#include "common/Memory.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>
#include <sndfile.h>

#include <random>

using namespace genrescope;

namespace {

bool writeFile(const QString& path, const std::vector<float>& interleaved, int channels, int rate, int format)
{
    SF_INFO info{};
    info.channels = channels;
    info.samplerate = rate;
    info.format = format;
    SNDFILE* f = sf_open(path.toLocal8Bit().constData(), SFM_WRITE, &info);
    if (!f)
        return false;
    double quality = 0.7;  // VBR quality for MP3 (like lame -V3)
    sf_command(f, SFC_SET_VBR_ENCODING_QUALITY, &quality, sizeof(quality));
    const sf_count_t frames = sf_count_t(interleaved.size()) / channels;
    const bool ok = sf_writef_float(f, interleaved.data(), frames) == frames;
    sf_close(f);
    return ok;
}

struct Inputs {
    QTemporaryDir dir;
    QString wav30, mp3Five;
    Inputs()
    {
        const std::vector<float>& y = benchclip::clip();
        wav30 = dir.filePath(QStringLiteral("clip30.wav"));
        writeFile(wav30, y, 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
        Resampler resampler(22050, 44100);
        std::vector<float> up;
        resampler.process(y.data(), long(y.size()), up);
        resampler.finish(up);
        std::vector<float> stereo;
        stereo.reserve(size_t(2) * 10 * up.size());
        for (int r = 0; r < 10; ++r)
            for (float v : up) {
                stereo.push_back(v);
                stereo.push_back(0.8f * v);
            }
        mp3Five = dir.filePath(QStringLiteral("song5min.mp3"));
        if (!writeFile(mp3Five, stereo, 2, 44100, SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III))
            mp3Five.clear();
    }
};

Inputs& inputs()
{
    static Inputs in;
    return in;
}

void classifyFile(benchmark::State& state, const QString& path, int threads)
{
    const auto classifier = workflow::defaultClassifier();
    if (!classifier || path.isEmpty()) {
        state.SkipWithError("no embedded models, or no MP3 encoder in libsndfile");
        return;
    }
    for (auto _ : state)
        benchmark::DoNotOptimize(classifier->classifyFile(path, nullptr, {}, threads));
}

} // namespace

static void BM_Classify_Wav30s_1thread(benchmark::State& state)
{
    classifyFile(state, inputs().wav30, 1);
}
BENCHMARK(BM_Classify_Wav30s_1thread)->Unit(benchmark::kMillisecond)->Repetitions(5)->ReportAggregatesOnly(true);

static void BM_Classify_Mp3_5min_2threads(benchmark::State& state)
{
    classifyFile(state, inputs().mp3Five, 2);
}
BENCHMARK(BM_Classify_Mp3_5min_2threads)->Unit(benchmark::kMillisecond)->Iterations(2)->Repetitions(3)->ReportAggregatesOnly(true);

int main(int argc, char** argv)
{
    tuneAllocatorForLargeBuffers();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
