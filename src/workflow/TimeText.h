#pragma once
// The one way times are written for people (GUI labels, rulers, tooltips; the CLI may use
// it too) and the "nice" ticks of a time ruler. Pure functions (QtCore only).

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace genrescope::workflow {

/// "m:ss.d" with `decimals` digits after the seconds (0 to 3), rounded; "h:mm:ss.d" from
/// one hour on, or always `withHours` (the times of a song over an hour, so they line up).
/// clockText(75.36) == "1:15.4", clockText(3725, 0) == "1:02:05", clockText(5, 0, true) == "0:00:05".
QString clockText(double seconds, int decimals = 1, bool withHours = false);

/// "0:15–0:45" for a span; tenths only when either end needs them.
QString spanText(double start, double end);

/// The steps a time ruler may use, in seconds: 1/2/5 × 10^k below 10 s, then 10 s, 15 s,
/// 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 5, 10… h. Ascending.
const std::vector<double>& rulerSteps();

/// Digits after the seconds that a ruler of this step needs (0 for whole seconds).
int stepDecimals(double step);

struct TimeRuler {
    double step = 0;            // seconds between ticks
    std::vector<double> ticks;  // the tick times inside [start, end]
    QStringList labels;         // clockText of each tick at the step's precision (hours when the end has them)
};

/// The ticks for [start, end] drawn over `pixels`: the smallest ruler step whose labels,
/// measured with `labelWidth` (pixels), leave at least `gap` pixels between neighbours.
TimeRuler timeRuler(double start, double end, double pixels,
                    const std::function<double(const QString&)>& labelWidth, double gap = 16.0);

} // namespace genrescope::workflow
