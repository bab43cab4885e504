#pragma once
// A confusion-matrix heatmap (rows: true class, columns: predicted), as counts
// or normalised per true class. Clicking a cell reports it; the keyboard moves
// a current cell with the arrows and Enter reports it.

#include "ml/Metrics.h"

#include <QStringList>
#include <QWidget>

namespace genrescope::app {

class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    void setMatrix(const std::vector<std::vector<long>>& confusion, const QStringList& classes);
    void setNormalised(bool on);
    long total() const;
    QSize sizeHint() const override { return {420, 380}; }

Q_SIGNALS:
    void cellActivated(int trueClass, int predictedClass);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    QRect cellRect(int row, int column) const;

    std::vector<std::vector<long>> confusion_;
    QStringList classes_;
    bool normalised_ = false;
    int currentRow_ = 0, currentColumn_ = 0;
};

} // namespace genrescope::app
