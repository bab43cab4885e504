#include "GenreTimelineView.h"

#include "GenrePalette.h"
#include "ViewStyle.h"
#include "workflow/SongSummary.h"
#include "workflow/TimeText.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace genrescope::app {

GenreTimelineView::GenreTimelineView(QWidget* parent) : TimelineView(parent)
{
    setMouseTracking(true);
    setMinimumHeight(22);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void GenreTimelineView::setPrediction(const classify::SongPrediction* prediction)
{
    prediction_ = prediction ? *prediction : classify::SongPrediction{};
    markers_ = workflow::genreChangeMarkers(prediction_);
    update();
}

QRect GenreTimelineView::plotRect() const
{
    const QRect a = viewstyle::plotArea(rect());  // aligned with the waveform and spectrogram
    return {a.left(), 0, a.width(), height()};
}

QRect GenreTimelineView::windowRect(size_t i) const
{
    const QRect r = plotRect();
    const TimeAxis* axis = timeAxis();
    const auto [start, end] = classify::timelineSpan(prediction_, i);
    const auto x = [&](double t) { return int(std::clamp(axis->xOf(t, r.width()), -1e6, 1e6)); };  // deep zoom: no overflow
    const int x0 = x(start), x1 = x(end);
    return {r.left() + x0, r.top() + 2, std::max(1, x1 - x0 - 1), r.height() - 4};
}

void GenreTimelineView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), viewstyle::background());
    const QRect r = plotRect();
    painter.fillRect(r, viewstyle::plotBackground());
    painter.setClipRect(r);  // zoomed in, blocks reach past the plot: the margins stay clear
    const auto& w = prediction_.windows;
    if (timeAxis() && !w.empty()) {
        for (size_t i = 0; i < w.size(); ++i) {
            const auto [c, p] = classify::topClass(w[i].ensemble);
            if (c < 0)
                continue;
            QColor colour = prediction_.unusual ? QColor(128, 128, 128) : genreColor(prediction_.classes[c]);  // grey: not to be trusted
            colour.setAlphaF(0.35 + 0.65 * std::clamp(double(p), 0.0, 1.0));
            const QRect block = windowRect(i);
            painter.fillRect(block, colour);
            const QRect visible = block.intersected(r);
            if (visible.width() > painter.fontMetrics().horizontalAdvance(prediction_.classes[c]) + 6) {
                painter.setPen(Qt::black);
                painter.drawText(visible, Qt::AlignCenter, prediction_.classes[c]);
            }
        }
    } else {
        painter.setPen(viewstyle::text());
        painter.drawText(r, Qt::AlignCenter, tr("genre timeline"));
    }
    if (const TimeAxis* axis = timeAxis()) {  // the genre markers: a white tick at each change
        painter.setPen(QPen(Qt::white, 2));
        for (const workflow::GenreMarker& m : markers_) {
            const double x = r.left() + axis->xOf(m.time, r.width());
            if (x >= r.left() && x <= r.right())
                painter.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
        }
    }
    painter.setClipping(false);
    drawPlayhead(painter);
}

QString GenreTimelineView::windowText(size_t i) const
{
    const classify::WindowPrediction& w = prediction_.windows[i];
    QString text = tr("<b>%1</b><br>").arg(workflow::spanText(w.start, w.end));
    if (prediction_.unusual)
        text += tr("<b>Unusual audio: no genre can be trusted.</b><br>");
    text += tr("ensemble: %1").arg(workflow::describeProbabilities(w.ensemble, prediction_.classes, 10));
    if (!w.mlp.empty())
        text += tr("<br>MLP: %1").arg(workflow::describeProbabilities(w.mlp, prediction_.classes));
    if (!w.cnn.empty())
        text += tr("<br>CNN: %1").arg(workflow::describeProbabilities(w.cnn, prediction_.classes));
    return text;
}

bool GenreTimelineView::event(QEvent* event)
{
    if (event->type() != QEvent::ToolTip)
        return TimelineView::event(event);
    // Answered here rather than with setToolTip, so the text after the hover delay is the
    // window's and it stays while the pointer is over that window.
    const auto* help = static_cast<QHelpEvent*>(event);
    const QRect r = plotRect();
    const int i = timeAxis() && r.contains(help->pos())
        ? classify::windowAt(prediction_, timeAxis()->timeAt(help->pos().x() - r.left(), r.width())) : -1;
    if (i >= 0)
        QToolTip::showText(help->globalPos(), windowText(size_t(i)), this, windowRect(size_t(i)).intersected(r));
    else
        QToolTip::showText(help->globalPos(), tr("Genre timeline: the ensemble's genre for each 30 s window"), this);
    return true;
}

} // namespace genrescope::app
