#pragma once
// Plays the selected file with QMediaPlayer (gstreamer backend) and moves the
// shared playhead smoothly between the player's position reports. With a selected
// region, playing starts at its start; with looping on, crossing its end goes back
// to its start (and playing elsewhere, turning the loop on or selecting jumps there).

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

class QMediaPlayer;
class QAudioOutput;

namespace genrescope::app {
class TimeAxis;

class PlaybackController : public QObject {
    Q_OBJECT
public:
    PlaybackController(TimeAxis* axis, QObject* parent = nullptr);

    void setFile(const QString& path);  // stops playback; empty path clears
    const QString& file() const { return path_; }
    bool isPlaying() const;
    bool hasFile() const { return !path_.isEmpty(); }
    bool isLooping() const { return looping_; }

public Q_SLOTS:
    void togglePlay();
    void stop();
    void seek(double seconds);
    /// Loops within the time axis's selection (none selected: plays on as usual).
    void setLooping(bool on);

Q_SIGNALS:
    void playingChanged(bool playing);
    void errorOccurred(const QString& message);

private:
    void onPositionChanged(qint64 ms);
    void tick();
    /// Looping while playing outside the selection: goes to its start.
    void jumpIntoSelection();
    /// Moves the playhead on to `seconds`, or back to the selection's start when that crosses its end.
    void advanceTo(double seconds);

    TimeAxis* axis_;
    QMediaPlayer* player_;
    QAudioOutput* output_;
    QTimer ticker_;
    QElapsedTimer sinceReport_;
    double reportedSeconds_ = 0.0;
    QString path_;
    bool looping_ = false;
};

} // namespace genrescope::app
