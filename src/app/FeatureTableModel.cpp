#include "FeatureTableModel.h"

#include <QColor>

#include <cmath>
#include <limits>

namespace genrescope::app {

void FeatureTableModel::setFeatures(const FeatureValues* values, const ml::Model* model)
{
    beginResetModel();
    valid_ = values != nullptr;
    z_.reset();
    if (values) {
        values_ = *values;
        if (model && model->inputKind == QLatin1String("features") && long(model->scale.size()) == kFeatureCount) {
            ml::Tensor row({1, kFeatureCount});
            for (int f = 0; f < kFeatureCount; ++f)
                row.data[size_t(f)] = float(values_[size_t(f)]);
            model->standardise(row);
            z_.emplace();
            for (int f = 0; f < kFeatureCount; ++f)
                (*z_)[size_t(f)] = model->scale[size_t(f)] == 0.0f ? std::numeric_limits<double>::quiet_NaN()
                                                                  : double(row.data[size_t(f)]);
        }
    }
    endResetModel();
}

int FeatureTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !valid_ ? 0 : kFeatureCount;
}

int FeatureTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FeatureTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !valid_)
        return {};
    const size_t row = size_t(index.row());
    const double z = z_ ? (*z_)[row] : std::numeric_limits<double>::quiet_NaN();
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case NameColumn: return featureNames()[row];
        case ValueColumn: return QString::number(values_[row], 'g', 6);
        default:
            if (!z_)
                return QStringLiteral("–");
            return std::isnan(z) ? tr("ignored") : QString::number(z, 'f', 2);
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == ZColumn && std::isfinite(z) && std::abs(z) >= 3.0)
        return QColor(220, 90, 30);  // outside nearly all training songs
    if (role == Qt::ToolTipRole && index.column() == ZColumn)
        return tr("Standard deviations from the feature model's training songs (after its log scaling); "
                  "|z| ≥ 3 is highlighted.");
    if (role == Qt::UserRole)
        return index.column() == ZColumn ? z : values_[row];
    return {};
}

QVariant FeatureTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Feature") : section == ValueColumn ? tr("Value") : tr("z (training)");
}

} // namespace genrescope::app
