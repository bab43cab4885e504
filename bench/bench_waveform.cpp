// Repainting the waveform of a 1-hour song (with its beat grid) at several zoom levels, linear
// and in dBFS (goal: <= 16 ms each).

#include "PeakPyramid.h"
#include "SongAnalysis.h"
#include "TimeAxis.h"
#include "WaveformView.h"

#include <QApplication>
#include <QImage>

#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>

using namespace genrescope;
using namespace genrescope::app;

namespace {
std::shared_ptr<SongAnalysis> hourLongSong()
{
    static std::shared_ptr<SongAnalysis> song = [] {
        auto s = std::make_shared<SongAnalysis>();
        s->audio.sampleRate = 22050;
        s->audio.samples.resize(size_t(3600) * 22050);
        std::mt19937 gen(1);
        std::normal_distribution<float> d(0.0f, 0.2f);
        for (size_t i = 0; i < s->audio.samples.size(); ++i)
            s->audio.samples[i] = d(gen) * float(0.5 + 0.5 * std::sin(double(i) * 1e-5));
        s->peaks = PeakPyramid(s->audio.samples);
        for (double t = 0.25; t < 3600.0; t += 0.5)  // 120 BPM
            s->beatTimes.push_back(t);
        return s;
    }();
    return song;
}
} // namespace

static void BM_WaveformRepaint1h(benchmark::State& state)
{
    const double span = double(state.range(0)) / 1000.0;  // visible seconds
    TimeAxis axis;
    WaveformView view;
    view.resize(1600, 200);
    view.setTimeAxis(&axis);
    view.setSong(hourLongSong());
    const bool dbfs = state.range(1) != 0;
    view.setAmplitudeScale(dbfs ? WaveformView::AmplitudeScale::Decibels : WaveformView::AmplitudeScale::Linear);
    axis.reset(3600.0);
    axis.setView(1800.0 - span / 2, 1800.0 + span / 2);
    QImage target(view.size(), QImage::Format_ARGB32_Premultiplied);
    for (auto _ : state)
        view.render(&target);
    state.SetLabel(QStringLiteral("%1 s visible%2").arg(span).arg(dbfs ? QStringLiteral(", dBFS") : QString()).toStdString());
}
BENCHMARK(BM_WaveformRepaint1h)->ArgsProduct({{3600000, 60000, 1000, 20}, {0, 1}})->Unit(benchmark::kMillisecond);

static void BM_PeakPyramidBuild1h(benchmark::State& state)
{
    const auto song = hourLongSong();
    for (auto _ : state)
        benchmark::DoNotOptimize(PeakPyramid(song->audio.samples));
}
BENCHMARK(BM_PeakPyramidBuild1h)->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
