#pragma once
// Test helpers: synthesised signals written in any libsndfile format, the
// shared GTZAN data's location, and reading reference CSV matrices.

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace genrescope::ml { struct Model; }

namespace testaudio {

std::vector<float> sine(double hz, double seconds, int rate, float amplitude = 0.5f);
std::vector<float> noise(double seconds, int rate, unsigned seed, float amplitude = 0.3f);
/// Interleaves channels of equal length.
std::vector<float> interleave(const std::vector<std::vector<float>>& channels);

/// Writes interleaved samples with libsndfile; format is SF_FORMAT_* (major | subtype).
/// Returns false (and a reason via QWARN) when libsndfile refuses.
bool write(const QString& path, const std::vector<float>& interleaved, int channels, int rate, int format);

/// Reads a file exactly as libsndfile's float read gives it (interleaved).
std::vector<float> readRaw(const QString& path, int* channels = nullptr, int* rate = nullptr);

/// The shared GTZAN folder (GENRESCOPE_GTZAN, else ../shared/data/gtzan beside the repo), or empty.
QString gtzanDir();

/// Synthetic "genres" at 22050 Hz: chords of three harmonic notes (six partials each), a new
/// chord every half second, against decaying white-noise hits over a quiet noise floor.
std::vector<float> toneSong(double seconds, unsigned seed);
std::vector<float> noiseSong(double seconds, unsigned seed);
/// A 16-bit mono WAV at 22050 Hz, its folder made first.
bool writeSong(const QString& path, const std::vector<float>& y);

/// A numeric CSV as rows of doubles.
std::vector<std::vector<double>> readCsvMatrix(const QString& path);

/// A Kaggle features CSV of `songs` songs in three separable classes (blues, jazz, rock,
/// in turn): feature f is near 1 for class f % 3 and near 0 otherwise.
void writeSeparableFeaturesCsv(const QString& path, int songs, unsigned seed = 1);

/// An untrained model taking "features" (a small MLP) or "image" (a small CNN) input, with
/// fixed initial weights, for these classes.
std::shared_ptr<const genrescope::ml::Model> tinyModel(const QString& kind,
                                                       const QStringList& classes = {"blues", "jazz", "rock"});

/// Writes about 12 s of espeak-ng speech (a news bulletin) as WAV; false when espeak-ng is missing.
bool writeSpeech(const QString& path);

/// A 44-byte WAV header stating whatever it is given (format 1: PCM, 3: float), for hand-made files.
QByteArray wavHeader(quint16 channels, quint32 rate, quint16 bits, quint32 dataBytes, quint16 format = 1);

/// Writes bytes to a file (for hand-made broken inputs).
void writeBytes(const QString& path, const QByteArray& bytes);

} // namespace testaudio
