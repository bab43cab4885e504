#pragma once
// The Genrescope window: the Explore, Train, Compare and Live tabs, the menus and tool bar,
// the status bar with the library's progress, the model choice and the song library.

#include <QMainWindow>

#include <memory>
#include <optional>

namespace genrescope::classify { class GenreClassifier; }
namespace genrescope::workflow { struct ModelChoice; }

class QLabel;
class QTabWidget;
class QToolButton;
namespace Ui { class MainWindow; }

namespace genrescope::app {
class ComparePanel;
class ExplorePanel;
class LivePanel;
class SongLibraryModel;
class TimeAxis;
class TrainPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    /// The tabs, in their order.
    enum class Tab { Explore, Train, Compare, Live };
    /// "explore", "train", "compare" or "live" (the command line's --tab).
    static QString tabName(Tab tab);
    static std::optional<Tab> tabNamed(const QString& name);

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Adds files and folders (searched recursively for audio) and selects the first new song.
    void openPaths(const QStringList& paths);
    /// Selects a song by its row in library() (the list may be sorted and filtered).
    void selectSong(int row);
    /// Reopens the songs of the last session (those still on disk).
    void restoreLibrary();

    SongLibraryModel* library() const { return library_; }
    TimeAxis* timeAxis() const;
    int currentRow() const;
    ExplorePanel* explorePanel() const { return explore_; }
    TrainPanel* trainPanel() const { return train_; }
    ComparePanel* comparePanel() const { return compare_; }
    LivePanel* livePanel() const { return live_; }
    void showTab(Tab tab);
    Tab currentTab() const;

    /// Loads model files for the feature and/or image slot (empty: the built-in model).
    /// Returns an error message, or empty on success; songs are analysed again.
    QString loadModels(const QString& featureModel, const QString& imageModel);
    /// Uses a model file of either kind; the other kind stays when it knows the same genres,
    /// else the file is used alone. Returns an error message, or empty.
    QString useModel(const QString& file);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void showLibraryProgress();
    void showMessage(const QString& message);
    void addRecent(const QStringList& paths);
    void rebuildRecentMenu();
    void chooseFiles();
    void chooseFolder();
    void about();
    void buildTabs();
    void buildStatusBar();
    void buildModelsMenu();
    void buildDesktopActions();
    void restoreWindowState();
    void help();
    void playInExplore(const QString& path);
    void chooseModel(bool features);
    QString useModels(const workflow::ModelChoice& models);
    void useClassifier(std::shared_ptr<const classify::GenreClassifier> classifier, const QString& description);
    /// "<song>-<what>" for the song Explore shows, else "genrescope-<what>": a file name to suggest.
    QString exportName(const QString& what) const;
    /// The table with the focus, else the tab's main one, to CSV; says what it exported.
    void exportTableAsCsv();

    std::unique_ptr<Ui::MainWindow> ui_;
    SongLibraryModel* library_;
    QLabel* libraryProgress_ = nullptr;              // "Analysing 12 of 240 songs · name"
    QToolButton* pauseAnalysis_ = nullptr;
    int analysisBatch_ = 0;                          // songs queued since the queue was last empty
    QTabWidget* tabs_ = nullptr;
    ExplorePanel* explore_ = nullptr;
    TrainPanel* train_ = nullptr;
    ComparePanel* compare_ = nullptr;
    LivePanel* live_ = nullptr;
    QString featureModelPath_, imageModelPath_;  // empty: built in
};

/// "system", "light" or "dark" (Fusion style with a dark palette).
void applyTheme(const QString& name);

} // namespace genrescope::app
