#pragma once
// The Train tab: classes as buckets of songs (ClassBucketsView), or a Kaggle features
// CSV or images_original folder; a split, a network (presets and a layer spec) and
// training settings. Start trains one network and Train Pair the features MLP and the
// mel CNN on the same songs (workflow/TrainingJob.h), on the training pool, with the
// songs' analysis shown and Stop cancelling either. Loss and accuracy curves fill in
// live; at the end come the confusion matrix, a precision/recall/F1 table, the songs
// behind any cell, the files left out, Save, Use in Explore and Try on a File.
// Every run is kept in the run history.

#include "RunHistory.h"
#include "classify/Training.h"
#include "classify/GenreClassifier.h"
#include "workflow/TrainingJob.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <atomic>
#include <functional>
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
    class ClassBucketsView* classBuckets() const { return buckets_; }
    /// The last run's models (one, or the pair's MLP then CNN), saved in the app's data folder.
    QStringList modelPaths() const { return modelPaths_; }

    /// What Train Pair trains: each network's shipped recipe with the form's shared settings. Throws Error.
    std::pair<classify::TrainingRequest, classify::TrainingRequest> pairRequests() const;
    /// Classifies a song with the last run's model(s), as Try on a File does; the result shows in trainTryResult.
    void tryOnFile(const QString& path);

public Q_SLOTS:
    void start();
    /// Trains the features MLP and the mel CNN on the songs in the classes, one analysis for both.
    void startPair();
    void stop();
    void saveModel();

Q_SIGNALS:
    void runFinished();
    /// "Use in Explore": a saved model file for the feature or image slot.
    void useModelRequested(const QString& path, bool featureModel);
    /// "Use in Explore" after Train Pair: both models, used together.
    void usePairRequested(const QString& mlpPath, const QString& cnnPath);
    /// Try on a File has shown its answer.
    void tryFinished();
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
    /// What a run's worker hands back: one outcome, or the pair's MLP then CNN.
    struct RunResult {
        std::vector<classify::TrainingOutcome> outcomes;
        QStringList skipped;
        bool pair = false;
    };
    /// Clears the results and starts `work` on the training pool, with progress and cancel wired.
    void launch(const QString& firstStatus,
                std::function<RunResult(const workflow::TrainingProgress&)> work);
    void finished();
    /// Stop was pressed during the current run.
    bool stopping() const;
    /// Keeps a finished outcome: saves its model to the data folder and adds it to the history. Returns notes.
    QString keepOutcome(const classify::TrainingOutcome& outcome, int index);
    QString describeOutcome(const classify::TrainingOutcome& outcome) const;
    /// Shows a model of the last run in the matrix and scores (0: the MLP of a pair).
    void showModel(int index);
    void showOutcome(const classify::TrainingOutcome& outcome);
    /// A song id of the run as a file to play: in the classes, else in a genres_original-style data folder.
    QString audioFileOf(const QString& songId) const;
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
    QPushButton *startButton_, *pairButton_, *stopButton_, *saveButton_, *useButton_, *tryButton_;
    QLabel* tryResult_;
    QComboBox* shownModel_;  // which model of a pair the results show
    class ClassBucketsView* buckets_;
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
    QFutureWatcher<std::shared_ptr<RunResult>>* watcher_ = nullptr;
    std::shared_ptr<RunResult> run_;  // the last finished run
    QStringList modelPaths_;          // its models, as saved
    QPointer<QObject> trying_;        // a Try on a File in flight
    QPointer<QFutureWatcher<std::pair<QString, QString>>> detecting_;  // the data choice being read
    std::shared_ptr<classify::TrainingOutcome> outcome_;
    QString savedModelPath_;
    QElapsedTimer trainClock_;  // from the run's first batch: the time-left estimate
    int lastValidRows_ = 0;
};

} // namespace genrescope::app
