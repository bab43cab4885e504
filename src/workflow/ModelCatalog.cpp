#include "workflow/ModelCatalog.h"

#include "common/Error.h"

namespace genrescope::workflow {

bool isBuiltInModelName(const QString& name)
{
    return name == QLatin1String(kBuiltInMlp) || name == QLatin1String(kBuiltInCnn);
}

QString shownModelName(const QString& name)
{
    if (name == QLatin1String(kBuiltInMlp))
        return QStringLiteral("the built-in MLP");
    if (name == QLatin1String(kBuiltInCnn))
        return QStringLiteral("the built-in CNN");
    return shownPath(name);
}

std::shared_ptr<const ml::Model> loadModelNamed(const QString& name)
{
    if (!isBuiltInModelName(name))
        return std::make_shared<const ml::Model>(ml::loadModel(name));  // throws a clear error for missing or damaged files
    const bool mlp = name == QLatin1String(kBuiltInMlp);
    auto model = classify::loadModelOrEmbedded({}, QLatin1String(mlp ? classify::kDefaultMlpName : classify::kDefaultCnnName));
    if (!model)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("This build has no built-in %1 model; pass a model file.")
                                                    .arg(mlp ? QStringLiteral("MLP") : QStringLiteral("CNN")));
    return model;
}

double ModelChoice::mlpWeight() const
{
    return mlpName == QLatin1String(kBuiltInMlp) && cnnName == QLatin1String(kBuiltInCnn) ? classify::defaultMlpWeight()
                                                                                         : 0.5;
}

double ModelChoice::ensembleTemperature() const
{
    return mlpName == QLatin1String(kBuiltInMlp) && cnnName == QLatin1String(kBuiltInCnn)
               ? classify::defaultEnsembleTemperature() : 1.0;
}

std::shared_ptr<const classify::GenreClassifier> ModelChoice::classifier() const
{
    if (empty())
        return nullptr;
    return std::make_shared<const classify::GenreClassifier>(mlp, cnn, mlpWeight(), ensembleTemperature());
}

namespace {

QString differentGenres(const QString& mlpName, const ml::Model& mlp, const QString& cnnName, const ml::Model& cnn)
{
    return QStringLiteral("the features model %1 knows %2 genres (%3) but the image model %4 knows %5 (%6)")
        .arg(shownModelName(mlpName)).arg(mlp.classes.size()).arg(listSummary(mlp.classes))
        .arg(shownModelName(cnnName)).arg(cnn.classes.size()).arg(listSummary(cnn.classes));
}

} // namespace

ModelChoice chooseModels(const QStringList& names, Completion completion, const QStringList& fillers)
{
    ModelChoice c;
    auto place = [&](const QString& name, std::shared_ptr<const ml::Model> model) {
        const bool features = model->inputKind == QLatin1String("features");
        QString& slotName = features ? c.mlpName : c.cnnName;
        if (!slotName.isEmpty())
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("two %1 models given (%2 and %3); pass at most one of each kind.")
                            .arg(model->inputKind, shownModelName(slotName), shownModelName(name)));
        slotName = name;
        (features ? c.mlp : c.cnn) = std::move(model);
    };
    for (const QString& name : names)
        place(name, loadModelNamed(name));
    if (c.mlp && c.cnn && c.mlp->classes != c.cnn->classes)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1. Use a pair trained on the same genres, or one model alone.")
                        .arg(differentGenres(c.mlpName, *c.mlp, c.cnnName, *c.cnn)));
    if (completion == Completion::None || (c.mlp && c.cnn))
        return c;

    for (const QString& filler : fillers) {
        std::shared_ptr<const ml::Model> model;
        try {
            model = loadModelNamed(filler);
        } catch (const Error&) {
            if (completion == Completion::Required)
                throw;
            continue;
        }
        const bool features = model->inputKind == QLatin1String("features");
        if (features ? c.mlp : c.cnn)
            continue;  // that kind was named
        const ml::Model* named = features ? c.cnn.get() : c.mlp.get();
        if (named && named->classes != model->classes) {
            const QString why = features ? differentGenres(filler, *model, c.cnnName, *c.cnn)
                                         : differentGenres(c.mlpName, *c.mlp, filler, *model);
            if (completion == Completion::Required)
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("%1; an ensemble needs the same genres in both.").arg(why));
            c.note = QStringLiteral("%1 is used alone: %2.").arg(shownModelName(features ? c.cnnName : c.mlpName), why);
            continue;
        }
        (features ? c.mlpName : c.cnnName) = filler;
        (features ? c.mlp : c.cnn) = std::move(model);
    }
    if (completion == Completion::Required && !(c.mlp && c.cnn))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("An ensemble needs a features model and an image model."));
    return c;
}

std::shared_ptr<const classify::GenreClassifier> defaultClassifier()
{
    static const std::shared_ptr<const classify::GenreClassifier> classifier = [] {
        try {
            return chooseModels({}, Completion::IfCompatible).classifier();
        } catch (const Error&) {
            return std::shared_ptr<const classify::GenreClassifier>{};
        }
    }();
    return classifier;
}

} // namespace genrescope::workflow
