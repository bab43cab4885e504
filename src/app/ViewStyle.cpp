#include "ViewStyle.h"

#include "TimeAxis.h"

#include <QPainter>

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
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw)
            return m * mag;
    return 10.0 * mag;
}

QString formatTime(double seconds, double step)
{
    if (step >= 1.0 && seconds >= 60.0) {
        const int s = int(std::lround(seconds));
        return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    }
    const int decimals = step >= 1.0 ? 0 : std::min(3, int(std::ceil(-std::log10(step) - 1e-9)));
    return QStringLiteral("%1 s").arg(seconds, 0, 'f', decimals);
}

void drawTimeTicks(QPainter& p, const QRect& plot, const TimeAxis& axis, bool withLabels)
{
    const double step = niceStep(axis.viewSpan(), std::max(2, plot.width() / 90));
    const double first = std::ceil(axis.viewStart() / step) * step;
    const QFontMetrics fm(p.font());
    for (double t = first; t <= axis.viewEnd() + 1e-9; t += step) {
        const double x = plot.left() + axis.xOf(t, plot.width());
        p.setPen(grid());
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        if (withLabels) {
            p.setPen(text());
            const QString label = formatTime(t, step);
            const int w = fm.horizontalAdvance(label);
            p.drawText(QPointF(std::clamp(x - w / 2.0, double(plot.left()), double(plot.right() - w)),
                               plot.bottom() + fm.ascent() + 3),
                       label);
        }
    }
}

} // namespace genrescope::app::viewstyle
