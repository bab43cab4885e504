#pragma once
// Exporting what the app shows: any view or chart as PNG or SVG, any table as
// CSV. Files are written atomically (QSaveFile). Right-clicking a chart or a
// table under a widget offers the export (installExportMenus).

#include <QList>
#include "workflow/GenreMarkers.h"

#include <QString>

#include <Qt>

class QAbstractItemModel;
class QWidget;

namespace genrescope::app {

/// What a CSV export writes for a cell when the model gives it (numbers at full precision);
/// otherwise the cell's display text.
inline constexpr int kCsvRole = Qt::UserRole + 100;

/// PNG (at the screen's pixel ratio) or SVG, chosen by the file suffix. Empty on success, else the reason.
QString exportImage(QWidget* widget, const QString& path);
/// The widgets one under the other, left-aligned, in one PNG or SVG (e.g. the plot area's views).
QString exportImage(const QList<QWidget*>& widgets, const QString& path);
/// The model's cells (kCsvRole, else display text) with its horizontal header, RFC 4180 quoting.
/// Empty on success, else the reason.
QString exportCsv(const QAbstractItemModel* model, const QString& path);

/// Genre markers as a label file (workflow::markerFile). Empty on success, else the reason.
QString exportMarkers(const std::vector<workflow::GenreMarker>& markers, const QStringList& classes,
                      workflow::MarkerFormat format, const QString& path);

/// Asks for a file and exports; returns a status message for people ("Exported …"), or empty when cancelled.
QString exportImageInteractively(QWidget* widget, const QString& suggestedName);
QString exportImageInteractively(QWidget* parent, const QList<QWidget*>& widgets, const QString& suggestedName);
/// With `what` ("the song list"), the message says what was exported and how many rows.
QString exportCsvInteractively(QWidget* parent, const QAbstractItemModel* model, const QString& suggestedName,
                               const QString& what = {});
/// The format is chosen in the dialog (Audacity labels, Sonic Visualiser labels or CSV).
QString exportMarkersInteractively(QWidget* parent, const std::vector<workflow::GenreMarker>& markers,
                                   const QStringList& classes, const QString& suggestedName);

/// A view with this property set true keeps its own context menu (installExportMenus skips it).
inline constexpr char kOwnContextMenu[] = "genrescopeOwnContextMenu";

/// Adds "Export as PNG/SVG…" to every chart and confusion matrix and "Export as CSV…" to every table under root.
void installExportMenus(QWidget* root);

} // namespace genrescope::app
