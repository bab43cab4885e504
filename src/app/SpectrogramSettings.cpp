#include "SpectrogramSettings.h"

#include "common/Error.h"
#include "dsp/Colormap.h"

#include <QSettings>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

using workflow::ParameterType;
using workflow::TrainingParameter;

namespace {

const char* const kScaleNames[] = {"mel", "linear", "log"};
const char* const kColourNames[] = {"magma", "viridis", "greys", "inverted-greys"};

std::vector<TrainingParameter> declare()
{
    using Type = ParameterType;
    std::vector<TrainingParameter> table{
        {.key = "scale", .label = "Frequency &scale",
         .description = "The vertical axis: mel (as the analysis), linear Hz or log Hz. Linear and log Hz show the "
                        "128 mel bands placed on that axis, so low notes are as coarse as the bands there (about "
                        "26 Hz wide below 1 kHz).",
         .type = Type::Choice,
         .choices = {{"mel", "Mel"}, {"linear", "Linear Hz"}, {"log", "Log Hz"}}},
        {.key = "floor", .label = "dB &floor",
         .description = "Levels at or below this (dB re the song's loudest cell) get the map's first colour. "
                        "The song keeps 80 dB below its peak.",
         .type = Type::Real, .min = -80, .max = -10, .decimals = 0, .step = 5},
        {.key = "ceiling", .label = "dB &ceiling",
         .description = "Levels at or above this (dB re the song's loudest cell) get the map's last colour.",
         .type = Type::Real, .min = -70, .max = 0, .decimals = 0, .step = 5},
        {.key = "colours", .label = "Colour &map",
         .description = "The colours from quiet to loud.",
         .type = Type::Choice,
         .choices = {{"magma", "Magma"}, {"viridis", "Viridis"}, {"greys", "Greys (white is loud)"},
                     {"inverted-greys", "Inverted greys (black is loud)"}}},
        {.key = "fft-size", .label = "FFT si&ze",
         .description = "Samples per analysis frame of the picture (the hop stays 512). Only the picture changes: "
                        "the features and the models always use 2048. Songs over 10 minutes keep no samples and "
                        "are always shown at 2048.",
         .type = Type::Choice,
         .choices = {{"512", "512 (23 ms)"}, {"1024", "1024 (46 ms)"}, {"2048", "2048 (93 ms)"}, {"4096", "4096 (186 ms)"}}},
    };
    const SpectrogramSettings defaults;
    for (TrainingParameter& p : table)
        p.defaultValue = defaults.value(p.key);
    return table;
}

ColourTable tableOf(auto colourAt)
{
    ColourTable t{};
    for (int k = 0; k < 256; ++k) {
        const auto [r, g, b] = colourAt(k / 255.0);
        auto byte = [](double v) { return std::uint32_t(std::lround(255.0 * std::clamp(v, 0.0, 1.0))); };
        t[size_t(k)] = 0xff000000u | (byte(r) << 16) | (byte(g) << 8) | byte(b);
    }
    return t;
}

struct Rgb {
    double r, g, b;
};

/// matplotlib's viridis as Matt Zucker's degree-6 polynomial fit (CC0), within 1/255 of the table.
Rgb viridis(double t)
{
    static constexpr double c[7][3] = {
        {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
        {0.1050930431085774, 1.404613529898575, 1.384590162594685},
        {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
        {-4.634230498983486, -5.799100973351585, -19.33244095627987},
        {6.228269936347081, 14.17993336680509, 56.69055260068105},
        {4.776384997670288, -13.74514537774601, -65.35303263337234},
        {-5.435455855934631, 4.645852612178535, 26.3124352495832}};
    double v[3];
    for (int ch = 0; ch < 3; ++ch) {
        double acc = c[6][ch];
        for (int i = 5; i >= 0; --i)
            acc = c[i][ch] + t * acc;
        v[ch] = acc;
    }
    return {v[0], v[1], v[2]};
}

} // namespace

const std::vector<TrainingParameter>& spectrogramParameters()
{
    static const std::vector<TrainingParameter> table = declare();
    return table;
}

QString SpectrogramSettings::value(const QString& key) const
{
    if (key == QLatin1String("scale"))
        return QLatin1String(kScaleNames[int(scale)]);
    if (key == QLatin1String("floor"))
        return workflow::parameterNumberText(floorDb);
    if (key == QLatin1String("ceiling"))
        return workflow::parameterNumberText(ceilingDb);
    if (key == QLatin1String("colours"))
        return QLatin1String(kColourNames[int(colours)]);
    if (key == QLatin1String("fft-size"))
        return QString::number(fftSize);
    return {};
}

void SpectrogramSettings::setValue(const QString& key, const QString& text)
{
    const auto p = std::find_if(spectrogramParameters().begin(), spectrogramParameters().end(),
                                [&](const TrainingParameter& q) { return q.key == key; });
    if (p == spectrogramParameters().end())
        return;
    QVariant v;
    try {
        v = p->parse(text);
    } catch (const Error&) {
        return;  // a value edited by hand outside its range: the current one stays
    }
    if (key == QLatin1String("scale"))
        scale = FrequencyScale(std::find(std::begin(kScaleNames), std::end(kScaleNames), text) - std::begin(kScaleNames));
    else if (key == QLatin1String("floor"))
        floorDb = v.toDouble();
    else if (key == QLatin1String("ceiling"))
        ceilingDb = v.toDouble();
    else if (key == QLatin1String("colours"))
        colours = ColourMap(std::find(std::begin(kColourNames), std::end(kColourNames), text) - std::begin(kColourNames));
    else if (key == QLatin1String("fft-size"))
        fftSize = v.toString().toInt();
}

SpectrogramSettings SpectrogramSettings::load(const QSettings& settings)
{
    SpectrogramSettings s;
    for (const TrainingParameter& p : spectrogramParameters()) {
        const QVariant stored = settings.value(QStringLiteral("spectrogram/") + p.key);
        if (stored.isValid())
            s.setValue(p.key, stored.toString());
    }
    if (s.ceilingDb <= s.floorDb)  // a range edited by hand upside down
        s.ceilingDb = SpectrogramSettings{}.ceilingDb, s.floorDb = SpectrogramSettings{}.floorDb;
    return s;
}

void SpectrogramSettings::save(QSettings& settings) const
{
    for (const TrainingParameter& p : spectrogramParameters())
        settings.setValue(QStringLiteral("spectrogram/") + p.key, value(p.key));
}

const ColourTable& colourTable(ColourMap map)
{
    static const ColourTable magma = tableOf([](double t) {
        const auto& c = magmaTable()[size_t(std::lround(t * 255.0))];
        return Rgb{c[0], c[1], c[2]};
    });
    static const ColourTable viridisTable = tableOf(viridis);
    static const ColourTable greys = tableOf([](double t) { return Rgb{t, t, t}; });
    static const ColourTable inverted = tableOf([](double t) { return Rgb{1 - t, 1 - t, 1 - t}; });
    switch (map) {
    case ColourMap::Magma: return magma;
    case ColourMap::Viridis: return viridisTable;
    case ColourMap::Greys: return greys;
    case ColourMap::InvertedGreys: return inverted;
    }
    return magma;
}

ColourTable levelColours(const LevelGrid& grid, const SpectrogramSettings& settings)
{
    const ColourTable& map = colourTable(settings.colours);
    ColourTable out{};
    const double span = std::max(1e-6, settings.ceilingDb - settings.floorDb);
    for (int level = 0; level < 256; ++level) {
        const double t = (grid.valueOf(level) - settings.floorDb) / span;
        out[size_t(level)] = map[size_t(std::clamp(int(std::floor(t * 256.0)), 0, 255))];
    }
    return out;
}

} // namespace genrescope::app
