#pragma once
// The training recipes in one table: the shipped models' (scripts/train-default-models
// trains them with `genrescope-cli train --preset ID`, and their model cards print the
// options) and the course report's. The Train tab's presets, `train --preset` and the
// script all read it, so they cannot drift apart.

#include "classify/Training.h"

#include <QStringList>

#include <vector>

namespace genrescope::workflow {

struct TrainingRecipe {
    QString id{};               // for `train --preset`, e.g. "shipped-mlp"
    QString name{};             // for people
    data::InputKind input = data::InputKind::Features;
    QString architecture{};
    QString optimizer{};        // "adam" | "sgd"
    double learningRate = 0.001;
    double weightDecay = 0;
    int batch = 32, epochs = 100, patience = 0;
    int cropColumns = 0;        // image inputs: time crops (0: off)
    int cropViews = 0;          // crops averaged at inference (0: the default)
    int frequencyMask = 0, timeMask = 0, frequencyShift = 0;  // image inputs: SpecAugment (0: off)
    double inputNoise = 0;
    bool logFeatures = false;
    QStringList ignoredFeatures{};
    unsigned seed = 0;          // the seed a shipped model was trained with (0: none)
    QString shippedModel{};     // the model in models/ trained with it ("mlp-features"), or empty
    bool needsInitialModel = false;  // starts from a distilled student (--init MODEL): see docs/MODELS.md
    bool freezeInitial = false;      // keeps the starting layers fixed (--freeze-init)

    /// The `genrescope-cli train` options that give this recipe, in the model cards' order.
    QStringList trainArguments() const;
    /// Sets the request's network and training settings (not its data, split or seed).
    void applyTo(classify::TrainingRequest& request) const;
};

const std::vector<TrainingRecipe>& trainingRecipes();
/// The recipe with this id, or null.
const TrainingRecipe* findTrainingRecipe(const QString& id);
/// The first recipe for this input kind that trains from scratch (the Train tab's default).
const TrainingRecipe& defaultTrainingRecipe(data::InputKind input);

} // namespace genrescope::workflow
