#include "ml/FeatureDistribution.h"

#include "common/Error.h"

#include <Eigen/Dense>

#include <QJsonArray>

#include <cmath>

namespace genrescope::ml {

double FeatureDistribution::distance(const float* row) const
{
    double sum = 0;
    for (int i = 0; i < dimensions; ++i) {
        double acc = 0;
        for (int j = 0; j < dimensions; ++j)
            acc += precision[size_t(i) * size_t(dimensions) + size_t(j)] * double(row[j]);
        sum += double(row[i]) * acc;
    }
    return std::sqrt(std::max(0.0, sum));
}

QJsonObject FeatureDistribution::toJson() const
{
    if (empty())
        return {};
    QJsonArray p;
    for (double v : precision)
        p.append(v);
    return QJsonObject{{"dimensions", dimensions}, {"precision", p}, {"trainingMax", trainingMax}, {"threshold", threshold}};
}

FeatureDistribution FeatureDistribution::fromJson(const QJsonObject& json)
{
    FeatureDistribution d;
    if (json.isEmpty())
        return d;
    d.dimensions = json.value("dimensions").toInt();
    const QJsonArray p = json.value("precision").toArray();
    d.trainingMax = json.value("trainingMax").toDouble();
    d.threshold = json.value("threshold").toDouble();
    if (d.dimensions < 1 || d.dimensions > 4096 || p.size() != qsizetype(d.dimensions) * d.dimensions ||
        !(d.threshold > 0) || !std::isfinite(d.threshold))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("the feature distribution is malformed."));
    for (const QJsonValue& v : p) {
        if (!v.isDouble() || !std::isfinite(v.toDouble()))
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("the feature distribution holds non-numbers."));
        d.precision.push_back(v.toDouble());
    }
    return d;
}

FeatureDistribution fitFeatureDistribution(const Tensor& x, const std::vector<int>& rows, double shrinkage, double margin)
{
    const int F = int(x.sampleSize());
    if (rows.size() < 2 || F < 1)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("A feature distribution needs at least two rows."));
    Eigen::MatrixXd data(long(rows.size()), F);
    for (size_t r = 0; r < rows.size(); ++r)
        for (int f = 0; f < F; ++f)
            data(long(r), f) = x.sample(rows[r])[f];
    const Eigen::RowVectorXd mean = data.colwise().mean();
    const Eigen::MatrixXd centred = data.rowwise() - mean;
    const Eigen::MatrixXd covariance = centred.transpose() * centred / double(rows.size() - 1);
    const Eigen::MatrixXd shrunk =
        (1.0 - shrinkage) * covariance + shrinkage * Eigen::MatrixXd::Identity(F, F);
    const Eigen::MatrixXd inverse = shrunk.ldlt().solve(Eigen::MatrixXd::Identity(F, F));
    FeatureDistribution d;
    d.dimensions = F;
    d.precision.resize(size_t(F) * size_t(F));
    for (int i = 0; i < F; ++i)
        for (int j = 0; j < F; ++j)
            d.precision[size_t(i) * size_t(F) + size_t(j)] = inverse(i, j);
    for (int r : rows)
        d.trainingMax = std::max(d.trainingMax, d.distance(x.sample(r)));
    d.threshold = margin * d.trainingMax;
    return d;
}

} // namespace genrescope::ml
