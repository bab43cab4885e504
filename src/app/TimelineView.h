#pragma once
// Base for views that follow the shared TimeAxis: wheel zooms around the
// pointer, dragging scrolls, a click seeks, and the playhead is drawn on top.

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
    void drawPlayhead(class QPainter& painter) const;

    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    TimeAxis* axis_ = nullptr;
    QPoint pressPos_;
    double pressViewStart_ = 0.0;
    bool dragging_ = false;
};

} // namespace genrescope::app
