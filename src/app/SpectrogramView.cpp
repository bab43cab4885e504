#include "SpectrogramView.h"

#include "ViewStyle.h"
#include "WorkerPools.h"
#include "workflow/TimeText.h"

#include <QContextMenuEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

namespace {
constexpr double kAnalysisFft = 2048;
constexpr double kMinVisibleFraction = 1.0 / 64;  // closest vertical zoom: 2 of the 128 bands
constexpr double kLogLowestHz = 20.0;             // where the log scale starts
} // namespace

SpectrogramView::SpectrogramView(QWidget* parent) : TimelineView(parent)
{
    setObjectName(QStringLiteral("spectrogramView"));
}

void SpectrogramView::setSong(SongAnalysisPtr song)
{
    const bool changed = song.get() != song_.get();
    song_ = std::move(song);
    if (changed) {
        otherFft_.reset();
        otherFftSize_ = 0;
        recomputeForFftSize();
    }
    update();
}

void SpectrogramView::setSettings(const SpectrogramSettings& settings)
{
    const bool newFft = settings.fftSize != settings_.fftSize;
    settings_ = settings;
    if (newFft)
        recomputeForFftSize();
    update();
}

int SpectrogramView::shownFftSize() const
{
    return otherFft_ && otherFftSize_ == settings_.fftSize ? otherFftSize_ : int(kAnalysisFft);
}

QString SpectrogramView::fftNote() const
{
    if (!song_ || settings_.fftSize == shownFftSize())
        return {};
    return song_->audio.samples.empty() ? tr("FFT %1: songs over 10 min are shown at 2048").arg(shownFftSize())
                                        : tr("FFT %1 (computing %2…)").arg(shownFftSize()).arg(settings_.fftSize);
}

const LevelGrid* SpectrogramView::shownLevels() const
{
    if (!song_ || song_->slim())
        return nullptr;
    return otherFft_ && otherFftSize_ == settings_.fftSize ? otherFft_.get() : &song_->melLevels;
}

void SpectrogramView::recomputeForFftSize()
{
    const int request = ++fftRequest_;
    if (!song_ || settings_.fftSize == int(kAnalysisFft) || song_->audio.samples.empty() ||
        (otherFft_ && otherFftSize_ == settings_.fftSize))
        return;
    const SongAnalysisPtr song = song_;
    const int fft = settings_.fftSize;
    QPointer<SpectrogramView> self(this);
    auto future = QtConcurrent::run(pools::analysis(), [song, fft] {
        pools::runInBackground();
        return std::make_shared<const LevelGrid>(melLevelsWithFft(song->audio.samples, fft));
    });
    future.then(this, [this, self, request, fft](std::shared_ptr<const LevelGrid> levels) {
        if (!self || request != fftRequest_)
            return;
        otherFft_ = std::move(levels);
        otherFftSize_ = fft;
        update();
    });
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

// The whole axis: mel spans the 128 bands (as the analysis); linear Hz 0 to Nyquist; log Hz
// 20 Hz to Nyquist.
double SpectrogramView::hzAt(double u) const
{
    const double nyquist = bank_.bandEdgesHz().back();
    switch (settings_.scale) {
    case FrequencyScale::Mel: return hzOfBand(u * bank_.bands());
    case FrequencyScale::LinearHz: return u * nyquist;
    case FrequencyScale::LogHz: return kLogLowestHz * std::pow(nyquist / kLogLowestHz, u);
    }
    return 0;
}

double SpectrogramView::axisFractionOf(double hz) const
{
    const double nyquist = bank_.bandEdgesHz().back();
    switch (settings_.scale) {
    case FrequencyScale::Mel: return bandOf(hz) / bank_.bands();
    case FrequencyScale::LinearHz: return hz / nyquist;
    case FrequencyScale::LogHz: return std::log(std::max(hz, 1e-9) / kLogLowestHz) / std::log(nyquist / kLogLowestHz);
    }
    return 0;
}

double SpectrogramView::axisFractionAtY(double y, const QRect& r) const
{
    const double f = (r.top() + r.height() - y) / std::max(1, r.height());  // 0 at the bottom edge
    return visibleLow_ + f * (visibleHigh_ - visibleLow_);
}

double SpectrogramView::lowestShownHz() const { return hzAt(visibleLow_); }
double SpectrogramView::highestShownHz() const { return hzAt(visibleHigh_); }

void SpectrogramView::zoomFrequencies(double plotFraction, double factor)
{
    const double span = visibleHigh_ - visibleLow_;
    const double at = visibleLow_ + std::clamp(plotFraction, 0.0, 1.0) * span;
    const double next = std::clamp(span * factor, kMinVisibleFraction, 1.0);
    double low = at - (at - visibleLow_) / span * next;
    low = std::clamp(low, 0.0, 1.0 - next);
    visibleLow_ = low;
    visibleHigh_ = low + next;
    update();
    Q_EMIT frequencyZoomChanged();
}

void SpectrogramView::resetFrequencyZoom()
{
    visibleLow_ = 0.0;
    visibleHigh_ = 1.0;
    update();
    Q_EMIT frequencyZoomChanged();
}

void SpectrogramView::wheelEvent(QWheelEvent* event)
{
    if (!(event->modifiers() & Qt::ControlModifier))
        return TimelineView::wheelEvent(event);
    const QRect r = plotRect();
    const double fraction = double(r.top() + r.height() - event->position().y()) / std::max(1, r.height());
    zoomFrequencies(fraction, std::pow(0.8, event->angleDelta().y() / 120.0));
    event->accept();
}

void SpectrogramView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    menu.addAction(tr("Spectrogram &Settings…"), this, &SpectrogramView::settingsRequested);
    QAction* reset = menu.addAction(tr("&Reset Frequency Zoom"), this, &SpectrogramView::resetFrequencyZoom);
    reset->setEnabled(visibleLow_ > 0.0 || visibleHigh_ < 1.0);
    menu.exec(event->globalPos());
}

void SpectrogramView::renderPlot(const QRect& r)
{
    const LevelGrid* levels = shownLevels();
    const TimeAxis* axis = timeAxis();
    const RenderKey key{levels, axis->viewStart(), axis->viewEnd(), visibleLow_, visibleHigh_, r.size(), settings_};
    if (key == rendered_ && !plotImage_.isNull())
        return;
    rendered_ = key;
    if (plotImage_.size() != r.size())
        plotImage_ = QImage(r.size(), QImage::Format_RGB32);
    std::vector<int> rowOfY(size_t(r.height()));
    for (int y = 0; y < r.height(); ++y) {
        const double band = bandOf(hzAt(axisFractionAtY(r.top() + y + 0.5, r)));
        rowOfY[size_t(y)] = std::clamp(int(std::floor(band)), 0, levels->rows() - 1);
    }
    // Column f is centred on time f*hop/sr: it spans frame positions [f - 0.5, f + 0.5).
    const double fs = song_->frameSeconds();
    renderLevels(*levels, axis->viewStart() / fs + 0.5, axis->viewEnd() / fs + 0.5, rowOfY,
                 levelColours(*levels, settings_), viewstyle::plotBackground().rgb(), plotImage_);
}

void SpectrogramView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), viewstyle::background());
    const QRect r = plotRect();
    p.fillRect(r, viewstyle::plotBackground());
    if (!shownLevels() || !timeAxis() || r.width() <= 0 || r.height() <= 0) {
        drawFrequencyAxis(p, r);
        drawLegend(p, r);
        return;
    }
    const TimeAxis* axis = timeAxis();
    renderPlot(r);
    p.drawImage(r.topLeft(), plotImage_);

    viewstyle::drawTimeTicks(p, r, *axis, true);
    drawFrequencyAxis(p, r);
    drawLegend(p, r);
    drawPlayhead(p);

    const QFontMetrics fm(font());
    if (const QString note = fftNote(); !note.isEmpty()) {
        const QRect box(r.right() - fm.horizontalAdvance(note) - 18, r.top() + 6, fm.horizontalAdvance(note) + 12, fm.height() + 6);
        p.fillRect(box, QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(box, Qt::AlignCenter, note);
    }
    const QString readout = readoutAt(hover_);
    if (!readout.isEmpty()) {
        const QRect box(r.left() + 6, r.top() + 6, fm.horizontalAdvance(readout) + 12, fm.height() + 6);
        p.fillRect(box, QColor(0, 0, 0, 170));
        p.setPen(Qt::white);
        p.drawText(box, Qt::AlignCenter, readout);
    }
}

QList<double> SpectrogramView::labelledFrequencies() const
{
    return labelledFrequencies(plotRect().height());
}

// Nice frequencies inside the visible range, at least a label's height apart.
QList<double> SpectrogramView::labelledFrequencies(int plotHeight) const
{
    const double low = lowestShownHz(), high = highestShownHz();
    QList<double> candidates;
    if (settings_.scale == FrequencyScale::LinearHz) {
        const double step = viewstyle::niceStep(high - low, std::max(2, plotHeight / 40));
        for (double hz = std::ceil(low / step) * step; hz <= high + 1e-9; hz += step)
            candidates.append(hz);
    } else {
        for (const auto& multiples : {std::vector<double>{1, 2, 5}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}}) {
            candidates.clear();
            for (double decade = 1; decade <= 1e4; decade *= 10)
                for (double m : multiples)
                    if (m * decade >= low && m * decade <= high)
                        candidates.append(m * decade);
            if (candidates.size() >= 4)
                break;
        }
        if (candidates.size() < 3) {  // zoomed far in: a linear step inside the range
            candidates.clear();
            const double step = viewstyle::niceStep(high - low, 4);
            for (double hz = std::ceil(low / step) * step; hz <= high + 1e-9; hz += step)
                candidates.append(hz);
        }
    }
    const double minGap = QFontMetrics(font()).height() + 2;
    QList<double> out;
    double lastY = 1e9;
    const double span = visibleHigh_ - visibleLow_;
    for (double hz : candidates) {
        const double y = (axisFractionOf(hz) - visibleLow_) / span * plotHeight;  // from the bottom
        if (y < -0.5 || y > plotHeight + 0.5 || (!out.isEmpty() && y - lastY < minGap))
            continue;
        out.append(hz);
        lastY = y;
    }
    return out;
}

void SpectrogramView::drawFrequencyAxis(QPainter& p, const QRect& r) const
{
    const QFontMetrics fm(p.font());
    const double span = visibleHigh_ - visibleLow_;
    for (double hz : labelledFrequencies(r.height())) {
        const double y = r.top() + r.height() - (axisFractionOf(hz) - visibleLow_) / span * r.height();
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
    const QString title = settings_.scale == FrequencyScale::Mel      ? tr("Hz (mel)")
                          : settings_.scale == FrequencyScale::LogHz ? tr("Hz (log)")
                                                                     : tr("Hz");
    p.drawText(QRectF(-40, -8, 80, 16), Qt::AlignCenter, title);
    p.restore();
}

void SpectrogramView::drawLegend(QPainter& p, const QRect& r) const
{
    const QRect bar(r.right() + 10, r.top() + 4, 12, r.height() - 8);
    const ColourTable& colours = colourTable(settings_.colours);
    for (int y = 0; y < bar.height(); ++y) {
        const int k = std::clamp(int(255.0 * (1.0 - double(y) / std::max(1, bar.height() - 1))), 0, 255);
        p.setPen(QColor::fromRgb(colours[size_t(k)]));
        p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    p.setPen(viewstyle::text());
    const double floor = settings_.floorDb, ceiling = settings_.ceilingDb;
    const double step = ceiling - floor > 40 ? 20.0 : 10.0;
    const QFontMetrics fm(p.font());
    for (double db = ceiling; db >= floor - 1e-9; db -= step) {
        const double y = bar.top() + (ceiling - db) / (ceiling - floor) * bar.height();
        p.drawText(QPointF(bar.right() + 4, y + fm.ascent() / 2.0 - 1), QString::number(int(db)));
    }
    p.drawText(QPointF(bar.left() - 2, r.bottom() + fm.ascent() + 3), tr("dB"));
}

QString SpectrogramView::readoutAt(const QPoint& pos) const
{
    const QRect r = plotRect();
    const LevelGrid* levels = shownLevels();
    if (!levels || !timeAxis() || !r.contains(pos))
        return {};
    const double t = timeAxis()->timeAt(pos.x() - r.left(), r.width());
    const double hz = hzAt(axisFractionAtY(pos.y() + 0.5, r));
    const long frame = std::clamp(long(std::lround(t / song_->frameSeconds())), 0L, levels->frames() - 1);
    const int b = std::clamp(int(std::floor(bandOf(hz))), 0, levels->rows() - 1);
    return QStringLiteral("%1 · %2 Hz · %3 dB")
        .arg(workflow::clockText(t, 2))
        .arg(std::lround(hz))
        .arg(levels->valueAt(b, frame), 0, 'f', 1);
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
