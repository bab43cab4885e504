#include "FeaturePaneView.h"

#include "SpectrogramSettings.h"
#include "ViewStyle.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace genrescope::app {

namespace {

/// A blue-white-red map for signed values (MFCCs): -1 blue, 0 light grey, +1 red.
const ColourTable& divergingColours()
{
    static const ColourTable table = [] {
        ColourTable t{};
        const double cold[3] = {59, 76, 192}, mid[3] = {221, 221, 221}, warm[3] = {180, 4, 38};
        for (int k = 0; k < 256; ++k) {
            const double u = k / 255.0;
            const double* a = u < 0.5 ? cold : mid;
            const double* b = u < 0.5 ? mid : warm;
            const double f = u < 0.5 ? u * 2 : (u - 0.5) * 2;
            std::uint32_t c = 0xff000000u;
            for (int ch = 0; ch < 3; ++ch)
                c |= std::uint32_t(std::lround(a[ch] + f * (b[ch] - a[ch]))) << (16 - 8 * ch);
            t[size_t(k)] = c;
        }
        return t;
    }();
    return table;
}

} // namespace

FeaturePaneView::FeaturePaneView(Feature feature, QWidget* parent) : TimelineView(parent), feature_(feature)
{
    setObjectName(feature == Feature::Chroma ? QStringLiteral("chromaView") : QStringLiteral("mfccView"));
    setToolTip(feature == Feature::Chroma
                   ? tr("Chroma: the energy of each pitch class (C to B, all octaves), each frame scaled to its loudest class.")
                   : tr("MFCC: the 20 mel-frequency cepstral coefficients (0 at the bottom), each divided by its "
                        "largest magnitude in the song."));
}

void FeaturePaneView::setSong(SongAnalysisPtr song)
{
    song_ = std::move(song);
    update();
}

const LevelGrid* FeaturePaneView::levels() const
{
    if (!song_)
        return nullptr;
    const LevelGrid& grid = feature_ == Feature::Chroma ? song_->chroma : song_->mfcc;
    return grid.empty() ? nullptr : &grid;
}

const ColourTable& FeaturePaneView::colours() const
{
    return feature_ == Feature::Chroma ? colourTable(ColourMap::Magma) : divergingColours();
}

QString FeaturePaneView::rowLabel(int row) const
{
    static const char* const names[] = {"C", "C♯", "D", "D♯", "E", "F", "F♯", "G", "G♯", "A", "A♯", "B"};
    if (feature_ == Feature::Chroma)
        return row >= 0 && row < 12 ? QString::fromUtf8(names[row]) : QString();
    return QString::number(row);
}

QRect FeaturePaneView::plotRect() const
{
    return viewstyle::plotArea(rect());
}

int FeaturePaneView::rowAt(const QPoint& pos) const
{
    const QRect r = plotRect();
    const LevelGrid* grid = levels();
    if (!grid || !r.contains(pos))
        return -1;
    return std::clamp(int((r.top() + r.height() - pos.y() - 0.5) * grid->rows() / r.height()), 0, grid->rows() - 1);
}

void FeaturePaneView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), viewstyle::background());
    const QRect r = plotRect();
    p.fillRect(r, viewstyle::plotBackground());
    const LevelGrid* grid = levels();
    if (grid && timeAxis() && r.width() > 0 && r.height() > 0) {
        const TimeAxis* axis = timeAxis();
        const RenderKey key{grid, axis->viewStart(), axis->viewEnd(), r.size()};
        if (!(key == rendered_) || plotImage_.isNull()) {
            rendered_ = key;
            if (plotImage_.size() != r.size())
                plotImage_ = QImage(r.size(), QImage::Format_RGB32);
            std::vector<int> rowOfY(size_t(r.height()));
            for (int y = 0; y < r.height(); ++y)
                rowOfY[size_t(y)] = std::clamp(int((r.height() - y - 0.5) * grid->rows() / r.height()), 0, grid->rows() - 1);
            const double fs = song_->frameSeconds();
            renderLevels(*grid, axis->viewStart() / fs + 0.5, axis->viewEnd() / fs + 0.5, rowOfY, colours(),
                         viewstyle::plotBackground().rgb(), plotImage_);
        }
        p.drawImage(r.topLeft(), plotImage_);
        viewstyle::drawTimeTicks(p, r, *axis, true);
        drawPlayhead(p);
    }
    drawRowAxis(p, r);
    drawLegend(p, r);
}

void FeaturePaneView::drawRowAxis(QPainter& p, const QRect& r) const
{
    const int rows = feature_ == Feature::Chroma ? 12 : 20;
    const QFontMetrics fm(p.font());
    const double rowHeight = double(r.height()) / rows;
    const int every = std::max(1, int(std::ceil((fm.height() + 1) / std::max(1.0, rowHeight))));
    // The chroma's rows that fit: all, else C D E G A B, C E A or A alone (never two adjacent).
    std::vector<int> labelled;
    if (feature_ == Feature::Chroma && every > 1)
        labelled = every == 2 ? std::vector<int>{0, 2, 4, 7, 9, 11} : every <= 4 ? std::vector<int>{0, 4, 9} : std::vector<int>{9};
    else
        for (int row = 0; row < rows; row += every)
            labelled.push_back(row);
    p.setPen(viewstyle::text());
    for (int row : labelled) {
        const double y = r.top() + r.height() - (row + 0.5) * rowHeight;
        p.drawText(QRectF(14, y - fm.height() / 2.0, r.left() - 20, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   rowLabel(row));
    }
    p.save();
    p.translate(10, r.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-40, -8, 80, 16), Qt::AlignCenter, feature_ == Feature::Chroma ? tr("chroma") : tr("MFCC"));
    p.restore();
}

void FeaturePaneView::drawLegend(QPainter& p, const QRect& r) const
{
    const QRect bar(r.right() + 10, r.top() + 4, 12, r.height() - 8);
    const ColourTable& table = colours();
    for (int y = 0; y < bar.height(); ++y) {
        const int k = std::clamp(int(255.0 * (1.0 - double(y) / std::max(1, bar.height() - 1))), 0, 255);
        p.setPen(QColor::fromRgb(table[size_t(k)]));
        p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    p.setPen(viewstyle::text());
    const QFontMetrics fm(p.font());
    const QString top = feature_ == Feature::Chroma ? QStringLiteral("1") : QStringLiteral("+max");
    const QString bottom = feature_ == Feature::Chroma ? QStringLiteral("0") : QStringLiteral("−max");
    p.drawText(QPointF(bar.right() + 4, bar.top() + fm.ascent()), top);
    p.drawText(QPointF(bar.right() + 4, bar.bottom()), bottom);
}

} // namespace genrescope::app
