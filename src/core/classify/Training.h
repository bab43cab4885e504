#pragma once
// The whole training pipeline shared by the CLI and the GUI's Training tab:
// load data, split it, fit standardisation on the training rows, build and
// train the network, score it on validation and test rows (per row and per
// song), and package the result as a Model ready to save.

#include "data/Dataset.h"
#include "data/Splits.h"
#include "ml/Metrics.h"
#include "ml/ModelFile.h"
#include "ml/Trainer.h"

#include <QJsonObject>
#include <QString>

namespace genrescope::classify {

struct TrainingRequest {
    QString dataPath;
    data::InputKind input = data::InputKind::Features;
    QString architecture;      // empty: the default for the input kind
    QString split = QStringLiteral("random");  // random | song | lists:DIR
    QStringList ignoredFeatures;  // features: names the network must not see (their standardised value is 0)
    bool logFeatures = false;  // features: take the heavy-tailed ones as logarithms (features::logScaledFeatures)
    ml::TrainConfig config;
};

QString defaultArchitecture(data::InputKind input);

struct PartScores {
    int rows = 0, songs = 0;
    ml::ClassificationReport rowReport, songReport;
    ml::SongPredictions songPredictions;  // each song's truth and prediction (for listing a confusion cell)
    bool empty() const { return rows == 0; }
};

struct TrainingOutcome {
    ml::Model model;
    ml::TrainResult result;
    data::Split split;
    PartScores valid, test;
    QJsonObject log;  // request, split, history, scores: everything a run history needs
};

/// Runs the pipeline. Throws genrescope::Error for bad data or settings;
/// divergence and cancellation are reported in outcome.result instead.
TrainingOutcome runTraining(const TrainingRequest& request, const ml::TrainCallbacks& callbacks = {});

/// Scores a model on a dataset (optionally only the songs named in a list file).
PartScores evaluateModel(const ml::Model& model, data::Dataset dataset, const QString& listFile = {});

} // namespace genrescope::classify
