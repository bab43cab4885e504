#include "TimelineView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>

namespace genrescope::app {

TimelineView::TimelineView(QWidget* parent) : QWidget(parent)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void TimelineView::setTimeAxis(TimeAxis* axis)
{
    if (axis_)
        disconnect(axis_, nullptr, this, nullptr);
    axis_ = axis;
    connect(axis_, &TimeAxis::viewChanged, this, qOverload<>(&QWidget::update));
    connect(axis_, &TimeAxis::playheadChanged, this, qOverload<>(&QWidget::update));
    update();
}

void TimelineView::drawPlayhead(QPainter& painter) const
{
    if (!axis_ || axis_->duration() <= 0)
        return;
    const QRect r = plotRect();
    const double x = r.left() + axis_->xOf(axis_->playhead(), r.width());
    if (x < r.left() || x > r.right())
        return;
    painter.setPen(QPen(QColor(80, 220, 255), 2));
    painter.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    if (!axis_ || axis_->duration() <= 0)
        return;
    const QRect r = plotRect();
    const double t = axis_->timeAt(event->position().x() - r.left(), r.width());
    const double steps = event->angleDelta().y() / 120.0;
    if (event->modifiers() & Qt::ShiftModifier)
        axis_->scrollBy(-steps * 0.1 * axis_->viewSpan());
    else
        axis_->zoomAround(t, std::pow(0.8, steps));
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !axis_)
        return;
    pressPos_ = event->position().toPoint();
    pressViewStart_ = axis_->viewStart();
    dragging_ = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (!(event->buttons() & Qt::LeftButton) || !axis_)
        return;
    const int dx = event->position().toPoint().x() - pressPos_.x();
    if (!dragging_ && std::abs(dx) < 4)
        return;
    dragging_ = true;
    setCursor(Qt::ClosedHandCursor);
    const double dt = -dx * axis_->viewSpan() / std::max(1, plotRect().width());
    axis_->setView(pressViewStart_ + dt, pressViewStart_ + dt + axis_->viewSpan());
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !axis_)
        return;
    unsetCursor();
    if (!dragging_ && axis_->duration() > 0) {
        const QRect r = plotRect();
        Q_EMIT seekRequested(axis_->timeAt(event->position().x() - r.left(), r.width()));
    }
    dragging_ = false;
}

} // namespace genrescope::app
