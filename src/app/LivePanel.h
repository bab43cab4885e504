#pragma once
// The Live tab: listens to an audio input (QAudioSource, with a device picker)
// and shows a rolling waveform and mel spectrogram of the last 10 s and a
// rolling classification of the last 30 s, updated every second on a worker
// thread. Without an input device it says so plainly.

#include "audio/Resampler.h"
#include "classify/GenreClassifier.h"
#include "workflow/SongAnalyzer.h"

#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

#include <memory>
#include <vector>

class QAudioSource;
class QComboBox;
class QIODevice;
class QLabel;
class QPushButton;
class QTimer;

namespace genrescope::app {

class GenrePanel;
class LiveScope;

class LivePanel : public QWidget {
    Q_OBJECT
public:
    explicit LivePanel(QWidget* parent = nullptr);
    ~LivePanel() override;

    bool hasInputDevice() const;
    /// Appends mono samples at `rate` Hz as if they came from the device (also used by tests).
    void feedSamples(const float* samples, long count, int rate);
    /// Seconds of audio held (at most 30).
    double bufferedSeconds() const;
    /// Classifications finished since listening started.
    int classifications() const { return classifications_; }
    /// The models that classify the rolling window (at first the built-in ones; null: none).
    void setClassifier(std::shared_ptr<const classify::GenreClassifier> classifier) { classifier_ = std::move(classifier); }

public Q_SLOTS:
    void startListening();
    void stopListening();

private:
    void refreshDevices();
    std::shared_ptr<const classify::GenreClassifier> classifier_ = workflow::defaultClassifier();
    void readAudio();
    void tick();

    QComboBox* devices_;
    QPushButton *start_, *stop_;
    QLabel* status_;
    LiveScope* scope_;
    GenrePanel* genres_;
    QTimer* timer_;
    QAudioSource* source_ = nullptr;
    QIODevice* input_ = nullptr;
    std::unique_ptr<Resampler> resampler_;
    int resamplerRate_ = 0;
    std::vector<float> buffer_;  // the last 30 s at 22050 Hz
    long samplesSinceClassified_ = 0;
    QFutureWatcher<std::shared_ptr<classify::SongPrediction>>* classifying_ = nullptr;
    QFutureWatcher<QImage>* imaging_ = nullptr;
    int classifications_ = 0;
};

} // namespace genrescope::app
