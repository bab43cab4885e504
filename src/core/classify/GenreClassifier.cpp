#include "classify/GenreClassifier.h"

#include "common/Error.h"
#include "dsp/MelImage.h"
#include "features/FeatureExtractor.h"

#include <QFile>

#include <cmath>

namespace genrescope::classify {

GenreClassifier::GenreClassifier(std::shared_ptr<const ml::Model> mlp, std::shared_ptr<const ml::Model> cnn)
    : mlp_(std::move(mlp)), cnn_(std::move(cnn))
{
    if (!mlp_ && !cnn_)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("No model to classify with."));
    if (mlp_ && mlp_->inputKind != QLatin1String("features"))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The feature model must take features input."));
    if (cnn_ && cnn_->inputKind != QLatin1String("image"))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The image model must take image input."));
    if (mlp_ && cnn_ && mlp_->classes != cnn_->classes)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The two models know different genres (%1 vs %2).")
                                                    .arg(mlp_->classes.join(QLatin1Char(',')), cnn_->classes.join(QLatin1Char(','))));
    classes_ = mlp_ ? mlp_->classes : cnn_->classes;
}

SongPrediction GenreClassifier::classify(const std::vector<float>& y, const TaskControl& control) const
{
    const double sr = 22050.0;
    const double seconds = double(y.size()) / sr;
    if (seconds < kMinimumSeconds)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("The song is %1 s long; genre classification needs at least %2 s.")
                        .arg(seconds, 0, 'f', 1).arg(kMinimumSeconds));
    const std::vector<FeatureWindow> windows =
        featureWindows(long(y.size()), WindowSpec::sliding(kWindowSeconds, kHopSeconds));
    SongPrediction song;
    song.classes = classes_;
    song.seconds = seconds;
    const size_t K = size_t(classes_.size());
    song.mlp.assign(mlp_ ? K : 0, 0.0f);
    song.cnn.assign(cnn_ ? K : 0, 0.0f);
    song.ensemble.assign(K, 0.0f);
    for (size_t w = 0; w < windows.size(); ++w) {
        control.throwIfCancelled();
        const float* x = y.data() + windows[w].start;
        const long n = windows[w].length;
        WindowPrediction p;
        p.start = double(windows[w].start) / sr;
        p.end = double(windows[w].start + n) / sr;
        if (mlp_) {
            const FeatureValues v = extractFeatures(x, n, control);
            ml::Tensor input({1, kFeatureCount});
            for (int f = 0; f < kFeatureCount; ++f)
                input.data[size_t(f)] = float(v[size_t(f)]);
            const ml::Tensor out = mlp_->predict(input);
            p.mlp.assign(out.data.begin(), out.data.end());
        }
        if (cnn_) {
            const MelImage image = melImageFromAudio(x, n);
            ml::Tensor input({1, 1, kMelImageRows, kMelImageColumns});
            for (size_t k = 0; k < image.index.size(); ++k)
                input.data[k] = float(image.index[k]) / 255.0f;
            const ml::Tensor out = cnn_->predict(input);
            p.cnn.assign(out.data.begin(), out.data.end());
        }
        p.ensemble.assign(K, 0.0f);
        for (size_t c = 0; c < K; ++c) {
            const float a = mlp_ ? p.mlp[c] : 0.0f, b = cnn_ ? p.cnn[c] : 0.0f;
            p.ensemble[c] = mlp_ && cnn_ ? 0.5f * (a + b) : (mlp_ ? a : b);
            if (mlp_)
                song.mlp[c] += a / float(windows.size());
            if (cnn_)
                song.cnn[c] += b / float(windows.size());
            song.ensemble[c] += p.ensemble[c] / float(windows.size());
        }
        song.windows.push_back(std::move(p));
        control.report(double(w + 1) / double(windows.size()));
    }
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

} // namespace genrescope::classify
