#include "WaveformView.h"

#include "ViewStyle.h"

#include <QActionGroup>
#include <QContextMenuEvent>
#include <QMenu>
#include <QPainter>
#include <QSettings>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

WaveformView::WaveformView(QWidget* parent) : TimelineView(parent)
{
    setToolTip(tr("Wheel: zoom · Shift+wheel, middle or Alt+drag: scroll · Drag: select · Click: seek · "
                  "Right-click: linear or dBFS"));
    if (QSettings().value(QStringLiteral("waveform/amplitudeScale")).toString() == QStringLiteral("dbfs"))
        scale_ = AmplitudeScale::Decibels;
}

void WaveformView::setAmplitudeScale(AmplitudeScale scale)
{
    scale_ = scale;
    update();
}

double WaveformView::heightOf(double sample, AmplitudeScale scale)
{
    if (scale == AmplitudeScale::Linear)
        return std::clamp(sample, -1.0, 1.0);
    const double magnitude = std::min(1.0, std::abs(sample));
    const double height = magnitude > 0 ? std::max(0.0, 1.0 + 20.0 * std::log10(magnitude) / -kFloorDb) : 0.0;
    return sample < 0 ? -height : height;
}

int WaveformView::beatStride(const std::vector<double>& beats, double pixelsPerSecond, double minPixels)
{
    if (beats.size() < 2)
        return 1;
    std::vector<double> gaps(beats.size() - 1);
    for (size_t i = 1; i < beats.size(); ++i)
        gaps[i - 1] = beats[i] - beats[i - 1];
    std::nth_element(gaps.begin(), gaps.begin() + long(gaps.size() / 2), gaps.end());
    const double beatPixels = gaps[gaps.size() / 2] * pixelsPerSecond;
    return beatPixels >= minPixels ? 1 : 4 * beatPixels >= minPixels ? 4 : 0;
}

void WaveformView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    auto* group = new QActionGroup(&menu);
    const auto add = [&](const QString& text, AmplitudeScale scale, const char* name) {
        QAction* action = menu.addAction(text, this, [this, scale] {
            setAmplitudeScale(scale);
            QSettings().setValue(QStringLiteral("waveform/amplitudeScale"),
                                 scale == AmplitudeScale::Decibels ? QStringLiteral("dbfs") : QStringLiteral("linear"));
        });
        action->setObjectName(QLatin1String(name));
        action->setCheckable(true);
        action->setChecked(scale_ == scale);
        group->addAction(action);
    };
    add(tr("Linear amplitude"), AmplitudeScale::Linear, "amplitudeLinearAction");
    add(tr("Amplitude in dBFS"), AmplitudeScale::Decibels, "amplitudeDbfsAction");
    menu.exec(event->globalPos());
}

void WaveformView::drawAmplitudeRuler(QPainter& p, const QRect& r) const
{
    // Labels in order of importance; one that would touch a label already drawn is left out.
    struct Mark {
        double value;
        QString label;
    };
    std::vector<Mark> marks;
    if (scale_ == AmplitudeScale::Linear) {
        for (double v : {1.0, -1.0, 0.0, 0.5, -0.5})
            marks.push_back({v, QString::number(v)});
    } else {
        marks.push_back({0.0, QStringLiteral("-∞")});
        for (double db : {0.0, -24.0, -12.0, -48.0, -6.0, -36.0, -3.0}) {
            const double v = std::pow(10.0, db / 20.0);
            const QString label = tr("%1 dB").arg(db);
            marks.push_back({v, label});
            marks.push_back({-v, label});
        }
    }
    const QFontMetrics fm(p.font());
    const double mid = r.center().y(), half = r.height() / 2.0 - 2;
    std::vector<double> taken;
    for (const Mark& m : marks) {
        const double y = mid - heightOf(m.value, scale_) * half;
        if (std::any_of(taken.begin(), taken.end(), [&](double t) { return std::abs(t - y) < fm.height(); }))
            continue;
        taken.push_back(y);
        p.setPen(viewstyle::grid());
        p.drawLine(QPointF(r.left() - 4, y), QPointF(r.left(), y));
        p.setPen(viewstyle::text());
        const int w = fm.horizontalAdvance(m.label);
        p.drawText(QPointF(r.left() - 6 - w, std::clamp(y + fm.ascent() / 2.0 - 1, r.top() + fm.ascent() - 2.0, r.bottom() + 2.0)),
                   m.label);
    }
}

void WaveformView::drawBeatGrid(QPainter& p, const QRect& r) const
{
    // The beat grid, so a person can judge the tempo estimate (and its octave); bars only, or
    // nothing, once beats come closer than a few pixels.
    const TimeAxis* axis = timeAxis();
    const std::vector<double>& beats = song_->beatTimes;
    const int stride = beatStride(beats, r.width() / axis->viewSpan());
    if (stride == 0)
        return;
    p.setPen(QPen(QColor(255, 200, 80, 150), 1, Qt::DashLine));
    const auto first = std::lower_bound(beats.begin(), beats.end(), axis->viewStart());
    for (auto it = first; it != beats.end() && *it <= axis->viewEnd(); ++it) {
        if ((it - beats.begin()) % stride != 0)
            continue;
        const double x = r.left() + axis->xOf(*it, r.width());
        p.drawLine(QPointF(x, r.top()), QPointF(x, r.top() + 8));
        p.drawLine(QPointF(x, r.bottom() - 8), QPointF(x, r.bottom()));
    }
}

void WaveformView::setPlaceholder(const QString& text)
{
    placeholder_ = text;
    update();
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
        p.drawText(r, Qt::AlignCenter, placeholder_.isEmpty() ? tr("Drop songs or folders here, or use File ▸ Open") : placeholder_);
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
            line << QPointF(r.left() + axis->xOf(i / sr, r.width()), mid - heightOf(samples[size_t(i)], scale_) * half);
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
            p.drawLine(QPointF(r.left() + x + 0.5, mid - heightOf(hi, scale_) * half),
                       QPointF(r.left() + x + 0.5, mid - heightOf(lo, scale_) * half));
        }
    }
    viewstyle::drawTimeTicks(p, r, *axis, true);
    drawAmplitudeRuler(p, r);
    drawBeatGrid(p, r);
    drawPlayhead(p);
}

} // namespace genrescope::app
