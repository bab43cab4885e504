#pragma once
// Which models a user means, in one place for the CLI and the GUI: the names "mlp" and
// "cnn" stand for the built-in models (when the binary carries them), anything else is a
// model file. A classifier takes at most one model of each input kind; the ensemble needs
// both to know the same genres, and the built-in pair mixes them with its shipped weight
// (any other pair with 0.5).

#include "classify/GenreClassifier.h"
#include "ml/ModelFile.h"

#include <QStringList>

#include <memory>

namespace genrescope::workflow {

inline constexpr auto kBuiltInMlp = "mlp";
inline constexpr auto kBuiltInCnn = "cnn";

bool isBuiltInModelName(const QString& name);
/// "the built-in MLP" or the path as given, for messages.
QString shownModelName(const QString& name);

/// The model a name stands for. Throws Error: a missing or damaged file, or a built-in
/// model this binary lacks.
std::shared_ptr<const ml::Model> loadModelNamed(const QString& name);

/// How a kind of model that was not named is filled in.
enum class Completion {
    None,          // left out: the named models alone
    IfCompatible,  // from the fillers, when its genres match the named model's; else left out, with a note
    Required,      // from the fillers; an error when it is missing or knows other genres
};

struct ModelChoice {
    std::shared_ptr<const ml::Model> mlp, cnn;
    QString mlpName, cnnName;  // as named ("mlp"/"cnn" for the built-in ones); empty when absent
    QString note;              // a model left out, and why

    bool empty() const { return !mlp && !cnn; }
    /// The MLP's ensemble weight: the shipped one for the built-in pair, else 0.5.
    double mlpWeight() const;
    /// The ensemble's softmax temperature: the shipped one for the built-in pair, else 1.
    double ensembleTemperature() const;
    /// Null when there is no model.
    std::shared_ptr<const classify::GenreClassifier> classifier() const;
};

/// The models `names` stand for (at most one of each input kind: a file's kind is read
/// from it), completed from `fillers` (default: the built-in models) as `completion` says.
/// Throws Error for unreadable models, two of one kind, or a named pair (or a required
/// completion) that knows different genres.
ModelChoice chooseModels(const QStringList& names, Completion completion,
                         const QStringList& fillers = {QLatin1String(kBuiltInMlp), QLatin1String(kBuiltInCnn)});

/// The built-in pair as a classifier, made once (null when the binary has no models). Thread-safe.
std::shared_ptr<const classify::GenreClassifier> defaultClassifier();

} // namespace genrescope::workflow
