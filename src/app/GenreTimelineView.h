#pragma once
// The genre timeline strip under the waveform and spectrogram: one coloured
// block per classification window (the ensemble's top genre; paler when less
// sure), on the shared time axis, with a tick where the top genre changes (the genre
// markers). Hovering shows that window's probabilities in a tooltip that stays while
// the pointer is over the window.

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
    bool event(QEvent* event) override;

private:
    /// Window i's span and probabilities, as rich text.
    QString windowText(size_t i) const;
    /// Where window i is drawn (it may reach past the plot when zoomed).
    QRect windowRect(size_t i) const;

    classify::SongPrediction prediction_;
    std::vector<workflow::GenreMarker> markers_;
};

} // namespace genrescope::app
