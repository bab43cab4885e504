#include "SelectionPanel.h"

#include "Export.h"
#include "FeatureTableModel.h"
#include "PlaybackController.h"
#include "TimeAxis.h"
#include "WorkerPools.h"
#include "common/Error.h"
#include "features/FeatureExtractor.h"
#include "workflow/SongRegion.h"
#include "workflow/SongSummary.h"
#include "workflow/TimeText.h"

#include <QAction>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <cmath>
#include <exception>

namespace genrescope::app {

namespace {

enum MarkerColumn { TimeColumn, ChangeColumn, ConfidenceColumn, MarkerColumnCount };

struct RegionResult {
    workflow::RegionFeatures features;
    QString error;  // empty on success
};

QString regionText(double start, double end)
{
    return QStringLiteral("%1–%2 (%3 s)").arg(workflow::clockText(start), workflow::clockText(end)).arg(end - start, 0, 'f', 1);
}

} // namespace

SelectionPanel::SelectionPanel(TimeAxis* axis, PlaybackController* playback, FeatureTableModel* features,
                               QLabel* featureLabel, QWidget* parent)
    : QObject(parent),
      axis_(axis),
      playback_(playback),
      features_(features),
      featureLabel_(featureLabel),
      selectionLabel_(new QLabel(parent)),
      markerPane_(new QWidget(parent)),
      markerTable_(new QTableWidget(0, MarkerColumnCount, markerPane_)),
      loop_(new QAction(tr("&Loop Selection"), parent)),
      selectAll_(new QAction(tr("Select &Whole Song"), parent)),
      clear_(new QAction(tr("&Clear Selection"), parent)),
      exportMarkers_(new QAction(tr("Export &Genre Markers…"), parent)),
      settle_(new QTimer(this)),
      cancel_(std::make_shared<std::atomic<bool>>(false))
{
    selectionLabel_->setObjectName(QStringLiteral("selectionLabel"));
    selectionLabel_->setWordWrap(true);
    selectionLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    loop_->setObjectName(QStringLiteral("actionLoopSelection"));
    loop_->setCheckable(true);
    loop_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    loop_->setToolTip(tr("Loop playback within the selected region (Ctrl+L)"));
    selectAll_->setObjectName(QStringLiteral("actionSelectAll"));
    selectAll_->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_A));
    clear_->setObjectName(QStringLiteral("actionClearSelection"));
    clear_->setShortcut(QKeySequence(Qt::Key_Escape));
    exportMarkers_->setObjectName(QStringLiteral("actionExportMarkers"));
    connect(loop_, &QAction::toggled, playback_, &PlaybackController::setLooping);
    connect(selectAll_, &QAction::triggered, axis_, &TimeAxis::selectAll);
    connect(clear_, &QAction::triggered, axis_, &TimeAxis::clearSelection);
    connect(exportMarkers_, &QAction::triggered, this, &SelectionPanel::exportMarkersInteractively);

    auto* heading = new QLabel(tr("<b>Genre changes</b> (the ensemble's top genre, window to window)"), markerPane_);
    heading->setWordWrap(true);
    markerTable_->setObjectName(QStringLiteral("markerTable"));
    markerTable_->setHorizontalHeaderLabels({tr("Time"), tr("Change"), tr("Confidence")});
    markerTable_->verticalHeader()->hide();
    markerTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    markerTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    markerTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    markerTable_->horizontalHeader()->setSectionResizeMode(TimeColumn, QHeaderView::ResizeToContents);
    markerTable_->horizontalHeader()->setSectionResizeMode(ChangeColumn, QHeaderView::Stretch);
    markerTable_->horizontalHeader()->setSectionResizeMode(ConfidenceColumn, QHeaderView::ResizeToContents);
    markerTable_->verticalHeader()->setDefaultSectionSize(markerTable_->fontMetrics().height() + 4);
    markerTable_->setMaximumHeight(markerTable_->fontMetrics().height() * 10);  // the features keep the room
    markerTable_->setToolTip(tr("Click a change to play from there; right-click to export the changes as labels"));
    markerTable_->setProperty(kOwnContextMenu, true);
    markerTable_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(markerTable_, &QWidget::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu;
        menu.addAction(exportMarkers_);
        menu.exec(markerTable_->viewport()->mapToGlobal(at));
    });
    connect(markerTable_, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (row >= 0 && size_t(row) < markers_.size())
            playback_->seek(markers_[size_t(row)].time);
    });
    auto* layout = new QVBoxLayout(markerPane_);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(heading);
    layout->addWidget(markerTable_);

    settle_->setSingleShot(true);
    settle_->setInterval(250);
    connect(settle_, &QTimer::timeout, this, &SelectionPanel::computeRegionFeatures);
    connect(axis_, &TimeAxis::selectionChanged, this, &SelectionPanel::selectionChanged);
    fillMarkers();
}

SelectionPanel::~SelectionPanel()
{
    cancel_->store(true);
}

void SelectionPanel::setSong(SongAnalysisPtr song, const QString& path, const ml::Model* featureModel)
{
    const bool same = song && song == song_;
    song_ = std::move(song);
    path_ = path;
    featureModel_ = featureModel;
    markers_ = song_ && song_->hasGenres ? workflow::genreChangeMarkers(song_->genres) : std::vector<workflow::GenreMarker>{};
    fillMarkers();
    exportMarkers_->setEnabled(song_ && song_->hasGenres);
    if (!same)
        regionShown_ = false;
    selectionChanged();
}

void SelectionPanel::selectionChanged()
{
    cancel_->store(true);  // whatever runs is for another selection
    ++generation_;
    showRegionGenres();
    const bool sameRegion = regionShown_ && axis_->hasSelection() &&
                            regionSpan_ == std::pair{axis_->selectionStart(), axis_->selectionEnd()};
    if (sameRegion) {  // shown again (the song was refreshed): the table keeps the region's features
        features_->setFeatures(&regionValues_, featureModel_);
        return;
    }
    regionShown_ = false;
    if (!song_ || !axis_->hasSelection()) {
        settle_->stop();
        showSongFeatures();
        return;
    }
    settle_->start();
}

void SelectionPanel::showRegionGenres()
{
    if (!song_ || !axis_->hasSelection()) {  // the line stays, so the views do not jump when a region is selected
        selectionLabel_->setText(song_ ? tr("Drag in a view to select a region; its genre and features show here.") : QString());
        return;
    }
    const double start = axis_->selectionStart(), end = axis_->selectionEnd();
    QString text = tr("<b>Selection</b> %1").arg(regionText(start, end));
    const workflow::RegionGenres genres = song_->hasGenres ? workflow::regionGenres(song_->genres, start, end, song_->classifier.get())
                                                           : workflow::RegionGenres{};
    if (genres.windows == 0) {
        text += song_->hasGenres ? tr(": no classified window covers it") : tr(": no genres for this song");
    } else {
        const QStringList& classes = song_->genres.classes;
        text += QStringLiteral(": %1").arg(workflow::describeProbabilities(genres.ensemble, classes, 3));
        if (!genres.mlp.empty())
            text += tr(" · MLP %1").arg(workflow::describeProbabilities(genres.mlp, classes, 1));
        if (!genres.cnn.empty())
            text += tr(" · CNN %1").arg(workflow::describeProbabilities(genres.cnn, classes, 1));
        text += tr(" · %n window(s)", nullptr, genres.windows);
    }
    selectionLabel_->setText(text);
}

void SelectionPanel::showSongFeatures(const QString& note)
{
    features_->setFeatures(song_ && song_->hasFeatures ? &song_->features : nullptr, featureModel_);
    featureLabel_->setText(tr("<b>GTZAN features</b> (whole song%1; z against the MLP's training songs)")
                               .arg(note.isEmpty() ? QString() : QStringLiteral(" — %1").arg(note)));
}

void SelectionPanel::computeRegionFeatures()
{
    if (!song_ || !axis_->hasSelection())
        return;
    const double start = axis_->selectionStart(), end = axis_->selectionEnd();
    if (end - start < kMinimumFeatureSeconds) {
        showSongFeatures(tr("the selection is %1 s; features need at least %2 s").arg(end - start, 0, 'f', 2)
                             .arg(kMinimumFeatureSeconds));
        Q_EMIT regionFeaturesDone();
        return;
    }
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const int generation = generation_;
    featureLabel_->setText(tr("<b>GTZAN features</b> (whole song — computing the selection's %1…)").arg(regionText(start, end)));
    auto* watcher = new QFutureWatcher<RegionResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, start, end] {
        watcher->deleteLater();
        if (generation != generation_)
            return;  // the selection moved on
        const RegionResult r = watcher->result();
        if (!r.error.isEmpty()) {
            showSongFeatures(tr("the selection's features failed: %1").arg(r.error.toHtmlEscaped()));
        } else {
            regionValues_ = r.features.values;
            regionSpan_ = {start, end};
            regionShown_ = true;
            features_->setFeatures(&regionValues_, featureModel_);
            featureLabel_->setText(tr("<b>GTZAN features</b> (selection %1%2; z against the MLP's training songs)")
                                       .arg(regionText(start, end), r.features.pooled ? tr(", pooled from 30 s windows") : QString()));
        }
        Q_EMIT regionFeaturesDone();
    });
    watcher->setFuture(QtConcurrent::run(pools::analysis(), [song = song_, path = path_, start, end, cancel = cancel_] {
        pools::runInBackground();
        RegionResult result;
        if (song->hasFeatures && start <= 1e-6 && end >= song->seconds - 1e-6) {  // the whole song: its own
            result.features.values = song->features;
            result.features.pooled = song->featuresPooled;
            return result;
        }
        try {
            const TaskControl control{{}, cancel.get()};
            std::vector<float> decoded;
            const float* y = nullptr;
            long n = 0;
            if (!song->audio.samples.empty()) {  // songs up to SongAnalysis::kSamplesKeptSeconds keep them
                const double rate = song->audio.sampleRate;
                const long size = long(song->audio.samples.size());
                const long first = std::clamp(std::lround(start * rate), 0L, size);
                y = song->audio.samples.data() + first;
                n = std::clamp(std::lround(end * rate), first, size) - first;
            } else {
                decoded = workflow::decodeRegion(path, start, end, control);
                y = decoded.data();
                n = long(decoded.size());
            }
            requireFeatureLength(n, QObject::tr("The selection"));
            result.features = workflow::signalFeatures(y, n, control, 1);
        } catch (const Error& e) {
            result.error = e.message();
        } catch (const std::exception& e) {  // e.g. no memory for a long region: said, not fatal
            result.error = QString::fromLocal8Bit(e.what());
        }
        return result;
    }));
}

void SelectionPanel::fillMarkers()
{
    markerTable_->setRowCount(0);
    if (!song_)
        return;
    const QStringList& classes = song_->genres.classes;
    markerTable_->setRowCount(int(markers_.size()));
    for (size_t i = 0; i < markers_.size(); ++i) {
        const workflow::GenreMarker& m = markers_[i];
        const int row = int(i);
        markerTable_->setItem(row, TimeColumn, new QTableWidgetItem(workflow::clockText(m.time)));
        markerTable_->setItem(row, ChangeColumn, new QTableWidgetItem(workflow::markerLabel(m, classes)));
        auto* confidence = new QTableWidgetItem(QStringLiteral("%1 %").arg(std::lround(100.0 * m.confidence)));
        confidence->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        markerTable_->setItem(row, ConfidenceColumn, confidence);
    }
}

void SelectionPanel::exportMarkersInteractively()
{
    if (!song_ || !song_->hasGenres)
        return Q_EMIT statusMessage(tr("Select a classified song first."), 6000);
    const QString name = QFileInfo(path_).completeBaseName() + QStringLiteral("-genre-markers");
    const QString message = app::exportMarkersInteractively(markerTable_, markers_, song_->genres.classes, name);
    if (!message.isEmpty())
        Q_EMIT statusMessage(message, 8000);
}

} // namespace genrescope::app
