#pragma once
// The mel spectrogram of the selected song in magma, with a frequency axis in
// Hz, a time axis in seconds, a dB colour legend and a readout under the pointer.

#include "SongAnalysis.h"
#include "TimelineView.h"
#include "dsp/MelFilterbank.h"

namespace genrescope::app {

class SpectrogramView : public TimelineView {
    Q_OBJECT
public:
    explicit SpectrogramView(QWidget* parent = nullptr);
    void setSong(SongAnalysisPtr song);
    QSize sizeHint() const override { return {800, 320}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

    /// The text shown for a point in the plot, e.g. "0:12.34 · 1024 Hz · -23.5 dB" (empty outside).
    QString readoutAt(const QPoint& pos) const;

protected:
    QRect plotRect() const override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    /// Fractional band position (0 = bottom edge of band 0) of a frequency, and back.
    double bandOf(double hz) const;
    double hzOfBand(double band) const;
    void drawFrequencyAxis(QPainter& p, const QRect& plot) const;
    void drawLegend(QPainter& p, const QRect& plot) const;

    SongAnalysisPtr song_;
    MelFilterbank bank_;
    QPoint hover_{-1, -1};
};

} // namespace genrescope::app
