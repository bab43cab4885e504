#include "ml/Metrics.h"

#include <QHash>
#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace genrescope::ml {

std::vector<int> argmaxRows(const Tensor& p)
{
    std::vector<int> out(size_t(p.batch()));
    const long F = p.sampleSize();
    for (int n = 0; n < p.batch(); ++n)
        out[size_t(n)] = int(std::max_element(p.sample(n), p.sample(n) + F) - p.sample(n));
    return out;
}

ClassificationReport classificationReport(const std::vector<int>& truth, const std::vector<int>& predicted, int classes)
{
    ClassificationReport r;
    r.classes = classes;
    r.samples = long(truth.size());
    r.confusion.assign(size_t(classes), std::vector<long>(size_t(classes), 0));
    long correct = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        ++r.confusion[size_t(truth[i])][size_t(predicted[i])];
        correct += truth[i] == predicted[i];
    }
    r.accuracy = truth.empty() ? 0.0 : double(correct) / double(truth.size());
    r.precision.assign(size_t(classes), 0.0);
    r.recall.assign(size_t(classes), 0.0);
    r.f1.assign(size_t(classes), 0.0);
    for (int c = 0; c < classes; ++c) {
        long tp = r.confusion[size_t(c)][size_t(c)], predictedC = 0, actualC = 0;
        for (int k = 0; k < classes; ++k) {
            predictedC += r.confusion[size_t(k)][size_t(c)];
            actualC += r.confusion[size_t(c)][size_t(k)];
        }
        r.precision[size_t(c)] = predictedC ? double(tp) / double(predictedC) : 0.0;
        r.recall[size_t(c)] = actualC ? double(tp) / double(actualC) : 0.0;
        const double pr = r.precision[size_t(c)] + r.recall[size_t(c)];
        r.f1[size_t(c)] = pr > 0 ? 2.0 * r.precision[size_t(c)] * r.recall[size_t(c)] / pr : 0.0;
        r.macroF1 += r.f1[size_t(c)] / classes;
    }
    return r;
}

ClassificationReport songLevelReport(const Tensor& p, const std::vector<int>& truth, const QStringList& songIds,
                                     int classes, SongPredictions* perSong)
{
    QHash<QString, int> index;
    std::vector<std::vector<double>> sums;
    std::vector<int> songTruth;
    for (int n = 0; n < p.batch(); ++n) {
        const QString& id = songIds[n];
        auto it = index.find(id);
        if (it == index.end()) {
            it = index.insert(id, int(sums.size()));
            sums.emplace_back(size_t(classes), 0.0);
            songTruth.push_back(truth[size_t(n)]);
            if (perSong)
                perSong->songs << id;
        }
        for (int c = 0; c < classes; ++c)
            sums[size_t(*it)][size_t(c)] += p.sample(n)[c];
    }
    std::vector<int> predicted(sums.size());
    for (size_t s = 0; s < sums.size(); ++s)
        predicted[s] = int(std::max_element(sums[s].begin(), sums[s].end()) - sums[s].begin());
    if (perSong) {
        perSong->truth = songTruth;
        perSong->predicted = predicted;
    }
    return classificationReport(songTruth, predicted, classes);
}

QJsonObject ClassificationReport::toJson(const QStringList& names) const
{
    QJsonArray matrix, perClass;
    for (int t = 0; t < classes; ++t) {
        QJsonArray row;
        for (int k = 0; k < classes; ++k)
            row.append(double(confusion[size_t(t)][size_t(k)]));
        matrix.append(row);
        perClass.append(QJsonObject{{"class", names.value(t)},
                                    {"precision", precision[size_t(t)]},
                                    {"recall", recall[size_t(t)]},
                                    {"f1", f1[size_t(t)]}});
    }
    return QJsonObject{{"samples", double(samples)}, {"accuracy", accuracy}, {"macroF1", macroF1},
                       {"confusion", matrix}, {"perClass", perClass}};
}

QString ClassificationReport::confusionText(const QStringList& names) const
{
    int width = 6;
    for (const QString& n : names)
        width = std::max(width, int(n.size()) + 1);
    QString text = QString(width, QLatin1Char(' '));
    for (int k = 0; k < classes; ++k)
        text += names.value(k).rightJustified(width);
    text += QLatin1Char('\n');
    for (int t = 0; t < classes; ++t) {
        text += names.value(t).leftJustified(width);
        for (int k = 0; k < classes; ++k)
            text += QString::number(confusion[size_t(t)][size_t(k)]).rightJustified(width);
        text += QLatin1Char('\n');
    }
    return text;
}

std::pair<double, double> meanAndSpread(const std::vector<double>& values)
{
    if (values.empty())
        return {0, 0};
    double sum = 0;
    for (const double x : values)
        sum += x;
    const double mean = sum / double(values.size());
    double squares = 0;
    for (const double x : values)
        squares += (x - mean) * (x - mean);
    return {mean, values.size() > 1 ? std::sqrt(squares / double(values.size() - 1)) : 0.0};
}

double expectedCalibrationError(const Tensor& probabilities, const std::vector<int>& truth, int bins)
{
    const int N = probabilities.batch();
    if (N == 0 || bins < 1)
        return 0.0;
    std::vector<double> confidence(size_t(bins), 0.0), correct(size_t(bins), 0.0);
    std::vector<int> count(size_t(bins), 0);
    const std::vector<int> predicted = argmaxRows(probabilities);
    for (int n = 0; n < N; ++n) {
        const double top = probabilities.sample(n)[predicted[size_t(n)]];
        const size_t b = size_t(std::clamp(int(top * bins), 0, bins - 1));
        confidence[b] += top;
        correct[b] += predicted[size_t(n)] == truth[size_t(n)] ? 1.0 : 0.0;
        ++count[b];
    }
    double ece = 0;
    for (size_t b = 0; b < size_t(bins); ++b)
        ece += std::abs(correct[b] - confidence[b]) / N;  // = count/N * |accuracy - confidence| of the bin
    return ece;
}

} // namespace genrescope::ml
