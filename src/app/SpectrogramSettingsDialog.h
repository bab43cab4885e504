#pragma once
// "Spectrogram settings…": one widget per declared setting (SpectrogramSettings.h), each named
// by its key, applied as it changes and saved in QSettings.

#include "SpectrogramSettings.h"

#include <QDialog>

namespace genrescope::app {

class SpectrogramSettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SpectrogramSettingsDialog(const SpectrogramSettings& settings, QWidget* parent = nullptr);
    const SpectrogramSettings& settings() const { return settings_; }

Q_SIGNALS:
    void settingsChanged(const genrescope::app::SpectrogramSettings& settings);

private:
    void change(const QString& key, const QString& value);
    SpectrogramSettings settings_;
};

} // namespace genrescope::app
