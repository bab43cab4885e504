#pragma once
// A per-frame feature of the song on the shared time axis, under the spectrogram with the
// same plot margins: the chromagram (pitch classes C to B, "chromaView") or the 20 MFCCs
// ("mfccView"), each row a colour, with a colour legend.

#include "SongAnalysis.h"
#include "TimelineView.h"

#include <QImage>

namespace genrescope::app {

class FeaturePaneView : public TimelineView {
    Q_OBJECT
public:
    enum class Feature { Chroma, Mfcc };
    explicit FeaturePaneView(Feature feature, QWidget* parent = nullptr);
    void setSong(SongAnalysisPtr song);
    Feature feature() const { return feature_; }
    QSize sizeHint() const override { return {800, feature_ == Feature::Chroma ? 130 : 160}; }
    QSize minimumSizeHint() const override { return {200, 80}; }

    /// The grid the pane shows (empty without a song).
    const LevelGrid* levels() const;
    /// The row label drawn beside grid row `row` ("C", "C#", ... or "0", "1", ...).
    QString rowLabel(int row) const;
    /// The grid row under a point of the plot, or -1.
    int rowAt(const QPoint& pos) const;

protected:
    QRect plotRect() const override;
    void paintEvent(QPaintEvent* event) override;

private:
    void drawRowAxis(QPainter& p, const QRect& plot) const;
    void drawLegend(QPainter& p, const QRect& plot) const;
    const ColourTable& colours() const;

    Feature feature_;
    SongAnalysisPtr song_;
    struct RenderKey {
        const LevelGrid* levels = nullptr;
        double start = 0, end = 0;
        QSize size;
        bool operator==(const RenderKey&) const = default;
    };
    RenderKey rendered_;
    QImage plotImage_;
};

} // namespace genrescope::app
