// Core DSP timings on a 30 s clip (22050 Hz), one thread.

#include "dsp/MelSpectrogram.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

using namespace genrescope;

namespace {
std::vector<float> clip30s()
{
    std::mt19937 gen(42);
    std::uniform_real_distribution<float> d(-0.5f, 0.5f);
    std::vector<float> y(661794);
    for (float& v : y)
        v = d(gen);
    return y;
}
} // namespace

static void BM_Stft30s(benchmark::State& state)
{
    const auto y = clip30s();
    const Stft stft;
    for (auto _ : state)
        benchmark::DoNotOptimize(stft.compute(y.data(), long(y.size())));
}
BENCHMARK(BM_Stft30s)->Unit(benchmark::kMillisecond);

static void BM_MelSpectrogram30s(benchmark::State& state)
{
    const auto y = clip30s();
    const MelSpectrogram mel;
    for (auto _ : state)
        benchmark::DoNotOptimize(mel.compute(y.data(), long(y.size())));
}
BENCHMARK(BM_MelSpectrogram30s)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
