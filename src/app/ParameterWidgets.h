#pragma once
// The Train tab's settings widgets set up from their declarations (workflow/TrainingParameters.h):
// range, decimals and step, the special value's text, the choices with their values as item
// data, the description as tooltip, and the starting value. The CLI reads the same table.

#include "workflow/TrainingParameters.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace genrescope::app {

/// Integer parameters. A range beyond int's (the seed's) is cut to int's.
void configureWidget(QSpinBox* box, const workflow::TrainingParameter& parameter);
/// Real parameters: the declared decimals and step.
void configureWidget(QDoubleSpinBox* box, const workflow::TrainingParameter& parameter);
/// Choice parameters: one item per choice, its label shown and its value as the item's data.
void configureWidget(QComboBox* box, const workflow::TrainingParameter& parameter);
/// Text parameters: the tooltip.
void configureWidget(QLineEdit* edit, const workflow::TrainingParameter& parameter);

/// The same, by key (an undeclared key is a programming error: std::invalid_argument).
template <class Widget>
void configureWidget(Widget* widget, const char* key)
{
    configureWidget(widget, workflow::trainingParameter(QLatin1String(key)));
}

/// The form's label for a parameter, e.g. "E&pochs:".
QString formLabel(const char* key);

} // namespace genrescope::app
