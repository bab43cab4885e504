#include "features/FileFeatures.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "features/WindowFeeder.h"

#include <QFileInfo>

#include <cmath>
#include <map>
#include <mutex>

namespace genrescope {

FileFeatures extractFileRows(const QString& path, const WindowSpec& spec, const QString& label, int threads,
                             const TaskControl& control)
{
    control.throwIfCancelled();
    AudioDecoder decoder(path);
    const QString filename = QFileInfo(path).fileName();
    const bool whole = spec.kind == WindowSpec::Kind::Whole;
    const long exactLimit = std::lround(kExactFeatureSeconds * decoder.outputRate());

    // A whole-file row needs the samples until the file proves longer than exactLimit.
    std::vector<float> prefix, block;
    bool more = true;
    while (whole && more && long(prefix.size()) <= exactLimit) {
        control.throwIfCancelled();
        block.clear();
        more = decoder.readBlock(block);
        prefix.insert(prefix.end(), block.begin(), block.end());
    }
    FileFeatures result;
    if (whole && !more && long(prefix.size()) <= exactLimit) {
        result.rows = extractRows(prefix, filename, spec, label, control);
        result.source = decoder.info();
        return result;
    }

    // Windows as they arrive: the requested ones, or the song windows to pool.
    const WindowSpec windows = whole ? songWindowSpec() : spec;
    std::mutex mutex;
    std::map<int, std::pair<FeatureWindow, FeatureValues>> byWindow;
    const long firstAfter = whole ? windows.windowSamples + songTailSamples() : windows.windowSamples;
    WindowFeeder feeder({windows.windowSamples, windows.hopSamples, threads, false, firstAfter, 0, whole},
                        [&](int k, long start, const float* x, long n) {
                            control.throwIfCancelled();
                            const FeatureValues v = extractFeatures(x, n, control);
                            std::lock_guard lock(mutex);
                            byWindow[k] = {{start, n}, v};
                        });
    feeder.add(prefix.data(), prefix.size());
    prefix = {};
    while (more) {
        control.throwIfCancelled();
        block.clear();
        more = decoder.readBlock(block);
        feeder.add(block.data(), block.size());
        control.report(more ? decoder.progress() : 1.0);
    }
    feeder.finish();
    result.source = decoder.info();
    const long n = feeder.fed();
    requireFeatureLength(n, filename);
    if (byWindow.empty()) {
        // No full window: what extractRows makes of the whole (still held) signal.
        result.rows = extractRows(feeder.held(), filename, spec, label, control);
        return result;
    }
    const QString stem = rowStem(filename);
    if (whole) {
        std::vector<FeatureValues> all;
        std::vector<FeatureWindow> spans;
        for (const auto& [k, window] : byWindow) {
            spans.push_back(window.first);
            all.push_back(window.second);
        }
        FeatureRow row;
        row.filename = stem + QStringLiteral(".wav");
        row.length = n;
        row.values = poolFeatures(all, songWindowWeights(spans));
        row.label = label;
        result.rows.push_back(std::move(row));
        result.pooled = true;
        return result;
    }
    for (const auto& [k, window] : byWindow) {
        FeatureRow row;
        row.filename = QStringLiteral("%1.%2.wav").arg(stem).arg(k);
        row.length = windows.windowSamples;
        row.values = window.second;
        row.label = label;
        result.rows.push_back(std::move(row));
    }
    return result;
}

} // namespace genrescope
