#pragma once
// A layer-list editor for the network spec strings of core/ml/Network
// ("dense:256:relu,dropout:0.4", "conv:16:3x3:s1x1:p1:relu,maxpool:2x2,gap"):
// one row per layer with its type, size (units, filters or dropout rate),
// kernel, stride, padding and activation; rows can be added, removed and moved.
// The spec is rebuilt on every edit.

#include <QWidget>

class QTableWidget;

namespace genrescope::app {

class LayerEditor : public QWidget {
    Q_OBJECT
public:
    explicit LayerEditor(QWidget* parent = nullptr);

    QString spec() const;
    void setSpec(const QString& spec);
    int layerCount() const;
    QTableWidget* table() const { return table_; }

Q_SIGNALS:
    void specChanged(const QString& spec);

private:
    void addRow(const QStringList& cells, int at = -1);
    void moveCurrent(int delta);

    QTableWidget* table_;
    bool updating_ = false;
};

} // namespace genrescope::app
