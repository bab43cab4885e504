#include "workflow/GenreMarkers.h"

#include <QLocale>

namespace genrescope::workflow {

namespace {

constexpr MarkerFormat kFormats[] = {MarkerFormat::Csv, MarkerFormat::Audacity, MarkerFormat::SonicVisualiser};

/// Tabs and line breaks would split a label file's fields or lines.
QString oneLine(QString text)
{
    for (QChar c : {QLatin1Char('\t'), QLatin1Char('\r'), QLatin1Char('\n')})
        text.replace(c, QLatin1Char(' '));
    return text;
}

QString quoted(QString text)
{
    return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

QString seconds6(double s)
{
    return QString::number(s, 'f', 6);
}

} // namespace

std::vector<GenreMarker> genreChangeMarkers(const classify::SongPrediction& prediction)
{
    std::vector<GenreMarker> markers;
    int previous = -1;
    for (size_t i = 0; i < prediction.windows.size(); ++i) {
        const auto [top, p] = classify::topClass(prediction.windows[i].ensemble);
        if (top < 0)
            continue;
        const auto [start, end] = classify::timelineSpan(prediction, i);
        if (previous >= 0 && top != previous)
            markers.push_back({start, end, previous, top, p});
        else if (!markers.empty())  // the run after the last change goes on
            markers.back().end = end;
        previous = top;
    }
    return markers;
}

QString markerLabel(const GenreMarker& marker, const QStringList& classes)
{
    const auto name = [&](int c) { return c >= 0 && c < classes.size() ? classes[c] : QStringLiteral("?"); };
    return QStringLiteral("%1 → %2").arg(name(marker.from), name(marker.to));
}

QString markerFormatName(MarkerFormat format)
{
    switch (format) {
    case MarkerFormat::Csv: return QStringLiteral("csv");
    case MarkerFormat::Audacity: return QStringLiteral("audacity");
    case MarkerFormat::SonicVisualiser: return QStringLiteral("sonic-visualiser");
    }
    return {};
}

MarkerFormat markerFormatForPath(const QString& path, MarkerFormat otherwise)
{
    return path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive) ? MarkerFormat::Csv : otherwise;
}

std::optional<MarkerFormat> markerFormatNamed(const QString& name)
{
    for (MarkerFormat f : kFormats)
        if (markerFormatName(f) == name)
            return f;
    return std::nullopt;
}

QStringList markerFormatNames()
{
    QStringList names;
    for (MarkerFormat f : kFormats)
        names << markerFormatName(f);
    return names;
}

QByteArray markerFile(const std::vector<GenreMarker>& markers, const QStringList& classes, MarkerFormat format)
{
    QString text;
    if (format == MarkerFormat::Csv)
        text += QStringLiteral("time,end,label\n");
    for (const GenreMarker& m : markers) {
        const QString label = oneLine(markerLabel(m, classes));
        switch (format) {
        case MarkerFormat::Csv: {
            const auto exact = [](double s) { return QString::number(s, 'g', QLocale::FloatingPointShortest); };
            const bool quote = label.contains(QLatin1Char(',')) || label.contains(QLatin1Char('"'));
            text += QStringLiteral("%1,%2,%3\n").arg(exact(m.time), exact(m.end), quote ? quoted(label) : label);
            break;
        }
        case MarkerFormat::Audacity:
            text += QStringLiteral("%1\t%2\t%3\n").arg(seconds6(m.time), seconds6(m.end), label);
            break;
        case MarkerFormat::SonicVisualiser: {
            // Sonic Visualiser guesses the separator trying the comma first: a label with one is quoted.
            const bool quote = label.contains(QLatin1Char(',')) || label.contains(QLatin1Char('"'));
            text += QStringLiteral("%1\t%2\n").arg(seconds6(m.time), quote ? quoted(label) : label);
            break;
        }
        }
    }
    return text.toUtf8();
}

} // namespace genrescope::workflow
