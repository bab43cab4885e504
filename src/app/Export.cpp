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

#include <algorithm>

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
    return exportImage(QList<QWidget*>{widget}, path);
}

QString exportImage(const QList<QWidget*>& widgets, const QString& path)
{
    if (widgets.isEmpty())
        return QObject::tr("There is nothing to export.");
    QSize size(0, 0);
    for (const QWidget* w : widgets)
        size = {std::max(size.width(), w->width()), size.height() + w->height()};
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    auto paintAll = [&widgets](QPainter& painter) {
        int y = 0;
        for (QWidget* w : widgets) {
            w->render(&painter, QPoint(0, y));
            y += w->height();
        }
    };
    if (QFileInfo(path).suffix().compare(QLatin1String("svg"), Qt::CaseInsensitive) == 0) {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(widgets.front()->window()->windowTitle());
        QPainter painter(&svg);
        paintAll(painter);
    } else {
        const qreal ratio = widgets.front()->devicePixelRatioF();
        QImage image(size * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(widgets.front()->palette().window().color());
        {
            QPainter painter(&image);
            paintAll(painter);
        }
        if (!image.save(&buffer, "PNG"))
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
        {
            const QModelIndex index = model->index(r, c);
            const QVariant exact = index.data(kCsvRole);
            cells << csvCell(exact.isValid() ? exact.toString() : index.data().toString());
        }
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
    return exportImageInteractively(widget, QList<QWidget*>{widget}, suggestedName);
}

QString exportImageInteractively(QWidget* parent, const QList<QWidget*>& widgets, const QString& suggestedName)
{
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export as image"),
                                                      QDir(lastFolder()).filePath(suggestedName + QStringLiteral(".png")),
                                                      QObject::tr("PNG image (*.png);;SVG drawing (*.svg)"));
    if (path.isEmpty())
        return {};
    rememberFolder(path);
    const QString error = exportImage(widgets, path);
    return error.isEmpty() ? QObject::tr("Exported %1").arg(path) : error;
}

QString exportCsvInteractively(QWidget* parent, const QAbstractItemModel* model, const QString& suggestedName,
                               const QString& what)
{
    const QString path = QFileDialog::getSaveFileName(parent, QObject::tr("Export as CSV"),
                                                      QDir(lastFolder()).filePath(suggestedName + QStringLiteral(".csv")),
                                                      QObject::tr("CSV table (*.csv)"));
    if (path.isEmpty())
        return {};
    rememberFolder(path);
    const QString error = exportCsv(model, path);
    if (!error.isEmpty())
        return error;
    if (what.isEmpty())
        return QObject::tr("Exported %1").arg(path);
    const int rows = model->rowCount();
    return QObject::tr("Exported %1 (%2) to %3")
        .arg(what, rows == 1 ? QObject::tr("1 row") : QObject::tr("%1 rows").arg(rows), path);
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
    MarkerFormat filter = MarkerFormat::Audacity;
    for (const auto& [name, f] : filters)
        if (name == chosen)
            filter = f;
    const MarkerFormat format = workflow::markerFormatForPath(path, filter);
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
