#include "SpectrogramSettingsDialog.h"

#include "ParameterWidgets.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace genrescope::app {

using workflow::ParameterType;

SpectrogramSettingsDialog::SpectrogramSettingsDialog(const SpectrogramSettings& settings, QWidget* parent)
    : QDialog(parent), settings_(settings)
{
    setObjectName(QStringLiteral("spectrogramSettings"));
    setWindowTitle(tr("Spectrogram Settings"));
    auto* form = new QFormLayout(this);
    for (const workflow::TrainingParameter& p : spectrogramParameters()) {
        QWidget* widget = nullptr;
        const QString key = p.key;
        if (p.type == ParameterType::Choice) {
            auto* box = new QComboBox(this);
            configureWidget(box, p);
            box->setCurrentIndex(std::max(0, box->findData(settings_.value(key))));
            connect(box, &QComboBox::currentIndexChanged, this,
                    [this, box, key] { change(key, box->currentData().toString()); });
            widget = box;
        } else {
            auto* box = new QDoubleSpinBox(this);
            configureWidget(box, p);
            box->setSuffix(tr(" dB"));
            box->setValue(settings_.value(key).toDouble());
            connect(box, &QDoubleSpinBox::valueChanged, this,
                    [this, key](double v) { change(key, workflow::parameterNumberText(v)); });
            widget = box;
        }
        widget->setObjectName(key);
        auto* label = new QLabel(p.label + QLatin1Char(':'), this);
        label->setBuddy(widget);
        form->addRow(label, widget);
    }
    auto* help = new QLabel(tr("Linear and log Hz place the 128 mel bands on that axis: below 1 kHz each band is "
                               "about 26 Hz wide. A new FFT size recomputes the picture of the song shown (songs "
                               "up to 10 minutes; longer ones keep 2048). The features and the models always use "
                               "the analysis's 2048."),
                            this);
    help->setObjectName(QStringLiteral("spectrogramSettingsHelp"));
    help->setWordWrap(true);
    form->addRow(help);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        const SpectrogramSettings defaults;
        for (const workflow::TrainingParameter& p : spectrogramParameters()) {
            if (auto* box = findChild<QComboBox*>(p.key))
                box->setCurrentIndex(std::max(0, box->findData(defaults.value(p.key))));
            else if (auto* spin = findChild<QDoubleSpinBox*>(p.key))
                spin->setValue(defaults.value(p.key).toDouble());
        }
    });
    form->addRow(buttons);
}

void SpectrogramSettingsDialog::change(const QString& key, const QString& value)
{
    SpectrogramSettings next = settings_;
    next.setValue(key, value);
    if (next.ceilingDb <= next.floorDb)  // the range stays the right way up: the other end moves
        (key == QLatin1String("floor") ? next.ceilingDb : next.floorDb) =
            key == QLatin1String("floor") ? std::min(0.0, next.floorDb + 10) : std::max(-80.0, next.ceilingDb - 10);
    if (next == settings_)
        return;
    settings_ = next;
    for (const char* end : {"floor", "ceiling"})
        if (auto* spin = findChild<QDoubleSpinBox*>(QLatin1String(end)); spin && spin->value() != settings_.value(QLatin1String(end)).toDouble()) {
            const QSignalBlocker block(spin);
            spin->setValue(settings_.value(QLatin1String(end)).toDouble());
        }
    QSettings qs;
    settings_.save(qs);
    Q_EMIT settingsChanged(settings_);
}

} // namespace genrescope::app
