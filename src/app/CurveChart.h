#pragma once
// A live training curve (QtCharts): one line for training and one for
// validation, per epoch, with exponential smoothing and an optional
// logarithmic value axis. Points arrive while a run goes on; the chart redraws
// at most ten times a second however fast they come.

#include <QChartView>

class QLineSeries;
class QValueAxis;
class QLogValueAxis;

namespace genrescope::app {

class CurveChart : public QChartView {
    Q_OBJECT
public:
    CurveChart(const QString& title, const QString& unit, QWidget* parent = nullptr);

    void clear();
    void addPoint(int epoch, double train, double valid);  // either may be NaN (no point)
    /// 0: raw values; up to 0.95: heavier exponential smoothing.
    void setSmoothing(double factor);
    void setLogScale(bool on);
    /// Names of the two lines (default "train" and "validation"), e.g. two runs overlaid.
    void setSeriesNames(const QString& first, const QString& second);
    int pointCount() const { return int(raw_.size()); }

private:
    struct Point { int epoch; double train, valid; };
    void rebuild();

    QString unit_;
    std::vector<Point> raw_;
    double smoothing_ = 0.0;
    bool log_ = false;
    QLineSeries *train_, *valid_;
    class QTimer* refresh_;  // coalesces redraws while points stream in
};

} // namespace genrescope::app
