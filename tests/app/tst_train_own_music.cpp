// Training on one's own music in the Train tab, end to end, with songs the test makes: tone-rich
// chords against noise-rich hits (testaudio::toneSong, noiseSong). Classes are filled as a person
// fills them (a folder of class folders, drops onto a class and onto the empty space), a pair is
// trained and used in Explore, where new songs come out right; a single model is used alone; a
// tiny class gets its warning and the run is cross-validated; labels that say nothing give a run
// reported at chance. Widgets are found by object name.

#include "TestAudio.h"
#include "TestWindow.h"

#include "ClassBucketsView.h"
#include "ConfusionMatrixView.h"
#include "MainWindow.h"
#include "SongLibraryModel.h"
#include "TrainPanel.h"
#include "classify/GenreClassifier.h"
#include "workflow/TrainingRecipes.h"

#include <QApplication>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace genrescope::app;
using ClassColumn = ClassBucketsView::Column;

namespace {

/// `count` songs of `seconds` in root/name/, from `make(seconds, seed)`.
void writeClass(const QString& root, const QString& name, int count, double seconds,
                std::vector<float> (*make)(double, unsigned), unsigned seed)
{
    for (int i = 0; i < count; ++i)
        QVERIFY(testaudio::writeSong(QStringLiteral("%1/%2/%2-%3.wav").arg(root, name).arg(i), make(seconds, seed + unsigned(i))));
}

template <typename T>
T* child(QObject& parent, const char* name)
{
    T* widget = parent.findChild<T*>(QLatin1String(name));
    if (!widget)
        qWarning("no widget named %s", name);
    return widget;
}

/// Sets a combo box to the entry whose data is `value`.
bool choose(QComboBox* combo, const QString& value)
{
    const int index = combo ? combo->findData(value) : -1;
    if (index >= 0)
        combo->setCurrentIndex(index);
    return index >= 0;
}

/// Drops local files onto a widget at `at` (in its coordinates), as a file manager would.
void dropFiles(QWidget* target, const QStringList& paths, QPoint at)
{
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths)
        urls << QUrl::fromLocalFile(p);
    mime.setUrls(urls);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &move);
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

QTreeWidgetItem* classItem(QTreeWidget* tree, const QString& name)
{
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(ClassColumn::NameColumn) == name)
            return tree->topLevelItem(i);
    return nullptr;
}

bool allSongsReady(const SongLibraryModel& library)
{
    for (int row = 0; row < library.rowCount(); ++row)
        if (library.state(row) != SongLibraryModel::State::Ready)
            return false;
    return true;
}

/// The genre Explore gives the song at `path` (its top ensemble class).
QString exploreGenre(MainWindow& w, const QString& path)
{
    const int row = w.library()->rowOf(path);
    if (row < 0 || w.library()->state(row) != SongLibraryModel::State::Ready)
        return {};
    const auto a = w.library()->analysis(row);
    if (!a || !a->hasGenres)
        return {};
    return a->genres.classes.value(genrescope::classify::topClass(a->genres.ensemble).first);
}

} // namespace

class TestTrainOwnMusic : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        testwindow::isolateSettings(dir_.path());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(dir_.filePath(QStringLiteral("cache"))));
        // Ten 12 s songs a class (one window each), and two new songs of each kind to classify.
        songs_ = dir_.filePath(QStringLiteral("songs"));
        writeClass(songs_, QStringLiteral("tones"), 10, 12.0, testaudio::toneSong, 100);
        writeClass(songs_, QStringLiteral("noise"), 10, 12.0, testaudio::noiseSong, 200);
        fresh_ = dir_.filePath(QStringLiteral("new"));
        writeClass(fresh_, QStringLiteral("tones"), 2, 20.0, testaudio::toneSong, 900);
        writeClass(fresh_, QStringLiteral("noise"), 2, 20.0, testaudio::noiseSong, 950);
    }

    void classesShowCountsDurationsAndWarnings()
    {
        const QString root = dir_.filePath(QStringLiteral("buckets"));
        writeClass(root, QStringLiteral("strings"), 6, 12.0, testaudio::toneSong, 1);
        writeClass(root, QStringLiteral("drums"), 3, 12.0, testaudio::noiseSong, 11);
        writeClass(dir_.filePath(QStringLiteral("loose")), QStringLiteral("bells"), 2, 12.0, testaudio::toneSong, 21);
        TrainPanel panel;
        QVERIFY(testwindow::show(panel, {1400, 900}));
        auto* buckets = child<ClassBucketsView>(panel, "trainClassBuckets");
        auto* tree = child<QTreeWidget>(panel, "trainClasses");
        auto* summary = child<QLabel>(panel, "trainClassesSummary");
        QVERIFY(buckets && tree && summary);

        // A folder of class folders: one class each, as train --data reads it; the data field empties.
        child<QLineEdit>(panel, "trainData")->setText(QStringLiteral("/somewhere/features.csv"));
        QCOMPARE(buckets->addClassFolders(root), 9);
        QCOMPARE(tree->topLevelItemCount(), 2);
        QVERIFY(child<QLineEdit>(panel, "trainData")->text().isEmpty());
        QCOMPARE(child<QComboBox>(panel, "trainSplit")->currentData().toString(), QStringLiteral("song"));
        QTreeWidgetItem* strings = classItem(tree, QStringLiteral("strings"));
        QTreeWidgetItem* drums = classItem(tree, QStringLiteral("drums"));
        QVERIFY(strings && drums);
        QCOMPARE(strings->text(ClassColumn::SongsColumn), QStringLiteral("6"));
        QCOMPARE(drums->text(ClassColumn::SongsColumn), QStringLiteral("3"));
        QCOMPARE(drums->childCount(), 3);
        // Durations are read from the files' headers off the UI thread.
        QTRY_VERIFY_WITH_TIMEOUT(buckets->durationsKnown(), 10000);
        strings = classItem(tree, QStringLiteral("strings"));
        drums = classItem(tree, QStringLiteral("drums"));
        QCOMPARE(strings->text(ClassColumn::DurationColumn), QStringLiteral("1 min 12 s"));
        QCOMPARE(drums->text(ClassColumn::DurationColumn), QStringLiteral("36 s"));
        // The tiny class is warned about in place; the other is not.
        QVERIFY2(drums->text(ClassColumn::NoteColumn).contains(QStringLiteral("few songs")), qPrintable(drums->text(3)));
        QVERIFY(drums->toolTip(ClassColumn::NameColumn).contains(QStringLiteral("Only 3 songs")));
        QVERIFY(strings->text(ClassColumn::NoteColumn).isEmpty());
        QVERIFY2(summary->text().contains(QStringLiteral("9 songs in 2 classes, 1 min 48 s")) &&
                     summary->text().contains(QStringLiteral("fewer than 5 songs")),
                 qPrintable(summary->text()));

        // Songs dropped onto a class join it; a folder dropped onto the empty space becomes a class.
        tree->expandAll();
        const QRect drumsRow = tree->visualItemRect(drums);
        dropFiles(tree->viewport(), {dir_.filePath(QStringLiteral("loose/bells/bells-0.wav")),
                                     dir_.filePath(QStringLiteral("loose/bells/bells-1.wav"))},
                  drumsRow.center());
        drums = classItem(tree, QStringLiteral("drums"));
        QCOMPARE(drums->text(ClassColumn::SongsColumn), QStringLiteral("5"));
        QVERIFY(drums->text(ClassColumn::NoteColumn).isEmpty());  // 5 songs: no longer tiny
        tree->collapseAll();
        const QPoint empty(10, tree->viewport()->height() - 5);
        QVERIFY(!tree->itemAt(empty));
        // The same songs again join nothing, and make no empty class: a song is in one class only.
        dropFiles(tree->viewport(), {dir_.filePath(QStringLiteral("loose/bells"))}, empty);
        QCOMPARE(tree->topLevelItemCount(), 2);
        QCOMPARE(classItem(tree, QStringLiteral("bells")), static_cast<QTreeWidgetItem*>(nullptr));
        QCOMPARE(buckets->classes().songCount(), 11);
        dropFiles(tree->viewport(), {dir_.filePath(QStringLiteral("new/tones"))}, empty);
        QVERIFY(classItem(tree, QStringLiteral("tones")));
        QCOMPARE(classItem(tree, QStringLiteral("tones"))->text(ClassColumn::SongsColumn), QStringLiteral("2"));

        // Removing a class.
        tree->setCurrentItem(classItem(tree, QStringLiteral("tones")));
        classItem(tree, QStringLiteral("tones"))->setSelected(true);
        QTest::mouseClick(child<QPushButton>(panel, "trainRemoveClass"), Qt::LeftButton);
        QVERIFY(!classItem(tree, QStringLiteral("tones")));
        QCOMPARE(buckets->classes().songCount(), 11);
    }

    void theGtzanLayoutLoadsAsTenClasses()
    {
        const QString gtzan = testaudio::gtzanDir();
        if (gtzan.isEmpty())
            QSKIP("needs the GTZAN audio clips (GENRESCOPE_GTZAN or ../shared/data/gtzan)");
        TrainPanel panel;
        panel.setDataPath(gtzan + QStringLiteral("/audio"));
        auto* tree = child<QTreeWidget>(panel, "trainClasses");
        QCOMPARE(tree->topLevelItemCount(), 10);
        QVERIFY(classItem(tree, QStringLiteral("blues")) && classItem(tree, QStringLiteral("rock")));
        QVERIFY(child<QLineEdit>(panel, "trainData")->text().isEmpty());
        QVERIFY2(child<QLabel>(panel, "dataSummary")->text().contains(QStringLiteral("are in the classes")),
                 qPrintable(child<QLabel>(panel, "dataSummary")->text()));
    }

    void aPairTrainedOnOwnSongsClassifiesNewSongsInExplore()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("a cross-validated CNN takes about 9 minutes under sanitizers; the release suite runs it");
#endif
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        w.showTab(MainWindow::Tab::Train);
        TrainPanel* panel = w.trainPanel();
        auto* buckets = child<ClassBucketsView>(*panel, "trainClassBuckets");
        QCOMPARE(buckets->addClassFolders(songs_), 20);
        // 5-fold cross-validation by song: every song scored once, so one miss cannot make it look like chance.
        QVERIFY(choose(child<QComboBox>(*panel, "trainScoring"), QStringLiteral("5")));
        child<QSpinBox>(*panel, "trainEpochs")->setValue(25);
        QSignalSpy done(panel, &TrainPanel::runFinished);
        auto* status = child<QLabel>(*panel, "trainStatus");
        QTest::mouseClick(child<QPushButton>(*panel, "trainPair"), Qt::LeftButton);
        QVERIFY(panel->isRunning());
        QVERIFY(!child<QPushButton>(*panel, "trainStart")->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 300000);
        QVERIFY2(status->text().contains(QStringLiteral("MLP on features")) &&
                     status->text().contains(QStringLiteral("CNN on mel images")),
                 qPrintable(status->text()));
        QCOMPARE(panel->modelPaths().size(), 2);
        for (const QString& path : panel->modelPaths())
            QVERIFY2(QFileInfo::exists(path), qPrintable(path));
        // The matrix shows either model of the pair.
        auto* shown = child<QComboBox>(*panel, "trainShownModel");
        QVERIFY(shown->isEnabled());
        shown->setCurrentIndex(1);
        QVERIFY(panel->confusionView()->total() > 0);

        // Try on a File: an answer at once, from the pair.
        QSignalSpy tried(panel, &TrainPanel::tryFinished);
        const QString newTone = fresh_ + QStringLiteral("/tones/tones-0.wav");
        panel->tryOnFile(newTone);
        QTRY_COMPARE_WITH_TIMEOUT(tried.count(), 1, 30000);
        const QString answer = child<QLabel>(*panel, "trainTryResult")->text();
        QVERIFY2(answer.contains(QStringLiteral("tones-0.wav</b>: tones ")), qPrintable(answer));

        // Use in Explore: both models, with the songs' own classes; new songs come out right.
        QTest::mouseClick(child<QPushButton>(*panel, "trainUse"), Qt::LeftButton);
        QCOMPARE(w.currentTab(), MainWindow::Tab::Explore);
        const auto classifier = w.library()->classifier();
        QVERIFY(classifier && classifier->hasMlp() && classifier->hasCnn());
        QCOMPARE(classifier->classes(), QStringList({"noise", "tones"}));
        const QStringList newSongs{newTone, fresh_ + QStringLiteral("/tones/tones-1.wav"),
                                   fresh_ + QStringLiteral("/noise/noise-0.wav"), fresh_ + QStringLiteral("/noise/noise-1.wav")};
        w.openPaths(newSongs);
        QTRY_VERIFY_WITH_TIMEOUT(w.library()->rowCount() == 4 && allSongsReady(*w.library()), 60000);
        for (const QString& song : newSongs) {
            QCOMPARE(exploreGenre(w, song), QFileInfo(song).dir().dirName());
            // Songs like the training songs are not "unusual": 20 songs say too little for a feature distribution.
            const auto a = w.library()->analysis(w.library()->rowOf(song));
            QVERIFY2(!a->genres.unusual, qPrintable(a->genres.unusualReason));
        }
    }

    void aSingleOwnModelIsUsedAloneInExplore()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        TrainPanel* panel = w.trainPanel();
        child<ClassBucketsView>(*panel, "trainClassBuckets")->addClassFolders(songs_);
        QVERIFY(choose(child<QComboBox>(*panel, "trainNetwork"), QStringLiteral("features")));
        QVERIFY(choose(child<QComboBox>(*panel, "trainScoring"), QStringLiteral("5")));
        child<QSpinBox>(*panel, "trainEpochs")->setValue(40);
        QSignalSpy done(panel, &TrainPanel::runFinished);
        QTest::mouseClick(child<QPushButton>(*panel, "trainStart"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        QCOMPARE(panel->modelPaths().size(), 1);
        QVERIFY(!child<QComboBox>(*panel, "trainShownModel")->isEnabled());
        QTest::mouseClick(child<QPushButton>(*panel, "trainUse"), Qt::LeftButton);
        QCOMPARE(w.currentTab(), MainWindow::Tab::Explore);
        const auto classifier = w.library()->classifier();
        QVERIFY(classifier && classifier->hasMlp() && !classifier->hasCnn());  // the built-in CNN knows other genres
        QCOMPARE(classifier->classes(), QStringList({"noise", "tones"}));
        const QStringList newSongs{fresh_ + QStringLiteral("/tones/tones-1.wav"), fresh_ + QStringLiteral("/noise/noise-1.wav")};
        w.openPaths(newSongs);
        QTRY_VERIFY_WITH_TIMEOUT(w.library()->rowCount() == 2 && allSongsReady(*w.library()), 60000);
        for (const QString& song : newSongs)
            QCOMPARE(exploreGenre(w, song), QFileInfo(song).dir().dirName());
    }

    void aPairKeepsEachRecipeUnlessTheFormChangesIt()
    {
        TrainPanel panel;
        const genrescope::workflow::TrainingRecipe* mlpRecipe = genrescope::workflow::findTrainingRecipe(QStringLiteral("shipped-mlp"));
        const genrescope::workflow::TrainingRecipe* cnnRecipe = genrescope::workflow::findTrainingRecipe(QStringLiteral("shipped-cnn"));
        QVERIFY(mlpRecipe && cnnRecipe && mlpRecipe->epochs != cnnRecipe->epochs);
        QVERIFY(choose(child<QComboBox>(panel, "trainScoring"), QStringLiteral("off")));
        child<QSpinBox>(panel, "trainSeed")->setValue(9);
        auto [mlp, cnn] = panel.pairRequests();
        QCOMPARE(mlp.input, genrescope::data::InputKind::Features);
        QCOMPARE(cnn.input, genrescope::data::InputKind::Image);
        QCOMPARE(mlp.config.epochs, mlpRecipe->epochs);
        QCOMPARE(cnn.config.epochs, cnnRecipe->epochs);
        QCOMPARE(cnn.config.patience, cnnRecipe->patience);
        QCOMPARE(cnn.config.optimizer.weightDecay, cnnRecipe->weightDecay);
        QCOMPARE(cnn.config.seed, 9u);
        QCOMPARE(mlp.config.seed, 9u);
        // Epochs changed in the form apply to both networks.
        child<QSpinBox>(panel, "trainEpochs")->setValue(7);
        std::tie(mlp, cnn) = panel.pairRequests();
        QCOMPARE(mlp.config.epochs, 7);
        QCOMPARE(cnn.config.epochs, 7);
        QCOMPARE(cnn.config.patience, cnnRecipe->patience);
    }

    void stoppingDuringTheAnalysisTrainsNothing()
    {
        const QString root = dir_.filePath(QStringLiteral("unanalysed"));
        writeClass(root, QStringLiteral("tones"), 12, 12.0, testaudio::toneSong, 700);
        writeClass(root, QStringLiteral("noise"), 12, 12.0, testaudio::noiseSong, 800);
        TrainPanel panel;
        child<ClassBucketsView>(panel, "trainClassBuckets")->addClassFolders(root);
        QSignalSpy done(&panel, &TrainPanel::runFinished);
        QTest::mouseClick(child<QPushButton>(panel, "trainPair"), Qt::LeftButton);
        QTest::mouseClick(child<QPushButton>(panel, "trainStop"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        const QString status = child<QLabel>(panel, "trainStatus")->text();
        QVERIFY2(status.startsWith(QStringLiteral("Stopped while the songs were analysed")), qPrintable(status));
        QVERIFY(panel.modelPaths().isEmpty());
        for (const char* enabled : {"trainStart", "trainPair"})
            QVERIFY(child<QPushButton>(panel, enabled)->isEnabled());
        for (const char* disabled : {"trainStop", "trainUse", "trainSave", "trainTry"})
            QVERIFY2(!child<QPushButton>(panel, disabled)->isEnabled(), disabled);
    }

    void classesAreRenamedAndFoldersDroppedAsPeopleDropThem()
    {
        const QString root = dir_.filePath(QStringLiteral("rename"));
        writeClass(root, QStringLiteral("strings"), 2, 11.0, testaudio::toneSong, 31);
        writeClass(root, QStringLiteral("drums"), 2, 11.0, testaudio::noiseSong, 41);
        // An album folder with songs of its own and a bonus subfolder: one class, every song.
        writeClass(root + QStringLiteral("/album"), QStringLiteral("bonus"), 1, 11.0, testaudio::toneSong, 51);
        QVERIFY(testaudio::writeSong(root + QStringLiteral("/album/track.wav"), testaudio::toneSong(11.0, 52)));
        TrainPanel panel;
        QVERIFY(testwindow::show(panel, {1400, 900}));
        auto* buckets = child<ClassBucketsView>(panel, "trainClassBuckets");
        auto* tree = child<QTreeWidget>(panel, "trainClasses");
        const QPoint empty(10, tree->viewport()->height() - 5);
        // A folder as some file managers give it, with a trailing slash: a class named after it.
        dropFiles(tree->viewport(), {root + QStringLiteral("/strings/")}, empty);
        QVERIFY(classItem(tree, QStringLiteral("strings")));
        dropFiles(tree->viewport(), {root + QStringLiteral("/album")}, empty);
        QVERIFY(classItem(tree, QStringLiteral("album")));
        QCOMPARE(classItem(tree, QStringLiteral("album"))->text(ClassColumn::SongsColumn), QStringLiteral("2"));
        dropFiles(tree->viewport(), {root + QStringLiteral("/drums")}, empty);
        QCOMPARE(buckets->classes().songCount(), 6);

        // Renaming: a taken name is refused and said; a new one is kept.
        QTreeWidgetItem* album = classItem(tree, QStringLiteral("album"));
        album->setText(ClassColumn::NameColumn, QStringLiteral("drums"));
        QTRY_VERIFY(classItem(tree, QStringLiteral("album")));
        QVERIFY(child<QLabel>(panel, "trainClassesSummary")->text().contains(QStringLiteral("must be unique")));
        classItem(tree, QStringLiteral("album"))->setText(ClassColumn::NameColumn, QStringLiteral("ambient"));
        QTRY_VERIFY(classItem(tree, QStringLiteral("ambient")));
        QTRY_VERIFY(!child<QLabel>(panel, "trainClassesSummary")->text().contains(QStringLiteral("must be unique")));
        QCOMPARE(buckets->classes().classes().size(), 3);
        QVERIFY(std::any_of(buckets->classes().classes().cbegin(), buckets->classes().classes().cend(),
                            [](const genrescope::workflow::TrainingClass& c) { return c.name == QLatin1String("ambient"); }));
        QCOMPARE(buckets->classes().songs().size(), size_t(6));

        // Removing one song keeps its class.
        QTreeWidgetItem* drums = classItem(tree, QStringLiteral("drums"));
        drums->setExpanded(true);
        tree->clearSelection();
        drums->child(0)->setSelected(true);
        QTest::mouseClick(child<QPushButton>(panel, "trainRemoveClass"), Qt::LeftButton);
        QCOMPARE(classItem(tree, QStringLiteral("drums"))->text(ClassColumn::SongsColumn), QStringLiteral("1"));
        QCOMPARE(buckets->classes().songCount(), 5);
    }

    void aTinyClassIsWarnedAndCrossValidated()
    {
        const QString root = dir_.filePath(QStringLiteral("tiny"));
        writeClass(root, QStringLiteral("tones"), 6, 12.0, testaudio::toneSong, 300);
        writeClass(root, QStringLiteral("noise"), 3, 12.0, testaudio::noiseSong, 400);
        const QString broken = root + QStringLiteral("/noise/broken.wav");
        testaudio::writeBytes(broken, testaudio::wavHeader(1, 22050, 16, 400000) + "not really audio");
        TrainPanel panel;
        auto* buckets = child<ClassBucketsView>(panel, "trainClassBuckets");
        buckets->addClassFolders(root);
        QVERIFY(child<QLabel>(panel, "trainClassesSummary")->text().contains(QStringLiteral("fewer than 5 songs")));
        QVERIFY(!classItem(child<QTreeWidget>(panel, "trainClasses"), QStringLiteral("noise"))
                     ->data(ClassColumn::NoteColumn, Qt::UserRole).toString().isEmpty());
        QCOMPARE(child<QComboBox>(panel, "trainScoring")->currentData().toString(), QStringLiteral("auto"));
        QVERIFY(choose(child<QComboBox>(panel, "trainNetwork"), QStringLiteral("features")));
        child<QSpinBox>(panel, "trainEpochs")->setValue(30);
        QSignalSpy done(&panel, &TrainPanel::runFinished);
        QTest::mouseClick(child<QPushButton>(panel, "trainStart"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        const QString status = child<QLabel>(panel, "trainStatus")->text();
        QVERIFY2(status.contains(QStringLiteral("cross-validation")) && status.contains(QStringLiteral(" ± ")), qPrintable(status));
        QCOMPARE(panel.confusionView()->total(), 9L);  // every usable song once, scored by the fold that held it out
        QVERIFY2(!status.contains(QStringLiteral("no better than chance")), qPrintable(status));
        // The file that could not be used is named in the outcome and marked in its class, with why.
        QVERIFY2(status.contains(QStringLiteral("1 file was left out")) && status.contains(QStringLiteral("broken.wav")),
                 qPrintable(status));
        QTreeWidgetItem* noise = classItem(child<QTreeWidget>(panel, "trainClasses"), QStringLiteral("noise"));
        QVERIFY2(noise->text(ClassColumn::NoteColumn).contains(QStringLiteral("1 left out")), qPrintable(noise->text(3)));
        bool marked = false;
        for (int i = 0; i < noise->childCount(); ++i)
            if (noise->child(i)->data(ClassColumn::NameColumn, Qt::UserRole).toString().endsWith(QStringLiteral("broken.wav")))
                marked = noise->child(i)->text(ClassColumn::NoteColumn) == QStringLiteral("left out") &&
                         noise->child(i)->toolTip(ClassColumn::NameColumn).contains(QStringLiteral("Left out of the last run: "));
        QVERIFY(marked);
        QVERIFY(child<QLabel>(panel, "trainClassesSummary")->text().contains(QStringLiteral("The last run left out 1")));
    }

    void labelsThatSayNothingGiveARunAtChance()
    {
        // Every song is noise; the two "classes" are an arbitrary half each.
        const QString root = dir_.filePath(QStringLiteral("arbitrary"));
        writeClass(root, QStringLiteral("left"), 10, 12.0, testaudio::noiseSong, 500);
        writeClass(root, QStringLiteral("right"), 10, 12.0, testaudio::noiseSong, 600);
        TrainPanel panel;
        child<ClassBucketsView>(panel, "trainClassBuckets")->addClassFolders(root);
        QVERIFY(choose(child<QComboBox>(panel, "trainNetwork"), QStringLiteral("features")));
        child<QSpinBox>(panel, "trainEpochs")->setValue(30);
        QSignalSpy done(&panel, &TrainPanel::runFinished);
        QSignalSpy used(&panel, &TrainPanel::useModelRequested);
        QTest::mouseClick(child<QPushButton>(panel, "trainStart"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
        auto* status = child<QLabel>(panel, "trainStatus");
        QVERIFY2(status->text().contains(QStringLiteral("no better than chance")), qPrintable(status->text()));
        auto* use = child<QPushButton>(panel, "trainUse");
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(used.count(), 0);  // the first click only warns
        QVERIFY(use->text().contains(QStringLiteral("Anyway")));
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(used.count(), 1);
    }

private:
    QTemporaryDir dir_;
    QString songs_, fresh_;
};

QTEST_MAIN(TestTrainOwnMusic)
#include "tst_train_own_music.moc"
