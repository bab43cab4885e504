#include "MainWindow.h"

#include "workflow/LibraryStore.h"
#include "workflow/ModelCatalog.h"
#include "ui_MainWindow.h"

#include "FeatureTableModel.h"
#include "GenrePanel.h"
#include "GenreTimelineView.h"
#include "ComparePanel.h"
#include "LivePanel.h"
#include "TrainPanel.h"
#include "PlaybackController.h"
#include "SongLibraryModel.h"
#include "TimeAxis.h"
#include "audio/AudioFormats.h"
#include "common/Error.h"
#include "common/Versions.h"
#include "Export.h"
#include "FileDialogs.h"

#include <QCloseEvent>

#include <algorithm>
#include <cmath>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QActionGroup>
#include <QMenuBar>
#include <QToolBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QLabel>
#include <QTimer>
#include <QToolButton>
#include <QStyle>
#include <QTabWidget>

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

QString clock(double seconds)
{
    const int whole = int(seconds);
    return QStringLiteral("%1:%2.%3").arg(whole / 60).arg(whole % 60, 2, 10, QLatin1Char('0'))
        .arg(int((seconds - whole) * 10));
}
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      ui_(std::make_unique<Ui::MainWindow>()),
      library_(new SongLibraryModel(this)),
      axis_(new TimeAxis(this)),
      playback_(new PlaybackController(axis_, this)),
      features_(new FeatureTableModel(this))
{
    ui_->setupUi(this);
    genreTimeline_ = new GenreTimelineView(this);
    genreTimeline_->setTimeAxis(axis_);
    ui_->songLayout->insertWidget(ui_->songLayout->indexOf(ui_->spectrogramView) + 1, genreTimeline_);
    genrePanel_ = new GenrePanel(this);
    genrePanel_->setObjectName(QStringLiteral("genrePanel"));
    ui_->featureLayout->insertWidget(0, genrePanel_, 2);
    ui_->featureLayout->setStretchFactor(ui_->featureTable, 1);
    buildModelsMenu();
    // Tabs: the Explore view built by the form, and Train.
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName(QStringLiteral("tabs"));
    tabs_->setDocumentMode(true);
    tabs_->addTab(takeCentralWidget(), tr("&Explore"));
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
    buildDesktopActions();
    installExportMenus(this);
    connect(train_, &TrainPanel::useModelRequested, this, [this](const QString& path, bool) {
        const QString error = useModel(path);
        if (!error.isEmpty())
            return statusBar()->showMessage(error, 10000);
        tabs_->setCurrentIndex(0);
    });
    connect(compare_, &ComparePanel::playRequested, this, &MainWindow::playInExplore);
    connect(train_, &TrainPanel::playRequested, this, &MainWindow::playInExplore);
    ui_->featureTable->setModel(features_);
    ui_->featureTable->horizontalHeader()->setStretchLastSection(true);
    ui_->featureTable->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    ui_->featureTable->verticalHeader()->hide();
    ui_->featureTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    setWindowIcon(QIcon(QStringLiteral(":/icons/genrescope.svg")));
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(library_);
    proxy_->setSortRole(SongLibraryModel::SortRole);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setFilterKeyColumn(-1);  // name and genres
    ui_->songList->setModel(proxy_);
    ui_->songList->verticalHeader()->hide();
    ui_->songList->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    ui_->songList->horizontalHeader()->setSectionResizeMode(SongLibraryModel::NameColumn, QHeaderView::Stretch);
    for (int c = SongLibraryModel::DurationColumn; c < SongLibraryModel::ColumnCount; ++c)
        ui_->songList->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    ui_->songList->sortByColumn(-1, Qt::AscendingOrder);  // the order songs were added until a header is clicked
    connect(ui_->libraryFilter, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    ui_->splitter->setStretchFactor(1, 1);
    ui_->splitter->setSizes({430, 560, 490});
    restoreWindowState();
    ui_->waveformView->setTimeAxis(axis_);
    ui_->spectrogramView->setTimeAxis(axis_);
    ui_->playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    addAction(ui_->actionPlayPause);

    // The current row moves in bursts (typing in the filter, sorting, arrow keys held down): the
    // song is shown, and a slim one decoded again, once the row has settled for a moment.
    selectionSettled_ = new QTimer(this);
    selectionSettled_->setSingleShot(true);
    selectionSettled_->setInterval(150);
    connect(selectionSettled_, &QTimer::timeout, this, [this] { refreshSelected(); });
    connect(ui_->songList->selectionModel(), &QItemSelectionModel::currentRowChanged, selectionSettled_,
            qOverload<>(&QTimer::start));
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
    connect(library_, &SongLibraryModel::songReady, this, [this](int row) {
        if (row == currentRow())
            refreshSelected();
    });
    connect(library_, &SongLibraryModel::songFailed, this, [this](int row, const QString& message) {
        statusBar()->showMessage(message, 8000);
        if (row == currentRow())
            refreshSelected();
    });
    connect(library_, &SongLibraryModel::songProgress, this, [this](int row, double fraction) {
        if (row == currentRow())
            ui_->loadProgress->setValue(int(fraction * 1000));
    });

    for (TimelineView* view : {static_cast<TimelineView*>(ui_->waveformView),
                               static_cast<TimelineView*>(ui_->spectrogramView), static_cast<TimelineView*>(genreTimeline_)})
        connect(view, &TimelineView::seekRequested, playback_, &PlaybackController::seek);
    connect(axis_, &TimeAxis::playheadChanged, this, &MainWindow::updatePosition);
    connect(axis_, &TimeAxis::viewChanged, this, &MainWindow::updatePosition);
    connect(playback_, &PlaybackController::playingChanged, this, [this](bool playing) {
        ui_->playButton->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
        ui_->playButton->setText(playing ? tr("Pause") : tr("Play"));
    });
    connect(playback_, &PlaybackController::errorOccurred, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });

    connect(ui_->playButton, &QToolButton::clicked, playback_, &PlaybackController::togglePlay);
    connect(ui_->actionPlayPause, &QAction::triggered, playback_, &PlaybackController::togglePlay);
    connect(ui_->actionRewind, &QAction::triggered, this, [this] { playback_->seek(0.0); });
    connect(ui_->showAllButton, &QToolButton::clicked, axis_, &TimeAxis::showAll);
    connect(ui_->actionShowAll, &QAction::triggered, axis_, &TimeAxis::showAll);
    connect(ui_->actionZoomIn, &QAction::triggered, this,
            [this] { axis_->zoomAround(axis_->viewStart() + axis_->viewSpan() / 2, 0.5); });
    connect(ui_->actionZoomOut, &QAction::triggered, this,
            [this] { axis_->zoomAround(axis_->viewStart() + axis_->viewSpan() / 2, 2.0); });
    connect(ui_->actionOpen, &QAction::triggered, this, &MainWindow::chooseFiles);
    connect(ui_->actionOpenFolder, &QAction::triggered, this, &MainWindow::chooseFolder);
    connect(ui_->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(ui_->actionAbout, &QAction::triggered, this, &MainWindow::about);
    rebuildRecentMenu();
    updatePosition();
}

MainWindow::~MainWindow()
{
    library_->cancelAll();
}

int MainWindow::currentRow() const
{
    const QModelIndex i = proxy_->mapToSource(ui_->songList->currentIndex());
    return i.isValid() ? i.row() : -1;
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

void MainWindow::refreshSelected()
{
    const int row = currentRow();
    ui_->messageBanner->hide();
    features_->setFeatures(nullptr);
    genrePanel_->setPrediction(nullptr);
    genreTimeline_->setPrediction(nullptr);
    if (row < 0) {
        shownSong_ = nullptr;
        ui_->songTitle->setText(tr("No song loaded"));
        ui_->loadProgress->hide();
        return;
    }
    const QString name = QFileInfo(library_->path(row)).fileName();
    ui_->songTitle->setText(QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped()));
    library_->ensureLoaded(row);  // a song not looked at lately is analysed again
    switch (library_->state(row)) {
    case SongLibraryModel::State::Loading:
        shownSong_ = nullptr;
        ui_->songDetails->setText(tr("Decoding and computing the mel spectrogram…"));
        ui_->loadProgress->setValue(int(library_->progress(row) * 1000));
        ui_->loadProgress->show();
        ui_->waveformView->setSong(nullptr);
        ui_->spectrogramView->setSong(nullptr);
        playback_->setFile({});
        break;
    case SongLibraryModel::State::Failed:
        shownSong_ = nullptr;
        ui_->loadProgress->hide();
        ui_->songDetails->setText(tr("This file could not be loaded."));
        showMessage(library_->message(row));
        ui_->waveformView->setSong(nullptr);
        ui_->spectrogramView->setSong(nullptr);
        playback_->setFile({});
        break;
    case SongLibraryModel::State::Ready: {
        ui_->loadProgress->hide();
        const SongAnalysisPtr song = library_->analysis(row);
        const AudioInfo& src = song->audio.source;
        QString details = tr("%1, %2 · %3 Hz · %4 · %5")
                              .arg(src.container, src.encoding)
                              .arg(src.sampleRate)
                              .arg(src.channels == 1 ? tr("mono") : src.channels == 2 ? tr("stereo")
                                                                     : tr("%1 channels").arg(src.channels))
                              .arg(clock(song->audio.durationSeconds()));
        if (!src.note.isEmpty())
            details += tr(" · <i>note: %1</i>").arg(src.note.toHtmlEscaped());
        if (song->tempo > 0)
            details += tr(" · %1 BPM (%2 beats)").arg(song->tempo, 0, 'f', 1).arg(song->beatTimes.size());
        details += src.sampleRate == song->audio.sampleRate && src.channels == 1
            ? tr(" · analysed as is (mono, %1 Hz)").arg(song->audio.sampleRate)
            : tr(" · analysed as mono %1 Hz (downmixed/resampled)").arg(song->audio.sampleRate);
        if (song->hasGenres) {
            auto top = [&](const std::vector<float>& p) {
                return p.empty() ? QStringLiteral("–") : describeProbabilities(p, song->genres.classes, 1);
            };
            details += tr("<br><b>Genre: %1</b> (features MLP: %2, image CNN: %3; %4 window(s) of 30 s)")
                           .arg(top(song->genres.ensemble), top(song->genres.mlp), top(song->genres.cnn))
                           .arg(song->genres.windows.size());
            if (song->genres.unusual)
                details += tr(" <b>· unusual audio</b>");
        } else if (!song->genreNote.isEmpty()) {
            details += tr("<br>No genre: %1").arg(song->genreNote.toHtmlEscaped());
        }
        genrePanel_->setPrediction(song->hasGenres ? &song->genres : nullptr,
                                   song->genreNote.isEmpty() && !library_->classifier() ? tr("no models are loaded.") : song->genreNote);
        genreTimeline_->setPrediction(song->hasGenres ? &song->genres : nullptr);
        ui_->songDetails->setText(details);
        if (song.get() != shownSong_) {  // a newly shown song starts at full view, at 0 s
            shownSong_ = song.get();
            axis_->reset(song->seconds);
            playback_->setFile(library_->path(row));
        }
        ui_->waveformView->setSong(song);
        ui_->spectrogramView->setSong(song);
        if (song->hasFeatures)
            features_->setFeatures(&song->features, library_->classifier() ? library_->classifier()->mlp() : nullptr);
        break;
    }
    }
    updatePosition();
}

void MainWindow::showMessage(const QString& message)
{
    ui_->messageBanner->setText(message);
    ui_->messageBanner->show();
}

void MainWindow::updatePosition()
{
    ui_->positionLabel->setText(QStringLiteral("%1 / %2").arg(clock(axis_->playhead()), clock(axis_->duration())));
    genrePanel_->setPlayhead(axis_->playhead());
    ui_->viewLabel->setText(axis_->duration() > 0
        ? tr("View %1 – %2").arg(clock(axis_->viewStart()), clock(axis_->viewEnd())) : QString());
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
    tabs_->setCurrentIndex(0);
    openPaths({path});
    playback_->togglePlay();
}

void MainWindow::showTab(int index)
{
    tabs_->setCurrentIndex(index);
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
        damaged |= !ui_->splitter->restoreState(settings.value(kSplitterKey).toByteArray());
    if (damaged)
        statusBar()->showMessage(tr("The saved window layout could not be read; the default layout is used."), 10000);
}

void MainWindow::selectSong(int row)
{
    ui_->songList->setCurrentIndex(proxy_->mapFromSource(library_->index(row, 0)));
    selectionSettled_->stop();
    refreshSelected();  // chosen on purpose: shown at once
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
    settings.setValue(kSplitterKey, ui_->splitter->saveState());
    playback_->stop();
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
        "<p><b>Train</b>: choose a features CSV, an images_original folder or a genres_original folder, a split and "
        "a network, then Start; curves fill in live, and the confusion matrix lists the songs of any cell.</p>"
        "<p><b>Compare</b>: two models on one labelled dataset, side by side.</p>"
        "<p><b>Keys</b>: Space play/pause · Ctrl+O open · Ctrl+W close song · Ctrl+S save model · Ctrl+E export the "
        "view as PNG/SVG · Ctrl+Shift+E export a table as CSV · Ctrl+Plus/Minus/0 zoom · F1 this help. Right-click a "
        "chart or table to export it.</p>"));
}

void MainWindow::buildDesktopActions()
{
    auto* closeSong = new QAction(tr("&Close Song"), this);
    closeSong->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
    connect(closeSong, &QAction::triggered, this, [this] {
        const int row = currentRow();
        if (row < 0)
            return;
        if (library_->path(row) == playback_->file())
            playback_->setFile({});
        library_->removeSong(row);
        refreshSelected();
    });
    auto* saveModel = new QAction(tr("&Save Model…"), this);
    saveModel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    connect(saveModel, &QAction::triggered, this, [this] {
        if (train_->hasModel())
            train_->saveModel();
        else
            statusBar()->showMessage(tr("Train a model first (Train tab), then save it."), 6000);
    });
    auto* exportView = new QAction(tr("&Export View as PNG or SVG…"), this);
    exportView->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(exportView, &QAction::triggered, this, [this] {
        statusBar()->showMessage(exportImageInteractively(tabs_->currentWidget(), QStringLiteral("genrescope-view")), 8000);
    });
    auto* exportTable = new QAction(tr("Export &Table as CSV…"), this);
    exportTable->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    connect(exportTable, &QAction::triggered, this, [this] {
        auto* view = qobject_cast<QAbstractItemView*>(QApplication::focusWidget());
        if (!view && tabs_->currentIndex() == 0)
            view = ui_->songList;
        if (!view || !view->model())
            return statusBar()->showMessage(tr("Click the table to export first."), 6000);
        statusBar()->showMessage(exportCsvInteractively(this, view->model(), QStringLiteral("genrescope-table")), 8000);
    });
    ui_->menuFile->insertActions(ui_->actionQuit, {closeSong, saveModel, exportView, exportTable});
    ui_->menuFile->insertSeparator(ui_->actionQuit);

    auto* helpAction = new QAction(tr("Genrescope &Help"), this);
    helpAction->setShortcut(QKeySequence(Qt::Key_F1));
    connect(helpAction, &QAction::triggered, this, &MainWindow::help);
    ui_->menuHelp->insertAction(ui_->actionAbout, helpAction);

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
    refreshSelected();
}

} // namespace genrescope::app
