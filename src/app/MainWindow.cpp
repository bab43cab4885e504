#include "MainWindow.h"

#include "workflow/LibraryStore.h"
#include "workflow/ModelCatalog.h"
#include "ui_MainWindow.h"

#include "ComparePanel.h"
#include "ExplorePanel.h"
#include "SelectionPanel.h"
#include "LivePanel.h"
#include "TrainPanel.h"
#include "SongLibraryModel.h"
#include "audio/AudioFormats.h"
#include "common/Error.h"
#include "common/Versions.h"
#include "Export.h"
#include "FileDialogs.h"

#include <QCloseEvent>

#include <algorithm>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QActionGroup>
#include <QMenuBar>
#include <QToolBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QLabel>
#include <QToolButton>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>

namespace genrescope::app {
namespace {
constexpr int kMaxRecent = 10;
const char* kRecentKey = "recentFiles";
const char* kLibraryKey = "library/paths";  // before the library store
const char* kCurrentSongKey = "library/current";
const char* kGeometryKey = "window/geometry";
const char* kStateKey = "window/state";
const char* kSplitterKey = "window/exploreSplitter";
const char* kThemeKey = "view/theme";

} // namespace

QString MainWindow::exportName(const QString& what) const
{
    const int row = explore_ ? explore_->currentRow() : -1;
    const QString song = row >= 0 ? QFileInfo(library_->path(row)).completeBaseName() : QString();
    return (song.isEmpty() ? QStringLiteral("genrescope") : song) + QLatin1Char('-') + what;
}

void MainWindow::exportTableAsCsv()
{
    QWidget* tab = tabs_->currentWidget();
    auto* view = qobject_cast<QAbstractItemView*>(QApplication::focusWidget());
    if (view && !tab->isAncestorOf(view))
        view = nullptr;
    if (!view && currentTab() == Tab::Explore)
        view = explore_->songList();
    if (!view)
        for (QTableView* table : tab->findChildren<QTableView*>())
            if (table->isVisible() && table->model()) {
                view = table;
                break;
            }
    if (!view || !view->model() || view->model()->rowCount() == 0)
        return statusBar()->showMessage(tr("This tab has no table with rows to export."), 6000);
    const QString what = view->accessibleName().isEmpty() ? tr("the table") : view->accessibleName();
    const QString file = view->property("exportName").toString();
    const bool perSong = view->property("exportPerSong").toBool();
    const QString message = exportCsvInteractively(
        this, view->model(), perSong ? exportName(file) : QStringLiteral("genrescope-") + (file.isEmpty() ? tabName(currentTab()) : file), what);
    if (!message.isEmpty())
        statusBar()->showMessage(message, 10000);
}

QString MainWindow::tabName(Tab tab)
{
    switch (tab) {
    case Tab::Explore: return QStringLiteral("explore");
    case Tab::Train: return QStringLiteral("train");
    case Tab::Compare: return QStringLiteral("compare");
    case Tab::Live: return QStringLiteral("live");
    }
    return {};
}

std::optional<MainWindow::Tab> MainWindow::tabNamed(const QString& name)
{
    for (Tab tab : {Tab::Explore, Tab::Train, Tab::Compare, Tab::Live})
        if (name == tabName(tab))
            return tab;
    return std::nullopt;
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      ui_(std::make_unique<Ui::MainWindow>()),
      library_(new SongLibraryModel(this))
{
    ui_->setupUi(this);
    setWindowIcon(QIcon(QStringLiteral(":/icons/genrescope.svg")));
    buildModelsMenu();
    buildTabs();
    buildDesktopActions();
    installExportMenus(this);
    buildStatusBar();
    restoreWindowState();

    addAction(ui_->actionPlayPause);
    connect(ui_->actionPlayPause, &QAction::triggered, explore_, &ExplorePanel::togglePlay);
    connect(ui_->actionRewind, &QAction::triggered, explore_, &ExplorePanel::rewind);
    connect(ui_->actionShowAll, &QAction::triggered, explore_, &ExplorePanel::showAll);
    connect(ui_->actionZoomIn, &QAction::triggered, explore_, &ExplorePanel::zoomIn);
    connect(ui_->actionZoomOut, &QAction::triggered, explore_, &ExplorePanel::zoomOut);
    connect(ui_->actionOpen, &QAction::triggered, this, &MainWindow::chooseFiles);
    connect(ui_->actionOpenFolder, &QAction::triggered, this, &MainWindow::chooseFolder);
    connect(ui_->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(ui_->actionAbout, &QAction::triggered, this, &MainWindow::about);
    ui_->menuPlayback->addSeparator();
    ui_->menuPlayback->addActions({explore_->selection()->loopAction(), explore_->selection()->selectAllAction(),
                                   explore_->selection()->clearAction()});
    // Ctrl+A and Esc select in Explore only: other tabs keep them for their tables and dialogs.
    auto exploreOnly = [this] {
        const bool explore = currentTab() == Tab::Explore;
        explore_->selection()->selectAllAction()->setEnabled(explore);
        explore_->selection()->clearAction()->setEnabled(explore);
    };
    connect(tabs_, &QTabWidget::currentChanged, this, exploreOnly);
    exploreOnly();
    rebuildRecentMenu();
}

MainWindow::~MainWindow()
{
    library_->cancelAll();
}

void MainWindow::buildTabs()
{
    // Added in the order of Tab.
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("tabs"));
    tabs_->setDocumentMode(true);
    explore_ = new ExplorePanel(library_, this);
    tabs_->addTab(explore_, tr("&Explore"));
    train_ = new TrainPanel(this);
    train_->setObjectName(QStringLiteral("trainPanel"));
    tabs_->addTab(train_, tr("&Train"));
    compare_ = new ComparePanel(this);
    compare_->setObjectName(QStringLiteral("comparePanel"));
    tabs_->addTab(compare_, tr("&Compare"));
    live_ = new LivePanel(this);
    live_->setObjectName(QStringLiteral("livePanel"));
    tabs_->addTab(live_, tr("&Live"));
    setCentralWidget(tabs_);

    connect(explore_, &ExplorePanel::statusMessage, statusBar(), &QStatusBar::showMessage);
    // A model just trained is used as trained: alone, or as the pair Train Pair made.
    connect(train_, &TrainPanel::useModelRequested, this, [this](const QString& path, bool) {
        QString error;
        try {
            error = useModels(workflow::chooseModels({path}, workflow::Completion::None));
        } catch (const Error& e) {
            error = e.message();
        }
        if (!error.isEmpty())
            return statusBar()->showMessage(error, 10000);
        showTab(Tab::Explore);
    });
    connect(train_, &TrainPanel::usePairRequested, this, [this](const QString& mlp, const QString& cnn) {
        const QString error = loadModels(mlp, cnn);
        if (!error.isEmpty())
            return statusBar()->showMessage(error, 10000);
        showTab(Tab::Explore);
    });
    connect(compare_, &ComparePanel::playRequested, this, &MainWindow::playInExplore);
    connect(train_, &TrainPanel::playRequested, this, &MainWindow::playInExplore);
}

void MainWindow::buildStatusBar()
{
    // Whole-library progress in the status bar: how many songs wait, which one runs, and pause.
    libraryProgress_ = new QLabel(this);
    libraryProgress_->setObjectName(QStringLiteral("libraryProgress"));
    pauseAnalysis_ = new QToolButton(this);
    pauseAnalysis_->setObjectName(QStringLiteral("pauseAnalysis"));
    pauseAnalysis_->setCheckable(true);
    pauseAnalysis_->setText(tr("Pause"));
    pauseAnalysis_->setToolTip(tr("Pause analysing the library (songs being analysed finish)"));
    statusBar()->addPermanentWidget(libraryProgress_);
    statusBar()->addPermanentWidget(pauseAnalysis_);
    connect(pauseAnalysis_, &QToolButton::toggled, this, [this](bool paused) {
        library_->setPaused(paused);
        pauseAnalysis_->setText(paused ? tr("Resume") : tr("Pause"));
    });
    connect(library_, &SongLibraryModel::queueChanged, this, &MainWindow::showLibraryProgress);
    showLibraryProgress();
}

TimeAxis* MainWindow::timeAxis() const
{
    return explore_->timeAxis();
}

int MainWindow::currentRow() const
{
    return explore_->currentRow();
}

void MainWindow::openPaths(const QStringList& paths)
{
    const QStringList files = audioformats::collectAudioFiles(paths);
    if (files.isEmpty()) {
        showMessage(tr("No audio files found in what was opened."));
        return;
    }
    addRecent(files);
    const int first = library_->addFiles(files);
    const int row = first >= 0 ? first : library_->rowOf(QFileInfo(files.front()).absoluteFilePath());
    if (row >= 0)
        selectSong(row);
    statusBar()->showMessage(files.size() == 1 ? tr("Opened 1 file") : tr("Opened %1 files").arg(files.size()), 4000);
}

void MainWindow::showLibraryProgress()
{
    const int left = library_->waitingCount() + library_->runningCount();
    if (left == 0) {
        analysisBatch_ = 0;
        libraryProgress_->hide();
        pauseAnalysis_->setVisible(library_->paused());
        return;
    }
    analysisBatch_ = std::max(analysisBatch_, left);
    const QString name = QFileInfo(library_->runningPath()).fileName();
    libraryProgress_->setText(library_->paused()
                                  ? tr("Analysis paused: %1 song(s) waiting").arg(left)
                                  : tr("Analysing %1 of %2 songs · %3").arg(analysisBatch_ - left + 1).arg(analysisBatch_)
                                        .arg(QFontMetrics(font()).elidedText(name, Qt::ElideMiddle, 240)));
    libraryProgress_->show();
    pauseAnalysis_->show();
}

void MainWindow::showMessage(const QString& message)
{
    explore_->showMessage(message);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    openPaths(paths);
}

void MainWindow::playInExplore(const QString& path)
{
    showTab(Tab::Explore);
    openPaths({path});
    explore_->togglePlay();
}

void MainWindow::showTab(Tab tab)
{
    tabs_->setCurrentIndex(int(tab));
}

MainWindow::Tab MainWindow::currentTab() const
{
    return Tab(tabs_->currentIndex());
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    bool damaged = false;
    if (settings.contains(kGeometryKey))
        damaged |= !restoreGeometry(settings.value(kGeometryKey).toByteArray());
    if (settings.contains(kStateKey))
        damaged |= !restoreState(settings.value(kStateKey).toByteArray());
    if (settings.contains(kSplitterKey))
        damaged |= !explore_->restoreLayout(settings.value(kSplitterKey).toByteArray());
    if (damaged)
        statusBar()->showMessage(tr("The saved window layout could not be read; the default layout is used."), 10000);
}

void MainWindow::selectSong(int row)
{
    explore_->selectSong(row);
}

void MainWindow::restoreLibrary()
{
    QSettings settings;
    try {
        const QString path = workflow::LibraryStore::defaultPath();
        const int restored = library_->attachStore(std::make_unique<workflow::LibraryStore>(path));
        if (restored > 0)
            statusBar()->showMessage(tr("Restored %n song(s) from the library", nullptr, restored), 4000);
    } catch (const Error& e) {
        showMessage(tr("The library cannot be kept: %1").arg(e.message()));
    }
    // Libraries from before the store were a list of paths in the settings: analysed once more, then stored.
    QStringList legacy;
    for (const QString& path : settings.value(kLibraryKey).toStringList())
        if (QFileInfo(path).isFile())
            legacy << path;
    if (!legacy.isEmpty())
        library_->addFiles(legacy);
    settings.remove(kLibraryKey);
    const int current = library_->rowOf(settings.value(kCurrentSongKey).toString());
    if (current >= 0)
        selectSong(current);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    if (const int row = currentRow(); row >= 0)
        settings.setValue(kCurrentSongKey, library_->path(row));
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kSplitterKey, explore_->saveLayout());
    explore_->stop();
    library_->cancelAll();
    event->accept();
}

void MainWindow::addRecent(const QStringList& paths)
{
    QSettings settings;
    QStringList recent = settings.value(kRecentKey).toStringList();
    for (const QString& p : paths) {
        const QString abs = QFileInfo(p).absoluteFilePath();
        recent.removeAll(abs);
        recent.prepend(abs);
    }
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    settings.setValue(kRecentKey, recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    QMenu* menu = ui_->menuRecent;
    menu->clear();
    const QStringList recent = QSettings().value(kRecentKey).toStringList();
    for (const QString& path : recent) {
        QAction* action = menu->addAction(QFileInfo(path).fileName());
        action->setToolTip(path);
        connect(action, &QAction::triggered, this, [this, path] { openPaths({path}); });
    }
    if (!recent.isEmpty()) {
        menu->addSeparator();
        connect(menu->addAction(tr("Clear")), &QAction::triggered, this, [this] {
            QSettings().remove(kRecentKey);
            rebuildRecentMenu();
        });
    }
    menu->setEnabled(!recent.isEmpty());
}

void MainWindow::chooseFiles()
{
    const QString filter = tr("Audio (%1)").arg(audioformats::nameFilters().join(QLatin1Char(' ')));
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open songs"), lastFolder(), filter);
    if (!files.isEmpty()) {
        rememberFolder(files.first());
        openPaths(files);
    }
}

void MainWindow::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of songs"), lastFolder());
    if (!dir.isEmpty()) {
        rememberFolder(dir);
        openPaths({dir});
    }
}

void MainWindow::about()
{
    QStringList lines = versionLines();
    const QString title = lines.takeFirst();
    QMessageBox::about(this, tr("About Genrescope"),
                       tr("<h3>%1</h3><p>A music-genre explorer: waveform, mel spectrogram and two genre classifiers "
                          "(an MLP on 57 features and a CNN on mel images) for your songs, and a workbench to train "
                          "and compare your own.</p><p>%2</p>").arg(title, lines.join(QStringLiteral("<br>"))));
}

void MainWindow::help()
{
    QMessageBox::information(this, tr("Genrescope Help"), tr(
        "<h3>Genrescope</h3>"
        "<p><b>Explore</b>: drop songs or folders into the window (or Ctrl+O). Each song gets its waveform, mel "
        "spectrogram, a genre timeline (one block per 30 s window, hover for its probabilities) and the MLP, CNN and "
        "ensemble probabilities; the feature table shows each feature's z-score against the training songs. "
        "Songs unlike music (silence, speech, noise, tones) are flagged.</p>"
        "<p><b>Mouse</b> in the views: wheel zooms · Shift+wheel, middle-button or Alt+drag scrolls · drag selects a "
        "region (drag its edges to adjust, Shift+click to extend) · click seeks and clears the selection. The selection shows its genre (the "
        "windows it covers) under the transport and its own features in the table; Ctrl+L loops it, Ctrl+A selects "
        "the whole song, Esc clears it. <b>Genre changes</b> are listed beside the features (click to seek) and can be "
        "exported as Audacity, Sonic Visualiser or CSV labels (File ▸ Export Genre Markers).</p>"
        "<p><b>Train</b>: choose a features CSV, an images_original folder or a genres_original folder, a split and "
        "a network, then Start; curves fill in live, and the confusion matrix lists the songs of any cell.</p>"
        "<p><b>Compare</b>: two models on one labelled dataset, side by side.</p>"
        "<p><b>Keys</b>: Space play/pause · Ctrl+O open · Ctrl+W close song · Ctrl+S save model · Ctrl+E export the "
        "plots as PNG/SVG · Ctrl+Alt+E the whole window · Ctrl+Shift+E a table as CSV · Ctrl+Plus/Minus/0 zoom · F1 this help. Right-click a "
        "chart or table to export it.</p>"));
}

void MainWindow::buildDesktopActions()
{
    auto* closeSong = new QAction(tr("&Close Song"), this);
    closeSong->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
    connect(closeSong, &QAction::triggered, explore_, &ExplorePanel::closeCurrentSong);
    auto* saveModel = new QAction(tr("&Save Model…"), this);
    saveModel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    connect(saveModel, &QAction::triggered, this, [this] {
        if (train_->hasModel())
            train_->saveModel();
        else
            statusBar()->showMessage(tr("Train a model first (Train tab), then save it."), 6000);
    });
    // Export the views: in Explore the plot area alone (the time views) or the whole window;
    // the names suggested say what and of which song ("<song>-plots.png").
    auto* exportView = new QAction(tr("&Export Plots as PNG or SVG…"), this);
    exportView->setObjectName(QStringLiteral("actionExportPlots"));
    exportView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportView->setToolTip(tr("Export the waveform, spectrogram and genre timeline of the song shown (on other tabs: the tab)"));
    connect(exportView, &QAction::triggered, this, [this] {
        const bool plots = currentTab() == Tab::Explore && !explore_->plotViews().isEmpty();
        const QString message = plots ? exportImageInteractively(this, explore_->plotViews(), exportName(QStringLiteral("plots")))
                                      : exportImageInteractively(tabs_->currentWidget(), QStringLiteral("genrescope-") + tabName(currentTab()));
        statusBar()->showMessage(message, 8000);
    });
    auto* exportWindow = new QAction(tr("Export &Window as PNG or SVG…"), this);
    exportWindow->setObjectName(QStringLiteral("actionExportWindow"));
    exportWindow->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
    connect(exportWindow, &QAction::triggered, this, [this] {
        statusBar()->showMessage(exportImageInteractively(this, exportName(QStringLiteral("window"))), 8000);
    });
    auto* exportTable = new QAction(tr("Export &Table as CSV…"), this);
    exportTable->setObjectName(QStringLiteral("actionExportTable"));
    exportTable->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportTable->setToolTip(tr("Export the table that has the focus, else the tab's main table (Explore: the song list)"));
    connect(exportTable, &QAction::triggered, this, [this] { exportTableAsCsv(); });
    ui_->menuFile->insertActions(ui_->actionQuit, {closeSong, saveModel, exportView, exportWindow, exportTable,
                                                   explore_->selection()->exportMarkersAction()});
    ui_->menuFile->insertSeparator(ui_->actionQuit);

    auto* helpAction = new QAction(tr("Genrescope &Help"), this);
    helpAction->setShortcut(QKeySequence(Qt::Key_F1));
    connect(helpAction, &QAction::triggered, this, &MainWindow::help);
    ui_->menuHelp->insertAction(ui_->actionAbout, helpAction);

    ui_->menuView->addActions(explore_->viewActions());
    QMenu* theme = ui_->menuView->addMenu(tr("&Theme"));
    auto* group = new QActionGroup(this);
    const QString current = QSettings().value(kThemeKey, QStringLiteral("system")).toString();
    for (const auto& [key, label] : {std::pair{QStringLiteral("system"), tr("&System")}, std::pair{QStringLiteral("light"), tr("&Light")},
                                     std::pair{QStringLiteral("dark"), tr("&Dark")}}) {
        QAction* a = theme->addAction(label);
        a->setCheckable(true);
        a->setChecked(key == current);
        group->addAction(a);
        connect(a, &QAction::triggered, this, [key] {
            QSettings().setValue(kThemeKey, key);
            applyTheme(key);
        });
    }

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    ui_->actionOpen->setIcon(style()->standardIcon(QStyle::SP_DialogOpenButton));
    ui_->actionOpenFolder->setIcon(style()->standardIcon(QStyle::SP_DirOpenIcon));
    ui_->actionPlayPause->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    exportView->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    bar->addActions({ui_->actionOpen, ui_->actionOpenFolder, ui_->actionPlayPause, exportView});
}

void applyTheme(const QString& name)
{
    static const QPalette systemPalette = QApplication::palette();
    if (name == QLatin1String("dark")) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QPalette p;
        p.setColor(QPalette::Window, QColor(37, 39, 45));
        p.setColor(QPalette::WindowText, QColor(220, 222, 228));
        p.setColor(QPalette::Base, QColor(26, 27, 32));
        p.setColor(QPalette::AlternateBase, QColor(40, 42, 48));
        p.setColor(QPalette::Text, QColor(220, 222, 228));
        p.setColor(QPalette::Button, QColor(45, 47, 54));
        p.setColor(QPalette::ButtonText, QColor(220, 222, 228));
        p.setColor(QPalette::Highlight, QColor(60, 120, 200));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::ToolTipBase, QColor(45, 47, 54));
        p.setColor(QPalette::ToolTipText, QColor(220, 222, 228));
        p.setColor(QPalette::PlaceholderText, QColor(140, 142, 150));
        QApplication::setPalette(p);
    } else if (name == QLatin1String("light")) {
        QApplication::setStyle(QStringLiteral("Fusion"));
        QApplication::setPalette(QApplication::style()->standardPalette());
    } else {
        QApplication::setPalette(systemPalette);
    }
}

void MainWindow::buildModelsMenu()
{
    QMenu* menu = new QMenu(tr("&Models"), this);
    menuBar()->insertMenu(ui_->menuHelp->menuAction(), menu);
    menu->addAction(tr("Load &Feature Model (MLP)…"), this, [this] { chooseModel(true); });
    menu->addAction(tr("Load &Image Model (CNN)…"), this, [this] { chooseModel(false); });
    menu->addSeparator();
    menu->addAction(tr("Use the &Built-in Models"), this, [this] {
        if (const QString error = loadModels({}, {}); !error.isEmpty())
            showMessage(error);
    });
}

void MainWindow::chooseModel(bool features)
{
    const QString file = QFileDialog::getOpenFileName(this, features ? tr("Load a feature model") : tr("Load an image model"),
                                                      lastFolder(), tr("Genrescope models (*.gsm);;All files (*)"));
    if (file.isEmpty())
        return;
    rememberFolder(file);
    if (const QString error = useModel(file); !error.isEmpty())
        showMessage(error);
}

QString MainWindow::useModel(const QString& file)
{
    // The other kind stays when it knows the same genres; else the new model is used alone.
    const QString mlp = featureModelPath_.isEmpty() ? QLatin1String(workflow::kBuiltInMlp) : featureModelPath_;
    const QString cnn = imageModelPath_.isEmpty() ? QLatin1String(workflow::kBuiltInCnn) : imageModelPath_;
    try {
        return useModels(workflow::chooseModels({file}, workflow::Completion::IfCompatible, {mlp, cnn}));
    } catch (const Error& e) {
        return e.message();
    }
}

QString MainWindow::loadModels(const QString& featureModel, const QString& imageModel)
{
    QStringList names;
    for (const QString& name : {featureModel, imageModel})
        if (!name.isEmpty())
            names << name;
    try {
        return useModels(workflow::chooseModels(names, workflow::Completion::IfCompatible));
    } catch (const Error& e) {
        return e.message();
    }
}

QString MainWindow::useModels(const workflow::ModelChoice& models)
{
    auto classifier = models.classifier();
    if (!classifier)
        return tr("No model to classify with.");
    const auto pathOf = [](const QString& name) { return workflow::isBuiltInModelName(name) ? QString() : name; };
    featureModelPath_ = pathOf(models.mlpName);
    imageModelPath_ = pathOf(models.cnnName);
    const auto shown = [](const QString& name, const QString& builtIn) {
        return name.isEmpty() ? tr("no %1").arg(builtIn)
                              : workflow::isBuiltInModelName(name) ? tr("built-in %1").arg(builtIn) : QFileInfo(name).fileName();
    };
    QString description = tr("Models: %1 and %2").arg(shown(models.mlpName, tr("MLP")), shown(models.cnnName, tr("CNN")));
    if (!models.note.isEmpty())
        description += QStringLiteral(". ") + models.note;
    useClassifier(std::move(classifier), description);
    return {};
}

void MainWindow::useClassifier(std::shared_ptr<const classify::GenreClassifier> classifier, const QString& description)
{
    live_->setClassifier(classifier);
    library_->setClassifier(std::move(classifier));
    statusBar()->showMessage(description, 6000);
    library_->reloadAll();
    explore_->refresh();
}

} // namespace genrescope::app
