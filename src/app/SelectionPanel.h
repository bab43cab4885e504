#pragma once
// The Explore tab's selected region and genre changes: the actions that select, clear and
// loop the region, a line with the region's genre (the windows it covers), the region's own
// 57 features computed in the analysis pool (cancelled when the selection moves) and shown in
// the feature table, and the table of markers where the ensemble's top genre changes (a click
// seeks; its context menu and File ▸ Export Genre Markers save them as label files).

#include "SongAnalysis.h"
#include "workflow/GenreMarkers.h"

#include <QObject>

#include <atomic>
#include <memory>

class QAction;
class QLabel;
class QTableWidget;
class QTimer;
class QWidget;

namespace genrescope::app {
class FeatureTableModel;
class PlaybackController;
class TimeAxis;

class SelectionPanel : public QObject {
    Q_OBJECT
public:
    /// Widgets are made with `parent` as their parent; the caller lays them out. `features`
    /// and `featureLabel` show the region's features while it has them, else the song's.
    SelectionPanel(TimeAxis* axis, PlaybackController* playback, FeatureTableModel* features, QLabel* featureLabel,
                   QWidget* parent);
    ~SelectionPanel() override;

    /// "Selection 0:12.0–0:45.5 (33.5 s): rock 61 %, …" (objectName "selectionLabel"), or a hint.
    QLabel* selectionLabel() const { return selectionLabel_; }
    /// A heading and the marker table (objectName "markerTable").
    QWidget* markerPane() const { return markerPane_; }
    QAction* loopAction() const { return loop_; }
    QAction* selectAllAction() const { return selectAll_; }
    QAction* clearAction() const { return clear_; }
    QAction* exportMarkersAction() const { return exportMarkers_; }

    /// The song shown (null: none), its file and the feature model for z-scores (may be null).
    void setSong(SongAnalysisPtr song, const QString& path, const ml::Model* featureModel);
    const std::vector<workflow::GenreMarker>& markers() const { return markers_; }
    /// True while the feature table shows the selection's features.
    bool showsRegionFeatures() const { return regionShown_; }

Q_SIGNALS:
    void statusMessage(const QString& message, int timeoutMs);
    /// The region's features are in the table (or could not be computed: see the feature label).
    void regionFeaturesDone();

private:
    void selectionChanged();
    void showRegionGenres();
    void computeRegionFeatures();
    void showSongFeatures(const QString& note = {});
    void fillMarkers();
    void exportMarkersInteractively();

    TimeAxis* axis_;
    PlaybackController* playback_;
    FeatureTableModel* features_;
    QLabel* featureLabel_;
    QLabel* selectionLabel_;
    QWidget* markerPane_;
    QTableWidget* markerTable_;
    QAction* loop_;
    QAction* selectAll_;
    QAction* clear_;
    QAction* exportMarkers_;
    QTimer* settle_;  // the region's features start once the selection stops moving

    SongAnalysisPtr song_;
    QString path_;
    const ml::Model* featureModel_ = nullptr;
    std::vector<workflow::GenreMarker> markers_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    int generation_ = 0;  // results of older selections are dropped
    bool regionShown_ = false;
    FeatureValues regionValues_{};
    std::pair<double, double> regionSpan_{0.0, 0.0};  // the selection regionValues_ belong to
};

} // namespace genrescope::app
