#pragma once
// The 57 features of the selected song as a table: name, value, the z-score
// against the feature model's training songs (after its log scaling), so
// unusual values stand out, and whether the model uses the feature. CSV
// exports get the numbers at full precision (kCsvRole).

#include "features/FeatureVector.h"
#include "ml/ModelFile.h"

#include <QAbstractTableModel>

#include <optional>

namespace genrescope::app {

class FeatureTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, ZColumn, UsedColumn, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    /// Null clears. With a feature model, z-scores are shown too.
    void setFeatures(const FeatureValues* values, const ml::Model* featureModel = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    bool valid_ = false;
    FeatureValues values_{};
    std::optional<std::array<double, kFeatureCount>> z_;  // NaN: ignored by the model
};

} // namespace genrescope::app
