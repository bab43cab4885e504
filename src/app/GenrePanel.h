#pragma once
// What the classifiers think of the selected song: side-by-side probability bar
// charts (QtCharts) for the MLP, the CNN and the ensemble in the app's genre
// palette, the "now" probabilities at the playhead, and the unusual-audio warning.

#include "classify/GenreClassifier.h"

#include <QWidget>

class QLabel;

namespace genrescope::app {

class ProbabilityChart;

class GenrePanel : public QWidget {
    Q_OBJECT
public:
    explicit GenrePanel(QWidget* parent = nullptr);
    /// Null clears the panel; `note` explains why there is no prediction.
    void setPrediction(const classify::SongPrediction* prediction, const QString& note = {});
    /// Follows the playhead: the window there is described under the charts.
    void setPlayhead(double seconds);
    /// The chart widgets, for export (MLP, CNN, ensemble).
    QList<QWidget*> charts() const;

private:
    classify::SongPrediction prediction_;
    bool hasPrediction_ = false;
    ProbabilityChart *mlp_, *cnn_, *ensemble_;
    QLabel *warning_, *now_, *summary_;
};

} // namespace genrescope::app
