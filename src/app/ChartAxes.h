#pragma once
// QChart::removeAxis gives the axis back to the caller; charts that rebuild their
// axes use this to remove and free them.

#include <QAbstractAxis>
#include <QChart>

namespace genrescope::app {

inline void deleteAxes(QChart* chart)
{
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

} // namespace genrescope::app
