#pragma once
// The Compare tab: a feature model and an image model (built in, or files) on
// one labelled dataset (a features CSV and an images folder, joined by song,
// optionally only the songs of a list file). Shows both confusion matrices side
// by side, per-genre accuracy bars for both, and the songs where they disagree
// (double-click plays one when an audio folder is given).

#include "classify/EnsembleEvaluation.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>

class QChartView;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace genrescope::app {

class ConfusionMatrixView;

class ComparePanel : public QWidget {
    Q_OBJECT
public:
    explicit ComparePanel(QWidget* parent = nullptr);
    ~ComparePanel() override;

    /// For tests and scripts. Empty model paths mean the built-in models.
    void setInputs(const QString& features, const QString& images, const QString& list = {},
                   const QString& audioFolder = {});
    bool isRunning() const { return watcher_ != nullptr; }
    int disagreements() const;
    ConfusionMatrixView* mlpMatrix() const { return mlpMatrix_; }
    ConfusionMatrixView* cnnMatrix() const { return cnnMatrix_; }

public Q_SLOTS:
    void compare();

Q_SIGNALS:
    void compared();
    void playRequested(const QString& audioPath);

private:
    void finished();
    void show(const classify::JoinedPredictions& joined);

    QLineEdit *mlpModel_, *cnnModel_, *features_, *images_, *list_, *audio_;
    QPushButton* compareButton_;
    QLabel* summary_;
    ConfusionMatrixView *mlpMatrix_, *cnnMatrix_;
    QChartView* perGenre_;
    QTableWidget* disagree_;
    QFutureWatcher<std::shared_ptr<classify::JoinedPredictions>>* watcher_ = nullptr;
};

} // namespace genrescope::app
