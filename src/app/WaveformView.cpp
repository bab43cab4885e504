#include "WaveformView.h"

#include "ViewStyle.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

WaveformView::WaveformView(QWidget* parent) : TimelineView(parent)
{
    setToolTip(tr("Wheel: zoom · Shift+wheel, middle or Alt+drag: scroll · Drag: select · Click: seek"));
}

void WaveformView::setSong(SongAnalysisPtr song)
{
    song_ = std::move(song);
    update();
}

QRect WaveformView::plotRect() const
{
    return viewstyle::plotArea(rect());
}

void WaveformView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), viewstyle::background());
    const QRect r = plotRect();
    p.fillRect(r, viewstyle::plotBackground());
    if (!song_ || !timeAxis()) {
        p.setPen(viewstyle::text());
        p.drawText(r, Qt::AlignCenter, tr("Drop songs or folders here, or use File ▸ Open"));
        return;
    }
    const auto& samples = song_->audio.samples;
    const double sr = song_->audio.sampleRate;
    const TimeAxis* axis = timeAxis();
    const double mid = r.center().y();
    const double half = r.height() / 2.0 - 2;

    p.setPen(viewstyle::grid());
    p.drawLine(QPointF(r.left(), mid), QPointF(r.right(), mid));

    const double spp = axis->viewSpan() * sr / r.width();  // samples per pixel
    p.setRenderHint(QPainter::Antialiasing, spp < 4);
    const long length = song_->peaks.sampleCount();
    if (spp < 2 && !samples.empty()) {
        // Close in: a line through the samples, with dots once they are far apart.
        const long first = std::max(0L, long(std::floor(axis->viewStart() * sr)) - 1);
        const long last = std::min(long(samples.size()), long(std::ceil(axis->viewEnd() * sr)) + 2);
        QPolygonF line;
        line.reserve(last - first);
        for (long i = first; i < last; ++i)
            line << QPointF(r.left() + axis->xOf(i / sr, r.width()), mid - samples[size_t(i)] * half);
        p.setClipRect(r);
        p.setPen(QPen(viewstyle::waveform(), 1.0));
        p.drawPolyline(line);
        if (spp < 0.15) {
            p.setBrush(viewstyle::waveform());
            for (const QPointF& pt : line)
                p.drawEllipse(pt, 2.0, 2.0);
        }
        p.setClipping(false);
    } else {
        p.setPen(viewstyle::waveform());
        for (int x = 0; x < r.width(); ++x) {
            const long a = long(std::floor(axis->timeAt(x, r.width()) * sr));
            const long b = long(std::floor(axis->timeAt(x + 1, r.width()) * sr));
            if (b <= 0 || a >= length)
                continue;
            const auto [lo, hi] = song_->peaks.range(a, std::max(b, a + 1), samples);
            p.drawLine(QPointF(r.left() + x + 0.5, mid - hi * half), QPointF(r.left() + x + 0.5, mid - lo * half));
        }
    }
    viewstyle::drawTimeTicks(p, r, *axis, false);
    // The beat grid, so a person can judge the tempo estimate (and its octave).
    p.setPen(QPen(QColor(255, 200, 80, 150), 1, Qt::DashLine));
    for (double t : song_->beatTimes) {
        if (t < axis->viewStart() || t > axis->viewEnd())
            continue;
        const double x = r.left() + axis->xOf(t, r.width());
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.top() + 8));
        p.drawLine(QPointF(x, r.bottom() - 8), QPointF(x, r.bottom()));
    }
    drawPlayhead(p);
}

} // namespace genrescope::app
