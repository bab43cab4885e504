#include "FeatureTableModel.h"

#include "Export.h"

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
    const bool ignored = z_ && std::isnan(z);
    if (role == Qt::DisplayRole || role == kCsvRole) {
        const bool exact = role == kCsvRole;  // full precision; no dash for "none"
        switch (index.column()) {
        case NameColumn: return featureNames()[row];
        case ValueColumn: return QString::number(values_[row], 'g', exact ? 17 : 6);
        case ZColumn:
            if (!z_ || ignored)
                return exact ? QString() : QStringLiteral("–");
            return exact ? QString::number(z, 'g', 17) : QString::number(z, 'f', 2);
        default:
            if (!z_)
                return exact ? QString() : QStringLiteral("–");
            return ignored ? tr("ignored") : tr("used");
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() != NameColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == ZColumn && std::isfinite(z) && std::abs(z) >= 3.0)
        return QColor(220, 90, 30);  // outside nearly all training songs
    if (role == Qt::ForegroundRole && index.column() == UsedColumn && ignored)
        return QColor(140, 140, 140);
    if (role == Qt::ToolTipRole && index.column() == UsedColumn)
        return tr("Whether the feature model uses this feature (it ignores features that were constant in its training data).");
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
    switch (section) {
    case NameColumn: return tr("Feature");
    case ValueColumn: return tr("Value");
    case ZColumn: return tr("z (training)");
    default: return tr("Model");
    }
}

} // namespace genrescope::app
