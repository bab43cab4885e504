#pragma once
// The songs the user has opened: one row each, with load state, progress and
// the analysis once ready, shown as a table (name, duration, each classifier's
// genre and confidence, agreement). Loading runs on the analysis pool (WorkerPools.h).

#include "SongAnalysis.h"
#include "workflow/LibraryStore.h"

#include <QAbstractTableModel>
#include <QFutureWatcher>
#include <QSet>

#include <algorithm>
#include <deque>
#include <atomic>
#include <memory>
#include <vector>

namespace genrescope::app {

class SongLibraryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum class State { Loading, Ready, Failed };
    enum Role { PathRole = Qt::UserRole + 1, StateRole, ProgressRole, MessageRole, SortRole };
    enum Column { NameColumn, DurationColumn, MlpColumn, CnnColumn, AgreementColumn, ColumnCount };

    explicit SongLibraryModel(QObject* parent = nullptr);
    ~SongLibraryModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    /// Adds files (not already present) and starts loading them. Returns the first new row, or -1.
    int addFiles(const QStringList& paths);

    /// Keeps the library in a store from now on: each finished analysis is written at once,
    /// a closed song is removed. The songs already stored are shown at once, without being
    /// analysed again, unless their file changed or a current model has no answer for them.
    /// Returns the number of songs restored.
    int attachStore(std::unique_ptr<workflow::LibraryStore> store);
    workflow::LibraryStore* store() const { return store_.get(); }
    int rowOf(const QString& path) const;
    QStringList paths() const;

    QString path(int row) const;
    State state(int row) const;
    double progress(int row) const;
    QString message(int row) const;
    SongAnalysisPtr analysis(int row) const;

    /// Songs whose samples, peaks and spectrogram stay in memory; the others keep only
    /// their summary (length, genres, features), so a large library stays small. The song
    /// shown always stays; with it, the songs used last up to kMaxLoadedSongs of them and
    /// kMaxLoadedBytes together (an hour-long song alone holds about 480 MB).
    static constexpr int kMaxLoadedSongs = 8;
    static constexpr size_t kMaxLoadedBytes = size_t(256) << 20;
    void setMaxLoadedBytes(size_t bytes) { maxLoadedBytes_ = bytes; }  // applies from the next song used
    /// Call before showing a song: true when its full analysis is there (or it failed);
    /// false when it is loading, a slim song being analysed again.
    bool ensureLoaded(int row);
    /// Songs held in full now (at most kMaxLoadedSongs, within kMaxLoadedBytes).
    int loadedSongCount() const;

    /// Closes a song (a load still running is cancelled). Returns false for a bad row.
    bool removeSong(int row);
    /// Analyses every song again (e.g. after the models changed); songs still loading are left alone.
    void reloadAll();
    /// The models new analyses use (at first the built-in ones; null: no genres).
    void setClassifier(std::shared_ptr<const classify::GenreClassifier> classifier) { classifier_ = std::move(classifier); }
    const std::shared_ptr<const classify::GenreClassifier>& classifier() const { return classifier_; }
    /// Cancels all loads and waits for them to stop.
    void cancelAll();

    /// Analyses wait in a queue (the song being shown first) and run a few at a time, one per
    /// thread of the analysis pool. Paused, no new one starts; those running finish.
    void setPaused(bool paused);
    bool paused() const { return paused_; }
    int waitingCount() const;
    int runningCount() const { return running_; }
    QString runningPath() const;  // one of the songs being analysed, or empty

Q_SIGNALS:
    void songReady(int row);
    void songFailed(int row, const QString& message);
    void songProgress(int row, double fraction);
    /// Songs were queued, started or finished.
    void queueChanged();

private:
    std::shared_ptr<const classify::GenreClassifier> classifier_ = workflow::defaultClassifier();
    struct Entry {
        quint64 id = 0;  // stable while rows move
        QString path;
        State state = State::Loading;
        double progress = 0.0;
        QString message;
        QString errorCode;  // of a failure, for the store
        SongAnalysisPtr analysis;
        std::shared_ptr<std::atomic<bool>> cancel;
        QFutureWatcher<SongAnalysisPtr>* watcher = nullptr;
    };
    void start(int row, bool first = false);  // queues the analysis
    void dispatch();                           // starts queued analyses while threads are free
    void launch(int row);
    void finish(quint64 id, QFutureWatcher<SongAnalysisPtr>* watcher);
    int rowOfId(quint64 id) const;
    void changed(int row);
    /// The genres a slim song already has (from this session or the store), or null.
    std::shared_ptr<const workflow::KnownGenres> knownGenres(const Entry& e) const;
    void markUsed(quint64 id);  // most recent first; slims songs beyond kMaxLoadedSongs or kMaxLoadedBytes

    void storeResult(const Entry& e);

    std::vector<Entry> entries_;
    QSet<QString> paths_;  // of entries_, for adding thousands of files at once
    std::unique_ptr<workflow::LibraryStore> store_;
    std::vector<quint64> recentlyUsed_;
    size_t maxLoadedBytes_ = kMaxLoadedBytes;
    quint64 shownId_ = 0;  // the song ensureLoaded was last asked for
    std::deque<quint64> queue_;  // songs waiting for analysis, by id
    int running_ = 0;
    bool paused_ = false;
    quint64 nextId_ = 1;
};

} // namespace genrescope::app
