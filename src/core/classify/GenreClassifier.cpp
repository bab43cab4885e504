#include "classify/GenreClassifier.h"

#include "common/Error.h"
#include "common/Parallel.h"
#include "dsp/MelImage.h"
#include "dsp/MelSpectrogram.h"
#include "ml/Augment.h"
#include "features/FeatureExtractor.h"
#include "features/Statistics.h"
#include "features/WindowFeeder.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>

namespace genrescope::classify {

namespace {

constexpr double kSampleRate = 22050.0;

} // namespace

void LevelMeter::add(const float* y, size_t n)
{
    for (size_t k = 0; k < n; ++k) {
        const double e = double(y[k]) * double(y[k]);
        total_ += e;
        frameSum_ += e;
        if (++frameFill_ == kFrame) {
            frameDb_.push_back(float(10.0 * std::log10(frameSum_ / double(kFrame) + 1e-20)));
            frameSum_ = 0;
            frameFill_ = 0;
        }
    }
    samples_ += n;
}

double LevelMeter::rmsDbfs() const
{
    const double rms = std::sqrt(total_ / double(std::max<size_t>(1, samples_)));
    return 20.0 * std::log10(std::max(rms, 1e-10));
}

double LevelMeter::gapFraction() const
{
    if (frameDb_.empty())
        return 0.0;
    std::vector<float> scratch = frameDb_;
    const double median = medianInPlace(scratch);
    const auto gaps = std::count_if(frameDb_.begin(), frameDb_.end(), [&](float v) { return v < median - kGapDb; });
    return double(gaps) / double(frameDb_.size());
}

namespace {

void flagUnusual(SongPrediction& song)
{
    std::vector<float> d;
    for (const WindowPrediction& w : song.windows)
        if (std::isfinite(w.distance))
            d.push_back(float(w.distance));
    song.distance = d.empty() ? std::numeric_limits<double>::quiet_NaN() : double(medianInPlace(d));
    if (song.rmsDbfs < kSilenceDbfs) {
        song.unusual = true;
        song.unusualReason = QStringLiteral("The audio is silent or nearly so (%1 dBFS); the genre means nothing.")
                                 .arg(song.rmsDbfs, 0, 'f', 0);
    } else if (song.gapFraction > kMaxGapFraction) {
        song.unusual = true;
        song.unusualReason = QStringLiteral("The audio is full of silent gaps (%1 % of it), like speech; the genre means little.")
                                 .arg(100.0 * song.gapFraction, 0, 'f', 0);
    } else if (std::isfinite(song.distance) && song.distance > song.distanceThreshold) {
        song.unusual = true;
        song.unusualReason =
            QStringLiteral("This does not sound like the music the models learned from (feature distance %1, "
                           "songs go up to %2): speech, noise or test tones get a meaningless genre.")
                .arg(song.distance, 0, 'f', 1).arg(song.distanceThreshold, 0, 'f', 1);
    }
}

} // namespace

std::pair<int, float> topClass(const std::vector<float>& p)
{
    if (p.empty())
        return {-1, 0.0f};
    const auto it = std::max_element(p.begin(), p.end());
    return {int(it - p.begin()), *it};
}

namespace {

/// Where window i's stretch of the timeline starts: its start, except for the end-aligned last
/// window (it starts less than a hop after the one before), whose stretch starts a hop after
/// that one's, so each window before it keeps its 15 s and the last shows what it adds.
double spanStart(const std::vector<WindowPrediction>& w, size_t i)
{
    if (i > 0 && w[i].start - w[i - 1].start < kHopSeconds - 1e-9)
        return std::min(w[i].end, std::max(w[i].start, w[i - 1].start + kHopSeconds));
    return w[i].start;
}

} // namespace

std::pair<double, double> timelineSpan(const SongPrediction& p, size_t i)
{
    const auto& w = p.windows;
    return {spanStart(w, i), i + 1 < w.size() ? spanStart(w, i + 1) : w[i].end};
}

void weighWindows(std::vector<WindowPrediction>& windows)
{
    double previousEnd = std::numeric_limits<double>::quiet_NaN();
    for (WindowPrediction& w : windows) {
        w.weight = songWindowWeight(w.end, previousEnd);
        previousEnd = w.end;
    }
}

int windowAt(const SongPrediction& p, double seconds)
{
    for (size_t i = 0; i < p.windows.size(); ++i) {
        const auto [start, end] = timelineSpan(p, i);
        if (seconds >= start && seconds < end)
            return int(i);
    }
    return -1;
}

GenreClassifier::GenreClassifier(std::shared_ptr<const ml::Model> mlp, std::shared_ptr<const ml::Model> cnn, double mlpWeight,
                                 double ensembleTemperature)
    : mlp_(std::move(mlp)), cnn_(std::move(cnn)), mlpWeight_(mlpWeight), ensembleTemperature_(ensembleTemperature)
{
    if (!(ensembleTemperature_ > 0.0) || !std::isfinite(ensembleTemperature_))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The ensemble temperature must be a positive number."));
    if (!mlp_ && !cnn_)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("No model to classify with."));
    if (mlp_ && mlp_->inputKind != QLatin1String("features"))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The feature model must take features input."));
    if (cnn_ && cnn_->inputKind != QLatin1String("image"))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The image model must take image input."));
    if (mlp_ && cnn_ && mlp_->classes != cnn_->classes)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("the two models know different genres: the features model %1 (%2), the image model "
                                   "%3 (%4). Use models trained on the same genres, or one model alone.")
                        .arg(mlp_->classes.size()).arg(listSummary(mlp_->classes)).arg(cnn_->classes.size())
                        .arg(listSummary(cnn_->classes)));
    if (!(mlpWeight_ >= 0.0 && mlpWeight_ <= 1.0))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The ensemble weight must lie between 0 and 1."));
    if (!mlp_)
        mlpWeight_ = 0.0;
    if (!cnn_)
        mlpWeight_ = 1.0;
    classes_ = mlp_ ? mlp_->classes : cnn_->classes;
}

WindowPrediction GenreClassifier::classifyWindow(const float* x, long n, const TaskControl& control, bool withFeatures,
                                                 Spectrogram* melPowerOut) const
{
    WindowPrediction p;
    p.distance = std::numeric_limits<double>::quiet_NaN();
    Spectrogram melPower;  // from the features' STFT when there are features: one STFT per window
    if (mlp_ || withFeatures) {
        const FeatureValues v = extractFeatures(x, n, control, &melPower);
        p.features.assign(v.begin(), v.end());
    }
    if (mlp_) {
        ml::Tensor input({1, kFeatureCount});
        for (int f = 0; f < kFeatureCount; ++f)
            input.data[size_t(f)] = float(p.features[size_t(f)]);
        p.distance = mlp_->distance(input);
        const ml::Tensor out = mlp_->predict(std::move(input));
        p.mlp.assign(out.data.begin(), out.data.end());
    }
    control.throwIfCancelled();
    if (melPower.data.empty() && (cnn_ || melPowerOut))
        melPower = MelSpectrogram().compute(x, n, control);
    if (cnn_) {
        const MelImage image = melImageFromPower(melPower);
        ml::Tensor input({1, 1, kMelImageRows, kMelImageColumns});
        for (size_t k = 0; k < image.index.size(); ++k)
            input.data[k] = float(image.index[k]) / 255.0f;
        const ml::Tensor out = cnn_->predict(std::move(input));
        p.cnn.assign(out.data.begin(), out.data.end());
    }
    if (melPowerOut)
        *melPowerOut = std::move(melPower);
    p.ensemble = ensemble(p.mlp, p.cnn);
    return p;
}

std::vector<float> GenreClassifier::ensemble(const std::vector<float>& mlp, const std::vector<float>& cnn) const
{
    std::vector<float> e(size_t(classes_.size()), 0.0f);
    for (size_t c = 0; c < e.size(); ++c)
        e[c] = float(mlpWeight_ * (mlp.empty() ? 0.0f : mlp[c]) + (1.0 - mlpWeight_) * (cnn.empty() ? 0.0f : cnn[c]));
    if (!mlp.empty() && !cnn.empty() && ensembleTemperature_ != 1.0) {
        ml::Tensor t({1, int(e.size())});
        std::copy(e.begin(), e.end(), t.data.begin());
        ml::applyTemperature(t, ensembleTemperature_);
        std::copy_n(t.data.begin(), e.size(), e.begin());
    }
    return e;
}

namespace {

[[noreturn]] void refuseShortSong(double seconds)
{
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("The song is %1 s long; genre classification needs at least %2 s.")
                                                .arg(seconds, 0, 'f', 1).arg(kMinimumSeconds));
}


} // namespace

SongPrediction GenreClassifier::songFrom(std::vector<WindowPrediction> windows, const LevelMeter& levels) const
{
    SongPrediction song;
    song.classes = classes_;
    song.seconds = double(levels.samples()) / kSampleRate;
    song.mlpWeight = mlpWeight_;
    song.windows = std::move(windows);
    song.rmsDbfs = levels.rmsDbfs();
    song.gapFraction = levels.gapFraction();
    song.distanceThreshold = mlp_ && !mlp_->distribution.empty() ? mlp_->distribution.threshold
                                                                   : std::numeric_limits<double>::quiet_NaN();
    const size_t K = size_t(classes_.size());
    song.mlp.assign(mlp_ ? K : 0, 0.0f);
    song.cnn.assign(cnn_ ? K : 0, 0.0f);
    weighWindows(song.windows);
    double total = 0;
    for (const WindowPrediction& p : song.windows)
        total += p.weight;
    for (const WindowPrediction& p : song.windows) {
        const float share = float(p.weight / total);
        for (size_t c = 0; c < K; ++c) {
            if (mlp_)
                song.mlp[c] += p.mlp[c] * share;
            if (cnn_)
                song.cnn[c] += p.cnn[c] * share;
        }
    }
    // The song's ensemble mixes the models' song means (as the library does from stored means), so
    // the ensemble temperature applies once, to the song, as it was fitted.
    song.ensemble = ensemble(song.mlp, song.cnn);
    flagUnusual(song);
    return song;
}

SongPrediction GenreClassifier::classify(const std::vector<float>& y, const TaskControl& control, int threads) const
{
    const double seconds = double(y.size()) / kSampleRate;
    if (seconds < kMinimumSeconds)
        refuseShortSong(seconds);
    const std::vector<FeatureWindow> windows = songWindows(long(y.size()));
    std::vector<WindowPrediction> predictions(windows.size());
    std::atomic<int> done{0};
    std::mutex reportMutex;
    parallelFor(int(windows.size()), threads, [&](int w) {
        control.throwIfCancelled();
        const FeatureWindow& fw = windows[size_t(w)];
        WindowPrediction p = classifyWindow(y.data() + fw.start, fw.length, control);
        p.start = double(fw.start) / kSampleRate;
        p.end = double(fw.start + fw.length) / kSampleRate;
        predictions[size_t(w)] = std::move(p);
        std::lock_guard lock(reportMutex);
        control.report(double(++done) / double(windows.size()));
    });
    LevelMeter levels;
    levels.add(y.data(), y.size());
    return songFrom(std::move(predictions), levels);
}

SongWindowsSource visitSongWindows(const QString& path, const SongWindowOptions& options, const SongWindowVisit& visit,
                                   const TaskControl& control)
{
    control.throwIfCancelled();
    AudioDecoder decoder(path);
    const double expectedSamples = double(decoder.info().frames) * kSampleRate / std::max(1, decoder.info().sampleRate);
    const long W = songWindowSpec().windowSamples, hop = songWindowSpec().hopSamples;
    const double expectedWindows = std::max(1.0, std::floor((expectedSamples - double(W)) / double(hop)) + 1.0);

    std::mutex mutex;  // guards the progress
    double decodeFraction = 0;
    int finished = 0;
    auto report = [&] {  // call with the mutex held
        control.report(0.5 * decodeFraction + 0.5 * std::min(1.0, finished / expectedWindows));
    };
    if (options.keep && decoder.info().headerLength == HeaderLength::Exact &&
        decoder.info().durationSeconds() > kMaxWholeSongSeconds)
        refuseWholeSong(path, decoder.info().durationSeconds());
    const long reserve = options.keep ? long(wholeSongReserve(decoder)) : 0;
    WindowFeeder feeder({W, hop, std::max(1, options.threads), options.keep != nullptr, W + songTailSamples(), reserve, true},
                        [&](int k, long start, const float* x, long n) {
                            control.throwIfCancelled();
                            visit(k, start, x, n, false);
                            std::lock_guard lock(mutex);
                            ++finished;
                            report();
                        });
    SongWindowsSource out;
    {
        const OpenMpLimitedToOneThread limit(options.threads > 1);
        std::vector<float> block;
        for (bool more = true; more;) {
            control.throwIfCancelled();
            block.clear();
            more = decoder.readBlock(block);
            out.levels.add(block.data(), block.size());
            feeder.add(block.data(), block.size());
            if (options.keep && double(feeder.fed()) / kSampleRate > kMaxWholeSongSeconds)  // longer than its header said
                refuseWholeSong(path, double(feeder.fed()) / kSampleRate);
            std::lock_guard lock(mutex);
            decodeFraction = more ? decoder.progress() : 1.0;
            report();
        }
    }
    feeder.finish();
    if (options.keep) {  // even when the song is too short to classify
        *options.keep = DecodedAudio{};
        options.keep->source = decoder.info();  // with the decoded length and any note
        options.keep->sampleRate = decoder.outputRate();
        options.keep->samples = std::move(feeder.held());
        trimWholeSong(options.keep->samples);
    }

    const double seconds = double(feeder.fed()) / kSampleRate;
    if (seconds < kMinimumSeconds)
        refuseShortSong(seconds);
    out.windows = finished;
    if (finished == 0) {  // one window of the whole song, all still held
        const std::vector<float>& y = options.keep ? options.keep->samples : feeder.held();
        visit(0, 0, y.data(), long(y.size()), true);
        out.windows = 1;
    }
    control.report(1.0);
    out.source = decoder.info();
    return out;
}

SongPrediction GenreClassifier::classifyFile(const QString& path, const FileOptions& options,
                                             const TaskControl& control) const
{
    std::mutex mutex;  // guards predictions
    std::vector<WindowPrediction> predictions;
    if (options.wholeSongMel)
        *options.wholeSongMel = Spectrogram{};
    const SongWindowsSource source = visitSongWindows(
        path, {options.threads, options.keep},
        [&](int k, long start, const float* x, long n, bool whole) {
            WindowPrediction p = classifyWindow(x, n, control, options.windowFeatures,
                                                whole ? options.wholeSongMel : nullptr);
            p.start = double(start) / kSampleRate;
            p.end = double(start + n) / kSampleRate;
            std::lock_guard lock(mutex);
            if (predictions.size() <= size_t(k))
                predictions.resize(size_t(k) + 1);
            predictions[size_t(k)] = std::move(p);
        },
        control);
    SongPrediction song = songFrom(std::move(predictions), source.levels);
    song.decodingNote = source.source.note;
    song.source = source.source;
    return song;
}

std::shared_ptr<const ml::Model> loadModelOrEmbedded(const QString& path, const QString& embeddedName)
{
    if (!path.isEmpty())
        return std::make_shared<ml::Model>(ml::loadModel(path));
    const QString resource = QStringLiteral(":/models/") + embeddedName;
    if (!QFile::exists(resource))
        return nullptr;
    return std::make_shared<ml::Model>(ml::loadModel(resource));
}

namespace {

QJsonObject embeddedEnsemble()
{
    QFile file(QStringLiteral(":/models/ensemble.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

} // namespace

double defaultMlpWeight()
{
    const double w = embeddedEnsemble().value("mlpWeight").toDouble(0.5);
    return w >= 0.0 && w <= 1.0 ? w : 0.5;
}

double defaultEnsembleTemperature()
{
    const double t = embeddedEnsemble().value("temperature").toDouble(1.0);
    return t > 0.0 && std::isfinite(t) ? t : 1.0;
}

} // namespace genrescope::classify
