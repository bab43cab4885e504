#pragma once
// The mel spectrogram of the selected song with a frequency axis in Hz (mel, linear or log
// scale, zoomable with Ctrl+wheel), a time axis, a dB colour legend and a readout under the
// pointer. Its settings (SpectrogramSettings) choose the scale, dB range, colours and FFT size.

#include "SongAnalysis.h"
#include "SpectrogramSettings.h"
#include "TimelineView.h"
#include "dsp/MelFilterbank.h"

#include <QImage>

#include <memory>

namespace genrescope::app {

class SpectrogramView : public TimelineView {
    Q_OBJECT
public:
    explicit SpectrogramView(QWidget* parent = nullptr);
    void setSong(SongAnalysisPtr song);
    QSize sizeHint() const override { return {800, 320}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

    const SpectrogramSettings& settings() const { return settings_; }
    /// Applies new settings; a new FFT size recomputes the picture of a song with samples in the
    /// analysis pool (the 2048 one is shown meanwhile, and for longer songs).
    void setSettings(const SpectrogramSettings& settings);
    /// The FFT size of the picture shown now.
    int shownFftSize() const;
    /// What the plot's corner says when that is not the chosen size (empty when it is).
    QString fftNote() const;

    /// Vertical zoom: the visible part of the frequency axis as fractions of the whole (0 bottom, 1 top).
    double visibleLow() const { return visibleLow_; }
    double visibleHigh() const { return visibleHigh_; }
    /// Zooms the frequency axis around a fraction of the plot's height (0 bottom); factor < 1 zooms in.
    void zoomFrequencies(double plotFraction, double factor);
    void resetFrequencyZoom();
    /// The frequencies at the bottom and top of the plot, and the labelled ones between.
    double lowestShownHz() const;
    double highestShownHz() const;
    QList<double> labelledFrequencies() const;

    /// The text shown for a point in the plot, e.g. "0:12.34 · 1024 Hz · -23.5 dB" (empty outside).
    QString readoutAt(const QPoint& pos) const;

Q_SIGNALS:
    void settingsRequested();
    void frequencyZoomChanged();

protected:
    QRect plotRect() const override;
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    /// Fractional band position (0 = bottom edge of band 0) of a frequency.
    double bandOf(double hz) const;
    double hzOfBand(double band) const;
    /// The frequency at a fraction of the whole axis (0 bottom, 1 top) under the current scale, and back.
    double hzAt(double axisFraction) const;
    double axisFractionOf(double hz) const;
    double axisFractionAtY(double y, const QRect& plot) const;
    const LevelGrid* shownLevels() const;
    void recomputeForFftSize();
    void renderPlot(const QRect& plot);
    QList<double> labelledFrequencies(int plotHeight) const;
    void drawFrequencyAxis(QPainter& p, const QRect& plot) const;
    void drawLegend(QPainter& p, const QRect& plot) const;

    SongAnalysisPtr song_;
    MelFilterbank bank_;
    SpectrogramSettings settings_;
    double visibleLow_ = 0.0, visibleHigh_ = 1.0;
    std::shared_ptr<const LevelGrid> otherFft_;  // song_'s picture at settings_.fftSize, when computed
    int otherFftSize_ = 0;
    int fftRequest_ = 0;  // counts requests: a late result for an older one is dropped
    QPoint hover_{-1, -1};

    struct RenderKey {
        const LevelGrid* levels = nullptr;
        double start = 0, end = 0, low = 0, high = 0;
        QSize size;
        SpectrogramSettings settings;
        bool operator==(const RenderKey&) const = default;
    };
    RenderKey rendered_;
    QImage plotImage_;  // the plot as last rendered: repaints for the playhead only blit it
};

} // namespace genrescope::app
