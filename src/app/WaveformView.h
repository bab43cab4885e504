#pragma once
// The waveform of the selected song, drawn from its peak pyramid, with a time ruler, an
// amplitude ruler (linear or dBFS, chosen from the context menu and kept in the settings)
// and the beat grid (thinned to bars, or hidden, when beats crowd together).

#include "SongAnalysis.h"
#include "TimelineView.h"

#include <vector>

namespace genrescope::app {

class WaveformView : public TimelineView {
    Q_OBJECT
public:
    enum class AmplitudeScale { Linear, Decibels };
    /// The dBFS drawn at the centre line; quieter samples are drawn there.
    static constexpr double kFloorDb = -60.0;

    explicit WaveformView(QWidget* parent = nullptr);
    void setSong(SongAnalysisPtr song);
    /// What the empty view says (default: drop songs here).
    void setPlaceholder(const QString& text);
    QSize sizeHint() const override { return {800, 140}; }
    QSize minimumSizeHint() const override { return {200, 60}; }

    AmplitudeScale amplitudeScale() const { return scale_; }
    /// Redraws in `scale` (the context menu also remembers the choice for the next start).
    void setAmplitudeScale(AmplitudeScale scale);

    /// A sample value in [-1, 1] as a height in [-1, 1] (sign kept): itself when linear,
    /// 1 + dBFS / -kFloorDb (clamped at 0) in dBFS.
    static double heightOf(double sample, AmplitudeScale scale);
    /// Every how many beats a grid line is drawn so lines stay `minPixels` apart: 1 (every
    /// beat), 4 (bars) or 0 (none), for beats at `pixelsPerSecond`.
    static int beatStride(const std::vector<double>& beats, double pixelsPerSecond, double minPixels = 6.0);

protected:
    QRect plotRect() const override;
    void paintEvent(QPaintEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    void drawAmplitudeRuler(class QPainter& p, const QRect& plot) const;
    void drawBeatGrid(QPainter& p, const QRect& plot) const;

    SongAnalysisPtr song_;
    QString placeholder_;
    AmplitudeScale scale_ = AmplitudeScale::Linear;
};

} // namespace genrescope::app
