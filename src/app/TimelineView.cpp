#include "TimelineView.h"

#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <cmath>
#include <limits>

namespace genrescope::app {

namespace {
constexpr int kDragThreshold = 4;  // pixels a press moves before it is a drag, not a click
constexpr int kEdgeGrab = 5;       // pixels either side of a selection edge that grab it
} // namespace

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
    connect(axis_, &TimeAxis::selectionChanged, this, qOverload<>(&QWidget::update));
    update();
}

double TimelineView::timeAtX(double x) const
{
    const QRect r = plotRect();
    return axis_->timeAt(x - r.left(), r.width());
}

void TimelineView::drawSelection(QPainter& painter) const
{
    if (!axis_->hasSelection())
        return;
    const QRect r = plotRect();
    const double x0 = r.left() + axis_->xOf(axis_->selectionStart(), r.width());
    const double x1 = r.left() + axis_->xOf(axis_->selectionEnd(), r.width());
    if (x1 < r.left() || x0 > r.right() + 1)
        return;
    painter.save();
    painter.setClipRect(r);
    painter.fillRect(QRectF(QPointF(x0, r.top()), QPointF(x1, r.bottom() + 1)), QColor(120, 180, 255, 60));
    painter.setPen(QPen(QColor(150, 200, 255, 220), 1));
    painter.drawLine(QPointF(x0, r.top()), QPointF(x0, r.bottom()));
    painter.drawLine(QPointF(x1, r.top()), QPointF(x1, r.bottom()));
    painter.restore();
}

void TimelineView::drawPlayhead(QPainter& painter) const
{
    if (!axis_ || axis_->duration() <= 0)
        return;
    drawSelection(painter);
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
    const double t = timeAtX(event->position().x());
    const double steps = event->angleDelta().y() / 120.0;
    const double sideways = event->angleDelta().x() / 120.0;  // a touchpad's horizontal swipe
    if (event->modifiers() & Qt::ShiftModifier)
        axis_->scrollBy(-steps * 0.1 * axis_->viewSpan());
    else if (sideways != 0.0 && steps == 0.0)
        axis_->scrollBy(-sideways * 0.1 * axis_->viewSpan());
    else
        axis_->zoomAround(t, std::pow(0.8, steps));
    event->accept();
}

double TimelineView::anchorOppositeEdgeNear(double x) const
{
    if (!axis_->hasSelection())
        return std::numeric_limits<double>::quiet_NaN();
    const QRect r = plotRect();
    const double x0 = r.left() + axis_->xOf(axis_->selectionStart(), r.width());
    const double x1 = r.left() + axis_->xOf(axis_->selectionEnd(), r.width());
    const double d0 = std::abs(x - x0), d1 = std::abs(x - x1);
    if (std::min(d0, d1) > kEdgeGrab)
        return std::numeric_limits<double>::quiet_NaN();
    return d0 <= d1 ? axis_->selectionEnd() : axis_->selectionStart();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    if (!axis_ || axis_->duration() <= 0)
        return;
    pressPos_ = event->position().toPoint();
    pressViewStart_ = axis_->viewStart();
    moved_ = false;
    const bool scroll = event->button() == Qt::MiddleButton ||
                        (event->button() == Qt::LeftButton && (event->modifiers() & Qt::AltModifier));
    if (scroll) {
        drag_ = Drag::Scroll;
    } else if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier)) {
        // Shift+click extends the selection (or selects from the playhead) to the pointer.
        const double t = timeAtX(event->position().x());
        anchor_ = !axis_->hasSelection() ? axis_->playhead()
                  : std::abs(t - axis_->selectionStart()) > std::abs(t - axis_->selectionEnd()) ? axis_->selectionStart()
                                                                                               : axis_->selectionEnd();
        drag_ = Drag::Select;
        moved_ = true;
        axis_->setSelection(anchor_, t);
    } else if (event->button() == Qt::LeftButton) {
        const double edge = anchorOppositeEdgeNear(event->position().x());
        drag_ = std::isnan(edge) ? Drag::Click : Drag::Select;
        anchor_ = std::isnan(edge) ? timeAtX(event->position().x()) : edge;
    } else {
        drag_ = Drag::None;
    }
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (!axis_)
        return;
    const double x = event->position().x();
    if (drag_ == Drag::None) {  // hovering: show where an edge can be grabbed
        if (std::isnan(anchorOppositeEdgeNear(x)))
            unsetCursor();
        else
            setCursor(Qt::SizeHorCursor);
        return;
    }
    const int dx = event->position().toPoint().x() - pressPos_.x();
    if (!moved_ && std::abs(dx) < kDragThreshold && drag_ != Drag::Select)
        return;
    moved_ = true;
    if (drag_ == Drag::Scroll) {
        setCursor(Qt::ClosedHandCursor);
        const double dt = -dx * axis_->viewSpan() / std::max(1, plotRect().width());
        axis_->setView(pressViewStart_ + dt, pressViewStart_ + dt + axis_->viewSpan());
        return;
    }
    drag_ = Drag::Select;
    setCursor(Qt::SizeHorCursor);
    axis_->setSelection(anchor_, timeAtX(x));
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    if (!axis_ || drag_ == Drag::None)
        return;
    const Drag drag = drag_;
    drag_ = Drag::None;
    unsetCursor();
    if (drag != Drag::Scroll && !moved_ && event->button() == Qt::LeftButton && axis_->duration() > 0) {
        axis_->clearSelection();
        Q_EMIT seekRequested(timeAtX(event->position().x()));
    }
}

} // namespace genrescope::app
