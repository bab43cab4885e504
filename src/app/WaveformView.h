#pragma once
// The waveform of the selected song, drawn from its peak pyramid.

#include "SongAnalysis.h"
#include "TimelineView.h"

namespace genrescope::app {

class WaveformView : public TimelineView {
    Q_OBJECT
public:
    explicit WaveformView(QWidget* parent = nullptr);
    void setSong(SongAnalysisPtr song);
    QSize sizeHint() const override { return {800, 140}; }
    QSize minimumSizeHint() const override { return {200, 60}; }

protected:
    QRect plotRect() const override;
    void paintEvent(QPaintEvent* event) override;

private:
    SongAnalysisPtr song_;
};

} // namespace genrescope::app
