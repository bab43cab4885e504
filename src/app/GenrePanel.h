#pragma once
// What the classifiers think of the selected song: one grouped bar chart (QtCharts) with
// the MLP, CNN and ensemble probability of each genre, best genre first; the "now"
// probabilities at the playhead. For unusual audio the verdict comes first and the bars
// are dimmed, with no percentage claiming confidence.

#include "classify/GenreClassifier.h"

#include <QWidget>

class QChartView;
class QLabel;

namespace genrescope::app {

class GenrePanel : public QWidget {
    Q_OBJECT
public:
    explicit GenrePanel(QWidget* parent = nullptr);
    /// Null clears the panel; `note` explains why there is no prediction.
    void setPrediction(const classify::SongPrediction* prediction, const QString& note = {});
    /// Follows the playhead: the window there is described under the chart.
    void setPlayhead(double seconds);
    /// The chart widgets, for export (the one grouped chart).
    QList<QWidget*> charts() const;

private:
    void showProbabilities();

    classify::SongPrediction prediction_;
    bool hasPrediction_ = false;
    QChartView* chart_;
    QLabel *verdict_, *now_, *summary_;
};

} // namespace genrescope::app
