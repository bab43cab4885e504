#include "ParameterWidgets.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QSpinBox>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace genrescope::app {

using workflow::ParameterType;
using workflow::TrainingParameter;

namespace {

void requireType(const TrainingParameter& p, ParameterType type)
{
    if (p.type != type)
        throw std::invalid_argument("the widget does not fit training parameter " + p.key.toStdString());
}

} // namespace

void configureWidget(QSpinBox* box, const TrainingParameter& p)
{
    requireType(p, ParameterType::Integer);
    constexpr double intMax = std::numeric_limits<int>::max();
    box->setRange(int(std::min(p.min, intMax)), int(std::min(p.max, intMax)));
    box->setSingleStep(int(p.step));
    box->setSpecialValueText(p.specialValueText);
    box->setToolTip(p.description);
    box->setValue(p.startValue().toInt());
}

void configureWidget(QDoubleSpinBox* box, const TrainingParameter& p)
{
    requireType(p, ParameterType::Real);
    box->setDecimals(p.decimals);  // first: the range is rounded to the decimals
    box->setRange(p.min, p.max);
    box->setSingleStep(p.step);
    box->setSpecialValueText(p.specialValueText);
    box->setToolTip(p.description);
    box->setValue(p.startValue().toDouble());
}

void configureWidget(QComboBox* box, const TrainingParameter& p)
{
    requireType(p, ParameterType::Choice);
    box->clear();
    for (const workflow::ParameterChoice& c : p.choices)
        box->addItem(c.label, c.value);
    box->setToolTip(p.description);
    box->setCurrentIndex(std::max(0, box->findData(p.startValue())));
}

void configureWidget(QLineEdit* edit, const TrainingParameter& p)
{
    requireType(p, ParameterType::Text);
    edit->setToolTip(p.description);
    edit->setText(p.startValue());
}

QString formLabel(const char* key)
{
    return workflow::trainingParameter(QLatin1String(key)).label + QLatin1Char(':');
}

} // namespace genrescope::app
