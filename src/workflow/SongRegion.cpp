#include "workflow/SongRegion.h"

#include "audio/AudioDecoder.h"
#include "common/Parallel.h"
#include "features/FeatureExtractor.h"

#include <algorithm>
#include <atomic>
#include <cmath>

namespace genrescope::workflow {

namespace {

void addWeighted(std::vector<float>& sum, const std::vector<float>& p, double weight)
{
    if (p.empty())
        return;
    sum.resize(p.size(), 0.0f);
    for (size_t c = 0; c < p.size(); ++c)
        sum[c] += float(weight * p[c]);
}

void divide(std::vector<float>& sum, double total)
{
    for (float& v : sum)
        v = float(v / total);
}

} // namespace

RegionGenres regionGenres(const classify::SongPrediction& prediction, double start, double end,
                          const classify::GenreClassifier* classifier)
{
    RegionGenres out;
    double total = 0.0;
    for (const classify::WindowPrediction& w : prediction.windows) {
        const double overlap = std::min(end, w.end) - std::max(start, w.start);
        if (!(overlap > 0.0))
            continue;
        ++out.windows;
        const double weight = overlap * w.weight;
        total += weight;
        addWeighted(out.mlp, w.mlp, weight);
        addWeighted(out.cnn, w.cnn, weight);
        addWeighted(out.ensemble, w.ensemble, weight);
    }
    if (total > 0.0) {
        divide(out.mlp, total);
        divide(out.cnn, total);
        divide(out.ensemble, total);
        if (classifier && (!out.mlp.empty() || !out.cnn.empty()))
            out.ensemble = classifier->ensemble(out.mlp, out.cnn);
    }
    return out;
}

RegionFeatures signalFeatures(const float* y, long n, const TaskControl& control, int threads)
{
    RegionFeatures out;
    if (double(n) <= kExactFeatureSeconds * kAnalysisRate) {
        out.values = extractFeatures(y, n, control);
        return out;
    }
    const std::vector<FeatureWindow> spans = songWindows(n);
    std::vector<FeatureValues> perWindow(spans.size());
    std::atomic<int> done{0};
    parallelFor(int(spans.size()), threads, [&](int i) {
        control.throwIfCancelled();
        perWindow[size_t(i)] = extractFeatures(y + spans[size_t(i)].start, spans[size_t(i)].length);
        control.report(double(++done) / double(spans.size()));
    });
    out.values = poolFeatures(perWindow, songWindowWeights(spans));
    out.pooled = true;
    return out;
}

std::vector<float> decodeRegion(const QString& path, double start, double end, const TaskControl& control)
{
    AudioDecoder decoder(path);
    const long first = std::max(0L, std::lround(start * decoder.outputRate()));
    const long last = std::max(first, long(std::lround(end * decoder.outputRate())));
    std::vector<float> region, block;
    region.reserve(size_t(last - first));
    long at = 0;  // the first sample of `block` in the song
    bool more = true;
    while (more && at < last) {
        control.throwIfCancelled();
        block.clear();
        more = decoder.readBlock(block);
        const long n = long(block.size());
        const long from = std::clamp(first - at, 0L, n), to = std::clamp(last - at, 0L, n);
        region.insert(region.end(), block.begin() + from, block.begin() + to);
        at += n;
        control.report(std::min(1.0, double(at) / double(last)));
    }
    return region;
}

} // namespace genrescope::workflow
