#pragma once
// One colour per genre, used everywhere in the app (bars, timeline, tables).
// The ten GTZAN genres get fixed, distinguishable colours; other names get a
// stable colour from their hash.

#include <QColor>
#include <QString>

namespace genrescope::app {

QColor genreColor(const QString& genre);

} // namespace genrescope::app
