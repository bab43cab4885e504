#include "GenreTimelineView.h"

#include "GenrePalette.h"
#include "ViewStyle.h"
#include "workflow/SongSummary.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>

namespace genrescope::app {

GenreTimelineView::GenreTimelineView(QWidget* parent) : TimelineView(parent)
{
    setMouseTracking(true);
    setMinimumHeight(22);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(tr("Genre timeline: the ensemble's genre for each 30 s window"));
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

void GenreTimelineView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), viewstyle::background());
    painter.fillRect(plotRect(), viewstyle::plotBackground());
    TimeAxis* axis = timeAxis();
    const auto& w = prediction_.windows;
    if (axis && !w.empty()) {
        const QRect r = plotRect();
        for (size_t i = 0; i < w.size(); ++i) {
            const auto [start, end] = classify::timelineSpan(prediction_, i);
            const auto [c, p] = classify::topClass(w[i].ensemble);
            if (c < 0)
                continue;
            const int x0 = int(axis->xOf(start, r.width())), x1 = int(axis->xOf(end, r.width()));
            QColor colour = genreColor(prediction_.classes[c]);
            colour.setAlphaF(0.35 + 0.65 * std::clamp(double(p), 0.0, 1.0));
            const QRect block(r.left() + x0, r.top() + 2, std::max(1, x1 - x0 - 1), r.height() - 4);
            painter.fillRect(block, colour);
            if (block.width() > painter.fontMetrics().horizontalAdvance(prediction_.classes[c]) + 6) {
                painter.setPen(Qt::black);
                painter.drawText(block, Qt::AlignCenter, prediction_.classes[c]);
            }
        }
    } else {
        painter.setPen(viewstyle::text());
        painter.drawText(plotRect(), Qt::AlignCenter, tr("genre timeline"));
    }
    if (axis) {  // the genre markers: a white tick at each change
        const QRect r = plotRect();
        painter.setPen(QPen(Qt::white, 2));
        for (const workflow::GenreMarker& m : markers_) {
            const double x = r.left() + axis->xOf(m.time, r.width());
            if (x >= r.left() && x <= r.right())
                painter.drawLine(QPointF(x, r.top()), QPointF(x, r.bottom()));
        }
    }
    drawPlayhead(painter);
}

void GenreTimelineView::mouseMoveEvent(QMouseEvent* event)
{
    TimelineView::mouseMoveEvent(event);
    TimeAxis* axis = timeAxis();
    if (!axis)
        return;
    const int i = classify::windowAt(prediction_, axis->timeAt(event->position().x() - plotRect().left(), plotRect().width()));
    if (i < 0) {
        QToolTip::hideText();
        return;
    }
    const classify::WindowPrediction& w = prediction_.windows[size_t(i)];
    QString text = tr("<b>%1–%2 s</b><br>ensemble: %3").arg(w.start, 0, 'f', 0).arg(w.end, 0, 'f', 0)
                       .arg(workflow::describeProbabilities(w.ensemble, prediction_.classes, 10));
    if (!w.mlp.empty())
        text += tr("<br>MLP: %1").arg(workflow::describeProbabilities(w.mlp, prediction_.classes));
    if (!w.cnn.empty())
        text += tr("<br>CNN: %1").arg(workflow::describeProbabilities(w.cnn, prediction_.classes));
    QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

} // namespace genrescope::app
