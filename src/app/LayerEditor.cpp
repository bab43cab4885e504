#include "LayerEditor.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QVBoxLayout>

namespace genrescope::app {

namespace {

enum Column { Type, Size, Kernel, Stride, Padding, Activation, Columns };

const QStringList kActivations{QStringLiteral("relu"), QStringLiteral("tanh"), QStringLiteral("none")};

/// One spec token ("conv:16:3x3:s2x2:p1:relu") as table cells.
QStringList cellsOf(const QString& token)
{
    QStringList cells(Columns);
    const QStringList parts = token.split(QLatin1Char(':'));
    cells[Type] = parts.value(0);
    static const QRegularExpression pair(QStringLiteral("^\\d+x\\d+$"));
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QString& p = parts[i];
        if (kActivations.contains(p))
            cells[Activation] = p;
        else if (p.startsWith(QLatin1Char('s')))
            cells[Stride] = p.mid(1);
        else if (p.startsWith(QLatin1Char('p')))
            cells[Padding] = p.mid(1);
        else if (pair.match(p).hasMatch() && cells[Kernel].isEmpty())
            cells[Kernel] = p;
        else
            cells[Size] = p;
    }
    return cells;
}

QString tokenOf(const QStringList& cells)
{
    QStringList parts{cells[Type].trimmed()};
    if (!cells[Size].trimmed().isEmpty())
        parts << cells[Size].trimmed();
    if (!cells[Kernel].trimmed().isEmpty())
        parts << cells[Kernel].trimmed();
    if (!cells[Stride].trimmed().isEmpty())
        parts << QStringLiteral("s") + cells[Stride].trimmed();
    if (!cells[Padding].trimmed().isEmpty())
        parts << QStringLiteral("p") + cells[Padding].trimmed();
    if (!cells[Activation].trimmed().isEmpty())
        parts << cells[Activation].trimmed();
    return parts.join(QLatin1Char(':'));
}

} // namespace

LayerEditor::LayerEditor(QWidget* parent) : QWidget(parent), table_(new QTableWidget(0, Columns, this))
{
    table_->setHorizontalHeaderLabels({tr("Type"), tr("Units / filters / rate"), tr("Kernel"), tr("Stride"), tr("Padding"),
                                       tr("Activation")});
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    table_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setToolTip(tr("Types: dense, conv, maxpool, gap, flatten, dropout, batchnorm. Kernel and stride as 3x3; "
                          "activation relu, tanh or none. An output layer to the genres is always added."));
    table_->setMinimumHeight(120);
    auto* add = new QPushButton(tr("&Add"), this);
    auto* remove = new QPushButton(tr("Re&move"), this);
    auto* up = new QPushButton(tr("U&p"), this);
    auto* down = new QPushButton(tr("Do&wn"), this);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {add, remove, up, down})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(table_);
    layout->addLayout(buttons);

    connect(table_, &QTableWidget::itemChanged, this, [this] {
        if (!updating_)
            Q_EMIT specChanged(spec());
    });
    connect(add, &QPushButton::clicked, this, [this] {
        addRow({QStringLiteral("dense"), QStringLiteral("64"), {}, {}, {}, QStringLiteral("relu")},
               table_->currentRow() < 0 ? -1 : table_->currentRow() + 1);
        Q_EMIT specChanged(spec());
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (table_->currentRow() >= 0) {
            table_->removeRow(table_->currentRow());
            Q_EMIT specChanged(spec());
        }
    });
    connect(up, &QPushButton::clicked, this, [this] { moveCurrent(-1); });
    connect(down, &QPushButton::clicked, this, [this] { moveCurrent(+1); });
}

QString LayerEditor::spec() const
{
    QStringList tokens;
    for (int r = 0; r < table_->rowCount(); ++r) {
        QStringList cells;
        for (int c = 0; c < Columns; ++c)
            cells << (table_->item(r, c) ? table_->item(r, c)->text() : QString());
        if (!cells[Type].trimmed().isEmpty())
            tokens << tokenOf(cells);
    }
    return tokens.isEmpty() ? QStringLiteral("none") : tokens.join(QLatin1Char(','));
}

void LayerEditor::setSpec(const QString& spec)
{
    updating_ = true;
    table_->setRowCount(0);
    if (spec.trimmed() != QLatin1String("none"))
        for (const QString& token : spec.split(QLatin1Char(','), Qt::SkipEmptyParts))
            addRow(cellsOf(token.trimmed()));
    updating_ = false;
}

int LayerEditor::layerCount() const
{
    return table_->rowCount();
}

void LayerEditor::addRow(const QStringList& cells, int at)
{
    const bool wasUpdating = updating_;
    updating_ = true;
    const int row = at < 0 ? table_->rowCount() : at;
    table_->insertRow(row);
    for (int c = 0; c < Columns; ++c)
        table_->setItem(row, c, new QTableWidgetItem(cells.value(c)));
    table_->setCurrentCell(row, 0);
    updating_ = wasUpdating;
}

void LayerEditor::moveCurrent(int delta)
{
    const int row = table_->currentRow(), target = row + delta;
    if (row < 0 || target < 0 || target >= table_->rowCount())
        return;
    QStringList cells;
    for (int c = 0; c < Columns; ++c)
        cells << table_->item(row, c)->text();
    updating_ = true;
    table_->removeRow(row);
    addRow(cells, target);
    updating_ = false;
    Q_EMIT specChanged(spec());
}

} // namespace genrescope::app
