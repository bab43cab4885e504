#pragma once
// The Train tab's classes as buckets of songs: a tree of classes (name, song count, total
// duration, a warning in place for a class with too few songs) with their songs below.
// Drop files or folders onto a class to add them, or onto the empty space to make classes
// (a folder of class folders gives one class per subfolder). Durations are read from the
// files' headers on the analysis pool.

#include "workflow/TrainingClasses.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace genrescope::app {

class ClassBucketsView : public QWidget {
    Q_OBJECT
public:
    enum Column { NameColumn, SongsColumn, DurationColumn, NoteColumn };

    explicit ClassBucketsView(QWidget* parent = nullptr);
    ~ClassBucketsView() override;

    const workflow::TrainingClasses& classes() const { return classes_; }
    QTreeWidget* tree() const { return tree_; }

    /// As the buttons and drops do; each returns the songs added and shows any error in the summary line.
    int addClass(const QString& name);
    int addSongs(int classIndex, const QStringList& paths);
    int addDropped(const QStringList& paths);
    int addClassFolders(const QString& dir);
    void clear();
    /// Marks the songs a run left out ("path: reason" lines), until the classes change.
    void setLeftOut(const QStringList& lines);
    /// True once every song's duration has been read (for tests and the summary).
    bool durationsKnown() const { return !measuring_ && classes_.unmeasured().isEmpty(); }

Q_SIGNALS:
    /// Classes or songs were added, renamed or removed.
    void changed();
    /// Song durations were read.
    void measured();

private:
    void refresh();
    void measure();
    void removeSelected();
    int selectedClass() const;
    int guarded(const std::function<int()>& change);

    workflow::TrainingClasses classes_;
    QTreeWidget* tree_;
    QLabel* summary_;
    QPushButton *newClass_, *addSongs_, *fromFolder_, *remove_;
    QPointer<QObject> measuring_;  // the duration read in flight
    QString error_;
    QHash<QString, QString> leftOut_;  // song path -> why the last run left it out
    bool refreshing_ = false;
};

} // namespace genrescope::app
