#include "CurveChart.h"

#include "ChartAxes.h"

#include <QLineSeries>
#include <QTimer>
#include <QLogValueAxis>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

CurveChart::CurveChart(const QString& title, const QString& unit, QWidget* parent)
    : QChartView(parent), unit_(unit), train_(new QLineSeries), valid_(new QLineSeries), refresh_(new QTimer(this))
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(260, 180);
    auto* c = new QChart;
    // The unit goes in the title: a vertical axis title is cut short in a small chart.
    c->setTitle(unit.compare(title, Qt::CaseInsensitive) == 0 || unit.isEmpty() ? title
                                                                                 : QStringLiteral("%1 (%2)").arg(title, unit));
    c->setMargins(QMargins(2, 2, 2, 2));
    train_->setName(tr("train"));
    valid_->setName(tr("validation"));
    c->addSeries(train_);
    c->addSeries(valid_);
    setChart(c);
    refresh_->setSingleShot(true);
    refresh_->setInterval(100);
    connect(refresh_, &QTimer::timeout, this, &CurveChart::rebuild);
    rebuild();
}

void CurveChart::clear()
{
    raw_.clear();
    rebuild();
}

void CurveChart::addPoint(int epoch, double train, double valid)
{
    raw_.push_back({epoch, train, valid});
    // Fast runs deliver hundreds of epochs a second: redraw at most ten times a second.
    if (!refresh_->isActive())
        refresh_->start();
}

void CurveChart::setSmoothing(double factor)
{
    smoothing_ = std::clamp(factor, 0.0, 0.95);
    rebuild();
}

void CurveChart::setSeriesNames(const QString& first, const QString& second)
{
    train_->setName(first);
    valid_->setName(second);
}

void CurveChart::setLogScale(bool on)
{
    log_ = on;
    rebuild();
}

void CurveChart::rebuild()
{
    QList<QPointF> t, v;
    double st = NAN, sv = NAN, lo = INFINITY, hi = -INFINITY;
    for (const Point& p : raw_) {
        if (std::isfinite(p.train)) {
            st = std::isnan(st) ? p.train : smoothing_ * st + (1.0 - smoothing_) * p.train;
            t.append(QPointF(p.epoch, st));
            lo = std::min(lo, st), hi = std::max(hi, st);
        }
        if (std::isfinite(p.valid)) {
            sv = std::isnan(sv) ? p.valid : smoothing_ * sv + (1.0 - smoothing_) * p.valid;
            v.append(QPointF(p.epoch, sv));
            lo = std::min(lo, sv), hi = std::max(hi, sv);
        }
    }
    train_->replace(t);
    valid_->replace(v);
    QChart* c = chart();
    deleteAxes(c);
    auto* x = new QValueAxis;
    x->setTitleText(tr("epoch"));
    x->setLabelFormat(QStringLiteral("%d"));
    const int lastEpoch = std::max(2, raw_.empty() ? 2 : raw_.back().epoch);
    x->setRange(1, lastEpoch);
    x->setTickCount(std::min(lastEpoch, 6));  // whole epochs: no tick label twice
    c->addAxis(x, Qt::AlignBottom);
    QAbstractAxis* y;
    const bool fraction = unit_.compare(QLatin1String("accuracy"), Qt::CaseInsensitive) == 0;  // at most 1
    if (log_ && lo > 0) {
        auto* ly = new QLogValueAxis;
        ly->setRange(lo * 0.9, hi * 1.1);
        ly->setLabelFormat(QStringLiteral("%.3g"));
        y = ly;
    } else {
        auto* vy = new QValueAxis;
        if (std::isfinite(lo))
            vy->setRange(std::min(0.0, lo), hi > lo ? (fraction && hi <= 1.0 ? 1.0 : hi * 1.05) : lo + 1.0);
        y = vy;
    }
    c->addAxis(y, Qt::AlignLeft);
    for (QLineSeries* s : {train_, valid_}) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

} // namespace genrescope::app
