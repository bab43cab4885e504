#pragma once
// Training as the front ends run it: the request's data is loaded first (songs analysed into
// the classifier's windows, with progress and cancel), then classify::runTraining. A pair of
// models (the features MLP and the mel CNN) is trained from one analysis of the songs.

#include "classify/Training.h"
#include "classify/TrainingSongs.h"
#include "workflow/TrainingParameters.h"

#include <QStringList>

#include <functional>
#include <vector>

namespace genrescope::workflow {

struct TrainingProgress {                               // all optional; called on the worker thread
    std::function<void(double fraction)> onAnalysing;   // songs analysed so far / songs
    ml::TrainCallbacks training;                        // its `cancel` also stops the analysis
    classify::CrossValidationCallbacks crossValidation;
    std::function<void(int model)> onModel;             // trainModelPair: 0 before the MLP, 1 before the CNN
};

/// Loads the request's data (audio analysed with progress and cancel) and runs classify::runTraining.
/// Throws Error for bad data or settings, Cancelled when cancelled during the analysis (a cancelled
/// training is reported in the outcome, as runTraining does).
classify::TrainingOutcome runTrainingJob(classify::TrainingRequest request, const TrainingProgress& progress = {});

struct PairOutcome {
    classify::TrainingOutcome mlp, cnn;
    QStringList skipped;  // songs left out: "path: reason"
    int songs = 0;        // songs analysed
};

/// Analyses the songs once, then trains the features MLP (settings of `mlp`) and the mel CNN (settings of `cnn`)
/// on the same songs with the same split and seed; their data fields are ignored. Both models get the same class list.
/// The CNN takes the MLP's split, seed and cross-validation; `threads` of `mlp` analyse the songs.
PairOutcome trainModelPair(std::vector<classify::LabelledSong> songs, classify::TrainingRequest mlp,
                           classify::TrainingRequest cnn, const TrainingProgress& progress = {});

/// The settings that belong to one model of a pair and are not shared: its network, its input's options.
bool isPairMemberSetting(const QString& key);

/// One model of a pair: the shipped recipe for `input`, then the `shared` settings given (split, seed, epochs,
/// cross-validation, ...; those of isPairMemberSetting are ignored); settings not given keep the recipe's.
/// With K-fold or leave-one-out cross-validation and no patience given, the patience is 0. Throws Error for a
/// refused value.
classify::TrainingRequest pairMemberRequest(data::InputKind input, TrainingParameterValues shared);

} // namespace genrescope::workflow
