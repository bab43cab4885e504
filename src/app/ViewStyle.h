#pragma once
// Colours, margins and axis drawing shared by the timeline views, so their
// plot areas line up exactly.

#include <QColor>
#include <QRect>

class QPainter;

namespace genrescope::app {
class TimeAxis;

namespace viewstyle {

inline constexpr int kLeftMargin = 58;    // frequency labels
inline constexpr int kRightMargin = 70;   // dB legend
inline constexpr int kTopMargin = 4;
inline constexpr int kBottomMargin = 20;  // time labels

QRect plotArea(const QRect& widget);
QColor background();
QColor plotBackground();
QColor grid();
QColor text();
QColor waveform();

/// A "nice" step (1, 2 or 5 times a power of ten) giving about `target` ticks over span,
/// for value axes such as frequency (time has its own ruler: workflow::timeRuler).
double niceStep(double span, int target);

/// Vertical grid lines at the time ruler's ticks (workflow::timeRuler, measured in the
/// painter's font); their labels under the plot when withLabels.
void drawTimeTicks(QPainter& p, const QRect& plot, const TimeAxis& axis, bool withLabels);

} // namespace viewstyle
} // namespace genrescope::app
