#include "ExplorePanel.h"

#include "ui_ExplorePanel.h"

#include "FeaturePaneView.h"
#include "FeatureTableModel.h"
#include "GenrePanel.h"
#include "GenreTimelineView.h"
#include "PlaybackController.h"
#include "SelectionPanel.h"
#include "SongLibraryModel.h"
#include "SpectrogramSettingsDialog.h"
#include "TimeAxis.h"
#include "workflow/SongSummary.h"
#include "workflow/TimeText.h"

#include <QAction>
#include <QHeaderView>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStyle>
#include <QTimer>

#include <algorithm>

namespace genrescope::app {

ExplorePanel::ExplorePanel(SongLibraryModel* library, QWidget* parent)
    : QWidget(parent),
      ui_(std::make_unique<Ui::ExplorePanel>()),
      library_(library),
      axis_(new TimeAxis(this)),
      playback_(new PlaybackController(axis_, this)),
      features_(new FeatureTableModel(this))
{
    ui_->setupUi(this);
    setObjectName(QStringLiteral("explorePanel"));
    genreTimeline_ = new GenreTimelineView(this);
    genreTimeline_->setTimeAxis(axis_);
    ui_->songLayout->insertWidget(ui_->songLayout->indexOf(ui_->spectrogramView) + 1, genreTimeline_);
    genrePanel_ = new GenrePanel(this);
    genrePanel_->setObjectName(QStringLiteral("genrePanel"));
    ui_->featureLayout->insertWidget(0, genrePanel_, 2);
    ui_->featureLayout->setStretchFactor(ui_->featureTable, 1);

    ui_->featureTable->setModel(features_);
    ui_->featureTable->setAccessibleName(tr("the song's features"));
    ui_->featureTable->setProperty("exportName", QStringLiteral("features"));
    ui_->featureTable->setProperty("exportPerSong", true);
    ui_->songList->setAccessibleName(tr("the song list"));
    ui_->songList->setProperty("exportName", QStringLiteral("songs"));
    ui_->featureTable->horizontalHeader()->setStretchLastSection(true);
    ui_->featureTable->horizontalHeader()->setSectionResizeMode(FeatureTableModel::NameColumn, QHeaderView::ResizeToContents);
    ui_->featureTable->verticalHeader()->hide();
    ui_->featureTable->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
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
    ui_->songList->setTextElideMode(Qt::ElideMiddle);  // long names keep their start and end
    ui_->songList->sortByColumn(-1, Qt::AscendingOrder);  // the order songs were added until a header is clicked
    connect(ui_->libraryFilter, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    ui_->splitter->setStretchFactor(1, 1);
    ui_->splitter->setSizes({430, 560, 490});
    ui_->waveformView->setTimeAxis(axis_);
    ui_->spectrogramView->setTimeAxis(axis_);
    ui_->playButton->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));

    // The current row moves in bursts (typing in the filter, sorting, arrow keys held down): the
    // song is shown, and a slim one decoded again, once the row has settled for a moment.
    selectionSettled_ = new QTimer(this);
    selectionSettled_->setSingleShot(true);
    selectionSettled_->setInterval(150);
    connect(selectionSettled_, &QTimer::timeout, this, &ExplorePanel::refresh);
    connect(ui_->songList->selectionModel(), &QItemSelectionModel::currentRowChanged, selectionSettled_,
            qOverload<>(&QTimer::start));
    connect(library_, &SongLibraryModel::songReady, this, [this](int row) {
        if (row == currentRow())
            refresh();
    });
    connect(library_, &SongLibraryModel::songFailed, this, [this](int row, const QString& message) {
        emit statusMessage(message, 8000);
        if (row == currentRow())
            refresh();
    });
    connect(library_, &SongLibraryModel::songProgress, this, [this](int row, double fraction) {
        if (row == currentRow())
            ui_->loadProgress->setValue(int(fraction * 1000));
    });

    for (TimelineView* view : {static_cast<TimelineView*>(ui_->waveformView),
                               static_cast<TimelineView*>(ui_->spectrogramView), static_cast<TimelineView*>(genreTimeline_)})
        connect(view, &TimelineView::seekRequested, playback_, &PlaybackController::seek);
    connect(axis_, &TimeAxis::playheadChanged, this, &ExplorePanel::updatePosition);
    connect(axis_, &TimeAxis::viewChanged, this, &ExplorePanel::updatePosition);
    connect(playback_, &PlaybackController::playingChanged, this, [this](bool playing) {
        ui_->playButton->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
        ui_->playButton->setText(playing ? tr("Pause") : tr("Play"));
    });
    connect(playback_, &PlaybackController::errorOccurred, this,
            [this](const QString& message) { emit statusMessage(message, 10000); });
    connect(ui_->playButton, &QToolButton::clicked, playback_, &PlaybackController::togglePlay);
    connect(ui_->showAllButton, &QToolButton::clicked, axis_, &TimeAxis::showAll);

    selection_ = new SelectionPanel(axis_, playback_, features_, ui_->featureLabel, this);
    ui_->songLayout->addWidget(selection_->selectionLabel());  // under the transport
    ui_->featureLayout->addWidget(selection_->markerPane());
    auto* loopButton = new QToolButton(this);
    loopButton->setObjectName(QStringLiteral("loopButton"));
    loopButton->setDefaultAction(selection_->loopAction());
    ui_->transportLayout->insertWidget(ui_->transportLayout->indexOf(ui_->positionLabel), loopButton);
    addActions({selection_->loopAction(), selection_->selectAllAction(), selection_->clearAction()});
    connect(selection_, &SelectionPanel::statusMessage, this, &ExplorePanel::statusMessage);
    updatePosition();

    // The spectrogram's settings and the optional feature panes, as the user left them.
    ui_->spectrogramView->setSettings(SpectrogramSettings::load(QSettings()));
    connect(ui_->spectrogramView, &SpectrogramView::settingsRequested, this, &ExplorePanel::showSpectrogramSettings);
    auto* settingsAction = new QAction(tr("Spectrogram &Settings…"), this);
    settingsAction->setObjectName(QStringLiteral("actionSpectrogramSettings"));
    connect(settingsAction, &QAction::triggered, this, &ExplorePanel::showSpectrogramSettings);
    viewActions_.append(settingsAction);
    auto* resetZoom = new QAction(tr("Reset &Frequency Zoom"), this);
    resetZoom->setObjectName(QStringLiteral("actionResetFrequencyZoom"));
    resetZoom->setToolTip(tr("Show the whole frequency axis again (Ctrl+wheel over the spectrogram zooms it)."));
    connect(resetZoom, &QAction::triggered, ui_->spectrogramView, &SpectrogramView::resetFrequencyZoom);
    viewActions_.append(resetZoom);
    chromaView_ = new FeaturePaneView(FeaturePaneView::Feature::Chroma, this);
    mfccView_ = new FeaturePaneView(FeaturePaneView::Feature::Mfcc, this);
    int at = ui_->songLayout->indexOf(ui_->spectrogramView) + 1;
    for (FeaturePaneView* pane : {chromaView_, mfccView_}) {
        pane->setTimeAxis(axis_);
        connect(pane, &TimelineView::seekRequested, playback_, &PlaybackController::seek);
        ui_->songLayout->insertWidget(at++, pane, 1);
        const bool chroma = pane == chromaView_;
        const QString key = chroma ? QStringLiteral("explore/chromaPane") : QStringLiteral("explore/mfccPane");
        auto* toggle = new QAction(chroma ? tr("&Chroma Pane") : tr("&MFCC Pane"), this);
        toggle->setObjectName(chroma ? QStringLiteral("actionChromaPane") : QStringLiteral("actionMfccPane"));
        toggle->setCheckable(true);
        toggle->setChecked(QSettings().value(key, false).toBool());
        pane->setVisible(toggle->isChecked());
        connect(toggle, &QAction::toggled, this, [pane, key](bool on) {
            pane->setVisible(on);
            QSettings().setValue(key, on);
        });
        viewActions_.append(toggle);
    }
}

ExplorePanel::~ExplorePanel() = default;

QList<QAction*> ExplorePanel::viewActions() const
{
    return viewActions_;
}

void ExplorePanel::showSpectrogramSettings()
{
    if (auto* open = findChild<SpectrogramSettingsDialog*>(QStringLiteral("spectrogramSettings")))
        return open->raise(), open->activateWindow();
    auto* dialog = new SpectrogramSettingsDialog(ui_->spectrogramView->settings(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SpectrogramSettingsDialog::settingsChanged, ui_->spectrogramView, &SpectrogramView::setSettings);
    dialog->show();
}

QTableView* ExplorePanel::songList() const
{
    return ui_->songList;
}

QList<QWidget*> ExplorePanel::plotViews() const
{
    QList<QWidget*> views;
    for (int i = 0; i < ui_->songLayout->count(); ++i)
        if (auto* view = qobject_cast<TimelineView*>(ui_->songLayout->itemAt(i)->widget()); view && view->isVisible())
            views << view;
    return views;
}

int ExplorePanel::currentRow() const
{
    const QModelIndex i = proxy_->mapToSource(ui_->songList->currentIndex());
    return i.isValid() ? i.row() : -1;
}

void ExplorePanel::selectSong(int row)
{
    ui_->songList->setCurrentIndex(proxy_->mapFromSource(library_->index(row, 0)));
    selectionSettled_->stop();
    refresh();  // chosen on purpose: shown at once
}

void ExplorePanel::refresh()
{
    using workflow::SongStage;
    const int row = currentRow();
    ui_->messageBanner->hide();
    features_->setFeatures(nullptr);
    genrePanel_->setPrediction(nullptr);
    genreTimeline_->setPrediction(nullptr);
    const auto showSummary = [this](const workflow::SongSummary& summary) {
        ui_->songTitle->setText(summary.title);
        ui_->songDetails->setText(summary.details);
    };
    if (row < 0) {
        shownSong_ = nullptr;
        showSummary(workflow::summariseSong(SongStage::NoSong));
        ui_->loadProgress->hide();
        ui_->waveformView->setPlaceholder({});
        axis_->reset(0.0);  // no times of an earlier song
        selection_->setSong(nullptr, {}, nullptr);
        return;
    }
    const QString path = library_->path(row);
    library_->ensureLoaded(row);  // a song not looked at lately is analysed again
    switch (library_->state(row)) {
    case SongLibraryModel::State::Loading:
    case SongLibraryModel::State::Failed: {
        const bool failed = library_->state(row) == SongLibraryModel::State::Failed;
        shownSong_ = nullptr;
        showSummary(workflow::summariseSong(failed ? SongStage::Failed : SongStage::Analysing, path));
        if (failed) {
            ui_->loadProgress->hide();
            showMessage(library_->message(row));
        } else {
            ui_->loadProgress->setValue(int(library_->progress(row) * 1000));
            ui_->loadProgress->show();
        }
        ui_->waveformView->setSong(nullptr);
        ui_->waveformView->setPlaceholder(failed ? tr("This file cannot be shown: see the message above.") : tr("Analysing…"));
        axis_->reset(0.0);  // no times or selection of an earlier song
        ui_->spectrogramView->setSong(nullptr);
        chromaView_->setSong(nullptr);
        mfccView_->setSong(nullptr);
        playback_->setFile({});
        selection_->setSong(nullptr, {}, nullptr);
        break;
    }
    case SongLibraryModel::State::Ready: {
        ui_->loadProgress->hide();
        const SongAnalysisPtr song = library_->analysis(row);
        showSummary(workflow::summariseSong(SongStage::Ready, path, song.get()));
        genrePanel_->setPrediction(song->hasGenres ? &song->genres : nullptr,
                                   song->genreNote.isEmpty() && !library_->classifier() ? tr("no models are loaded.") : song->genreNote);
        genreTimeline_->setPrediction(song->hasGenres ? &song->genres : nullptr);
        if (song.get() != shownSong_) {  // a newly shown song starts at full view, at 0 s
            shownSong_ = song.get();
            axis_->reset(song->seconds);
            playback_->setFile(path);
        }
        ui_->waveformView->setSong(song);
        ui_->spectrogramView->setSong(song);
        chromaView_->setSong(song);
        mfccView_->setSong(song);
        if (song->hasFeatures)
            features_->setFeatures(&song->features, library_->classifier() ? library_->classifier()->mlp() : nullptr);
        selection_->setSong(song, path, library_->classifier() ? library_->classifier()->mlp() : nullptr);
        break;
    }
    }
    updatePosition();
}

void ExplorePanel::showMessage(const QString& message)
{
    ui_->messageBanner->setText(message);
    ui_->messageBanner->show();
}

void ExplorePanel::closeCurrentSong()
{
    const int row = currentRow();
    if (row < 0)
        return;
    if (library_->path(row) == playback_->file())
        playback_->setFile({});
    library_->removeSong(row);
    refresh();
}

QByteArray ExplorePanel::saveLayout() const
{
    return ui_->splitter->saveState();
}

bool ExplorePanel::restoreLayout(const QByteArray& state)
{
    return ui_->splitter->restoreState(state);
}

void ExplorePanel::togglePlay()
{
    playback_->togglePlay();
}

void ExplorePanel::rewind()
{
    playback_->seek(0.0);
}

void ExplorePanel::stop()
{
    playback_->stop();
}

void ExplorePanel::zoomIn()
{
    axis_->zoomAround(axis_->viewStart() + axis_->viewSpan() / 2, 0.5);
}

void ExplorePanel::zoomOut()
{
    axis_->zoomAround(axis_->viewStart() + axis_->viewSpan() / 2, 2.0);
}

void ExplorePanel::showAll()
{
    axis_->showAll();
}

void ExplorePanel::updatePosition()
{
    const bool hours = axis_->duration() >= 3600.0;  // every time of a long song in h:mm:ss
    const auto clock = [hours](double t, int decimals = 1) { return workflow::clockText(t, decimals, hours); };
    ui_->positionLabel->setText(QStringLiteral("%1 / %2").arg(clock(axis_->playhead()), clock(axis_->duration())));
    genrePanel_->setPlayhead(axis_->playhead());
    const int viewDecimals = std::max(1, workflow::stepDecimals(axis_->viewSpan() / 10));  // zoomed in: finer
    ui_->viewLabel->setText(axis_->duration() > 0
        ? tr("View %1 – %2").arg(clock(axis_->viewStart(), viewDecimals), clock(axis_->viewEnd(), viewDecimals)) : QString());
}

} // namespace genrescope::app
