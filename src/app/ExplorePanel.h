#pragma once
// The Explore tab: the song list with its filter, the selected song's header, waveform,
// spectrogram and genre timeline on one time axis, the transport, the genre panel and the
// feature table. The window owns the library and the menus; this tab shows the library.

#include <QWidget>

#include <memory>

class QAction;
class QSortFilterProxyModel;
class QTableView;
class QTimer;
namespace Ui { class ExplorePanel; }

namespace genrescope::app {
class FeaturePaneView;
class FeatureTableModel;
class GenrePanel;
class GenreTimelineView;
class PlaybackController;
class SelectionPanel;
class SongLibraryModel;
class TimeAxis;

class ExplorePanel : public QWidget {
    Q_OBJECT
public:
    /// Shows `library` (not owned; it must outlive the panel).
    explicit ExplorePanel(SongLibraryModel* library, QWidget* parent = nullptr);
    ~ExplorePanel() override;

    TimeAxis* timeAxis() const { return axis_; }
    PlaybackController* playback() const { return playback_; }
    /// The selected region's actions, genre, features and the genre-change markers.
    SelectionPanel* selection() const { return selection_; }
    /// The song list (sorted and filtered): the table exported when no other has the focus.
    QTableView* songList() const;
    /// The time views shown (waveform, spectrogram, genre timeline and any pane), top to bottom:
    /// the plot area that File ▸ Export Plots saves.
    QList<QWidget*> plotViews() const;
    /// The selected song's row in the library, or -1.
    int currentRow() const;
    /// Selects a song by its row in the library and shows it at once.
    void selectSong(int row);
    /// Shows the selected song again (its analysis or the models changed).
    void refresh();
    /// Shows a message in the banner above the views until another song is shown.
    void showMessage(const QString& message);
    /// Removes the selected song from the library (stopping it if it plays).
    void closeCurrentSong();
    /// The splitter between the list, the views and the features.
    QByteArray saveLayout() const;
    bool restoreLayout(const QByteArray& state);
    /// For the View menu: Spectrogram Settings…, Reset Frequency Zoom, and the chroma and MFCC panes
    /// (checkable, kept in QSettings).
    QList<QAction*> viewActions() const;

public Q_SLOTS:
    /// Opens the "spectrogramSettings" dialog (one at a time).
    void showSpectrogramSettings();

public Q_SLOTS:
    void togglePlay();
    void rewind();
    void stop();
    void zoomIn();
    void zoomOut();
    void showAll();

Q_SIGNALS:
    /// A message for the window's status bar.
    void statusMessage(const QString& message, int timeoutMs);

private:
    void updatePosition();

    std::unique_ptr<Ui::ExplorePanel> ui_;
    SongLibraryModel* library_;
    TimeAxis* axis_;
    PlaybackController* playback_;
    FeatureTableModel* features_;
    QSortFilterProxyModel* proxy_ = nullptr;
    GenrePanel* genrePanel_ = nullptr;
    GenreTimelineView* genreTimeline_ = nullptr;
    SelectionPanel* selection_ = nullptr;
    FeaturePaneView* chromaView_ = nullptr;
    FeaturePaneView* mfccView_ = nullptr;
    QList<QAction*> viewActions_;
    QTimer* selectionSettled_ = nullptr;  // shows the current song once the row stops moving
    const void* shownSong_ = nullptr;     // the analysis the views show now
};

} // namespace genrescope::app
