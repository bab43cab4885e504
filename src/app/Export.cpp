#include "Export.h"

#include "FileDialogs.h"

#include "ConfusionMatrixView.h"

#include "common/Error.h"
#include "common/OutputFile.h"

#include <QAbstractItemModel>
#include <QAbstractItemView>
#include <QBuffer>
#include <QChartView>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QPainter>
#include <QSvgGenerator>

namespace genrescope::app {

namespace {

/// The save dialog has asked before replacing a file. Returns the error, or empty.
QString writeAtomically(const QString& path, const QByteArray& bytes)
{
    try {
        writeFileAtomically(path, bytes, true);
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

QString csvCell(QString text)
{
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) || text.contains(QLatin1Char('\n')))
        text = QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
    return text;
}

} // namespace

QString exportImage(QWidget* widget, const QString& path)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(widget->size());
        svg.setViewBox(widget->rect());
        svg.setTitle(widget->windowTitle());
        QPainter painter(&svg);
        widget->render(&painter);
    } else if (!widget->grab().save(&buffer, "PNG")) {
        return QObject::tr("Cannot render the view as PNG.");
    }
    return writeAtomically(path, bytes);
}

QString exportCsv(const QAbstractItemModel* model, const QString& path)
{
    QStringList lines, cells;
    for (int c = 0; c < model->columnCount(); ++c)
        cells << csvCell(model->headerData(c, Qt::Horizontal).toString());
    lines << cells.join(QLatin1Char(','));
    for (int r = 0; r < model->rowCount(); ++r) {
        cells.clear();
        for (int c = 0; c < model->columnCount(); ++c)
            cells << csvCell(model->index(r, c).data().toString());
        lines << cells.join(QLatin1Char(','));
    }
    return writeAtomically(path, (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toUtf8());
}

QString exportMarkers(const std::vector<workflow::GenreMarker>& markers, const QStringList& classes,
                      workflow::MarkerFormat format, const QString& path)
{
    return writeAtomically(path, workflow::markerFile(markers, classes, format));
}

QString exportImageInteractively(QWidget* widget, const QString& suggestedName)
{
    const QString path = QFileDialog::getSaveFileName(widget, QObject::tr("Export as image"),
                                                      QDir(lastFolder()).filePath(suggestedName + QStringLiteral(".png")),
                                                      QObject::tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return {};
    rememberFolder(path);
    const QString error = exportImage(widget, path);
    return error.isEmpty() ? QObject::tr("Exported %1").arg(path) : error;
}

QString exportCsvInteractively(QWidget* parent, const QAbstractItemModel* model, const QString& suggestedName)
{
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export as CSV"),
                                                      QDir(lastFolder()).filePath(suggestedName + QStringLiteral(".csv")),
                                                      QObject::tr("CSV table (*.csv)"));
    if (path.isEmpty())
        return {};
    rememberFolder(path);
    const QString error = exportCsv(model, path);
    return error.isEmpty() ? QObject::tr("Exported %1").arg(path) : error;
}

QString exportMarkersInteractively(QWidget* parent, const std::vector<workflow::GenreMarker>& markers,
                                   const QStringList& classes, const QString& suggestedName)
{
    using workflow::MarkerFormat;
    const std::pair<QString, MarkerFormat> filters[] = {
        {QObject::tr("Audacity labels (*.txt)"), MarkerFormat::Audacity},
        {QObject::tr("Sonic Visualiser labels (*.txt *.lab)"), MarkerFormat::SonicVisualiser},
        {QObject::tr("CSV table (*.csv)"), MarkerFormat::Csv},
    };
    QStringList names;
    for (const auto& [name, format] : filters)
        names << name;
    QString chosen = names.first();
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export genre markers"),
                                                      QDir(lastFolder()).filePath(suggestedName + QStringLiteral(".txt")),
                                                      names.join(QStringLiteral(";;")), &chosen);
    if (path.isEmpty())
        return {};
    rememberFolder(path);
    MarkerFormat format = path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive) ? MarkerFormat::Csv : MarkerFormat::Audacity;
    for (const auto& [name, f] : filters)
        if (name == chosen && !path.endsWith(QStringLiteral(".csv"), Qt::CaseInsensitive))
            format = f;
    const QString error = exportMarkers(markers, classes, format, path);
    return error.isEmpty() ? QObject::tr("Exported %n genre marker(s) as %1 to %2", nullptr, int(markers.size()))
                                 .arg(workflow::markerFormatName(format), path)
                           : error;
}

void installExportMenus(QWidget* root)
{
    QList<QWidget*> images;
    for (QChartView* chart : root->findChildren<QChartView*>())
        images << chart;
    for (ConfusionMatrixView* matrix : root->findChildren<ConfusionMatrixView*>())
        images << matrix;
    for (QWidget* w : images) {
        w->setContextMenuPolicy(Qt::CustomContextMenu);
        QObject::connect(w, &QWidget::customContextMenuRequested, w, [w](const QPoint& at) {
            QMenu menu;
            menu.addAction(QObject::tr("Export as PNG or SVG…"), w, [w] { exportImageInteractively(w, QStringLiteral("genrescope-chart")); });
            menu.exec(w->mapToGlobal(at));
        });
    }
    for (QAbstractItemView* view : root->findChildren<QAbstractItemView*>()) {
        if (!view->model() || view->inherits("QListView") || view->inherits("QComboBoxListView") ||
            view->property(kOwnContextMenu).toBool())
            continue;
        view->setContextMenuPolicy(Qt::CustomContextMenu);
        QObject::connect(view, &QWidget::customContextMenuRequested, view, [view](const QPoint& at) {
            QMenu menu;
            menu.addAction(QObject::tr("Export as CSV…"), view,
                           [view] { exportCsvInteractively(view, view->model(), QStringLiteral("genrescope-table")); });
            menu.exec(view->viewport()->mapToGlobal(at));
        });
    }
}

} // namespace genrescope::app
