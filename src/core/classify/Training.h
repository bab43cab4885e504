#pragma once
// The whole training pipeline shared by the CLI and the GUI's Training tab:
// load data (songs are analysed into the windows the classifier sees), split
// it, fit standardisation on the training rows, build and train the network,
// score it on validation and test rows (per row and per song), and package
// the result as a Model ready to save. Small data is
// scored by cross-validation by song instead (see CrossValidation).

#include "classify/TrainingSongs.h"
#include "data/Dataset.h"
#include "data/Splits.h"
#include "ml/Metrics.h"
#include "ml/ModelFile.h"
#include "ml/Trainer.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace genrescope::classify {

/// Cross-validation by song. With a "lists:DIR" split, the folds follow the lists (data::listFolds)
/// and the songs of test.txt are left out; otherwise they are stratified by class. Each fold's standardisation is fitted on its training rows only,
/// and each fold trains the full number of epochs with no validation part (no early stopping
/// on the held-out songs; patience must be 0). The held-out songs are scored once, at the end.
/// Afterwards the kept model is trained the same way on every song.
struct CrossValidation {
    enum class Mode {
        Off,          // the held-out split of TrainingRequest::split
        Auto,         // Off when every class has kSmallClassSongs songs, else Folds (5) or LeaveOneOut (see resolve)
        Folds,        // `folds` folds, stratified by class
        LeaveOneOut,  // one fold per song
    };
    Mode mode = Mode::Off;
    int folds = 5;
    int onlyFold = 0;  // 1..folds: score that fold alone and keep no model (a quick check of one fold); 0: all

    /// "auto", "loo", a number of folds K >= 2, or K:F (fold F of K alone); throws for anything else.
    static CrossValidation parse(const QString& text);
    /// What Auto means for data whose smallest class has `smallestClass` songs, of `songs` in all:
    /// Off from kSmallClassSongs songs a class; below that 5 folds, or leave-one-out when the smallest
    /// class has fewer than 5 songs (so 5 folds could not each hold one) and there are at most
    /// kMaxLeaveOneOutSongs songs (so as many trainings stay affordable).
    CrossValidation resolve(int smallestClass, int songs) const;
};

constexpr int kSmallClassSongs = 20;       // below this many songs in a class, a held-out split says little
constexpr int kFewSongs = 5;               // below this many songs in a class, a warning
constexpr int kMaxLeaveOneOutSongs = 100;  // Auto uses leave-one-out only up to this many songs

struct TrainingRequest {
    QString dataPath;          // a features CSV, an images_original folder or a folder of genre folders of songs
    std::vector<LabelledSong> songs;  // when non-empty, the data instead of dataPath: analysed (analyseSongs)
    std::shared_ptr<const data::Dataset> dataset;  // preloaded data of the input kind, used as is (before songs and dataPath)
    int threads = 1;           // songs analysed at once
    data::InputKind input = data::InputKind::Features;
    QString architecture;      // empty: the default for the input kind
    QString split = QStringLiteral("random");  // random | song | lists:DIR
    QStringList ignoredFeatures;  // features: names the network must not see (their standardised value is 0)
    bool logFeatures = false;  // features: take the heavy-tailed ones as logarithms (features::logScaledFeatures)
    ml::TrainConfig config;
    CrossValidation crossValidation;  // Off: score on the held-out split, as before
    /// A saved model (e.g. a distilled student, bench/teacher) whose leading layers start the
    /// network (ml::Network::copyLeadingLayers) and whose standardisation is kept; empty: fresh weights.
    QString initialModel;
    bool freezeInitial = false;  // keep the layers taken from initialModel fixed: train only the rest
    /// initialModel, loaded once by runTraining (set it directly to skip the file).
    std::shared_ptr<const ml::Model> initialWeights;
};

QString defaultArchitecture(data::InputKind input);

struct PartScores {
    int rows = 0, songs = 0;
    ml::ClassificationReport rowReport, songReport;
    ml::SongPredictions songPredictions;  // each song's truth and prediction (for listing a confusion cell)
    bool empty() const { return rows == 0; }
};

/// One fold of a cross-validation: scores on its held-out songs.
struct FoldScore {
    int fold = 0;  // 1-based
    int trainSongs = 0, songs = 0, rows = 0;
    double songAccuracy = 0, rowAccuracy = 0;
    QString stopped;  // the fold's training message
};

/// Every song's probabilities from the fold that held it out (before temperature scaling), for
/// calibrating and combining models afterwards (classify/OutOfFold.h).
struct OutOfFold {
    QStringList classes;
    QStringList songs;
    QString input;                 // the model's input kind: features or image
    std::vector<int> labels, folds;  // per song; folds are 1-based
    ml::Tensor probabilities;      // (songs, classes): the mean over each song's rows
    bool empty() const { return songs.isEmpty(); }
};

struct CrossValidationScores {
    int folds = 0;  // 0: no cross-validation was run
    bool leaveOneOut = false;
    QString description;  // e.g. "5-fold cross-validation by song, stratified by class, seed 1"
    std::vector<FoldScore> perFold;
    double meanSongAccuracy = 0, sdSongAccuracy = 0;  // over folds; the standard deviation uses n - 1
    double meanRowAccuracy = 0, sdRowAccuracy = 0;
    PartScores pooled;  // every song scored by the fold that held it out: the confusion matrix summed over folds
    OutOfFold outOfFold;
    int onlyFold = 0;   // when only one fold was run (CrossValidation::onlyFold)
    bool empty() const { return folds == 0; }
    bool complete() const { return !empty() && int(perFold.size()) == (onlyFold ? 1 : folds); }
};

struct TrainingOutcome {
    ml::Model model;
    ml::TrainResult result;  // with cross-validation: the kept model's training on every song
    data::Split split;       // with cross-validation: every row in train
    PartScores valid, test;  // empty with cross-validation
    CrossValidationScores crossValidation;
    QStringList notes;       // for people, one line each: small classes, an epoch-1 model, chance level, ...
    bool atChance = false;   // the song accuracy (validation, else test, else the cross-validation mean) is no better than guessing
    QJsonObject log;  // request, split, history, scores: everything a run history needs
    QStringList skipped;     // songs left out of the data: "path: reason"
};

/// Extra progress of a cross-validated run (all optional; called on the training thread).
struct CrossValidationCallbacks {
    /// Before each training: run 1..runs; the last run trains the kept model on every song.
    std::function<void(int run, int runs)> onRun;
    /// After each fold is scored.
    std::function<void(const FoldScore&)> onFold;
};

/// The request's data: its dataset, else its songs or a folder of genre folders of songs analysed
/// (analyseSongs on request.threads threads; the songs left out are added to `skipped`), else
/// the CSV or PNG folder at dataPath. Throws Error for bad data, Cancelled when cancelled.
data::Dataset loadTrainingData(const TrainingRequest& request, const TaskControl& control = {},
                               QStringList* skipped = nullptr);

/// Runs the pipeline. Throws genrescope::Error for bad data or settings (and Cancelled when
/// callbacks.cancel stops the analysis of songs); divergence and cancellation of training are
/// reported in outcome.result instead (a cancelled or diverged fold leaves no model:
/// outcome.result.bestEpoch is 0).
TrainingOutcome runTraining(const TrainingRequest& request, const ml::TrainCallbacks& callbacks = {},
                            const CrossValidationCallbacks& cvCallbacks = {});

/// True when a song accuracy on `songs` songs of `classes` classes is no better than guessing:
/// at most chanceThreshold(classes, songs), or, when that bound reaches 100 % (too few songs), at most 1 / classes.
bool atChance(double songAccuracy, int songs, int classes);
/// 1/classes plus two standard errors of a guesser's song accuracy, sqrt(p(1-p)/songs) with
/// p = 1/classes: guessing scores above it only about one time in 40.
double chanceThreshold(int classes, int songs);

/// Scores a model on a dataset (optionally only the songs named in a list file).
PartScores evaluateModel(const ml::Model& model, data::Dataset dataset, const QString& listFile = {});

} // namespace genrescope::classify
