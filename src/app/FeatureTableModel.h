#pragma once
// The 57 features of the selected song as a two-column table (name, value).

#include "features/FeatureVector.h"

#include <QAbstractTableModel>

namespace genrescope::app {

class FeatureTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setFeatures(const FeatureValues* values);  // null clears

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    bool valid_ = false;
    FeatureValues values_{};
};

} // namespace genrescope::app
