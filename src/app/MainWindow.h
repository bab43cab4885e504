#pragma once
// The Genrescope window: the song list, the selected song's views and transport.

#include <QMainWindow>

#include <memory>

namespace genrescope::classify { class GenreClassifier; }
namespace genrescope::workflow { struct ModelChoice; }

class QSortFilterProxyModel;
class QLabel;
class QToolButton;
class QTimer;
namespace Ui { class MainWindow; }

namespace genrescope::app {
class SongLibraryModel;
class TimeAxis;
class PlaybackController;
class FeatureTableModel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Adds files and folders (searched recursively for audio) and selects the first new song.
    void openPaths(const QStringList& paths);
    /// Selects a song by its row in library() (the list may be sorted and filtered).
    void selectSong(int row);
    /// Reopens the songs of the last session (those still on disk).
    void restoreLibrary();

    SongLibraryModel* library() const { return library_; }
    TimeAxis* timeAxis() const { return axis_; }
    int currentRow() const;
    class TrainPanel* trainPanel() const { return train_; }
    class ComparePanel* comparePanel() const { return compare_; }
    class LivePanel* livePanel() const { return live_; }
    /// Shows the Explore (0) or Train (1) tab.
    void showTab(int index);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void refreshSelected();
    void showLibraryProgress();
    void showMessage(const QString& message);
    void updatePosition();
    void addRecent(const QStringList& paths);
    void rebuildRecentMenu();
    void chooseFiles();
    void chooseFolder();
    void about();
    void buildModelsMenu();
    void buildDesktopActions();
    void restoreWindowState();
    void help();
    void playInExplore(const QString& path);
    void chooseModel(bool features);
    QString useModels(const workflow::ModelChoice& models);
    void useClassifier(std::shared_ptr<const classify::GenreClassifier> classifier, const QString& description);

public:
    /// Loads model files for the feature and/or image slot (empty: the built-in model).
    /// Returns an error message, or empty on success; songs are analysed again.
    QString loadModels(const QString& featureModel, const QString& imageModel);
    /// Uses a model file of either kind; the other kind stays when it knows the same genres,
    /// else the file is used alone. Returns an error message, or empty.
    QString useModel(const QString& file);

private:

    std::unique_ptr<Ui::MainWindow> ui_;
    QLabel* libraryProgress_ = nullptr;              // "Analysing 12 of 240 songs · name"
    QToolButton* pauseAnalysis_ = nullptr;
    QTimer* selectionSettled_ = nullptr;             // shows the current song once the row stops moving
    int analysisBatch_ = 0;                          // songs queued since the queue was last empty
    SongLibraryModel* library_;
    TimeAxis* axis_;
    PlaybackController* playback_;
    FeatureTableModel* features_;
    QSortFilterProxyModel* proxy_ = nullptr;
    class QTabWidget* tabs_ = nullptr;
    class TrainPanel* train_ = nullptr;
    class ComparePanel* compare_ = nullptr;
    class LivePanel* live_ = nullptr;
    class GenrePanel* genrePanel_ = nullptr;
    class GenreTimelineView* genreTimeline_ = nullptr;
    QString featureModelPath_, imageModelPath_;  // empty: built in
    const void* shownSong_ = nullptr;  // the analysis the views show now
};

/// "system", "light" or "dark" (Fusion style with a dark palette).
void applyTheme(const QString& name);

} // namespace genrescope::app
