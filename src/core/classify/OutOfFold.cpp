#include "classify/OutOfFold.h"

#include "common/Error.h"
#include "ml/Augment.h"

#include <QFile>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <tuple>

namespace genrescope::classify {

QByteArray outOfFoldCsv(const OutOfFold& o)
{
    QByteArray csv = "song,label,fold,input";
    for (const QString& c : o.classes)
        csv += ',' + c.toUtf8();
    csv += '\n';
    for (int s = 0; s < o.songs.size(); ++s) {
        csv += o.songs[s].toUtf8() + ',' + o.classes[o.labels[size_t(s)]].toUtf8() + ',' +
               QByteArray::number(o.folds[size_t(s)]) + ',' + o.input.toUtf8();
        for (long c = 0; c < o.probabilities.sampleSize(); ++c)
            csv += ',' + QByteArray::number(double(o.probabilities.sample(s)[c]), 'g', 9);
        csv += '\n';
    }
    return csv;
}

OutOfFold readOutOfFold(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: cannot read it (%2).").arg(shownPath(path), f.errorString()));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    auto bad = [&](int line, const QString& why) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1, line %2: %3 (out-of-fold predictions are written by 'genrescope-cli train --cv K "
                                    "--oof FILE').").arg(shownPath(path)).arg(line).arg(why));
    };
    const QList<QByteArray> header = lines.value(0).trimmed().split(',');
    if (header.size() < 6 || header[0] != "song" || header[1] != "label" || header[2] != "fold" || header[3] != "input")
        throw bad(1, QStringLiteral("the header is not song,label,fold,input,<classes>"));
    OutOfFold o;
    for (qsizetype c = 4; c < header.size(); ++c)
        o.classes << QString::fromUtf8(header[c]);
    const int K = int(o.classes.size());
    std::vector<float> values;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> cells = lines[i].trimmed().split(',');
        if (cells.size() != header.size())
            throw bad(int(i + 1), QStringLiteral("%1 cells where the header has %2").arg(cells.size()).arg(header.size()));
        const int label = int(o.classes.indexOf(QString::fromUtf8(cells[1])));
        bool ok = false;
        const int fold = cells[2].toInt(&ok);
        if (label < 0 || !ok || fold < 1)
            throw bad(int(i + 1), QStringLiteral("an unknown label or a fold that is not a number from 1"));
        const QString input = QString::fromUtf8(cells[3]);
        if (!o.input.isEmpty() && input != o.input)
            throw bad(int(i + 1), QStringLiteral("the input kind changes from %1 to %2").arg(o.input, input));
        o.input = input;
        o.songs << QString::fromUtf8(cells[0]);
        o.labels.push_back(label);
        o.folds.push_back(fold);
        for (int c = 0; c < K; ++c) {
            const double v = cells[4 + c].toDouble(&ok);
            if (!ok || !std::isfinite(v) || v < -1e-5 || v > 1 + 1e-5)  // float means may pass 1 by a rounding
                throw bad(int(i + 1), QStringLiteral("a probability that is not a number in [0, 1]"));
            values.push_back(float(v));
        }
    }
    if (o.songs.isEmpty())
        throw bad(2, QStringLiteral("no songs"));
    o.probabilities = ml::Tensor({int(o.songs.size()), K});
    std::copy(values.begin(), values.end(), o.probabilities.data.begin());
    return o;
}

FoldedAccuracy foldedAccuracy(const ml::Tensor& probabilities, const std::vector<int>& labels, const std::vector<int>& folds)
{
    FoldedAccuracy a;
    const std::vector<int> predicted = ml::argmaxRows(probabilities);
    a.pooled = ml::classificationReport(labels, predicted, int(probabilities.sampleSize()));
    a.logLoss = ml::lossAndAccuracy(probabilities, labels).first;
    QHash<int, std::pair<int, int>> perFold;  // fold -> right, songs
    for (size_t s = 0; s < labels.size(); ++s) {
        std::pair<int, int>& f = perFold[folds[s]];
        f.first += predicted[s] == labels[s];
        ++f.second;
    }
    const QList<int> keys = perFold.keys();
    a.folds.assign(keys.begin(), keys.end());
    std::sort(a.folds.begin(), a.folds.end());
    for (const int f : a.folds)
        a.perFold.push_back(double(perFold[f].first) / perFold[f].second);
    std::tie(a.mean, a.sd) = ml::meanAndSpread(a.perFold);
    return a;
}

Calibration calibrate(const OutOfFold& o)
{
    Calibration c;
    c.eceBefore = ml::expectedCalibrationError(o.probabilities, o.labels);
    c.temperature = ml::fitTemperature(o.probabilities, o.labels);
    ml::Tensor p = o.probabilities;
    ml::applyTemperature(p, c.temperature);
    c.eceAfter = ml::expectedCalibrationError(p, o.labels);
    return c;
}

ModelOutOfFold scoreOutOfFold(OutOfFold o)
{
    ModelOutOfFold m;
    m.calibration = calibrate(o);
    ml::applyTemperature(o.probabilities, m.calibration.temperature);
    m.accuracy = foldedAccuracy(o.probabilities, o.labels, o.folds);
    m.predictions = std::move(o);
    return m;
}

namespace {

/// `o` restricted to `songs` (all present in it), in that order.
OutOfFold restrictTo(const OutOfFold& o, const QStringList& songs)
{
    QHash<QString, int> index;
    for (int s = 0; s < o.songs.size(); ++s)
        index.insert(o.songs[s], s);
    OutOfFold r;
    r.classes = o.classes;
    r.input = o.input;
    r.songs = songs;
    const long K = o.probabilities.sampleSize();
    r.probabilities = ml::Tensor({int(songs.size()), int(K)});
    for (int i = 0; i < songs.size(); ++i) {
        const int s = index.value(songs[i]);
        r.labels.push_back(o.labels[size_t(s)]);
        r.folds.push_back(o.folds[size_t(s)]);
        std::copy_n(o.probabilities.sample(s), K, r.probabilities.sample(i));
    }
    return r;
}

ml::Tensor mix(const ml::Tensor& mlp, const ml::Tensor& cnn, double w)
{
    ml::Tensor p = mlp;
    for (size_t i = 0; i < p.data.size(); ++i)
        p.data[i] = float(w * mlp.data[i] + (1.0 - w) * cnn.data[i]);
    return p;
}

} // namespace

EnsembleOutOfFold combineOutOfFold(const OutOfFold& a, const OutOfFold& b, double mlpWeight)
{
    const bool aIsMlp = a.input == QLatin1String("features");
    const OutOfFold& mlp = aIsMlp ? a : b;
    const OutOfFold& cnn = aIsMlp ? b : a;
    if (mlp.input != QLatin1String("features") || cnn.input != QLatin1String("image"))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("An ensemble needs one features model and one image model; "
                                                               "these predictions are of %1 and %2 models.").arg(a.input, b.input));
    if (mlp.classes != cnn.classes)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The two models know different genres (%1 against %2).")
                                                    .arg(mlp.classes.join(QLatin1Char(' ')), cnn.classes.join(QLatin1Char(' '))));
    EnsembleOutOfFold e;
    QHash<QString, int> cnnIndex;
    for (int s = 0; s < cnn.songs.size(); ++s)
        cnnIndex.insert(cnn.songs[s], s);
    QStringList shared;
    for (int s = 0; s < mlp.songs.size(); ++s) {
        const auto it = cnnIndex.find(mlp.songs[s]);
        if (it == cnnIndex.end()) {
            e.missing << mlp.songs[s];
            continue;
        }
        if (cnn.folds[size_t(*it)] != mlp.folds[size_t(s)] || cnn.labels[size_t(*it)] != mlp.labels[size_t(s)])
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("Song %1 is in fold %2 of the features model but in fold %3 of the image model (or "
                                       "has another label): the two were not cross-validated on the same folds.")
                            .arg(mlp.songs[s]).arg(mlp.folds[size_t(s)]).arg(cnn.folds[size_t(*it)]));
        shared << mlp.songs[s];
    }
    const QSet<QString> inMlp(mlp.songs.begin(), mlp.songs.end());
    for (const QString& s : cnn.songs)
        if (!inMlp.contains(s))
            e.missing << s;
    if (shared.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The two models' predictions share no song."));
    e.mlp = scoreOutOfFold(restrictTo(mlp, shared));
    e.cnn = scoreOutOfFold(restrictTo(cnn, shared));
    const std::vector<int>& labels = e.mlp.predictions.labels;
    const std::vector<int>& folds = e.mlp.predictions.folds;
    const ml::Tensor& pm = e.mlp.predictions.probabilities;  // calibrated
    const ml::Tensor& pc = e.cnn.predictions.probabilities;
    const FoldedAccuracy* best = nullptr;
    for (int k = 0; k <= 20; ++k) {
        e.sweep.emplace_back(k / 20.0, foldedAccuracy(mix(pm, pc, k / 20.0), labels, folds));
    }
    for (const auto& [w, acc] : e.sweep)
        if (!best || acc.mean > best->mean + 1e-12 || (std::abs(acc.mean - best->mean) <= 1e-12 && acc.logLoss < best->logLoss)) {
            best = &acc;
            e.mlpWeight = w;
        }
    if (mlpWeight >= 0)
        e.mlpWeight = mlpWeight;
    const size_t F = e.sweep.front().second.perFold.size();
    for (size_t f = 0; F > 1 && f < F; ++f) {
        double bestOthers = -1, bestWeight = 0, bestAccuracy = 0;
        for (const auto& [w, acc] : e.sweep) {
            double others = 0;
            for (size_t g = 0; g < F; ++g)
                others += g == f ? 0.0 : acc.perFold[g];
            if (others > bestOthers + 1e-12) {  // ties: the smaller weight
                bestOthers = others;
                bestWeight = w;
                bestAccuracy = acc.perFold[f];
            }
        }
        e.nestedWeights.push_back(bestWeight);
        e.nestedPerFold.push_back(bestAccuracy);
    }
    std::tie(e.nestedMean, e.nestedSd) = ml::meanAndSpread(e.nestedPerFold);
    OutOfFold mixed = e.mlp.predictions;
    mixed.input.clear();
    mixed.probabilities = mix(pm, pc, e.mlpWeight);
    e.accuracy = foldedAccuracy(mixed.probabilities, labels, folds);
    e.calibration = calibrate(mixed);
    return e;
}

} // namespace genrescope::classify
