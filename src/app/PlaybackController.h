#pragma once
// Plays the selected file with QMediaPlayer (gstreamer backend) and moves the
// shared playhead smoothly between the player's position reports.

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

public Q_SLOTS:
    void togglePlay();
    void stop();
    void seek(double seconds);

Q_SIGNALS:
    void playingChanged(bool playing);
    void errorOccurred(const QString& message);

private:
    void onPositionChanged(qint64 ms);
    void tick();

    TimeAxis* axis_;
    QMediaPlayer* player_;
    QAudioOutput* output_;
    QTimer ticker_;
    QElapsedTimer sinceReport_;
    double reportedSeconds_ = 0.0;
    QString path_;
};

} // namespace genrescope::app
