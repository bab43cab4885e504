#include "ViewStyle.h"

#include "TimeAxis.h"
#include "workflow/TimeText.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace genrescope::app::viewstyle {

QRect plotArea(const QRect& w)
{
    return w.adjusted(kLeftMargin, kTopMargin, -kRightMargin, -kBottomMargin);
}

QColor background() { return QColor(30, 32, 38); }
QColor plotBackground() { return QColor(16, 17, 22); }
QColor grid() { return QColor(255, 255, 255, 40); }
QColor text() { return QColor(200, 204, 212); }
QColor waveform() { return QColor(120, 190, 255); }

double niceStep(double span, int target)
{
    const double raw = span / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * mag >= raw)
            return m * mag;
    return 10.0 * mag;
}

void drawTimeTicks(QPainter& p, const QRect& plot, const TimeAxis& axis, bool withLabels)
{
    const QFontMetrics fm(p.font());
    const workflow::TimeRuler ruler = workflow::timeRuler(
        axis.viewStart(), axis.viewEnd(), plot.width(), [&fm](const QString& s) { return double(fm.horizontalAdvance(s)); });
    double lastRight = -1e9;  // the right edge of the last label drawn
    for (size_t i = 0; i < ruler.ticks.size(); ++i) {
        const double x = plot.left() + axis.xOf(ruler.ticks[i], plot.width());
        p.setPen(grid());
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        if (!withLabels)
            continue;
        // Centred under the tick; the left margin's corner is free, the right one has the
        // spectrogram's legend, so the last label stays above the plot's right edge.
        const QString& label = ruler.labels[qsizetype(i)];
        const int w = fm.horizontalAdvance(label);
        const double left = std::clamp(x - w / 2.0, 0.0, std::max(0.0, double(plot.right() + 1 - w)));
        if (left < lastRight + 4)
            continue;  // squeezed against its neighbour at the plot's edge
        p.setPen(text());
        p.drawText(QPointF(left, plot.bottom() + fm.ascent() + 3), label);
        lastRight = left + w;
    }
}

} // namespace genrescope::app::viewstyle
