#include "ConfusionMatrixView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <algorithm>

namespace genrescope::app {

namespace {
constexpr int kLabelWidth = 78, kLabelHeight = 70;
}

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(300, 280);
    setToolTip(tr("Rows: true genre; columns: predicted. Click a cell (or press Enter) to list its songs."));
}

void ConfusionMatrixView::setMatrix(const std::vector<std::vector<long>>& confusion, const QStringList& classes)
{
    confusion_ = confusion;
    classes_ = classes;
    currentRow_ = currentColumn_ = 0;
    update();
}

void ConfusionMatrixView::setNormalised(bool on)
{
    normalised_ = on;
    update();
}

long ConfusionMatrixView::total() const
{
    long n = 0;
    for (const auto& row : confusion_)
        for (long v : row)
            n += v;
    return n;
}

QRect ConfusionMatrixView::cellRect(int row, int column) const
{
    const int K = int(confusion_.size());
    const int size = std::max(8, std::min((width() - kLabelWidth) / std::max(1, K), (height() - kLabelHeight) / std::max(1, K)));
    return {kLabelWidth + column * size, row * size, size, size};
}

void ConfusionMatrixView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const int K = int(confusion_.size());
    if (K == 0) {
        p.drawText(rect(), Qt::AlignCenter, tr("The confusion matrix appears when a run ends."));
        return;
    }
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() - 1));
    p.setFont(small);
    for (int r = 0; r < K; ++r) {
        long rowTotal = 0;
        for (long v : confusion_[size_t(r)])
            rowTotal += v;
        for (int c = 0; c < K; ++c) {
            const long v = confusion_[size_t(r)][size_t(c)];
            const double share = rowTotal > 0 ? double(v) / double(rowTotal) : 0.0;
            const QRect cell = cellRect(r, c);
            const QColor base = r == c ? QColor(40, 140, 80) : QColor(200, 70, 50);
            QColor fill = base;
            fill.setAlphaF(0.08 + 0.92 * share);
            p.fillRect(cell.adjusted(1, 1, -1, -1), fill);
            p.setPen(share > 0.5 ? Qt::white : palette().color(QPalette::Text));
            const QString text = normalised_ ? QString::number(share, 'f', 2) : QString::number(v);
            if (v > 0 || normalised_)
                p.drawText(cell, Qt::AlignCenter, text);
        }
        p.setPen(palette().color(QPalette::Text));
        const QRect row = cellRect(r, 0);
        p.drawText(QRect(0, row.top(), kLabelWidth - 4, row.height()), Qt::AlignRight | Qt::AlignVCenter, classes_.value(r));
    }
    for (int c = 0; c < K; ++c) {
        const QRect col = cellRect(K, c);
        p.save();
        p.translate(col.center().x() + 4, col.top() + 4);
        p.rotate(-60);
        p.drawText(QRect(-kLabelHeight, -8, kLabelHeight, 16), Qt::AlignRight | Qt::AlignVCenter, classes_.value(c));
        p.restore();
    }
    if (hasFocus()) {
        p.setPen(QPen(palette().color(QPalette::Highlight), 2));
        p.drawRect(cellRect(currentRow_, currentColumn_).adjusted(1, 1, -1, -1));
    }
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent* event)
{
    const int K = int(confusion_.size());
    for (int r = 0; r < K; ++r)
        for (int c = 0; c < K; ++c)
            if (cellRect(r, c).contains(event->position().toPoint())) {
                currentRow_ = r;
                currentColumn_ = c;
                update();
                Q_EMIT cellActivated(r, c);
                return;
            }
}

void ConfusionMatrixView::keyPressEvent(QKeyEvent* event)
{
    const int K = int(confusion_.size());
    if (K == 0)
        return QWidget::keyPressEvent(event);
    switch (event->key()) {
    case Qt::Key_Left: currentColumn_ = std::max(0, currentColumn_ - 1); break;
    case Qt::Key_Right: currentColumn_ = std::min(K - 1, currentColumn_ + 1); break;
    case Qt::Key_Up: currentRow_ = std::max(0, currentRow_ - 1); break;
    case Qt::Key_Down: currentRow_ = std::min(K - 1, currentRow_ + 1); break;
    case Qt::Key_Return:
    case Qt::Key_Enter: Q_EMIT cellActivated(currentRow_, currentColumn_); break;
    default: return QWidget::keyPressEvent(event);
    }
    update();
}

} // namespace genrescope::app
