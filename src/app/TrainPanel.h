#pragma once
// The Train tab: pick data (a Kaggle features CSV, an images_original folder or
// a genres_original audio folder; the format is detected and summarised), a
// split, a network (presets and a layer spec) and training settings; Start runs
// the core training pipeline on a worker thread and Stop cancels it. Loss and
// accuracy curves fill in live; at the end come the confusion matrix, a
// precision/recall/F1 table, the songs behind any cell, Save and Use in Explore.
// Every run is kept in the run history.

#include "RunHistory.h"
#include "classify/Training.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <atomic>
#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTableWidget;

namespace genrescope::workflow { struct TrainingRecipe; }

namespace genrescope::app {

class ConfusionMatrixView;
class CurveChart;

class TrainPanel : public QWidget {
    Q_OBJECT
public:
    explicit TrainPanel(QWidget* parent = nullptr);
    ~TrainPanel() override;

    /// For tests and scripts: settings as if chosen in the form.
    void setDataPath(const QString& path);
    /// A training recipe by id (workflow/TrainingRecipes.h), e.g. "report-mlp".
    void setPreset(const QString& id);
    void setListSplit(const QString& folder);
    void setEpochs(int epochs);
    bool isRunning() const;
    CurveChart* lossChart() const { return loss_; }
    CurveChart* accuracyChart() const { return accuracy_; }
    ConfusionMatrixView* confusionView() const { return confusion_; }
    class LayerEditor* layerEditor() const { return layers_; }
    const RunHistory& history() const { return history_; }
    /// Rows in the last finished run's validation part (0 before any).
    int lastValidationRows() const { return lastValidRows_; }
    /// Opens a window overlaying two history runs' validation curves, with their confusion matrices side by side.
    class QDialog* showRunComparison(int first, int second);

    /// A finished run's model is there to save.
    bool hasModel() const { return !savedModelPath_.isEmpty(); }

public Q_SLOTS:
    void start();
    void stop();
    void saveModel();

Q_SIGNALS:
    void runFinished();
    /// "Use in Explore": a saved model file for the feature or image slot.
    void useModelRequested(const QString& path, bool featureModel);
    /// A song from a confusion cell, when the data is audio.
    void playRequested(const QString& audioPath);

private:
    void applyPreset();
    /// The part whose confusion matrix and scores are shown: cross-validation's pooled songs, else valid, else test.
    const classify::PartScores& shownScores() const;
    bool confirmingUse_ = false;  // a run at chance: the first click on Use in Explore only warns
    QString runLabel_;            // "Fold 2 of 5: " while cross-validating
    const workflow::TrainingRecipe& currentRecipe() const;
    void detectData();
    void applyDataSummary();
    /// The data summary line and the input kind it implies ("features", "image" or empty).
    static std::pair<QString, QString> summariseData(const QString& path);
    void finished();
    void showOutcome(const classify::TrainingOutcome& outcome);
    void listCell(int trueClass, int predictedClass);
    void refreshHistoryTable();
    /// History indices of the selected rows, ascending.
    QList<int> selectedRuns() const;
    classify::TrainingRequest request() const;

    QLineEdit* dataPath_;
    QLabel* dataSummary_;
    QComboBox* input_;
    QComboBox* split_;
    QComboBox* scoring_;  // held-out split or cross-validation
    QLineEdit* listDir_;
    QSpinBox* seed_;
    QComboBox* preset_;
    QLineEdit* architecture_;
    QComboBox* optimizer_;
    QDoubleSpinBox* learningRate_;
    QSpinBox* batch_;
    QSpinBox* epochs_;
    QSpinBox* patience_;
    QSpinBox* crop_;
    QPushButton *startButton_, *stopButton_, *saveButton_, *useButton_;
    QProgressBar* progress_;
    QLabel* status_;
    CurveChart *loss_, *accuracy_;
    QSlider* smoothing_;
    QCheckBox* logScale_;
    ConfusionMatrixView* confusion_;
    QCheckBox* normalised_;
    QTableWidget* scores_;
    QListWidget* cellSongs_;
    QTableWidget* historyTable_;
    QPushButton* compareRunsButton_;
    class LayerEditor* layers_;

    RunHistory history_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    QFutureWatcher<std::shared_ptr<classify::TrainingOutcome>>* watcher_ = nullptr;
    QPointer<QFutureWatcher<std::pair<QString, QString>>> detecting_;  // the data choice being read
    std::shared_ptr<classify::TrainingOutcome> outcome_;
    QString savedModelPath_;
    QElapsedTimer clock_;
    int lastValidRows_ = 0;
};

} // namespace genrescope::app
