#include "workflow/TrainingParameters.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace genrescope::workflow {

using classify::TrainingRequest;

namespace {

QString number(double value)
{
    return parameterNumberText(value);
}

/// "a", "a or b", "a, b or c".
QString alternatives(const QStringList& items)
{
    if (items.size() < 2)
        return items.join(QString());
    return QStringLiteral("%1 or %2").arg(items.mid(0, items.size() - 1).join(QStringLiteral(", ")), items.last());
}

QString crossValidationText(const classify::CrossValidation& cv)
{
    switch (cv.mode) {
    case classify::CrossValidation::Mode::Off: return QStringLiteral("off");
    case classify::CrossValidation::Mode::Auto: return QStringLiteral("auto");
    case classify::CrossValidation::Mode::LeaveOneOut: return QStringLiteral("loo");
    case classify::CrossValidation::Mode::Folds: break;
    }
    return cv.onlyFold ? QStringLiteral("%1:%2").arg(cv.folds).arg(cv.onlyFold) : QString::number(cv.folds);
}

std::vector<TrainingParameter> declare()
{
    using Type = ParameterType;
    using R = TrainingRequest;
    using V = QVariant;
    std::vector<TrainingParameter> table{
        {.key = "input", .label = "&Network",
         .description = "What to train: an MLP on the 57 features, or a CNN on mel images.",
         .type = Type::Choice, .valueName = "KIND",
         .choices = {{"features", "MLP on features"}, {"image", "CNN on mel images"}},
         .read = [](const R& r) { return data::inputKindName(r.input); },
         .write = [](R& r, const V& v) { r.input = data::parseInputKind(v.toString()); }},
        {.key = "arch", .label = "&Layers",
         .description = "Hidden layers, comma-separated, e.g. dense:100:relu,dropout:0.3 or "
                        "conv:16:3x3:p1:relu,maxpool:2x2,gap (an output layer is added; none: a linear classifier).",
         .type = Type::Text, .valueName = "SPEC", .specialValueText = "depends on --input",
         .read = [](const R& r) { return r.architecture; },
         .write = [](R& r, const V& v) { r.architecture = v.toString(); }},
        {.key = "optimizer", .label = "&Optimizer",
         .description = "The optimizer: adam, or sgd (stochastic gradient descent, with --momentum).",
         .type = Type::Choice, .valueName = "NAME",
         .choices = {{"adam", "adam"}, {"sgd", "sgd"}},
         .read = [](const R& r) { return r.config.optimizer.kindName(); },
         .write = [](R& r, const V& v) { r.config.optimizer.kind = ml::OptimizerConfig::parseKind(v.toString()); }},
        {.key = "lr", .label = "Learning &rate",
         .description = "Learning rate: the optimizer's step size.",
         .type = Type::Real, .valueName = "X", .min = 0.000001, .max = 10, .decimals = 6, .step = 0.0005,
         .read = [](const R& r) { return number(r.config.optimizer.learningRate); },
         .write = [](R& r, const V& v) { r.config.optimizer.learningRate = v.toDouble(); }},
        {.key = "momentum", .label = "&Momentum",
         .description = "SGD momentum.",
         .type = Type::Real, .valueName = "M", .min = 0, .max = 0.999, .decimals = 3, .step = 0.05,
         .read = [](const R& r) { return number(r.config.optimizer.momentum); },
         .write = [](R& r, const V& v) { r.config.optimizer.momentum = v.toDouble(); }},
        {.key = "weight-decay", .label = "&Weight decay",
         .description = "L2 weight decay, added to the weights' gradients (not the biases').",
         .type = Type::Real, .valueName = "W", .min = 0, .max = 1, .decimals = 5, .step = 0.0001,
         .read = [](const R& r) { return number(r.config.optimizer.weightDecay); },
         .write = [](R& r, const V& v) { r.config.optimizer.weightDecay = v.toDouble(); }},
        {.key = "batch", .label = "&Batch",
         .description = "Rows per mini-batch.",
         .type = Type::Integer, .valueName = "N", .min = 1, .max = 1000000,
         .read = [](const R& r) { return number(r.config.batch); },
         .write = [](R& r, const V& v) { r.config.batch = int(v.toLongLong()); }},
        {.key = "epochs", .label = "E&pochs",
         .description = "Passes over the training rows.",
         .type = Type::Integer, .valueName = "N", .min = 1, .max = 100000,
         .read = [](const R& r) { return number(r.config.epochs); },
         .write = [](R& r, const V& v) { r.config.epochs = int(v.toLongLong()); }},
        {.key = "patience", .label = "Early s&topping",
         .description = "Early stopping: stop after this many epochs without a gain in validation accuracy.",
         .type = Type::Integer, .valueName = "N", .min = 0, .max = 100000, .specialValueText = "off",
         .read = [](const R& r) { return number(r.config.patience); },
         .write = [](R& r, const V& v) { r.config.patience = int(v.toLongLong()); }},
        {.key = "split", .label = "S&plit",
         .description = "Which rows train, validate and test: random rows or whole songs (80/10/10), or the "
                        "train.txt, valid.txt and test.txt lists in folder DIR.",
         .type = Type::Choice, .valueName = "SPEC",
         .choices = {{"random", "Random rows (80/10/10)"}, {"song", "By song (80/10/10)"},
                     {"lists", "From list files", "DIR"}},
         .read = [](const R& r) { return r.split; },
         .write = [](R& r, const V& v) { r.split = v.toString(); }},
        {.key = "cv", .label = "Sc&oring",
         .description = QStringLiteral("Score by cross-validation by song instead of the split's validation songs: K "
                                       "folds (following the lists with --split lists:DIR), K:F for fold F alone "
                                       "(keeps no model), loo (one song out at a time), or auto (only when a genre "
                                       "has fewer than %1 songs).").arg(classify::kSmallClassSongs),
         .type = Type::Choice, .valueName = "K", .min = 2, .max = 1000,
         .choices = {{"auto", "Automatic: cross-validate small data"}, {"off", "The split's validation songs"},
                     {"5", "5-fold cross-validation by song"}, {"loo", "Leave one song out"}},
         .numberArgument = "F",
         .formDefault = "auto",  // the tab cross-validates small data unasked; the CLI recommends it in a note
         .read = [](const R& r) { return crossValidationText(r.crossValidation); },
         .write = [](R& r, const V& v) {
             r.crossValidation = v.toString() == QLatin1String("off") ? classify::CrossValidation{}
                                                                      : classify::CrossValidation::parse(v.toString());
         }},
        {.key = "seed", .label = "S&eed",
         .description = "Seed for the split, the initial weights and the shuffling.",
         .type = Type::Integer, .valueName = "N", .min = 0, .max = 4294967295.0,
         .read = [](const R& r) { return number(r.config.seed); },
         .write = [](R& r, const V& v) { r.config.seed = unsigned(v.toLongLong()); }},
        {.key = "crop", .label = "&Time crops",
         .description = "Images: train on random time crops this many columns wide.",
         .type = Type::Integer, .valueName = "N", .min = 0, .max = 8192, .specialValueText = "off",
         .read = [](const R& r) { return number(r.config.crop.columns); },
         .write = [](R& r, const V& v) { r.config.crop.columns = int(v.toLongLong()); }},
        {.key = "crop-views", .label = "Crop &views",
         .description = "Images: crops averaged at validation and inference.",
         .type = Type::Integer, .valueName = "N", .min = 1, .max = 64,
         .read = [](const R& r) { return number(r.config.crop.views); },
         .write = [](R& r, const V& v) { r.config.crop.views = int(v.toLongLong()); }},
        {.key = "frequency-mask", .label = "Fre&quency mask",
         .description = "Images: blank a band of up to this many mel rows in each training image (SpecAugment).",
         .type = Type::Integer, .valueName = "ROWS", .min = 0, .max = 1024, .specialValueText = "off",
         .read = [](const R& r) { return number(r.config.specAugment.frequencyMask); },
         .write = [](R& r, const V& v) { r.config.specAugment.frequencyMask = int(v.toLongLong()); }},
        {.key = "time-mask", .label = "Time mas&k",
         .description = "Images: blank a stretch of up to this many columns in each training image (SpecAugment).",
         .type = Type::Integer, .valueName = "COLUMNS", .min = 0, .max = 8192, .specialValueText = "off",
         .read = [](const R& r) { return number(r.config.specAugment.timeMask); },
         .write = [](R& r, const V& v) { r.config.specAugment.timeMask = int(v.toLongLong()); }},
        {.key = "frequency-shift", .label = "Frequency s&hift",
         .description = "Images: shift each training image up or down by up to this many mel rows.",
         .type = Type::Integer, .valueName = "ROWS", .min = 0, .max = 1024, .specialValueText = "off",
         .read = [](const R& r) { return number(r.config.specAugment.frequencyShift); },
         .write = [](R& r, const V& v) { r.config.specAugment.frequencyShift = int(v.toLongLong()); }},
        {.key = "input-noise", .label = "Input &noise",
         .description = "Gaussian noise (in standard deviations) added to training inputs.",
         .type = Type::Real, .valueName = "S", .min = 0, .max = 100, .decimals = 2, .step = 0.05,
         .read = [](const R& r) { return number(r.config.inputNoise); },
         .write = [](R& r, const V& v) { r.config.inputNoise = float(v.toDouble()); }},
        {.key = "log-features", .label = "Lo&g features",
         .description = "Features: take variances and positive means as logarithms.",
         .type = Type::Flag,
         .read = [](const R& r) { return r.logFeatures ? QStringLiteral("true") : QStringLiteral("false"); },
         .write = [](R& r, const V& v) { r.logFeatures = v.toBool(); }},
        {.key = "ignore-features", .label = "&Ignored features",
         .description = "Features: comma-separated names the network must not see.",
         .type = Type::Text, .valueName = "NAMES", .specialValueText = "none",
         .read = [](const R& r) { return r.ignoredFeatures.join(QLatin1Char(',')); },
         .write = [](R& r, const V& v) { r.ignoredFeatures = v.toString().split(QLatin1Char(','), Qt::SkipEmptyParts); }},
        {.key = "init", .label = "&Start from",
         .description = "A saved model whose leading layers start the network where they match --arch (e.g. a "
                        "distilled student); its standardisation is kept.",
         .type = Type::Text, .valueName = "MODEL", .specialValueText = "fresh weights",
         .read = [](const R& r) { return r.initialModel; },
         .write = [](R& r, const V& v) { r.initialModel = v.toString(); }},
        {.key = "freeze-init", .label = "&Freeze those layers",
         .description = "Keep the layers taken from --init fixed and train only the rest.",
         .type = Type::Flag,
         .read = [](const R& r) { return r.freezeInitial ? QStringLiteral("true") : QStringLiteral("false"); },
         .write = [](R& r, const V& v) { r.freezeInitial = v.toBool(); }},
    };
    // The defaults are the request's own: written nowhere else.
    const TrainingRequest defaults;
    for (TrainingParameter& p : table)
        p.defaultValue = p.read(defaults);
    return table;
}

} // namespace

QString parameterNumberText(double value)
{
    if (value == std::floor(value) && std::abs(value) < 1e15)
        return QString::number(qint64(value));
    QString text = QString::number(value, 'g', 6);
    if (text.contains(QLatin1Char('e'))) {  // 0.000001, not 1e-06
        const int decimals = std::clamp(5 - int(std::floor(std::log10(std::abs(value)))), 0, 15);
        text = QString::number(value, 'f', decimals);
        while (text.contains(QLatin1Char('.')) && (text.endsWith(QLatin1Char('0')) || text.endsWith(QLatin1Char('.'))))
            text.chop(1);
    }
    return text;
}

QString TrainingParameter::allowedText() const
{
    switch (type) {
    case ParameterType::Integer:
    case ParameterType::Real:
        return QStringLiteral("%1%2 to %3")
            .arg(number(min), specialValueText.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(specialValueText),
                 number(max));
    case ParameterType::Choice: {
        QStringList shown;
        for (const ParameterChoice& c : choices) {
            bool isNumber = false;
            const double n = c.value.toDouble(&isNumber);
            if (isNumber && n >= min && n <= max)
                continue;  // said by the range
            shown << (c.argumentName.isEmpty() ? c.value : QStringLiteral("%1:%2").arg(c.value, c.argumentName));
        }
        if (min <= max)
            shown << QStringLiteral("a whole number from %1 to %2%3")
                         .arg(number(min), number(max),
                              numberArgument.isEmpty() ? QString() : QStringLiteral(" (optionally :%1)").arg(numberArgument));
        return alternatives(shown);
    }
    case ParameterType::Flag:
        return QStringLiteral("true or false");
    case ParameterType::Text:
        break;
    }
    return QStringLiteral("any text");
}

QString TrainingParameter::defaultText() const
{
    if (isNumber() && !specialValueText.isEmpty() && defaultValue == number(min))
        return QStringLiteral("%1 (%2)").arg(defaultValue, specialValueText);
    if (type == ParameterType::Flag)
        return defaultValue == QLatin1String("true") ? QStringLiteral("on") : QStringLiteral("off");
    if (defaultValue.isEmpty() && !specialValueText.isEmpty())
        return specialValueText;
    return defaultValue;
}

QString TrainingParameter::helpText() const
{
    if (type == ParameterType::Text || type == ParameterType::Flag)
        return QStringLiteral("%1 Default: %2.").arg(description, defaultText());
    return QStringLiteral("%1 %2, default %3.").arg(description, allowedText(), defaultText());
}

QVariant TrainingParameter::parse(const QString& text) const
{
    switch (type) {
    case ParameterType::Integer:
    case ParameterType::Real: {
        bool ok = false;
        const double value = text.toDouble(&ok);
        if (ok && std::isfinite(value) && value >= min && value <= max) {
            if (type == ParameterType::Real)
                return value;
            if (value == std::floor(value))
                return qlonglong(value);
        }
        break;
    }
    case ParameterType::Choice:
        for (const ParameterChoice& c : choices) {
            if (c.argumentName.isEmpty() ? text == c.value
                                         : text.startsWith(c.value + QLatin1Char(':')) && text.size() > c.value.size() + 1)
                return text;
        }
        if (min <= max) {
            const QStringList parts = text.split(QLatin1Char(':'));
            bool ok = parts.size() == 1 || (parts.size() == 2 && !numberArgument.isEmpty());
            const qlonglong n = parts[0].toLongLong(ok ? &ok : nullptr);
            bool argumentOk = true;
            const qlonglong argument = parts.size() == 2 ? parts[1].toLongLong(&argumentOk) : 0;
            if (ok && argumentOk && n >= min && n <= max && argument >= 0 && (parts.size() == 1 || argument >= 1))
                return parts.size() == 1 ? QString::number(n) : QStringLiteral("%1:%2").arg(n).arg(argument);
        }
        break;
    case ParameterType::Text:
        return text;
    case ParameterType::Flag:
        for (const char* on : {"true", "on", "1"})
            if (text == QLatin1String(on))
                return true;
        for (const char* off : {"false", "off", "0"})
            if (text == QLatin1String(off))
                return false;
        break;
    }
    const QString kind = type == ParameterType::Integer ? QStringLiteral("a whole number from ")
                         : type == ParameterType::Real  ? QStringLiteral("a number from ")
                                                        : QString();
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("--%1 must be %2%3 (got '%4').")
                                                .arg(key, kind, allowedText(), capped(shownPath(text), 40)));
}

const std::vector<TrainingParameter>& trainingParameters()
{
    static const std::vector<TrainingParameter> table = declare();
    return table;
}

const TrainingParameter* findTrainingParameter(const QString& key)
{
    for (const TrainingParameter& p : trainingParameters())
        if (p.key == key)
            return &p;
    return nullptr;
}

const TrainingParameter& trainingParameter(const QString& key)
{
    if (const TrainingParameter* p = findTrainingParameter(key))
        return *p;
    throw std::invalid_argument("no training parameter named " + key.toStdString());
}

void applyTrainingParameters(const TrainingParameterValues& values, classify::TrainingRequest& request)
{
    std::vector<std::pair<const TrainingParameter*, QVariant>> parsed;
    for (auto it = values.begin(); it != values.end(); ++it) {
        const TrainingParameter* p = findTrainingParameter(it.key());
        if (!p)
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("No training setting is called '%1'.")
                                                        .arg(capped(shownPath(it.key()), 40)));
        parsed.emplace_back(p, p->parse(it.value()));
    }
    for (const auto& [p, value] : parsed)
        p->write(request, value);
}

TrainingParameterValues trainingParameterValues(const QStringList& arguments)
{
    TrainingParameterValues values;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& a = arguments[i];
        const TrainingParameter* p = a.startsWith(QLatin1String("--")) ? findTrainingParameter(a.mid(2)) : nullptr;
        if (!p)
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("'%1' is not a training setting.").arg(capped(shownPath(a), 40)));
        if (p->type == ParameterType::Flag)
            values.insert(p->key, QStringLiteral("true"));
        else if (i + 1 < arguments.size())
            values.insert(p->key, arguments[++i]);
        else
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 needs a value.").arg(a));
    }
    return values;
}

} // namespace genrescope::workflow
