#include "features/FeatureExtractor.h"

#include "common/Error.h"
#include "dsp/MelSpectrogram.h"
#include "features/Chroma.h"
#include "features/Hpss.h"
#include "features/Mfcc.h"
#include "features/Onset.h"
#include "features/Rms.h"
#include "features/SpectralShape.h"
#include "features/Statistics.h"
#include "features/Tempo.h"
#include "features/ZeroCrossingRate.h"

#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>

namespace genrescope {

WindowSpec WindowSpec::sliding(double seconds, double hopSeconds, int sampleRate)
{
    if (!(seconds > 0) || !(hopSeconds > 0))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Window and hop must be positive seconds."));
    return {Kind::Sliding, std::lround(seconds * sampleRate), std::max(1L, std::lround(hopSeconds * sampleRate))};
}

WindowSpec songWindowSpec()
{
    return WindowSpec::sliding(kSongWindowSeconds, kSongHopSeconds);
}

long songTailSamples()
{
    return std::lround(kSongTailSeconds * 22050.0);
}

std::vector<FeatureWindow> songWindows(long n)
{
    const WindowSpec spec = songWindowSpec();
    if (n < spec.windowSamples + songTailSamples())
        return {{0, n}};
    std::vector<FeatureWindow> windows = featureWindows(n, spec);
    if (windows.back().start + windows.back().length < n)
        windows.push_back({n - spec.windowSamples, spec.windowSamples});
    return windows;
}

double songWindowWeight(double endSeconds, double previousEndSeconds)
{
    if (std::isnan(previousEndSeconds))
        return 1.0;
    return std::clamp((endSeconds - previousEndSeconds) / kSongHopSeconds, 0.0, 1.0);
}

std::vector<double> songWindowWeights(const std::vector<FeatureWindow>& windows, int sampleRate)
{
    std::vector<double> weights;
    double previousEnd = std::numeric_limits<double>::quiet_NaN();
    for (const FeatureWindow& w : windows) {
        const double end = double(w.start + w.length) / sampleRate;
        weights.push_back(songWindowWeight(end, previousEnd));
        previousEnd = end;
    }
    return weights;
}

std::vector<FeatureWindow> featureWindows(long n, const WindowSpec& spec)
{
    std::vector<FeatureWindow> windows;
    switch (spec.kind) {
    case WindowSpec::Kind::Whole:
        if (n > 0)
            windows.push_back({0, n});
        break;
    case WindowSpec::Kind::KaggleSegments:
        for (long i = 0; (i + 1) * kSegmentSamples <= n; ++i)
            windows.push_back({i * kSegmentSamples, kSegmentSamples});
        break;
    case WindowSpec::Kind::Sliding:
        if (n > 0 && n < spec.windowSamples)
            windows.push_back({0, n});
        for (long s = 0; s + spec.windowSamples <= n; s += spec.hopSamples)
            windows.push_back({s, spec.windowSamples});
        break;
    }
    return windows;
}

FeatureValues extractFeatures(const float* y, long n, const TaskControl& control, Spectrogram* melPowerOut)
{
    if (n <= 0)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Cannot compute features of an empty signal."));
    for (long i = 0; i < n; ++i)
        if (!std::isfinite(y[i]))
            throw Error(ErrorCode::NonFiniteSamples,
                        QStringLiteral("The signal contains NaN or infinite samples (at sample %1).").arg(i));

    const Stft stft;
    const ComplexSpectrogram X = stft.compute(y, n);
    control.throwIfCancelled();

    Spectrogram magnitude(X.bins, X.frames), power(X.bins, X.frames);
    binMagnitudes(X.data.data(), long(X.data.size()), magnitude.data.data(), power.data.data());
    const MelFilterbank bank;
    Spectrogram melPower = bank.apply(power);
    const Spectrogram melDb = powerToDb(melPower);
    if (melPowerOut)
        *melPowerOut = std::move(melPower);

    FeatureValues v{};
    size_t at = 0;
    auto put = [&](const MeanVar& mv) {
        v[at++] = mv.mean;
        v[at++] = mv.var;
    };
    const double tuning = estimateTuning(power);
    const Spectrogram chroma = chromaStft(power, tuning);
    put(meanVar(chroma.data.data(), chroma.data.size()));
    put(meanVar(rms(y, n)));
    const SpectralShape shape = spectralShape(magnitude);
    put(meanVar(shape.centroid));
    put(meanVar(shape.bandwidth));
    put(meanVar(shape.rolloff));
    put(meanVar(zeroCrossingRate(y, n)));
    control.throwIfCancelled();
    const HpssSignals parts = hpss(X, magnitude, y, n);
    put(meanVar(parts.harmonic));
    put(meanVar(parts.percussive));
    control.throwIfCancelled();
    v[at++] = estimateTempo(onsetStrengthMedian(melDb));
    const Spectrogram coefficients = mfcc(melDb);
    for (int k = 0; k < coefficients.bins; ++k) {
        std::vector<float> row(static_cast<size_t>(coefficients.frames));
        for (long f = 0; f < coefficients.frames; ++f)
            row[size_t(f)] = coefficients.at(k, f);
        put(meanVar(row));
    }
    for (double value : v)
        if (!std::isfinite(value))
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("Feature extraction produced a non-finite value."));
    return v;
}

FeatureValues poolFeatures(const std::vector<FeatureValues>& windows, const std::vector<double>& weights)
{
    if (windows.empty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("No windows to summarise."));
    if (!weights.empty() && weights.size() != windows.size())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("One weight per window is needed."));
    static const int tempo = featureIndex(QStringLiteral("tempo"));
    double total = 0;
    for (size_t i = 0; i < windows.size(); ++i)
        total += weights.empty() ? 1.0 : weights[i];
    if (!(total > 0))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The window weights sum to zero."));
    auto share = [&](size_t i) { return (weights.empty() ? 1.0 : weights[i]) / total; };
    FeatureValues pooled{};
    for (int f = 0; f < kFeatureCount; f += (f == tempo ? 1 : 2)) {
        if (f == tempo) {
            std::vector<float> tempos;
            for (const FeatureValues& w : windows)
                tempos.push_back(float(w[size_t(f)]));
            pooled[size_t(f)] = medianInPlace(tempos);
            continue;
        }
        double mean = 0, withinVar = 0;
        for (size_t i = 0; i < windows.size(); ++i) {
            mean += windows[i][size_t(f)] * share(i);
            withinVar += windows[i][size_t(f) + 1] * share(i);
        }
        double betweenVar = 0;
        for (size_t i = 0; i < windows.size(); ++i)
            betweenVar += (windows[i][size_t(f)] - mean) * (windows[i][size_t(f)] - mean) * share(i);
        pooled[size_t(f)] = mean;
        pooled[size_t(f) + 1] = withinVar + betweenVar;
    }
    return pooled;
}

void requireFeatureLength(long samples, const QString& filename)
{
    if (double(samples) < kMinimumFeatureSeconds * 22050.0)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 is %2 s long; features need at least %3 s of audio.")
                                                    .arg(filename).arg(double(samples) / 22050.0, 0, 'f', 3)
                                                    .arg(kMinimumFeatureSeconds));
}

QString rowStem(const QString& filename)
{
    QString stem = QFileInfo(filename).fileName();
    const QString suffix = QFileInfo(filename).suffix();
    if (!suffix.isEmpty())
        stem.chop(suffix.size() + 1);
    return stem;
}

std::vector<FeatureRow> extractRows(const std::vector<float>& y, const QString& filename, const WindowSpec& spec,
                                    const QString& label, const TaskControl& control)
{
    requireFeatureLength(long(y.size()), filename);
    const std::vector<FeatureWindow> windows = featureWindows(long(y.size()), spec);
    if (windows.empty())
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 is too short (%2 s) for %3 s windows.")
                        .arg(filename).arg(double(y.size()) / 22050.0, 0, 'f', 2)
                        .arg(double(spec.windowSamples) / 22050.0, 0, 'f', 2));
    const QString stem = rowStem(filename);
    std::vector<FeatureRow> rows;
    for (size_t i = 0; i < windows.size(); ++i) {
        control.throwIfCancelled();
        FeatureRow row;
        row.filename = spec.kind == WindowSpec::Kind::Whole ? stem + QStringLiteral(".wav")
                                                            : QStringLiteral("%1.%2.wav").arg(stem).arg(i);
        row.length = windows[i].length;
        row.values = extractFeatures(y.data() + windows[i].start, windows[i].length, control);
        row.label = label;
        rows.push_back(std::move(row));
        control.report(double(i + 1) / double(windows.size()));
    }
    return rows;
}

} // namespace genrescope
