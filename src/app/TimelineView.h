#pragma once
// Base for views that follow the shared TimeAxis: wheel zooms around the pointer,
// Shift+wheel, a middle-button or Alt+drag scroll, dragging selects a region (its
// edges can be dragged, Shift+click extends it), a click seeks and clears the
// selection, and the selection and playhead are drawn on top.

#include "TimeAxis.h"

#include <QWidget>

namespace genrescope::app {

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(QWidget* parent = nullptr);
    void setTimeAxis(TimeAxis* axis);
    TimeAxis* timeAxis() const { return axis_; }

Q_SIGNALS:
    void seekRequested(double seconds);

protected:
    /// The rectangle where time runs left to right (subclasses reserve margins).
    virtual QRect plotRect() const { return rect(); }
    /// Draws the selected region (a translucent band with edges), then the playhead.
    void drawPlayhead(class QPainter& painter) const;

    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    enum class Drag { None, Click, Select, Scroll };
    double timeAtX(double x) const;
    /// The selection edge within a few pixels of x: its opposite edge's time, or NaN.
    double anchorOppositeEdgeNear(double x) const;
    void drawSelection(QPainter& painter) const;

    TimeAxis* axis_ = nullptr;
    QPoint pressPos_;
    double pressViewStart_ = 0.0;
    Drag drag_ = Drag::None;
    bool moved_ = false;
    double anchor_ = 0.0;  // the selection's fixed end while selecting
};

} // namespace genrescope::app
