#include "SongLibraryModel.h"

#include "common/Error.h"
#include "WorkerPools.h"

#include "workflow/LibraryScan.h"
#include "workflow/TimeText.h"

#include <QApplication>
#include <QFileInfo>
#include <QStyle>
#include <QtConcurrent>

namespace genrescope::app {

SongLibraryModel::SongLibraryModel(QObject* parent) : QAbstractTableModel(parent) {}

SongLibraryModel::~SongLibraryModel()
{
    cancelAll();
}

int SongLibraryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(entries_.size());
}

int SongLibraryModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SongLibraryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Name");
    case DurationColumn: return tr("Length");
    case MlpColumn: return tr("MLP");
    case CnnColumn: return tr("CNN");
    case AgreementColumn: return tr("Agree");
    default: return {};
    }
}

namespace {

/// "rock 61 %" for one model's song-level probabilities, with its sort key (the confidence).
std::pair<QString, double> genreCell(const SongAnalysis& a, bool mlp)
{
    const std::vector<float>& p = mlp ? a.genres.mlp : a.genres.cnn;
    const auto [c, prob] = classify::topClass(p);
    if (!a.hasGenres || c < 0)
        return {QStringLiteral("–"), -1.0};
    if (a.genres.unusual)  // no percentage that claims confidence; the tooltip says why
        return {QObject::tr("unusual"), -0.5};
    return {QStringLiteral("%1 %2 %").arg(a.genres.classes[c]).arg(std::lround(100.0 * prob)), double(prob)};
}

} // namespace

QVariant SongLibraryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(entries_.size()))
        return {};
    const Entry& e = entries_[size_t(index.row())];
    const bool ready = e.state == State::Ready;
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (index.column()) {
        case NameColumn: {
            const QString name = QFileInfo(e.path).fileName();
            if (!sort && e.state == State::Loading)
                return QStringLiteral("%1  (%2 %)").arg(name).arg(int(e.progress * 100));
            return sort ? QVariant(name.toLower()) : QVariant(name);
        }
        case DurationColumn: {
            if (!ready)
                return sort ? QVariant(-1.0) : QVariant();
            const double s = e.analysis->seconds;
            return sort ? QVariant(s)
                        : QVariant(workflow::clockText(s));
        }
        case MlpColumn:
        case CnnColumn: {
            if (!ready)
                return sort ? QVariant(-1.0) : QVariant();
            const auto [text, key] = genreCell(*e.analysis, index.column() == MlpColumn);
            return sort ? QVariant(key) : QVariant(text);
        }
        case AgreementColumn: {
            if (!ready || !e.analysis->hasGenres || e.analysis->genres.mlp.empty() || e.analysis->genres.cnn.empty())
                return sort ? QVariant(-1) : QVariant();
            const bool agree = classify::topClass(e.analysis->genres.mlp).first == classify::topClass(e.analysis->genres.cnn).first;
            if (sort)
                return agree ? 1 : 0;
            return agree ? tr("yes") : tr("no");
        }
        default: return {};
        }
    }
    switch (role) {
    case Qt::ToolTipRole:
        if (e.state == State::Failed)
            return e.message;
        if (ready && e.analysis->hasGenres && e.analysis->genres.unusual)
            return QStringLiteral("%1\n%2").arg(e.path, e.analysis->genres.unusualReason);
        return e.path;
    case Qt::DecorationRole: {
        if (index.column() != NameColumn)
            return {};
        QStyle* style = QApplication::style();
        if (e.state == State::Failed)
            return style->standardIcon(QStyle::SP_MessageBoxCritical);
        if (e.state == State::Loading)
            return style->standardIcon(QStyle::SP_BrowserReload);
        if (e.analysis->hasGenres && e.analysis->genres.unusual)
            return style->standardIcon(QStyle::SP_MessageBoxWarning);
        return style->standardIcon(QStyle::SP_MediaVolume);
    }
    case Qt::ForegroundRole:
        if (e.state == State::Failed)
            return QColor(200, 40, 40);
        if (index.column() == AgreementColumn && ready && data(index, SortRole).toInt() == 0)
            return QColor(210, 120, 30);
        if ((index.column() == MlpColumn || index.column() == CnnColumn) && ready && e.analysis->hasGenres
            && e.analysis->genres.unusual)
            return QColor(140, 140, 140);  // unusual audio: the genre means little
        return {};
    case PathRole: return e.path;
    case StateRole: return int(e.state);
    case ProgressRole: return e.progress;
    case MessageRole: return e.message;
    default: return {};
    }
}

int SongLibraryModel::addFiles(const QStringList& paths)
{
    int first = -1;
    if (store_) {  // kept at once, so a crash before their analysis does not drop them from the library
        QStringList fresh;
        for (const QString& p : paths)
            if (const QString path = QFileInfo(p).absoluteFilePath(); !paths_.contains(path))
                fresh << path;
        try {
            store_->addPending(fresh);
        } catch (const Error& err) {
            qWarning("genrescope: %s", qPrintable(err.message()));
        }
    }
    for (const QString& p : paths) {
        const QString path = QFileInfo(p).absoluteFilePath();
        if (paths_.contains(path))
            continue;
        paths_.insert(path);
        const int row = int(entries_.size());
        beginInsertRows({}, row, row);
        Entry e;
        e.id = nextId_++;
        e.path = path;
        entries_.push_back(std::move(e));
        endInsertRows();
        start(row);
        if (first < 0)
            first = row;
    }
    return first;
}

int SongLibraryModel::rowOf(const QString& path) const
{
    for (size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].path == path)
            return int(i);
    return -1;
}

QString SongLibraryModel::path(int row) const { return entries_.at(size_t(row)).path; }
SongLibraryModel::State SongLibraryModel::state(int row) const { return entries_.at(size_t(row)).state; }
double SongLibraryModel::progress(int row) const { return entries_.at(size_t(row)).progress; }
QString SongLibraryModel::message(int row) const { return entries_.at(size_t(row)).message; }
SongAnalysisPtr SongLibraryModel::analysis(int row) const { return entries_.at(size_t(row)).analysis; }

void SongLibraryModel::start(int row, bool first)
{
    const quint64 id = entries_[size_t(row)].id;
    std::erase(queue_, id);
    if (first)
        queue_.push_front(id);
    else
        queue_.push_back(id);
    dispatch();
}

void SongLibraryModel::dispatch()
{
    const int threads = std::max(1, pools::analysis()->maxThreadCount());
    while (!paused_ && running_ < threads && !queue_.empty()) {
        const quint64 id = queue_.front();
        queue_.pop_front();
        const int row = rowOfId(id);
        if (row < 0 || entries_[size_t(row)].state != State::Loading || entries_[size_t(row)].watcher)
            continue;  // closed, or already running
        launch(row);
        ++running_;
    }
    Q_EMIT queueChanged();
}

void SongLibraryModel::setPaused(bool paused)
{
    paused_ = paused;
    dispatch();
}

int SongLibraryModel::waitingCount() const
{
    return int(queue_.size());
}

QString SongLibraryModel::runningPath() const
{
    for (const Entry& e : entries_)
        if (e.watcher)
            return e.path;
    return {};
}

std::shared_ptr<const workflow::KnownGenres> SongLibraryModel::knownGenres(const Entry& e) const
{
    // A slim song shown again: its genres (from this session, or the store) need no new classification.
    if (!e.analysis || !e.analysis->slim() || !e.analysis->hasGenres || !classifier_ ||
        e.analysis->classifier != classifier_)
        return nullptr;
    auto known = std::make_shared<workflow::KnownGenres>();
    known->classifier = classifier_;
    known->genres = e.analysis->genres;
    known->fileSize = e.analysis->fileSize;
    known->mtimeNs = e.analysis->mtimeNs;
    known->contentHash = e.analysis->contentHash;
    if (known->genres.windows.empty() && store_) {  // restored: the windows are read only now
        std::optional<classify::SongPrediction> stored;
        try {
            if (const auto song = store_->song(e.path); song && song->size == known->fileSize && song->mtimeNs == known->mtimeNs)
                stored = workflow::storedPrediction(*store_, *song, *classifier_);
        } catch (const Error&) {
        }
        if (!stored)
            return nullptr;
        known->genres = std::move(*stored);
    }
    return known;
}

void SongLibraryModel::launch(int row)
{
    Entry& e = entries_[size_t(row)];
    e.cancel = std::make_shared<std::atomic<bool>>(false);
    auto* watcher = e.watcher = new QFutureWatcher<SongAnalysisPtr>(this);
    // Rows move when songs are closed: the callbacks find their song by id.
    const quint64 id = e.id;

    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, id](int value) {
        const int at = rowOfId(id);
        if (at < 0 || entries_[size_t(at)].state != State::Loading)
            return;
        entries_[size_t(at)].progress = value / 1000.0;
        changed(at);
        Q_EMIT songProgress(at, entries_[size_t(at)].progress);
    });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, id, watcher] {
        --running_;
        finish(id, watcher);
        dispatch();
    });

    const QString path = e.path;
    auto cancel = e.cancel;
    const std::shared_ptr<const workflow::KnownGenres> known = knownGenres(e);
    QFuture<SongAnalysisPtr> future = QtConcurrent::run(pools::analysis(), [path, cancel, classifier = classifier_, known](
                                                                               QPromise<SongAnalysisPtr>& promise) {
        pools::runInBackground();
        promise.setProgressRange(0, 1000);
        TaskControl control{[&promise](double f) { promise.setProgressValue(int(f * 1000)); }, cancel.get()};
        try {
            promise.addResult(analyseSong(path, classifier, control, known.get()));
        } catch (const Error& err) {
            promise.setException(std::make_exception_ptr(err));
        } catch (const std::exception& err) {
            promise.setException(std::make_exception_ptr(
                Error(ErrorCode::InvalidArgument, QStringLiteral("Internal error: %1").arg(err.what()))));
        }
    });
    e.watcher->setFuture(future);
}

int SongLibraryModel::rowOfId(quint64 id) const
{
    for (size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].id == id)
            return int(i);
    return -1;
}

bool SongLibraryModel::removeSong(int row)
{
    if (row < 0 || row >= int(entries_.size()))
        return false;
    if (entries_[size_t(row)].cancel)
        entries_[size_t(row)].cancel->store(true);  // a load still running stops; its result is dropped
    if (store_) {
        try {
            store_->removeSong(entries_[size_t(row)].path);
        } catch (const Error&) {  // the song is closed all the same; the store keeps a stale row
        }
    }
    paths_.remove(entries_[size_t(row)].path);
    beginRemoveRows({}, row, row);
    std::erase(recentlyUsed_, entries_[size_t(row)].id);
    entries_.erase(entries_.begin() + row);
    endRemoveRows();
    return true;
}

void SongLibraryModel::finish(quint64 id, QFutureWatcher<SongAnalysisPtr>* watcher)
{
    watcher->deleteLater();
    const int row = rowOfId(id);
    if (row < 0 || entries_[size_t(row)].watcher != watcher)
        return;  // the song was closed meanwhile
    Entry& e = entries_[size_t(row)];
    QFuture<SongAnalysisPtr> future = watcher->future();
    e.watcher = nullptr;
    try {
        future.waitForFinished();  // rethrows the worker's genrescope::Error
        if (future.resultCount() == 0)
            throw Error(ErrorCode::Cancelled, QStringLiteral("Loading was cancelled."));
        e.analysis = future.result();
        e.state = State::Ready;
        e.progress = 1.0;
        markUsed(id);
    } catch (const Error& err) {
        e.state = State::Failed;
        e.message = err.message();
        e.errorCode = QLatin1String(errorCodeName(err.code()));
    } catch (const QException&) {
        e.state = State::Failed;
        e.message = QStringLiteral("Loading failed.");
    }
    if (e.state == State::Failed && e.analysis && !e.analysis->slim())
        e.analysis = slimmed(*e.analysis);  // an earlier analysis, no longer counted in the memory budget
    storeResult(e);
    changed(row);
    if (e.state == State::Ready)
        Q_EMIT songReady(row);
    else
        Q_EMIT songFailed(row, e.message);
}

void SongLibraryModel::storeResult(const Entry& e)
{
    if (!store_ || e.errorCode == QLatin1String(errorCodeName(ErrorCode::Cancelled)))
        return;
    workflow::StoredSong s;
    std::vector<workflow::StoredPrediction> predictions;
    s.path = e.path;
    if (e.state == State::Failed) {
        if (const auto stamp = workflow::stampOf(e.path)) {
            s.size = stamp->size;
            s.mtimeNs = stamp->mtimeNs;
        }
        s.errorCode = e.errorCode.isEmpty() ? QStringLiteral("internal") : e.errorCode;
        s.error = e.message;
    } else {
        const SongAnalysis& a = *e.analysis;
        s.size = a.fileSize;
        s.mtimeNs = a.mtimeNs;
        s.contentHash = a.contentHash;
        const AudioInfo& src = a.audio.source;
        s.container = src.container;
        s.encoding = src.encoding;
        s.sampleRate = src.sampleRate;
        s.channels = src.channels;
        s.seconds = a.seconds;
        s.note = src.note;
        if (a.hasGenres) {
            s.unusual = a.genres.unusual;
            s.unusualReason = a.genres.unusualReason;
            for (const classify::WindowPrediction& w : a.genres.windows)
                s.windows.push_back({w.start, w.end, w.features});
            if (a.classifier)
                predictions = workflow::predictionsOf(a.genres, *a.classifier);
        }
    }
    try {
        store_->putSong(s, predictions);
    } catch (const Error& err) {
        qWarning("genrescope: %s", qPrintable(err.message()));
    }
}

int SongLibraryModel::attachStore(std::unique_ptr<workflow::LibraryStore> store)
{
    store_ = std::move(store);
    const auto& classifier = classifier_;
    // Each current model's song-level answers, by song id: two queries for the whole library.
    std::vector<QHash<qint64, std::vector<float>>> answers;
    std::vector<const ml::Model*> models;
    if (classifier)
        for (const ml::Model* m : {classifier->mlp(), classifier->cnn()})
            if (m) {
                models.push_back(m);
                QHash<qint64, std::vector<float>> byId;
                for (auto& [id, p] : store_->songProbabilities(m->checksum))
                    byId.insert(id, std::move(p));
                answers.push_back(std::move(byId));
            }
    std::vector<workflow::StoredSong> songs = store_->allSongs(false);
    std::vector<int> toAnalyse;
    int restored = 0;
    beginResetModel();
    for (workflow::StoredSong& s : songs) {
        if (paths_.contains(s.path))
            continue;
        Entry e;
        e.id = nextId_++;
        e.path = s.path;
        const std::optional<workflow::FileStamp> stamp = workflow::stampOf(s.path);
        bool complete = stamp && stamp->size == s.size && stamp->mtimeNs == s.mtimeNs;
        if (complete && s.failed()) {
            e.state = State::Failed;
            e.message = s.error;
            e.errorCode = s.errorCode;
        } else if (complete) {
            auto a = std::make_shared<SongAnalysis>();  // slim: the summary, as for songs not looked at lately
            a->seconds = s.seconds;
            a->audio.sampleRate = kAnalysisRate;
            a->audio.source.path = s.path;
            a->audio.source.container = s.container;
            a->audio.source.encoding = s.encoding;
            a->audio.source.sampleRate = s.sampleRate;
            a->audio.source.channels = s.channels;
            a->audio.source.note = s.note;
            a->fileSize = s.size;
            a->mtimeNs = s.mtimeNs;
            a->contentHash = s.contentHash;
            if (classifier) {
                classify::SongPrediction& g = a->genres;
                g.classes = classifier->classes();
                g.seconds = s.seconds;
                g.mlpWeight = classifier->mlpWeight();
                g.unusual = s.unusual;
                g.unusualReason = s.unusualReason;
                for (size_t m = 0; m < models.size(); ++m) {
                    const auto found = answers[m].constFind(s.id);
                    if (found == answers[m].constEnd()) {
                        complete = false;  // this model has not heard the song
                        break;
                    }
                    (models[m] == classifier->mlp() ? g.mlp : g.cnn) = *found;
                }
                g.ensemble = classifier->ensemble(g.mlp, g.cnn);
                a->hasGenres = complete;
                a->classifier = classifier;
            }
            e.state = State::Ready;
            e.progress = 1.0;
            e.analysis = std::move(a);
        }
        if (!complete && stamp) {
            e.state = State::Loading;
            toAnalyse.push_back(int(entries_.size()));
        } else if (!stamp) {
            e.state = State::Failed;
            e.message = QStringLiteral("%1: the file is no longer there (moved or deleted).").arg(shownPath(s.path));
        }
        restored += e.state != State::Loading;
        paths_.insert(e.path);
        entries_.push_back(std::move(e));
    }
    endResetModel();
    for (int row : toAnalyse)
        start(row);
    return restored;
}

void SongLibraryModel::markUsed(quint64 id)
{
    std::erase(recentlyUsed_, id);
    recentlyUsed_.insert(recentlyUsed_.begin(), id);
    // The song shown first (it always stays, and counts), then the others, most recent first.
    if (const auto shown = std::find(recentlyUsed_.begin(), recentlyUsed_.end(), shownId_); shown != recentlyUsed_.end())
        std::rotate(recentlyUsed_.begin(), shown, shown + 1);
    size_t bytes = 0;
    std::vector<quint64> kept;
    for (const quint64 used : recentlyUsed_) {
        const int row = rowOfId(used);
        Entry* e = row >= 0 ? &entries_[size_t(row)] : nullptr;
        if (!e || e->state != State::Ready || !e->analysis || e->analysis->slim())
            continue;
        bytes += e->analysis->heldBytes();
        if (used == shownId_ || (kept.size() < size_t(kMaxLoadedSongs) && bytes <= maxLoadedBytes_))
            kept.push_back(used);
        else
            e->analysis = slimmed(*e->analysis);  // a view still showing it keeps its own reference
    }
    recentlyUsed_ = std::move(kept);
}

bool SongLibraryModel::ensureLoaded(int row)
{
    Entry& e = entries_.at(size_t(row));
    shownId_ = e.id;
    if (e.state == State::Loading && !e.watcher) {  // waiting: the song looked at goes first
        const quint64 id = e.id;
        QMetaObject::invokeMethod(this, [this, id] {
            if (const int at = rowOfId(id); at >= 0 && entries_[size_t(at)].state == State::Loading)
                start(at, true);
        }, Qt::QueuedConnection);
        return false;
    }
    if (e.state != State::Ready)
        return e.state == State::Failed;
    if (!e.analysis->slim()) {
        markUsed(e.id);
        return true;
    }
    e.state = State::Loading;
    e.progress = 0.0;
    // Called while views react to a selection change, possibly inside a proxy's row removal
    // (typing in the filter): announce the change and start only once that is over.
    const quint64 id = e.id;
    QMetaObject::invokeMethod(this, [this, id] {
        const int at = rowOfId(id);
        if (at < 0 || entries_[size_t(at)].state != State::Loading || entries_[size_t(at)].watcher)
            return;
        changed(at);
        start(at, true);  // the song the user looks at goes before the others
    }, Qt::QueuedConnection);
    return false;
}

int SongLibraryModel::loadedSongCount() const
{
    return int(std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) {
        return e.state == State::Ready && e.analysis && !e.analysis->slim();
    }));
}

void SongLibraryModel::reloadAll()
{
    for (size_t row = 0; row < entries_.size(); ++row) {
        Entry& e = entries_[row];
        if (e.state == State::Loading)
            continue;
        e.state = State::Loading;
        e.progress = 0.0;
        e.message.clear();
        changed(int(row));
        start(int(row));
    }
}

void SongLibraryModel::cancelAll()
{
    queue_.clear();
    for (Entry& e : entries_)
        if (e.cancel)
            e.cancel->store(true);
    for (Entry& e : entries_) {
        if (!e.watcher)
            continue;
        try {
            e.watcher->waitForFinished();  // rethrows the worker's error, e.g. Cancelled
        } catch (...) {
        }
    }
}

void SongLibraryModel::changed(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

QStringList SongLibraryModel::paths() const
{
    QStringList all;
    for (const Entry& e : entries_)
        all << e.path;
    return all;
}

} // namespace genrescope::app
