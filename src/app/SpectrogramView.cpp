#include "SpectrogramView.h"

#include "ViewStyle.h"
#include "dsp/Colormap.h"
#include "workflow/TimeText.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

SpectrogramView::SpectrogramView(QWidget* parent) : TimelineView(parent) {}

void SpectrogramView::setSong(SongAnalysisPtr song)
{
    song_ = std::move(song);
    update();
}

QRect SpectrogramView::plotRect() const
{
    return viewstyle::plotArea(rect());
}

// Vertical position in bands: 0 is the bottom edge of band 0, band b is centred
// on b + 0.5, and positions map linearly onto the mel scale (band b peaks at edge b+1).
double SpectrogramView::bandOf(double hz) const
{
    const auto& edges = bank_.bandEdgesHz();
    const double lo = hzToMelSlaney(edges.front()), hi = hzToMelSlaney(edges.back());
    const double step = (hi - lo) / double(edges.size() - 1);
    return (hzToMelSlaney(hz) - lo) / step - 0.5;  // band b is centred on edge b+1
}

double SpectrogramView::hzOfBand(double band) const
{
    const auto& edges = bank_.bandEdgesHz();
    const double lo = hzToMelSlaney(edges.front()), hi = hzToMelSlaney(edges.back());
    const double step = (hi - lo) / double(edges.size() - 1);
    return melToHzSlaney(lo + (band + 0.5) * step);
}

void SpectrogramView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), viewstyle::background());
    const QRect r = plotRect();
    p.fillRect(r, viewstyle::plotBackground());
    if (!song_ || !timeAxis()) {
        drawFrequencyAxis(p, r);
        drawLegend(p, r);
        return;
    }
    const TimeAxis* axis = timeAxis();
    const double fs = song_->frameSeconds();
    // Column f of the image is centred on time f*hop/sr.
    const QRectF source(axis->viewStart() / fs + 0.5, 0, axis->viewSpan() / fs, song_->melImage.height());
    p.drawImage(QRectF(r), song_->melImage, source);

    viewstyle::drawTimeTicks(p, r, *axis, true);
    drawFrequencyAxis(p, r);
    drawLegend(p, r);
    drawPlayhead(p);

    const QString readout = readoutAt(hover_);
    if (!readout.isEmpty()) {
        const QFontMetrics fm(font());
        const QRect box(r.left() + 6, r.top() + 6, fm.horizontalAdvance(readout) + 12, fm.height() + 6);
        p.fillRect(box, QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(box, Qt::AlignCenter, readout);
    }
}

void SpectrogramView::drawFrequencyAxis(QPainter& p, const QRect& r) const
{
    const double bands = bank_.bands();
    const QFontMetrics fm(p.font());
    for (double hz : {64.0, 128.0, 256.0, 512.0, 1000.0, 2000.0, 4000.0, 8000.0}) {
        const double y = r.bottom() - bandOf(hz) / bands * r.height();
        if (y < r.top() || y > r.bottom() + 1)
            continue;
        p.setPen(viewstyle::grid());
        p.drawLine(QPointF(r.left() - 4, y), QPointF(r.left(), y));
        p.setPen(viewstyle::text());
        const QString label = hz >= 1000 ? QStringLiteral("%1k").arg(hz / 1000) : QString::number(hz);
        p.drawText(QRectF(0, y - fm.height() / 2.0, r.left() - 8, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   label);
    }
    p.save();
    p.translate(10, r.center().y());
    p.rotate(-90);
    p.setPen(viewstyle::text());
    p.drawText(QRectF(-40, -8, 80, 16), Qt::AlignCenter, tr("Hz (mel)"));
    p.restore();
}

void SpectrogramView::drawLegend(QPainter& p, const QRect& r) const
{
    const QRect bar(r.right() + 10, r.top() + 4, 12, r.height() - 8);
    for (int y = 0; y < bar.height(); ++y) {
        const int k = std::clamp(int(255.0 * (1.0 - double(y) / std::max(1, bar.height() - 1))), 0, 255);
        p.setPen(QColor::fromRgb(magmaArgb(k)));
        p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    p.setPen(viewstyle::text());
    const double floor = song_ ? song_->dbFloor : -80.0, ceiling = song_ ? song_->dbCeiling : 0.0;
    const QFontMetrics fm(p.font());
    for (double db = ceiling; db >= floor - 1e-9; db -= 20.0) {
        const double y = bar.top() + (ceiling - db) / (ceiling - floor) * bar.height();
        p.drawText(QPointF(bar.right() + 4, y + fm.ascent() / 2.0 - 1), QString::number(int(db)));
    }
    p.drawText(QPointF(bar.left() - 2, r.bottom() + fm.ascent() + 3), tr("dB"));
}

QString SpectrogramView::readoutAt(const QPoint& pos) const
{
    const QRect r = plotRect();
    if (!song_ || !timeAxis() || !r.contains(pos))
        return {};
    const double t = timeAxis()->timeAt(pos.x() - r.left(), r.width());
    const double band = double(r.bottom() - pos.y()) / r.height() * bank_.bands();
    const long frame = std::clamp(long(std::lround(t / song_->frameSeconds())), 0L, long(song_->melImage.width()) - 1);
    const int b = std::clamp(int(std::floor(band)), 0, song_->melImage.height() - 1);
    return QStringLiteral("%1 · %2 Hz · %3 dB")
        .arg(workflow::clockText(t, 2))
        .arg(std::lround(hzOfBand(band)))
        .arg(song_->decibelsAt(b, frame), 0, 'f', 1);
}

void SpectrogramView::mouseMoveEvent(QMouseEvent* event)
{
    hover_ = event->position().toPoint();
    update();
    TimelineView::mouseMoveEvent(event);
}

void SpectrogramView::leaveEvent(QEvent* event)
{
    hover_ = {-1, -1};
    update();
    TimelineView::leaveEvent(event);
}

} // namespace genrescope::app
