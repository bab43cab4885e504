#include "TimeAxis.h"

#include <algorithm>

namespace genrescope::app {

TimeAxis::TimeAxis(QObject* parent) : QObject(parent) {}

void TimeAxis::reset(double duration)
{
    duration_ = std::max(duration, 0.0);
    start_ = 0.0;
    end_ = std::max(duration_, kMinSpan);
    playhead_ = 0.0;
    Q_EMIT viewChanged();
    Q_EMIT playheadChanged(playhead_);
    clearSelection();
}

void TimeAxis::setView(double start, double end)
{
    const double limit = std::max(duration_, kMinSpan);
    double span = std::clamp(end - start, kMinSpan, limit);
    start = std::clamp(start, 0.0, limit - span);
    if (start == start_ && start + span == end_)
        return;
    start_ = start;
    end_ = start + span;
    Q_EMIT viewChanged();
}

void TimeAxis::zoomAround(double seconds, double factor)
{
    const double span = viewSpan() * factor;
    const double ratio = viewSpan() > 0 ? (seconds - start_) / viewSpan() : 0.5;
    const double start = seconds - ratio * span;
    setView(start, start + span);
}

void TimeAxis::scrollBy(double seconds)
{
    setView(start_ + seconds, end_ + seconds);
}

void TimeAxis::showAll()
{
    setView(0.0, std::max(duration_, kMinSpan));
}

void TimeAxis::setPlayhead(double seconds)
{
    seconds = std::clamp(seconds, 0.0, duration_);
    if (seconds == playhead_)
        return;
    playhead_ = seconds;
    Q_EMIT playheadChanged(seconds);
}

void TimeAxis::setSelection(double a, double b)
{
    if (a > b)
        std::swap(a, b);
    a = std::clamp(a, 0.0, duration_);
    b = std::clamp(b, 0.0, duration_);
    if (b <= a)
        a = b = 0.0;
    if (a == selectionStart_ && b == selectionEnd_)
        return;
    selectionStart_ = a;
    selectionEnd_ = b;
    Q_EMIT selectionChanged();
}

} // namespace genrescope::app
