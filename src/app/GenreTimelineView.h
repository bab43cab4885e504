#pragma once
// The genre timeline strip under the waveform and spectrogram: one coloured
// block per classification window (the ensemble's top genre; paler when less
// sure), on the shared time axis, with a tick where the top genre changes (the genre
// markers). Hovering shows that window's probabilities.

#include "TimelineView.h"

#include "classify/GenreClassifier.h"
#include "workflow/GenreMarkers.h"

namespace genrescope::app {

class GenreTimelineView : public TimelineView {
    Q_OBJECT
public:
    explicit GenreTimelineView(QWidget* parent = nullptr);
    /// Null or empty clears the strip.
    void setPrediction(const classify::SongPrediction* prediction);
    QSize sizeHint() const override { return {400, 26}; }

protected:
    QRect plotRect() const override;
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    classify::SongPrediction prediction_;
    std::vector<workflow::GenreMarker> markers_;
};

} // namespace genrescope::app
