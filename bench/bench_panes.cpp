// Repainting the Explore panes of a 1-hour song at several zoom levels (goal: <= 16 ms each):
// the spectrogram on each frequency scale, the chroma and the MFCC panes. Every iteration
// moves the view a little, so the plot is rendered again (not blitted from the cache).

#include "FeaturePaneView.h"
#include "SongAnalysis.h"
#include "SpectrogramView.h"
#include "TimeAxis.h"

#include <QApplication>
#include <QImage>

#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>
#include <random>

using namespace genrescope;
using namespace genrescope::app;

namespace {

/// rows x frames of values in [lo, hi]: slow waves plus noise, so every level occurs.
Spectrogram synthetic(int rows, long frames, float lo, float hi, unsigned seed)
{
    Spectrogram s(rows, frames);
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> noise(0.0f, 0.3f);
    for (long f = 0; f < frames; ++f)
        for (int r = 0; r < rows; ++r) {
            const float wave = 0.35f * (1.0f + std::sin(float(f) * 0.001f + float(r) * 0.2f));
            s.at(r, f) = lo + (hi - lo) * std::min(1.0f, wave + noise(gen));
        }
    return s;
}

std::shared_ptr<SongAnalysis> hourLongSong()
{
    static std::shared_ptr<SongAnalysis> song = [] {
        auto s = std::make_shared<SongAnalysis>();
        s->audio.sampleRate = 22050;
        s->seconds = 3600.0;
        s->hop = 512;
        const long frames = 1 + long(3600.0 * 22050 / 512);  // 155 039
        s->melLevels = LevelGrid(synthetic(128, frames, -80.0f, 0.0f, 1), -80.0f, 0.0f);
        s->chroma = LevelGrid(synthetic(12, frames, 0.0f, 1.0f, 2), 0.0f, 1.0f);
        s->mfcc = LevelGrid(synthetic(20, frames, -1.0f, 1.0f, 3), -1.0f, 1.0f);
        return s;
    }();
    return song;
}

template <class View>
void repaint(benchmark::State& state, View& view, TimeAxis& axis, const char* pane)
{
    const double span = double(state.range(0)) / 1000.0;  // visible seconds
    view.resize(1600, 320);
    view.setTimeAxis(&axis);
    axis.reset(3600.0);
    const double start = span >= 3600.0 ? 0.0 : 1800.0 - span / 2;
    QImage target(view.size(), QImage::Format_ARGB32_Premultiplied);
    bool shifted = false;
    for (auto _ : state) {
        const double shift = shifted ? span * 1e-3 : 0.0;  // a new view each time: rendered, not blitted
        shifted = !shifted;
        axis.setView(start, start + span - shift);  // (shorter, not later: the whole hour cannot move)
        view.render(&target);
    }
    state.SetLabel(QStringLiteral("%1, %2 s visible").arg(QLatin1String(pane)).arg(span).toStdString());
}

} // namespace

static void BM_SpectrogramRepaint1h(benchmark::State& state)
{
    TimeAxis axis;
    SpectrogramView view;
    SpectrogramSettings settings;
    settings.scale = FrequencyScale(state.range(1));
    view.setSettings(settings);
    view.setSong(hourLongSong());
    repaint(state, view, axis,
            settings.scale == FrequencyScale::Mel ? "mel" : settings.scale == FrequencyScale::LinearHz ? "linear Hz" : "log Hz");
}
BENCHMARK(BM_SpectrogramRepaint1h)
    ->ArgsProduct({{3600000, 60000, 1000}, {0, 1, 2}})
    ->Unit(benchmark::kMillisecond);

static void BM_FeaturePaneRepaint1h(benchmark::State& state)
{
    TimeAxis axis;
    const bool chroma = state.range(1) == 0;
    FeaturePaneView view(chroma ? FeaturePaneView::Feature::Chroma : FeaturePaneView::Feature::Mfcc);
    view.setSong(hourLongSong());
    repaint(state, view, axis, chroma ? "chroma" : "MFCC");
}
BENCHMARK(BM_FeaturePaneRepaint1h)
    ->ArgsProduct({{3600000, 60000, 1000}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

// The per-frame panes' extra analysis of an hour (once per song, on an analysis thread).
static void BM_ChromaLevels1h(benchmark::State& state)
{
    std::vector<float> y(size_t(3600) * 22050);
    std::mt19937 gen(4);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    for (size_t i = 0; i < y.size(); ++i)
        y[i] = 0.3f * float(std::sin(2.0 * 3.141592653589793 * 440.0 * double(i) / 22050.0)) + noise(gen);
    for (auto _ : state)
        benchmark::DoNotOptimize(chromaLevels(y));
}
BENCHMARK(BM_ChromaLevels1h)->Unit(benchmark::kMillisecond)->Iterations(1);

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
