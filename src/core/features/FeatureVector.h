#pragma once
// The 57 GTZAN/Kaggle features, named and ordered as in Kaggle's
// features_30_sec.csv and features_3_sec.csv, and that CSV schema:
// filename,length,<57 features>,label.

#include <QString>
#include <QStringList>

#include <array>
#include <vector>

namespace genrescope {

inline constexpr int kFeatureCount = 57;

/// Column names in Kaggle's order: chroma_stft_mean, chroma_stft_var, rms_mean, ..., tempo, mfcc1_mean, ..., mfcc20_var.
const std::array<QString, kFeatureCount>& featureNames();
/// Index of a feature name, or -1.
int featureIndex(const QString& name);
/// The features that are positive and heavy-tailed (every variance, and the means of
/// chroma, RMS, centroid, bandwidth, rolloff, zero-crossing rate, and tempo): an MLP
/// learns them better on a log scale.
std::vector<int> logScaledFeatures();

using FeatureValues = std::array<double, kFeatureCount>;

/// One CSV row: a whole clip or one window of it.
struct FeatureRow {
    QString filename;  // "blues.00000.wav", or "<stem>.<i>.wav" for the i-th window
    long length = 0;   // samples in the window at 22050 Hz
    FeatureValues values{};
    QString label;     // genre; may be empty

    /// The song a row belongs to: the filename without ".wav" and without a window index.
    QString songId() const;
};

/// The song id of a Kaggle filename: "blues.00000.3.wav" and "blues.00000.wav" both give "blues.00000".
QString songIdFromFilename(const QString& filename);

namespace kagglecsv {

/// The header line (without line ending).
QString header();
/// One row as Kaggle writes it (shortest round-trip numbers), without line ending; a
/// filename or label holding a comma, quote or line break is quoted (RFC 4180).
QString formatRow(const FeatureRow& row);
/// Header and rows with CRLF line endings, as Kaggle's files.
QByteArray write(const std::vector<FeatureRow>& rows);

/// The most characters of a cell, name or label a message shows.
inline constexpr qsizetype kShownChars = 60;
/// A cell, name or label as a one-line message shows it: control characters escaped
/// (\n, \t, \x1b), cut to kShownChars characters with an ellipsis.
QString shownCell(const QString& text);

/// Parses a features CSV (30 s or 3 s): RFC 4180 quoting (cells in double quotes,
/// "" for a quote, commas and line breaks inside quotes), LF, CRLF or CR line endings,
/// an optional UTF-8 byte order mark. Throws genrescope::Error (InvalidArgument) with
/// the source, line and column for NUL bytes, empty files, missing or unknown columns,
/// unclosed quotes, non-numeric or non-finite cells and ragged rows; any cell a message
/// shows is cut short (shownCell). A label column is optional.
std::vector<FeatureRow> parse(const QByteArray& bytes, const QString& sourceName);
std::vector<FeatureRow> read(const QString& path);

} // namespace kagglecsv
} // namespace genrescope
