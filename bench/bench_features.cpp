// The 57 features of a 30 s GTZAN clip on one thread (goal <= 70 ms, librosa
// 0.8.1 takes ~1.4 s), and the mel spectrogram alone (goal <= 5 ms, librosa
// ~14 ms). Uses blues.00000 from the shared data when present, else noise.

#include "BenchClip.h"
#include "audio/AudioDecoder.h"
#include "common/Memory.h"
#include "dsp/MelSpectrogram.h"
#include "features/FeatureExtractor.h"

#include <QDir>
#include <QFileInfo>

#include <benchmark/benchmark.h>

#include <random>

using namespace genrescope;

using benchclip::clip;

static void BM_Features57_30s(benchmark::State& state)
{
    const auto& y = clip();
    for (auto _ : state)
        benchmark::DoNotOptimize(extractFeatures(y.data(), long(y.size())));
}
BENCHMARK(BM_Features57_30s)->Unit(benchmark::kMillisecond)->Repetitions(7)->ReportAggregatesOnly(true);

static void BM_MelSpectrogram_30s(benchmark::State& state)
{
    const auto& y = clip();
    const MelSpectrogram mel;
    for (auto _ : state)
        benchmark::DoNotOptimize(mel.compute(y.data(), long(y.size())));
}
BENCHMARK(BM_MelSpectrogram_30s)->Unit(benchmark::kMillisecond)->Repetitions(7)->ReportAggregatesOnly(true);

int main(int argc, char** argv)
{
    tuneAllocatorForLargeBuffers();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
