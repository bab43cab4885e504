#pragma once
// The one time axis every view follows (as in Sonic Visualiser): the visible
// range, the song's duration, the play position and the selected region, all in seconds.

#include <QObject>

namespace genrescope::app {

class TimeAxis : public QObject {
    Q_OBJECT
public:
    explicit TimeAxis(QObject* parent = nullptr);

    double duration() const { return duration_; }
    double viewStart() const { return start_; }
    double viewEnd() const { return end_; }
    double viewSpan() const { return end_ - start_; }
    double playhead() const { return playhead_; }
    /// The selected region [selectionStart, selectionEnd), shared by every view; none when empty.
    bool hasSelection() const { return selectionEnd_ > selectionStart_; }
    double selectionStart() const { return selectionStart_; }
    double selectionEnd() const { return selectionEnd_; }

    /// Seconds shown at x in a widget of the given width, and back.
    double timeAt(double x, double width) const { return start_ + x / width * viewSpan(); }
    double xOf(double seconds, double width) const { return (seconds - start_) / viewSpan() * width; }

    /// The shortest span one can zoom into.
    static constexpr double kMinSpan = 0.01;

public Q_SLOTS:
    void reset(double duration);           // new song: show all of it, playhead at 0
    void setView(double start, double end);
    void zoomAround(double seconds, double factor);  // factor < 1 zooms in
    void scrollBy(double seconds);
    void showAll();
    void setPlayhead(double seconds);
    /// Selects [a, b) or [b, a), clamped to the song; an empty span clears the selection.
    void setSelection(double a, double b);
    void clearSelection() { setSelection(0.0, 0.0); }
    void selectAll() { setSelection(0.0, duration_); }

Q_SIGNALS:
    void viewChanged();
    void playheadChanged(double seconds);
    void selectionChanged();

private:
    double duration_ = 0.0;
    double start_ = 0.0;
    double end_ = 1.0;
    double playhead_ = 0.0;
    double selectionStart_ = 0.0;
    double selectionEnd_ = 0.0;
};

} // namespace genrescope::app
