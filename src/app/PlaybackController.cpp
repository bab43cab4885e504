#include "PlaybackController.h"

#include "TimeAxis.h"

#include <QAudioOutput>
#include <QMediaPlayer>
#include <QUrl>

namespace genrescope::app {

PlaybackController::PlaybackController(TimeAxis* axis, QObject* parent)
    : QObject(parent), axis_(axis), player_(new QMediaPlayer(this)), output_(new QAudioOutput(this))
{
    player_->setAudioOutput(output_);
    ticker_.setInterval(16);
    connect(&ticker_, &QTimer::timeout, this, &PlaybackController::tick);
    connect(player_, &QMediaPlayer::positionChanged, this, &PlaybackController::onPositionChanged);
    connect(player_, &QMediaPlayer::playbackStateChanged, this, [this](QMediaPlayer::PlaybackState state) {
        const bool playing = state == QMediaPlayer::PlayingState;
        playing ? ticker_.start() : ticker_.stop();
        if (state == QMediaPlayer::StoppedState && player_->mediaStatus() == QMediaPlayer::EndOfMedia) {
            if (looping_ && axis_->hasSelection()) {  // a selection that runs to the end loops too
                seek(axis_->selectionStart());
                player_->play();
                return;
            }
            axis_->setPlayhead(axis_->duration());
        }
        Q_EMIT playingChanged(playing);
    });
    connect(axis_, &TimeAxis::selectionChanged, this, &PlaybackController::jumpIntoSelection);
    connect(player_, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString& text) {
        Q_EMIT errorOccurred(tr("Playback: %1").arg(text));
    });
}

void PlaybackController::setFile(const QString& path)
{
    player_->stop();
    path_ = path;
    player_->setSource(path.isEmpty() ? QUrl() : QUrl::fromLocalFile(path));
}

bool PlaybackController::isPlaying() const
{
    return player_->playbackState() == QMediaPlayer::PlayingState;
}

void PlaybackController::togglePlay()
{
    if (path_.isEmpty())
        return;
    if (isPlaying()) {
        player_->pause();
        return;
    }
    const double at = axis_->playhead();
    if (axis_->hasSelection() && !(at >= axis_->selectionStart() && at < axis_->selectionEnd() - 0.01))
        seek(axis_->selectionStart());  // a selection plays from its start (resuming inside it goes on)
    else if (at >= axis_->duration() - 0.01)
        seek(0.0);
    player_->setPosition(qint64(axis_->playhead() * 1000.0));
    player_->play();
}

void PlaybackController::stop()
{
    player_->stop();
}

void PlaybackController::seek(double seconds)
{
    axis_->setPlayhead(seconds);
    reportedSeconds_ = axis_->playhead();
    sinceReport_.restart();
    if (!path_.isEmpty())
        player_->setPosition(qint64(reportedSeconds_ * 1000.0));
}

void PlaybackController::setLooping(bool on)
{
    looping_ = on;
    jumpIntoSelection();
}

void PlaybackController::jumpIntoSelection()
{
    const double at = axis_->playhead();
    if (looping_ && isPlaying() && axis_->hasSelection() && !(at >= axis_->selectionStart() && at < axis_->selectionEnd()))
        seek(axis_->selectionStart());
}

void PlaybackController::advanceTo(double seconds)
{
    const double before = axis_->playhead();
    if (looping_ && axis_->hasSelection() && before >= axis_->selectionStart() && before < axis_->selectionEnd() &&
        seconds >= axis_->selectionEnd()) {
        seek(axis_->selectionStart());
        return;
    }
    axis_->setPlayhead(seconds);
}

void PlaybackController::onPositionChanged(qint64 ms)
{
    reportedSeconds_ = ms / 1000.0;
    sinceReport_.restart();
    advanceTo(reportedSeconds_);
}

void PlaybackController::tick()
{
    // Between the player's reports, advance by wall-clock time.
    if (sinceReport_.isValid())
        advanceTo(reportedSeconds_ + sinceReport_.elapsed() / 1000.0 * player_->playbackRate());
}

} // namespace genrescope::app
