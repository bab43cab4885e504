#include "LivePanel.h"

#include "GenrePanel.h"
#include "SongAnalysis.h"
#include "ViewStyle.h"
#include "WorkerError.h"
#include "audio/AudioDecoder.h"
#include "dsp/Colormap.h"
#include "dsp/MelSpectrogram.h"
#include "WorkerPools.h"

#include <QAudioDevice>
#include <QAudioSource>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMediaDevices>
#include <QPainter>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <cstring>

namespace genrescope::app {

namespace {
constexpr long kKeepSamples = 30L * kAnalysisRate;
constexpr long kScopeSamples = 10L * kAnalysisRate;
} // namespace

/// The rolling waveform (top) and mel spectrogram (bottom) of the last 10 s.
class LiveScope : public QWidget {
public:
    explicit LiveScope(QWidget* parent) : QWidget(parent) { setMinimumHeight(260); }
    void setSignal(std::vector<float> last) { signal_ = std::move(last); update(); }
    void setMelImage(QImage image) { mel_ = std::move(image); update(); }

protected:
    void paintEvent(QPaintEvent*) override
    {
        QPainter p(this);
        p.fillRect(rect(), viewstyle::plotBackground());
        const QRect wave(0, 0, width(), height() / 3), mel(0, height() / 3 + 4, width(), height() - height() / 3 - 4);
        p.setPen(QColor(120, 180, 250));
        const long n = long(signal_.size());
        if (n > 0) {
            // Columns on the right hold the newest audio; the left fills in as the buffer grows.
            const double perColumn = double(kScopeSamples) / std::max(1, width());
            for (int x = 0; x < width(); ++x) {
                const long from = n - long((width() - x) * perColumn), to = n - long((width() - x - 1) * perColumn);
                if (to <= 0)
                    continue;
                float lo = 0, hi = 0;
                for (long i = std::max(0L, from); i < std::min(n, to); ++i)
                    lo = std::min(lo, signal_[size_t(i)]), hi = std::max(hi, signal_[size_t(i)]);
                const int mid = wave.center().y(), half = wave.height() / 2;
                p.drawLine(x, mid - int(hi * half), x, mid - int(lo * half));
            }
        }
        if (!mel_.isNull())
            p.drawImage(QRect(mel.right() - int(mel.width() * double(mel_.width()) / (kScopeSamples / 512.0)), mel.top(),
                              int(mel.width() * double(mel_.width()) / (kScopeSamples / 512.0)), mel.height()),
                        mel_);
        p.setPen(viewstyle::text());
        p.drawText(wave.adjusted(6, 4, -6, -4), Qt::AlignTop | Qt::AlignLeft, tr("last 10 s"));
    }

private:
    std::vector<float> signal_;
    QImage mel_;
};

LivePanel::LivePanel(QWidget* parent)
    : QWidget(parent), devices_(new QComboBox(this)), start_(new QPushButton(tr("&Listen"), this)),
      stop_(new QPushButton(tr("S&top Listening"), this)), status_(new QLabel(this)), scope_(new LiveScope(this)),
      genres_(new GenrePanel(this)), timer_(new QTimer(this))
{
    auto* row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Input device:"), this));
    row->addWidget(devices_, 1);
    row->addWidget(start_);
    row->addWidget(stop_);
    status_->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(row);
    layout->addWidget(status_);
    layout->addWidget(scope_, 2);
    layout->addWidget(genres_, 3);
    stop_->setEnabled(false);
    genres_->setPrediction(nullptr, tr("listening needs 10 s of sound."));

    connect(start_, &QPushButton::clicked, this, &LivePanel::startListening);
    connect(stop_, &QPushButton::clicked, this, &LivePanel::stopListening);
    connect(timer_, &QTimer::timeout, this, &LivePanel::tick);
    auto* media = new QMediaDevices(this);
    connect(media, &QMediaDevices::audioInputsChanged, this, &LivePanel::refreshDevices);
    refreshDevices();
    timer_->start(250);
}

LivePanel::~LivePanel()
{
    stopListening();
    for (QFutureWatcherBase* w : {static_cast<QFutureWatcherBase*>(classifying_), static_cast<QFutureWatcherBase*>(imaging_)})
        if (w)
            w->waitForFinished();
}

bool LivePanel::hasInputDevice() const
{
    return devices_->count() > 0;
}

void LivePanel::refreshDevices()
{
    devices_->clear();
    for (const QAudioDevice& d : QMediaDevices::audioInputs())
        devices_->addItem(d.description(), QVariant::fromValue(d));
    const bool any = devices_->count() > 0;
    devices_->setEnabled(any);
    start_->setEnabled(any && !source_);
    status_->setText(any ? tr("Choose an input and press Listen. The genre of the last 30 s is updated every second.")
                         : tr("No audio input device was found, so live listening is not possible here. Connect a "
                              "microphone or line input (and check the sound server), and it will appear in the list."));
}

void LivePanel::startListening()
{
    if (source_ || devices_->count() == 0)
        return;
    const QAudioDevice device = devices_->currentData().value<QAudioDevice>();
    QAudioFormat format;
    format.setSampleRate(kAnalysisRate);
    format.setChannelCount(1);
    format.setSampleFormat(QAudioFormat::Float);
    if (!device.isFormatSupported(format))
        format = device.preferredFormat();
    source_ = new QAudioSource(device, format, this);
    input_ = source_->start();
    if (!input_) {
        status_->setText(tr("The input %1 could not be opened.").arg(device.description()));
        delete source_;
        source_ = nullptr;
        return;
    }
    connect(input_, &QIODevice::readyRead, this, &LivePanel::readAudio);
    start_->setEnabled(false);
    stop_->setEnabled(true);
    status_->setText(tr("Listening to %1 (%2 Hz, %3 channel(s)).").arg(device.description()).arg(format.sampleRate())
                         .arg(format.channelCount()));
}

void LivePanel::stopListening()
{
    if (!source_)
        return;
    source_->stop();
    source_->deleteLater();
    source_ = nullptr;
    input_ = nullptr;
    start_->setEnabled(devices_->count() > 0);
    stop_->setEnabled(false);
    status_->setText(tr("Stopped."));
}

void LivePanel::readAudio()
{
    if (!input_ || !source_)
        return;
    const QAudioFormat format = source_->format();
    const QByteArray bytes = input_->readAll();
    const int channels = std::max(1, format.channelCount()), bytesPerSample = std::max(1, format.bytesPerSample());
    const long frames = long(bytes.size()) / (channels * bytesPerSample);
    std::vector<float> mono(size_t(frames), 0.0f);
    for (long f = 0; f < frames; ++f) {
        float sum = 0;
        for (int c = 0; c < channels; ++c)
            sum += format.normalizedSampleValue(bytes.constData() + (f * channels + c) * bytesPerSample);
        mono[size_t(f)] = sum / float(channels);
    }
    feedSamples(mono.data(), frames, format.sampleRate());
}

void LivePanel::feedSamples(const float* samples, long count, int rate)
{
    std::vector<float> converted;
    if (rate != kAnalysisRate) {
        if (!resampler_ || resamplerRate_ != rate) {
            resampler_ = std::make_unique<Resampler>(rate, kAnalysisRate);
            resamplerRate_ = rate;
        }
        resampler_->process(samples, count, converted);
    } else {
        converted.assign(samples, samples + count);
    }
    buffer_.insert(buffer_.end(), converted.begin(), converted.end());
    samplesSinceClassified_ += long(converted.size());
    if (long(buffer_.size()) > kKeepSamples)
        buffer_.erase(buffer_.begin(), buffer_.end() - kKeepSamples);
}

double LivePanel::bufferedSeconds() const
{
    return double(buffer_.size()) / kAnalysisRate;
}

void LivePanel::tick()
{
    if (buffer_.empty())
        return;
    const long n = long(buffer_.size());
    std::vector<float> recent(buffer_.end() - std::min(n, kScopeSamples), buffer_.end());
    if (!imaging_) {  // the mel picture of the last 10 s, off the UI thread
        imaging_ = new QFutureWatcher<QImage>(this);
        connect(imaging_, &QFutureWatcherBase::finished, this, [this] {
            scope_->setMelImage(imaging_->result());
            imaging_->deleteLater();
            imaging_ = nullptr;
        });
        imaging_->setFuture(QtConcurrent::run(pools::live(), [recent] {
            static const MelSpectrogram mel;
            const Spectrogram db = powerToDb(mel.compute(recent.data(), long(recent.size())), {});
            const ArgbImage argb = renderMagma(db, -80.0f, 0.0f);
            QImage image(argb.width, argb.height, QImage::Format_RGB32);
            for (int y = 0; y < argb.height; ++y)
                std::memcpy(image.scanLine(y), argb.pixels.data() + size_t(y) * size_t(argb.width), size_t(argb.width) * 4);
            return image;
        }));
    }
    scope_->setSignal(std::move(recent));

    const auto classifier = classifier_;
    if (!classifier || classifying_ || samplesSinceClassified_ < kAnalysisRate ||
        bufferedSeconds() < classify::kMinimumSeconds)
        return;
    samplesSinceClassified_ = 0;
    classifying_ = new QFutureWatcher<std::shared_ptr<classify::SongPrediction>>(this);
    connect(classifying_, &QFutureWatcherBase::finished, this, [this] {
        try {
            const auto prediction = classifying_->result();
            genres_->setPrediction(prediction.get());
            ++classifications_;
        } catch (const QUnhandledException& e) {
            genres_->setPrediction(nullptr, workerErrorMessage(e));
        }
        classifying_->deleteLater();
        classifying_ = nullptr;
    });
    classifying_->setFuture(QtConcurrent::run(pools::live(), [classifier, window = buffer_] {
        return std::make_shared<classify::SongPrediction>(classifier->classify(window));
    }));
}

} // namespace genrescope::app
