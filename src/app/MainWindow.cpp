#include "MainWindow.h"
#include "ui_MainWindow.h"

#include "FeatureTableModel.h"
#include "GenrePanel.h"
#include "GenreTimelineView.h"
#include "ComparePanel.h"
#include "TrainPanel.h"
#include "PlaybackController.h"
#include "SongLibraryModel.h"
#include "TimeAxis.h"
#include "audio/AudioFormats.h"
#include "common/Error.h"

#include <QCloseEvent>

#include <algorithm>
#include <cmath>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTabWidget>

namespace genrescope::app {
namespace {
constexpr int kMaxRecent = 10;
const char* kRecentKey = "recentFiles";
const char* kLibraryKey = "library/paths";

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
    setCentralWidget(tabs_);
    connect(train_, &TrainPanel::useModelRequested, this, [this](const QString& path, bool featureModel) {
        const QString error = featureModel ? loadModels(path, imageModelPath_) : loadModels(featureModelPath_, path);
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
    ui_->waveformView->setTimeAxis(axis_);
    ui_->spectrogramView->setTimeAxis(axis_);
    ui_->playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    addAction(ui_->actionPlayPause);

    connect(ui_->songList->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { refreshSelected(); });
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
                              .arg(clock(src.durationSeconds()));
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
                                   song->genreNote.isEmpty() && !currentClassifier() ? tr("no models are loaded.") : song->genreNote);
        genreTimeline_->setPrediction(song->hasGenres ? &song->genres : nullptr);
        ui_->songDetails->setText(details);
        if (song.get() != shownSong_) {  // a newly shown song starts at full view, at 0 s
            shownSong_ = song.get();
            axis_->reset(song->audio.durationSeconds());
            playback_->setFile(library_->path(row));
        }
        ui_->waveformView->setSong(song);
        ui_->spectrogramView->setSong(song);
        if (song->hasFeatures)
            features_->setFeatures(&song->features, currentClassifier() ? currentClassifier()->mlp() : nullptr);
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

void MainWindow::selectSong(int row)
{
    ui_->songList->setCurrentIndex(proxy_->mapFromSource(library_->index(row, 0)));
}

void MainWindow::restoreLibrary()
{
    QStringList existing;
    for (const QString& path : QSettings().value(kLibraryKey).toStringList())
        if (QFileInfo(path).isFile())
            existing << path;
    if (!existing.isEmpty())
        library_->addFiles(existing);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings().setValue(kLibraryKey, library_->paths());
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
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Open songs"), {}, filter);
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::chooseFolder()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a folder of songs"));
    if (!dir.isEmpty())
        openPaths({dir});
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Genrescope"),
                       tr("<h3>Genrescope %1</h3><p>A music-genre explorer: waveform, mel spectrogram "
                          "and genre classifiers for your songs.</p>").arg(QStringLiteral(GENRESCOPE_VERSION)));
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
                                                      {}, tr("Genrescope models (*.gsm);;All files (*)"));
    if (file.isEmpty())
        return;
    const QString error = features ? loadModels(file, imageModelPath_) : loadModels(featureModelPath_, file);
    if (!error.isEmpty())
        showMessage(error);
}

QString MainWindow::loadModels(const QString& featureModel, const QString& imageModel)
{
    try {
        auto classifier = classify::makeClassifier(featureModel, imageModel);
        featureModelPath_ = featureModel;
        imageModelPath_ = imageModel;
        const QString description = tr("Models: %1 and %2")
            .arg(featureModel.isEmpty() ? tr("built-in MLP") : QFileInfo(featureModel).fileName(),
                 imageModel.isEmpty() ? tr("built-in CNN") : QFileInfo(imageModel).fileName());
        useClassifier(std::move(classifier), description);
        return {};
    } catch (const Error& e) {
        return e.message();
    }
}

void MainWindow::useClassifier(std::shared_ptr<const classify::GenreClassifier> classifier, const QString& description)
{
    setCurrentClassifier(std::move(classifier));
    statusBar()->showMessage(description, 6000);
    library_->reloadAll();
    refreshSelected();
}

} // namespace genrescope::app
