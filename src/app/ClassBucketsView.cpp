#include "ClassBucketsView.h"

#include "FileDialogs.h"
#include "WorkerPools.h"
#include "common/Error.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QTreeWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <functional>

namespace genrescope::app {

namespace {

QStringList localPaths(const QMimeData* mime)
{
    QStringList paths;
    if (mime)
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile())
                paths << url.toLocalFile();
    return paths;
}

/// A tree that takes dropped files and folders, telling which item (or none) they fell on.
class DropTree : public QTreeWidget {
public:
    using QTreeWidget::QTreeWidget;
    std::function<void(QTreeWidgetItem*, const QStringList&)> onDrop;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override
    {
        if (!localPaths(event->mimeData()).isEmpty())
            event->acceptProposedAction();
    }
    void dragMoveEvent(QDragMoveEvent* event) override
    {
        if (!localPaths(event->mimeData()).isEmpty())
            event->acceptProposedAction();
    }
    void dropEvent(QDropEvent* event) override
    {
        const QStringList paths = localPaths(event->mimeData());
        if (paths.isEmpty() || !onDrop)
            return;
        event->acceptProposedAction();
        onDrop(itemAt(event->position().toPoint()), paths);
    }
};

} // namespace

ClassBucketsView::ClassBucketsView(QWidget* parent)
    : QWidget(parent), tree_(new DropTree(this)), summary_(new QLabel(this)),
      newClass_(new QPushButton(tr("&New Class"), this)), addSongs_(new QPushButton(tr("Add &Songs…"), this)),
      fromFolder_(new QPushButton(tr("Classes from &Folder…"), this)), remove_(new QPushButton(tr("&Remove"), this))
{
    const std::pair<QWidget*, const char*> named[] = {
        {tree_, "trainClasses"}, {summary_, "trainClassesSummary"}, {newClass_, "trainNewClass"},
        {addSongs_, "trainAddSongs"}, {fromFolder_, "trainClassFolders"}, {remove_, "trainRemoveClass"}};
    for (const auto& [widget, name] : named)
        widget->setObjectName(QLatin1String(name));
    tree_->setColumnCount(4);
    tree_->setHeaderLabels({tr("Class"), tr("Songs"), tr("Duration"), QString()});
    tree_->header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    for (int c : {SongsColumn, DurationColumn, NoteColumn})
        tree_->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    tree_->setAcceptDrops(true);
    tree_->setDropIndicatorShown(true);
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->setEditTriggers(QAbstractItemView::NoEditTriggers);  // only a class's name is edited, below
    tree_->setToolTip(tr("Drop songs or folders onto a class to add them, or onto the empty space to make classes "
                         "(a folder of genre folders gives one class each). Double-click a class to rename it."));
    tree_->setMinimumHeight(140);
    summary_->setWordWrap(true);
    static_cast<DropTree*>(tree_)->onDrop = [this](QTreeWidgetItem* item, const QStringList& paths) {
        if (item && item->parent())
            item = item->parent();
        if (item)
            addSongs(tree_->indexOfTopLevelItem(item), paths);
        else
            addDropped(paths);
    };
    connect(tree_, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item) {
        if (!item->parent())
            tree_->editItem(item, NameColumn);
    });
    connect(tree_, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item, int column) {
        if (refreshing_ || item->parent() || column != NameColumn)
            return;
        error_ = classes_.renameClass(tree_->indexOfTopLevelItem(item), item->text(NameColumn))
                     ? QString() : tr("Class names must be unique and not empty.");
        // Rebuilt after the editor has closed: the item is still the editor's now.
        QTimer::singleShot(0, this, [this] {
            refresh();
            Q_EMIT changed();
        });
    });
    connect(newClass_, &QPushButton::clicked, this, [this] {
        int n = int(classes_.classes().size()) + 1;
        while (std::any_of(classes_.classes().cbegin(), classes_.classes().cend(),
                           [&](const workflow::TrainingClass& c) { return c.name == tr("class %1").arg(n); }))
            ++n;
        const int index = addClass(tr("class %1").arg(n));
        if (QTreeWidgetItem* item = tree_->topLevelItem(index)) {
            tree_->setCurrentItem(item);
            tree_->editItem(item, NameColumn);
        }
    });
    connect(addSongs_, &QPushButton::clicked, this, [this] {
        const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add songs"), lastFolder(),
                                                                tr("Audio (*.wav *.flac *.ogg *.opus *.mp3 *.aiff *.aif *.au);;All files (*)"));
        if (files.isEmpty())
            return;
        rememberFolder(files.front());
        const int index = selectedClass();
        if (index >= 0)
            addSongs(index, files);
        else
            addDropped(files);
    });
    connect(fromFolder_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("A folder with one subfolder of songs per class"),
                                                              lastFolder());
        if (dir.isEmpty())
            return;
        rememberFolder(dir);
        addClassFolders(dir);
    });
    connect(remove_, &QPushButton::clicked, this, &ClassBucketsView::removeSelected);

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {newClass_, addSongs_, fromFolder_, remove_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tree_, 1);
    layout->addLayout(buttons);
    layout->addWidget(summary_);
    refresh();
}

ClassBucketsView::~ClassBucketsView() = default;

void ClassBucketsView::setLeftOut(const QStringList& lines)
{
    leftOut_.clear();
    for (const workflow::TrainingClass& c : classes_.classes())
        for (const QString& song : c.songs)
            for (const QString& line : lines)
                if (line.startsWith(song + QLatin1String(": ")))
                    leftOut_.insert(song, line.mid(song.size() + 2));
    refresh();
}

int ClassBucketsView::guarded(const std::function<int()>& change)
{
    error_.clear();
    leftOut_.clear();  // the classes change: the last run's verdicts no longer apply
    int added = 0;
    try {
        added = change();
    } catch (const Error& e) {
        error_ = e.message();
    }
    refresh();
    measure();
    Q_EMIT changed();
    return added;
}

int ClassBucketsView::addClass(const QString& name)
{
    int index = -1;
    guarded([&] { index = classes_.addClass(name); return 0; });
    return index;
}

int ClassBucketsView::addSongs(int classIndex, const QStringList& paths)
{
    return guarded([&] { return classes_.addSongs(classIndex, paths); });
}

int ClassBucketsView::addDropped(const QStringList& paths)
{
    return guarded([&] { return classes_.addDropped(paths); });
}

int ClassBucketsView::addClassFolders(const QString& dir)
{
    return guarded([&] { return classes_.addClassFolders(dir); });
}

void ClassBucketsView::clear()
{
    guarded([&] { classes_.clear(); return 0; });
}

int ClassBucketsView::selectedClass() const
{
    QTreeWidgetItem* item = tree_->currentItem();
    if (item && item->parent())
        item = item->parent();
    return item ? tree_->indexOfTopLevelItem(item) : -1;
}

void ClassBucketsView::removeSelected()
{
    QList<int> classIndices;
    QStringList songs;
    for (QTreeWidgetItem* item : tree_->selectedItems()) {
        if (item->parent())
            songs << item->data(NameColumn, Qt::UserRole).toString();
        else
            classIndices << tree_->indexOfTopLevelItem(item);
    }
    std::sort(classIndices.begin(), classIndices.end(), std::greater<>());
    guarded([&] {
        classes_.removeSongs(songs);
        for (int index : classIndices)
            classes_.removeClass(index);
        return 0;
    });
}

void ClassBucketsView::measure()
{
    if (measuring_)
        return;  // the read in flight measures the rest when it ends
    const QStringList paths = classes_.unmeasured();
    if (paths.isEmpty())
        return;
    auto* watcher = new QFutureWatcher<QHash<QString, double>>(this);
    measuring_ = watcher;
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        measuring_ = nullptr;
        const QHash<QString, double> durations = watcher->result();
        for (auto it = durations.cbegin(); it != durations.cend(); ++it)
            classes_.setDuration(it.key(), it.value());
        refresh();
        measure();  // songs added meanwhile
        if (!measuring_)
            Q_EMIT measured();
    });
    watcher->setFuture(QtConcurrent::run(pools::analysis(), [paths] {
        pools::runInBackground();
        return workflow::probeDurations(paths);
    }));
}

void ClassBucketsView::refresh()
{
    refreshing_ = true;
    QSet<QString> expanded;
    for (int i = 0; i < tree_->topLevelItemCount(); ++i)
        if (tree_->topLevelItem(i)->isExpanded())
            expanded.insert(tree_->topLevelItem(i)->text(NameColumn));
    const int current = selectedClass();
    tree_->clear();
    const QList<workflow::TrainingClass>& classes = classes_.classes();
    double totalSeconds = 0;
    for (int i = 0; i < classes.size(); ++i) {
        const workflow::TrainingClass& c = classes[i];
        auto* item = new QTreeWidgetItem(tree_);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        item->setText(NameColumn, c.name);
        item->setText(SongsColumn, QString::number(c.songs.size()));
        const double seconds = classes_.durationSeconds(i);
        totalSeconds += seconds;
        const int unknown = classes_.unknownDurations(i);
        const int unmeasured = classes_.unmeasuredCount(i);
        const int unreadable = unknown - unmeasured;  // measured, but the header gives no length
        item->setText(DurationColumn, unknown > 0 && unknown == c.songs.size()
                                          ? (unmeasured > 0 ? tr("…") : tr("unknown"))
                                          : workflow::durationText(seconds) +
                                                (unmeasured > 0 ? tr(" +%1 to read").arg(unmeasured) : QString()) +
                                                (unreadable > 0 ? tr(" +%1 unknown").arg(unreadable) : QString()));
        item->setTextAlignment(SongsColumn, Qt::AlignRight | Qt::AlignVCenter);
        const QString warning = classes_.warning(i);
        int leftOut = 0;
        for (const QString& song : c.songs) {
            auto* child = new QTreeWidgetItem(item);
            child->setText(NameColumn, QFileInfo(song).fileName());
            child->setData(NameColumn, Qt::UserRole, song);
            child->setToolTip(NameColumn, song);
            if (const auto why = leftOut_.constFind(song); why != leftOut_.cend()) {
                ++leftOut;
                child->setText(NoteColumn, tr("left out"));
                for (int col = 0; col < tree_->columnCount(); ++col) {
                    child->setForeground(col, QColor(0xc0, 0x30, 0x30));
                    child->setToolTip(col, tr("%1\nLeft out of the last run: %2").arg(song, *why));
                }
            }
        }
        QStringList notes;
        if (!warning.isEmpty())
            notes << tr("⚠ %1").arg(c.songs.isEmpty() ? tr("empty") : tr("few songs"));
        if (leftOut > 0)
            notes << tr("%1 left out").arg(leftOut);
        item->setText(NoteColumn, notes.join(QStringLiteral(", ")));
        if (!notes.isEmpty()) {
            item->setForeground(NoteColumn, QColor(0xb0, 0x60, 0x00));
            const QString tip = warning + (leftOut > 0 ? tr("%1%2 of its songs could not be used by the last run "
                                                            "(see each song).").arg(warning.isEmpty() ? QString() : QStringLiteral("\n")).arg(leftOut)
                                                       : QString());
            for (int col = 0; col < tree_->columnCount(); ++col)
                item->setToolTip(col, tip);
        }
        item->setData(NoteColumn, Qt::UserRole, warning);
        item->setExpanded(expanded.contains(c.name));
    }
    if (current >= 0 && current < tree_->topLevelItemCount())
        tree_->setCurrentItem(tree_->topLevelItem(current));
    QString text = classes.isEmpty()
        ? tr("No classes yet. Drop folders of songs here (one folder per class), or make a class and drop songs on it.")
        : (classes_.songCount() == 1 ? tr("1 song") : tr("%1 songs").arg(classes_.songCount())) +
              (classes.size() == 1 ? tr(" in 1 class, ") : tr(" in %1 classes, ").arg(classes.size())) +
              workflow::durationText(totalSeconds) + QStringLiteral(".");
    int few = 0, empty = 0;
    for (int i = 0; i < classes.size(); ++i) {
        empty += classes[i].songs.isEmpty() ? 1 : 0;
        few += classes_.warning(i).isEmpty() || classes[i].songs.isEmpty() ? 0 : 1;
    }
    if (!leftOut_.isEmpty())
        text += QStringLiteral(" <span style='color:#c33'>%1</span>")
                    .arg(tr("The last run left out %1 of them (marked; hover for why).").arg(leftOut_.size()));
    if (empty > 0)
        text += QStringLiteral(" ") + (empty == 1 ? tr("1 empty class is left out of training.")
                                                  : tr("%1 empty classes are left out of training.").arg(empty));
    if (few > 0)
        text += QStringLiteral(" <span style='color:#b60'>%1</span>")
                    .arg((few == 1 ? tr("1 class has") : tr("%1 classes have").arg(few)) +
                         tr(" fewer than %1 songs: its results will be unreliable. Cross-validation (scoring: auto) "
                            "scores every song once.").arg(workflow::TrainingClasses::kFewSongs));
    if (!error_.isEmpty())
        text += QStringLiteral("<br><span style='color:#c33'>%1</span>").arg(error_.toHtmlEscaped());
    summary_->setText(text);
    remove_->setEnabled(!classes.isEmpty());
    refreshing_ = false;
}

} // namespace genrescope::app
