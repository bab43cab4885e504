#pragma once
// The training settings declared once, as Essentia's declareParameter does: each has its
// key (the `genrescope-cli train` option), a label for the Train tab, a one-line description
// (the CLI's help and the tab's tooltip), its type, range or choices, its default and what a
// special value means. The CLI builds its options, help and validation from this table, the
// Train tab its widgets (app/ParameterWidgets.h), and the training recipes are checked
// against it. Defaults are read from classify::TrainingRequest{} (and so ml::TrainConfig{}):
// they are written nowhere else.

#include "classify/Training.h"

#include <QMap>
#include <QString>
#include <QVariant>

#include <functional>
#include <vector>

namespace genrescope::workflow {

enum class ParameterType {
    Integer,  // a whole number in [min, max]
    Real,     // a number in [min, max]
    Choice,   // one of `choices` (or, when min <= max, also a whole number in [min, max])
    Text,     // any text
    Flag,     // on or off (a CLI option without a value)
};

struct ParameterChoice {
    QString value;          // as the CLI takes it, e.g. "song"
    QString label;          // for people, e.g. "By song (80/10/10)"
    QString argumentName{};  // non-empty: the value takes an argument after a colon ("lists:DIR")
};

struct TrainingParameter {
    QString key{};        // the CLI option, e.g. "epochs"
    QString label{};      // the Train tab's, with its mnemonic, e.g. "E&pochs"
    QString description{};  // one line: the CLI's help and the tab's tooltip
    ParameterType type = ParameterType::Integer;
    QString valueName{};  // the CLI's placeholder, e.g. "N"
    double min = 0, max = -1;  // Integer, Real; Choice: the whole numbers accepted besides the choices (none when max < min)
    int decimals = 0;     // Real: digits the tab shows
    double step = 1;      // the tab's spin-box step
    std::vector<ParameterChoice> choices{};
    QString numberArgument{};    // Choice: a number may take an argument after a colon, e.g. "F" for --cv K:F
    QString specialValueText{};  // what `min` means (numbers) or what the empty text means, e.g. "off"
    QString defaultValue{};      // as text, read from classify::TrainingRequest{}
    QString formDefault{};       // where the Train tab starts when it differs from the default (empty: the default)

    /// The value a request holds, as text (the default is this of TrainingRequest{}).
    std::function<QString(const classify::TrainingRequest&)> read{};
    /// Sets a parsed value (see parse) on a request.
    std::function<void(classify::TrainingRequest&, const QVariant&)> write{};

    bool isNumber() const { return type == ParameterType::Integer || type == ParameterType::Real; }
    bool acceptsNumbers() const { return isNumber() || (type == ParameterType::Choice && min <= max); }
    /// The Train tab's starting value: formDefault, else defaultValue.
    QString startValue() const { return formDefault.isEmpty() ? defaultValue : formDefault; }
    /// The values accepted, for people: "1 to 100000", "0 (off) to 100000", "adam or sgd", ...
    QString allowedText() const;
    /// The default for people: "100", "0 (off)", "depends on --input", "off".
    QString defaultText() const;
    /// The CLI's help line: the description, what is accepted and the default.
    QString helpText() const;
    /// The value of `text` (qlonglong, double, QString or bool by type). Throws genrescope::Error
    /// (InvalidArgument) naming the option, what it takes and what was given.
    QVariant parse(const QString& text) const;
};

/// Every training parameter, in the CLI help's order.
const std::vector<TrainingParameter>& trainingParameters();
/// The parameter with this key, or null.
const TrainingParameter* findTrainingParameter(const QString& key);
/// The parameter with this key; throws std::invalid_argument for an undeclared key (a programming error).
const TrainingParameter& trainingParameter(const QString& key);

/// A number as the help and the messages show it: 100, 0.001, 0.000001, 4294967295.
QString parameterNumberText(double value);

/// Values by key, as text (a flag: "true" or "false").
using TrainingParameterValues = QMap<QString, QString>;

/// Parses every value (throwing as TrainingParameter::parse, or for an undeclared key) and only
/// then sets them on the request: a refused value leaves the request as it was.
void applyTrainingParameters(const TrainingParameterValues& values, classify::TrainingRequest& request);

/// The values in `train` options ("--epochs", "100", "--log-features", ...), e.g. a recipe's
/// trainArguments(). Throws genrescope::Error for an undeclared option or a missing value.
TrainingParameterValues trainingParameterValues(const QStringList& arguments);

} // namespace genrescope::workflow
