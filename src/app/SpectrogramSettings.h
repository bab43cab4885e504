#pragma once
// The spectrogram's display settings, declared once as the training settings are
// (workflow::TrainingParameter: key, label, description, range or choices, default), kept per
// user in QSettings ("spectrogram/<key>"), with the colour maps and frequency scales they name.
// They change only what is drawn: never the features or a model's input.

#include "LevelGrid.h"
#include "workflow/TrainingParameters.h"

#include <QString>

class QSettings;

namespace genrescope::app {

enum class FrequencyScale { Mel, LinearHz, LogHz };
enum class ColourMap { Magma, Viridis, Greys, InvertedGreys };

struct SpectrogramSettings {
    FrequencyScale scale = FrequencyScale::Mel;
    double floorDb = -80.0;   // dB re the song's peak drawn as the map's first colour
    double ceilingDb = 0.0;   // ... and as its last
    ColourMap colours = ColourMap::Magma;
    int fftSize = 2048;       // the analysis's (and the models'); others recompute the picture alone

    /// The settings as text by declared key, and back (unknown or invalid values keep the default).
    QString value(const QString& key) const;
    void setValue(const QString& key, const QString& text);
    static SpectrogramSettings load(const QSettings& settings);
    void save(QSettings& settings) const;
    bool operator==(const SpectrogramSettings&) const = default;
};

/// The declared settings, in the dialog's order: scale, floor, ceiling, colours, fft-size.
/// (read and write stay empty: they belong to training requests.)
const std::vector<workflow::TrainingParameter>& spectrogramParameters();

/// The 256 colours of a map, dark (low) to bright (high).
const ColourTable& colourTable(ColourMap map);
/// The colour of each level of `grid` under the settings' dB range and map.
ColourTable levelColours(const LevelGrid& grid, const SpectrogramSettings& settings);

} // namespace genrescope::app
