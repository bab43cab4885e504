#pragma once
// Markers where the ensemble's top genre changes along a song, and the label files
// they are exported as: CSV, Audacity labels and Sonic Visualiser annotations.

#include "classify/GenreClassifier.h"

#include <QByteArray>
#include <QStringList>

#include <optional>
#include <vector>

namespace genrescope::workflow {

/// A change of the ensemble's top genre between consecutive windows.
struct GenreMarker {
    double time = 0.0;        // where the new genre's first window starts on the timeline (classify::timelineSpan)
    double end = 0.0;         // where the new genre's run of windows ends on the timeline
    int from = -1, to = -1;   // class indices
    float confidence = 0.0f;  // the ensemble's probability of `to` in the first window of the run
};

/// The markers of a song, in time order, from its windows' own start and end times (windows
/// without ensemble probabilities are skipped).
std::vector<GenreMarker> genreChangeMarkers(const classify::SongPrediction& prediction);

/// "rock → metal".
QString markerLabel(const GenreMarker& marker, const QStringList& classes);

enum class MarkerFormat {
    Csv,              // "time,end,label" header, seconds at full precision (shortest exact), RFC 4180 quoting
    Audacity,         // "start\tend\tlabel" per line, seconds with 6 decimals (a region label per genre run)
    SonicVisualiser,  // "time\tlabel" per line, seconds with 6 decimals (imports as a time-instants layer)
};
/// "csv", "audacity", "sonic-visualiser" (the CLI's --marker-format), and back.
QString markerFormatName(MarkerFormat format);
std::optional<MarkerFormat> markerFormatNamed(const QString& name);
QStringList markerFormatNames();
/// The format a file of this name gets: CSV for a ".csv" name, else `otherwise`.
MarkerFormat markerFormatForPath(const QString& path, MarkerFormat otherwise);

/// The file's bytes (UTF-8, one line per marker, newline-terminated).
QByteArray markerFile(const std::vector<GenreMarker>& markers, const QStringList& classes, MarkerFormat format);

} // namespace genrescope::workflow
