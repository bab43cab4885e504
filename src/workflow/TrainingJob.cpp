#include "workflow/TrainingJob.h"

#include "workflow/TrainingRecipes.h"

#include <algorithm>
#include <memory>

namespace genrescope::workflow {

namespace {

TaskControl analysisControl(const TrainingProgress& progress)
{
    return TaskControl{progress.onAnalysing, progress.training.cancel};
}

} // namespace

classify::TrainingOutcome runTrainingJob(classify::TrainingRequest request, const TrainingProgress& progress)
{
    QStringList skipped;
    if (!request.dataset) {  // analysed here, with progress; runTraining then uses the rows as they are
        request.dataset = std::make_shared<const data::Dataset>(
            classify::loadTrainingData(request, analysisControl(progress), &skipped));
        request.songs.clear();
    }
    classify::TrainingOutcome outcome = classify::runTraining(request, progress.training, progress.crossValidation);
    outcome.skipped = skipped + outcome.skipped;
    return outcome;
}

PairOutcome trainModelPair(std::vector<classify::LabelledSong> songs, classify::TrainingRequest mlp,
                           classify::TrainingRequest cnn, const TrainingProgress& progress)
{
    classify::SongSetAnalysis analysis =
        classify::analyseSongs(songs, classify::WantedInputs::Both, std::max(1, mlp.threads), analysisControl(progress));
    PairOutcome pair;
    pair.skipped = analysis.skipped;
    pair.songs = analysis.songs;

    auto prepare = [&](classify::TrainingRequest& r, data::InputKind input, data::Dataset& rows) {
        r.input = input;
        r.dataPath = rows.source;  // the songs' folder, named in the model's card
        r.songs.clear();
        r.dataset = std::make_shared<const data::Dataset>(std::move(rows));
    };
    prepare(mlp, data::InputKind::Features, analysis.features);
    prepare(cnn, data::InputKind::Image, analysis.images);
    cnn.split = mlp.split;
    cnn.config.seed = mlp.config.seed;
    cnn.crossValidation = mlp.crossValidation;

    if (progress.onModel)
        progress.onModel(0);
    pair.mlp = classify::runTraining(mlp, progress.training, progress.crossValidation);
    pair.mlp.skipped = pair.skipped;
    mlp.dataset.reset();  // its rows are no longer needed while the CNN trains
    if (pair.mlp.result.cancelled)
        return pair;
    if (progress.onModel)
        progress.onModel(1);
    pair.cnn = classify::runTraining(cnn, progress.training, progress.crossValidation);
    pair.cnn.skipped = pair.skipped;
    return pair;
}

bool isPairMemberSetting(const QString& key)
{
    static const QStringList own{QStringLiteral("input"), QStringLiteral("arch"), QStringLiteral("crop"),
                                 QStringLiteral("crop-views"), QStringLiteral("frequency-mask"),
                                 QStringLiteral("time-mask"), QStringLiteral("frequency-shift"), QStringLiteral("log-features"),
                                 QStringLiteral("ignore-features")};
    return own.contains(key);
}

classify::TrainingRequest pairMemberRequest(data::InputKind input, TrainingParameterValues shared)
{
    classify::TrainingRequest r;
    defaultTrainingRecipe(input).applyTo(r);
    r.input = input;
    for (auto it = shared.begin(); it != shared.end();)
        it = isPairMemberSetting(it.key()) ? shared.erase(it) : std::next(it);
    applyTrainingParameters(shared, r);
    using Mode = classify::CrossValidation::Mode;
    // Every fold trains all epochs: no validation part to stop on. A patience given is left for runTraining to refuse.
    if ((r.crossValidation.mode == Mode::Folds || r.crossValidation.mode == Mode::LeaveOneOut) &&
        !shared.contains(QStringLiteral("patience")))
        r.config.patience = 0;
    return r;
}

} // namespace genrescope::workflow
