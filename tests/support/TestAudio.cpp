#include "TestAudio.h"

#include "dsp/MelImage.h"
#include "features/FeatureVector.h"
#include "ml/ModelFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <sndfile.h>

#include <cmath>
#include <numbers>
#include <random>

namespace testaudio {

std::vector<float> sine(double hz, double seconds, int rate, float amplitude)
{
    std::vector<float> y(size_t(std::lround(seconds * rate)));
    for (size_t i = 0; i < y.size(); ++i)
        y[i] = amplitude * float(std::sin(2.0 * std::numbers::pi * hz * double(i) / rate));
    return y;
}

std::vector<float> noise(double seconds, int rate, unsigned seed, float amplitude)
{
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(-amplitude, amplitude);
    std::vector<float> y(size_t(std::lround(seconds * rate)));
    for (float& v : y)
        v = dist(gen);
    return y;
}

std::vector<float> interleave(const std::vector<std::vector<float>>& channels)
{
    const size_t n = channels.front().size(), c = channels.size();
    std::vector<float> out(n * c);
    for (size_t i = 0; i < n; ++i)
        for (size_t ch = 0; ch < c; ++ch)
            out[i * c + ch] = channels[ch][i];
    return out;
}

bool write(const QString& path, const std::vector<float>& interleaved, int channels, int rate, int format)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!f) {
        qWarning("libsndfile cannot write %s: %s", qPrintable(path), sf_strerror(nullptr));
        return false;
    }
    const sf_count_t frames = sf_count_t(interleaved.size()) / channels;
    const sf_count_t written = sf_writef_float(f, interleaved.data(), frames);
    sf_close(f);
    return written == frames;
}

std::vector<float> readRaw(const QString& path, int* channels, int* rate)
{
    SF_INFO info{};
    SNDFILE* f = sf_open(QFile::encodeName(path).constData(), SFM_READ, &info);
    if (!f)
        return {};
    std::vector<float> data(size_t(info.frames) * size_t(info.channels));
    const sf_count_t got = sf_readf_float(f, data.data(), info.frames);
    data.resize(size_t(got) * size_t(info.channels));
    sf_close(f);
    if (channels)
        *channels = info.channels;
    if (rate)
        *rate = info.samplerate;
    return data;
}

namespace {
constexpr int kSongRate = 22050;
}

/// Chords of three harmonic notes (six partials each), a new chord every half second.
std::vector<float> toneSong(double seconds, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> pitch(110.0, 440.0);
    const size_t n = size_t(seconds * kSongRate);
    std::vector<float> y(n, 0.0f);
    const size_t chord = kSongRate / 2;
    for (size_t c0 = 0; c0 < n; c0 += chord) {
        for (int note = 0; note < 3; ++note) {
            const double f0 = pitch(rng);
            for (size_t k = c0; k < std::min(n, c0 + chord); ++k) {
                const double t = double(k - c0) / kSongRate;
                const double env = std::min(1.0, t / 0.02) * std::exp(-t * 2.0);
                double v = 0;
                for (int h = 1; h <= 6; ++h)
                    v += std::sin(2.0 * M_PI * f0 * h * t) / h;
                y[k] += float(0.08 * env * v);
            }
        }
    }
    return y;
}

/// Decaying white-noise hits at random intervals over a quiet noise floor.
std::vector<float> noiseSong(double seconds, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<double> white(0.0, 1.0);
    std::uniform_real_distribution<double> gap(0.1, 0.3);
    const size_t n = size_t(seconds * kSongRate);
    std::vector<float> y(n);
    for (size_t k = 0; k < n; ++k)
        y[k] = float(0.03 * white(rng));
    for (double t0 = 0; t0 < seconds; t0 += gap(rng))
        for (size_t k = size_t(t0 * kSongRate); k < std::min(n, size_t((t0 + 0.25) * kSongRate)); ++k)
            y[k] += float(0.4 * std::exp(-(double(k) / kSongRate - t0) / 0.04) * white(rng));
    return y;
}

bool writeSong(const QString& path, const std::vector<float>& y)
{
    QDir().mkpath(QFileInfo(path).path());
    return testaudio::write(path, y, 1, kSongRate, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
}

QString gtzanDir()
{
    QString dir = qEnvironmentVariable("GENRESCOPE_GTZAN");
    if (dir.isEmpty())
        dir = QDir(QStringLiteral(GENRESCOPE_SOURCE_DIR)).absoluteFilePath(QStringLiteral("../shared/data/gtzan"));
    return QFileInfo(dir + QStringLiteral("/README.md")).exists() ? QDir(dir).absolutePath() : QString();
}

std::vector<std::vector<double>> readCsvMatrix(const QString& path)
{
    std::vector<std::vector<double>> rows;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return rows;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        std::vector<double> row;
        for (const QByteArray& cell : line.split(','))
            row.push_back(cell.toDouble());
        rows.push_back(std::move(row));
    }
    return rows;
}

bool writeSpeech(const QString& path)
{
    const QString espeak = QStandardPaths::findExecutable(QStringLiteral("espeak-ng"));
    if (espeak.isEmpty())
        return false;
    return QProcess::execute(espeak, {QStringLiteral("-w"), path, QStringLiteral(
        "Good evening. Here is the news. The city council met today to discuss the new library, the bus "
        "timetable and the repairs to the bridge. Tomorrow will be cloudy with light rain in the afternoon.")}) == 0;
}

QByteArray wavHeader(quint16 channels, quint32 rate, quint16 bits, quint32 dataBytes, quint16 format)
{
    QByteArray h;
    auto u32 = [&](quint32 v) { for (int i = 0; i < 4; ++i) h.append(char((v >> (8 * i)) & 0xff)); };
    auto u16 = [&](quint16 v) { h.append(char(v & 0xff)); h.append(char(v >> 8)); };
    h.append("RIFF"); u32(36 + dataBytes); h.append("WAVE");
    h.append("fmt "); u32(16); u16(format); u16(channels); u32(rate);
    u32(rate * channels * bits / 8); u16(quint16(channels * bits / 8)); u16(bits);
    h.append("data"); u32(dataBytes);
    return h;
}

void writeBytes(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(bytes);
}

} // namespace testaudio

#include "CsvTable.h"

namespace testaudio {

const QStringList* CsvTable::find(const QString& key) const
{
    for (const QStringList& r : rows)
        if (!r.isEmpty() && r.front() == key)
            return &r;
    return nullptr;
}

CsvTable readCsvTable(const QString& path)
{
    CsvTable t;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return t;
    bool first = true;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty())
            continue;
        const QStringList cells = line.split(QLatin1Char(','));
        if (first)
            t.header = cells;
        else
            t.rows.push_back(cells);
        first = false;
    }
    return t;
}

void writeSeparableFeaturesCsv(const QString& path, int songs, unsigned seed)
{
    QByteArray text = genrescope::kagglecsv::header().toUtf8() + "\r\n";
    std::mt19937 rng(seed);
    std::normal_distribution<double> noise(0.0, 0.3);
    const char* genres[] = {"blues", "jazz", "rock"};
    for (int i = 0; i < songs; ++i) {
        const int c = i % 3;
        QByteArray row = QStringLiteral("%1.%2.wav,661794").arg(QLatin1String(genres[c])).arg(i, 5, 10, QLatin1Char('0')).toUtf8();
        for (int f = 0; f < genrescope::kFeatureCount; ++f)
            row += "," + QByteArray::number((f % 3 == c ? 1.0 : 0.0) + noise(rng));
        text += row + "," + genres[c] + "\r\n";
    }
    writeBytes(path, text);
}

std::shared_ptr<const genrescope::ml::Model> tinyModel(const QString& kind, const QStringList& classes)
{
    using namespace genrescope;
    auto m = std::make_shared<ml::Model>();
    const bool image = kind == QLatin1String("image");
    m->network = std::make_unique<ml::Network>(image ? QStringLiteral("conv:2:5x5:s4x4:relu,gap") : QStringLiteral("dense:8:relu"),
                                               image ? std::vector<int>{1, kMelImageRows, kMelImageColumns}
                                                     : std::vector<int>{kFeatureCount},
                                               int(classes.size()));
    m->network->initialise(image ? 2 : 1);
    m->inputKind = kind;
    m->classes = classes;
    return m;
}

} // namespace testaudio
