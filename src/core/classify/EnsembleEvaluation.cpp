#include "classify/EnsembleEvaluation.h"

#include "common/Error.h"
#include "data/Splits.h"

#include <QFileInfo>
#include <QHash>
#include <QSet>

namespace genrescope::classify {

namespace {

/// Per-song mean probabilities of a model over the given rows.
QHash<QString, std::vector<float>> songMeans(const ml::Model& model, const data::Dataset& d, const std::vector<int>& rows,
                                             QHash<QString, int>* labels)
{
    const data::Dataset part = d.subset(rows);
    const ml::Tensor p = model.predict(part.inputs);
    QHash<QString, std::vector<float>> sums;
    QHash<QString, int> counts;
    const int K = int(model.classes.size());
    for (int i = 0; i < part.size(); ++i) {
        std::vector<float>& s = sums[part.songIds[i]];
        s.resize(size_t(K), 0.0f);
        for (int c = 0; c < K; ++c)
            s[size_t(c)] += p.sample(i)[c];
        ++counts[part.songIds[i]];
        if (labels)
            labels->insert(part.songIds[i], part.labels[size_t(i)]);
    }
    for (auto it = sums.begin(); it != sums.end(); ++it)
        for (float& v : it.value())
            v /= float(counts.value(it.key()));
    return sums;
}

} // namespace

std::vector<int> rowsInList(const data::Dataset& d, const QString& listFile)
{
    std::vector<int> rows;
    if (listFile.isEmpty()) {
        for (int i = 0; i < d.size(); ++i)
            rows.push_back(i);
        return rows;
    }
    const QStringList songs = data::readSongList(listFile);
    const QSet<QString> wanted(songs.begin(), songs.end());
    for (int i = 0; i < d.size(); ++i)
        if (wanted.contains(d.songIds[i]))
            rows.push_back(i);
    if (rows.empty())
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("No rows of %1 belong to songs listed in %2.").arg(d.source, QFileInfo(listFile).fileName()));
    return rows;
}

JoinedPredictions predictJoined(const ml::Model& mlp, const ml::Model& cnn, data::Dataset features, data::Dataset images,
                                const QString& listFile)
{
    if (mlp.inputKind != QLatin1String("features") || cnn.inputKind != QLatin1String("image"))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("the ensemble needs a features model and an image model."));
    if (mlp.classes != cnn.classes)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("the two models know different genres: the features model %1 (%2), the image model "
                                   "%3 (%4).")
                        .arg(mlp.classes.size()).arg(listSummary(mlp.classes)).arg(cnn.classes.size())
                        .arg(listSummary(cnn.classes)));
    if (features.kind != data::InputKind::Features || images.kind != data::InputKind::Image)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The ensemble needs a features dataset and an image dataset."));
    features.remapClasses(mlp.classes);
    images.remapClasses(cnn.classes);
    QHash<QString, int> labels;
    const auto m = songMeans(mlp, features, rowsInList(features, listFile), &labels);
    const auto c = songMeans(cnn, images, rowsInList(images, listFile), nullptr);
    JoinedPredictions j;
    j.classes = mlp.classes;
    QStringList songs = m.keys();
    songs.sort();
    for (const QString& song : songs) {
        if (!c.contains(song)) {
            j.missing << song;
            continue;
        }
        j.songs << song;
        j.labels.push_back(labels.value(song));
        j.mlp.push_back(m.value(song));
        j.cnn.push_back(c.value(song));
    }
    for (auto it = c.begin(); it != c.end(); ++it)
        if (!m.contains(it.key()))
            j.missing << it.key();
    if (j.songs.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("No song is in both %1 and %2; they cannot be joined.")
                                                    .arg(features.source, images.source));
    return j;
}

ml::ClassificationReport ensembleReport(const JoinedPredictions& j, double w)
{
    std::vector<int> predicted;
    for (size_t s = 0; s < j.labels.size(); ++s) {
        int best = 0;
        double bestP = -1;
        for (size_t c = 0; c < j.mlp[s].size(); ++c) {
            const double p = w * j.mlp[s][c] + (1.0 - w) * j.cnn[s][c];
            if (p > bestP) {
                bestP = p;
                best = int(c);
            }
        }
        predicted.push_back(best);
    }
    return ml::classificationReport(j.labels, predicted, int(j.classes.size()));
}

} // namespace genrescope::classify
