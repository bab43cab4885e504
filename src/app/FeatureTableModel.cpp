#include "FeatureTableModel.h"

namespace genrescope::app {

void FeatureTableModel::setFeatures(const FeatureValues* values)
{
    beginResetModel();
    valid_ = values != nullptr;
    if (values)
        values_ = *values;
    endResetModel();
}

int FeatureTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !valid_ ? 0 : kFeatureCount;
}

int FeatureTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 2;
}

QVariant FeatureTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !valid_)
        return {};
    const size_t row = size_t(index.row());
    if (role == Qt::DisplayRole)
        return index.column() == 0 ? QVariant(featureNames()[row]) : QVariant(QString::number(values_[row], 'g', 6));
    if (role == Qt::TextAlignmentRole && index.column() == 1)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return values_[row];
    return {};
}

QVariant FeatureTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == 0 ? tr("Feature") : tr("Value");
}

} // namespace genrescope::app
