#include "workflow/TrainingRecipes.h"

namespace genrescope::workflow {

namespace {

// Loudness depends on the mastering more than on the genre: the shipped MLP ignores the level features.
const QStringList kLevelFeatures = {"rms_mean", "rms_var", "harmony_mean", "harmony_var",
                                    "perceptr_mean", "perceptr_var", "mfcc1_mean"};

// The shipped recipes train a fixed number of epochs, chosen by cross-validation over the 640
// songs of train.txt and valid.txt (bench/model_search.sh, docs/MODELS.md): the shipped models
// train on all of them, so no song is left to stop early on.
std::vector<TrainingRecipe> makeRecipes()
{
    using data::InputKind;
    const QString shippedCnn = QStringLiteral(
        "conv:16:3x3:p1:relu,batchnorm,maxpool:2x2,conv:32:3x3:p1:relu,batchnorm,maxpool:2x2,"
        "conv:64:3x3:p1:relu,batchnorm,maxpool:2x2,conv:64:3x3:p1:relu,gap,dropout:0.3");
    // The student of the musicnn teacher (bench/teacher): its layers, then its 200 outputs as a hidden layer.
    const QString student = QStringLiteral(
        "conv:16:3x3:p1:relu,batchnorm,maxpool:2x2,conv:32:3x3:p1:relu,batchnorm,maxpool:2x2,"
        "conv:64:3x3:p1:relu,batchnorm,maxpool:2x2,conv:128:3x3:p1:relu,batchnorm,gap,dense:200:none");
    return {
        {.id = "shipped-mlp", .name = "Shipped MLP (dense 1024, dropout 0.6)", .input = InputKind::Features,
         .architecture = "dense:1024:relu,dropout:0.6", .optimizer = "adam", .learningRate = 0.001, .weightDecay = 0.003,
         .batch = 32, .epochs = 100, .inputNoise = 0.3, .logFeatures = true,
         .ignoredFeatures = kLevelFeatures, .seed = 7, .shippedModel = "mlp-features"},
        {.id = "shipped-cnn", .name = "Shipped CNN (4 conv, 128-column crops)", .input = InputKind::Image,
         .architecture = shippedCnn, .optimizer = "adam", .learningRate = 0.001, .weightDecay = 0.0001, .batch = 32,
         .epochs = 30, .cropColumns = 128, .cropViews = 5, .seed = 7},
        {.id = "shipped-student", .name = "Distilled student, fine-tuned (give --init STUDENT)", .input = InputKind::Image,
         .architecture = student, .optimizer = "adam", .learningRate = 0.0003, .batch = 32, .epochs = 30,
         .cropColumns = 128, .cropViews = 5, .seed = 7, .shippedModel = "cnn-melimage", .needsInitialModel = true},
        {.id = "report-mlp", .name = "Report MLP (dense 50 tanh, SGD)", .input = InputKind::Features,
         .architecture = "dense:50:tanh", .optimizer = "sgd", .learningRate = 0.01, .batch = 100, .epochs = 5000},
        {.id = "report-cnn", .name = "Report CNN (2 conv 40x10)", .input = InputKind::Image,
         .architecture = "conv:50:40x10:s10x5:p17x3,conv:50:40x10:s10x5:p19x4", .optimizer = "adam",
         .learningRate = 0.0001, .batch = 128, .epochs = 15},  // 0.005 diverged in epoch 1 on GTZAN's images
        {.id = "linear-image", .name = "Linear on the image (no conv)", .input = InputKind::Image, .architecture = "none",
         .optimizer = "adam", .learningRate = 0.005, .batch = 128, .epochs = 50},
    };
}

} // namespace

QStringList TrainingRecipe::trainArguments() const
{
    QStringList a{QStringLiteral("--input"), data::inputKindName(input), QStringLiteral("--arch"), architecture,
                  QStringLiteral("--optimizer"), optimizer, QStringLiteral("--lr"), QString::number(learningRate)};
    if (weightDecay > 0)
        a << QStringLiteral("--weight-decay") << QString::number(weightDecay);
    a << QStringLiteral("--batch") << QString::number(batch) << QStringLiteral("--epochs") << QString::number(epochs);
    if (patience > 0)
        a << QStringLiteral("--patience") << QString::number(patience);
    if (cropColumns > 0)
        a << QStringLiteral("--crop") << QString::number(cropColumns);
    if (cropViews > 0)
        a << QStringLiteral("--crop-views") << QString::number(cropViews);
    if (frequencyMask > 0)
        a << QStringLiteral("--frequency-mask") << QString::number(frequencyMask);
    if (timeMask > 0)
        a << QStringLiteral("--time-mask") << QString::number(timeMask);
    if (frequencyShift > 0)
        a << QStringLiteral("--frequency-shift") << QString::number(frequencyShift);
    if (logFeatures)
        a << QStringLiteral("--log-features");
    if (!ignoredFeatures.isEmpty())
        a << QStringLiteral("--ignore-features") << ignoredFeatures.join(QLatin1Char(','));
    if (inputNoise > 0)
        a << QStringLiteral("--input-noise") << QString::number(inputNoise);
    if (freezeInitial)
        a << QStringLiteral("--freeze-init");
    return a;
}

void TrainingRecipe::applyTo(classify::TrainingRequest& request) const
{
    request.input = input;
    request.architecture = architecture;
    request.logFeatures = logFeatures;
    request.ignoredFeatures = ignoredFeatures;
    ml::TrainConfig& c = request.config;
    c.optimizer.kind = ml::OptimizerConfig::parseKind(optimizer);
    c.optimizer.learningRate = learningRate;
    c.optimizer.weightDecay = weightDecay;
    c.batch = batch;
    c.epochs = epochs;
    c.patience = patience;
    c.crop.columns = cropColumns;
    c.crop.views = cropViews > 0 ? cropViews : ml::CropConfig{}.views;
    c.specAugment = {frequencyMask, timeMask, frequencyShift};
    c.inputNoise = float(inputNoise);
    request.freezeInitial = freezeInitial;
}

const std::vector<TrainingRecipe>& trainingRecipes()
{
    static const std::vector<TrainingRecipe> recipes = makeRecipes();
    return recipes;
}

const TrainingRecipe* findTrainingRecipe(const QString& id)
{
    for (const TrainingRecipe& r : trainingRecipes())
        if (r.id == id)
            return &r;
    return nullptr;
}

const TrainingRecipe& defaultTrainingRecipe(data::InputKind input)
{
    for (const TrainingRecipe& r : trainingRecipes())
        if (r.input == input && !r.needsInitialModel)
            return r;
    return trainingRecipes().front();
}

} // namespace genrescope::workflow
