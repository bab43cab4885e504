// Exports from the menus: the plot area alone or the whole window as images named after the
// song, a table without the focus (saying what it exported), the features CSV at full
// precision with "ignored" in its own column; and the last window of a 74 s song.

#include "TestAudio.h"
#include "TestWindow.h"

#include "ExplorePanel.h"
#include "Export.h"
#include "FeatureTableModel.h"
#include "GenreTimelineView.h"
#include "MainWindow.h"
#include "SongLibraryModel.h"
#include "TimeAxis.h"
#include "ViewStyle.h"
#include "features/FeatureVector.h"
#include "ml/ModelFile.h"
#include "workflow/ModelCatalog.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sndfile.h>

#include <cmath>
#include <functional>

using namespace genrescope;
using namespace genrescope::app;

namespace {

/// Answers the next save dialog with `path`; `suggested` gets the name the dialog offered.
/// `whileOpen` runs just before the answer.
void answerSaveDialog(const QString& path, QString* suggested, std::function<void()> whileOpen = {})
{
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, path, suggested, whileOpen] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        timer->stop();
        timer->deleteLater();
        auto* edit = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"));
        if (!edit)
            return;
        *suggested = edit->text();
        if (whileOpen)
            whileOpen();
        edit->setText(path);
        QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
    });
    timer->start();
}

QList<QStringList> readCsv(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QStringList> rows;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (!line.isEmpty())
            rows << QString::fromUtf8(line).split(QLatin1Char(','));
    return rows;
}

} // namespace

class TestExports : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        testwindow::isolateSettings(dir_.path());
        qputenv("GENRESCOPE_LIBRARY", QFile::encodeName(dir_.filePath(QStringLiteral("library.sqlite"))));
        // 74 s: windows 0-30, 15-45, 30-60 and, aligned to the end, 44-74 s.
        song_ = dir_.filePath(QStringLiteral("seventy-four.wav"));
        const auto y = testaudio::sine(330.0, 74.0, 22050, 0.3f);
        auto noisy = testaudio::noise(74.0, 22050, 5, 0.1f);
        for (size_t i = 0; i < noisy.size(); ++i)
            noisy[i] += y[i];
        QVERIFY(testaudio::write(song_, noisy, 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
    }

    void featureCsvIsExactWithItsOwnModelColumn()
    {
        FeatureValues values{};
        for (int f = 0; f < kFeatureCount; ++f)
            values[size_t(f)] = std::pow(10.0, f % 7 - 3) / 3.0 + f;  // many significant digits
        ml::Model model;
        model.inputKind = QStringLiteral("features");
        model.mean.assign(kFeatureCount, 0.5f);
        model.scale.assign(kFeatureCount, 0.25f);
        model.scale[3] = 0.0f;  // a feature the model ignores
        FeatureTableModel table;
        table.setFeatures(&values, &model);
        const QString path = dir_.filePath(QStringLiteral("features.csv"));
        QVERIFY(exportCsv(&table, path).isEmpty());
        const QList<QStringList> rows = readCsv(path);
        QCOMPARE(rows.size(), kFeatureCount + 1);
        QCOMPARE(rows[0], QStringList({"Feature", "Value", "z (training)", "Model"}));
        for (int f = 0; f < kFeatureCount; ++f) {
            const QStringList& row = rows[f + 1];
            QCOMPARE(row.size(), 4);
            QCOMPARE(row[0], featureNames()[size_t(f)]);
            bool ok = false;
            QCOMPARE(row[1].toDouble(&ok), values[size_t(f)]);  // bit for bit, not 6 digits
            QVERIFY(ok);
            if (f == 3) {
                QVERIFY(row[2].isEmpty());
                QCOMPARE(row[3], QStringLiteral("ignored"));
            } else {
                QCOMPARE(row[2].toDouble(&ok), table.index(f, FeatureTableModel::ZColumn).data(Qt::UserRole).toDouble());
                QVERIFY(ok);
                QCOMPARE(row[3], QStringLiteral("used"));
            }
        }
        // On screen the numbers stay short.
        QVERIFY(table.index(0, FeatureTableModel::ValueColumn).data().toString().size() <= 12);
    }

    void plotsAndWindowExportUnderTheSongsName()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        w.openPaths({song_});
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 60000);
        w.selectSong(0);
        QTest::qWait(300);  // laid out
        const QList<QWidget*> views = w.findChild<ExplorePanel*>(QStringLiteral("explorePanel"))->plotViews();
        QVERIFY(views.size() >= 3);  // waveform, spectrogram, genre timeline
        int height = 0, width = 0;
        auto measure = [&] {  // as they are when exported
            height = width = 0;
            for (const QWidget* v : views) {
                height += v->height();
                width = std::max(width, v->width());
            }
        };
        auto* plots = w.findChild<QAction*>(QStringLiteral("actionExportPlots"));
        auto* whole = w.findChild<QAction*>(QStringLiteral("actionExportWindow"));
        QVERIFY(plots && whole);

        QString suggested;
        const QString plotsPng = dir_.filePath(QStringLiteral("plots.png"));
        answerSaveDialog(plotsPng, &suggested, measure);
        plots->trigger();
        QCOMPARE(suggested, QStringLiteral("seventy-four-plots.png"));
        QVERIFY2(w.statusBar()->currentMessage().contains(plotsPng), qPrintable(w.statusBar()->currentMessage()));
        const QImage image(plotsPng);
        QVERIFY(!image.isNull());
        const qreal ratio = w.devicePixelRatioF();
        QCOMPARE(image.height(), int(height * ratio));
        QCOMPARE(image.width(), int(width * ratio));
        QVERIFY(image.height() < w.height() * ratio);  // the plots alone, not the window

        const QString windowPng = dir_.filePath(QStringLiteral("window.png"));
        answerSaveDialog(windowPng, &suggested);
        whole->trigger();
        QCOMPARE(suggested, QStringLiteral("seventy-four-window.png"));
        QCOMPARE(QImage(windowPng).size(), w.size() * ratio);
    }

    void tableExportWorksWithoutFocusAndSaysWhat()
    {
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        w.openPaths({song_});
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 60000);
        if (QWidget* focus = QApplication::focusWidget())
            focus->clearFocus();
        QString suggested;
        const QString csv = dir_.filePath(QStringLiteral("songs.csv"));
        answerSaveDialog(csv, &suggested);
        w.findChild<QAction*>(QStringLiteral("actionExportTable"))->trigger();
        QCOMPARE(suggested, QStringLiteral("genrescope-songs.csv"));
        const QString message = w.statusBar()->currentMessage();
        QVERIFY2(message.contains(QStringLiteral("the song list (1 row)")) && message.contains(csv), qPrintable(message));
        const QList<QStringList> rows = readCsv(csv);
        QCOMPARE(rows.size(), 2);
        QVERIFY(rows[1].join(QLatin1Char(',')).contains(QStringLiteral("seventy-four")));

        // With the feature table focused, that table, named after the song.
        w.selectSong(0);
        auto* features = w.findChild<QTableView*>(QStringLiteral("featureTable"));
        QTRY_COMPARE(features->model()->rowCount(), kFeatureCount);
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        features->setFocus();
        QTRY_VERIFY(features->hasFocus());
        const QString featuresCsv = dir_.filePath(QStringLiteral("features-of-song.csv"));
        answerSaveDialog(featuresCsv, &suggested);
        w.findChild<QAction*>(QStringLiteral("actionExportTable"))->trigger();
        QCOMPARE(suggested, QStringLiteral("seventy-four-features.csv"));
        QCOMPARE(readCsv(featuresCsv).size(), kFeatureCount + 1);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("(57 rows)")));
    }

    void aRefusedFileShowsNoTimesOfTheSongBefore()
    {
        const QString bad = dir_.filePath(QStringLiteral("not-audio.wav"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("a shopping list, not a song\n").repeated(200));
        f.close();
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        w.openPaths({song_, bad});
        QTRY_VERIFY_WITH_TIMEOUT(w.library()->state(0) == SongLibraryModel::State::Ready &&
                                     w.library()->state(1) == SongLibraryModel::State::Failed, 60000);
        w.selectSong(0);
        QVERIFY(std::abs(w.timeAxis()->duration() - 74.0) < 0.01);
        w.timeAxis()->setSelection(10.0, 20.0);
        auto* position = w.findChild<QLabel*>(QStringLiteral("positionLabel"));
        QVERIFY(position && position->text().contains(QStringLiteral("1:14")));
        w.selectSong(1);
        QCOMPARE(w.timeAxis()->duration(), 0.0);  // no length, selection or times of the song before
        QVERIFY(!w.timeAxis()->hasSelection());
        QVERIFY2(!position->text().contains(QStringLiteral("1:14")), qPrintable(position->text()));
    }

    void theLastWindowOfA74SecondSongReachesItsEnd()
    {
        if (!workflow::defaultClassifier())
            QSKIP("this build has no default models in models/");
        MainWindow w;
        QVERIFY(testwindow::show(w, {1400, 900}));
        w.openPaths({song_});
        QTRY_COMPARE_WITH_TIMEOUT(w.library()->state(0), SongLibraryModel::State::Ready, 60000);
        w.selectSong(0);
        const auto song = w.library()->analysis(0);
        QVERIFY(song && song->hasGenres);
        const auto& windows = song->genres.windows;
        QCOMPARE(windows.size(), size_t(4));
        QCOMPARE(windows.back().start, 44.0);
        QCOMPARE(windows.back().end, 74.0);
        QVERIFY(std::abs(windows.back().weight - 14.0 / 15.0) < 1e-9);
        // Every second is on the timeline: the last one belongs to the end-aligned window.
        QCOMPARE(classify::windowAt(song->genres, 73.9), 3);
        QCOMPARE(classify::windowAt(song->genres, 44.5), 2);  // each window shows its 15 s
        QCOMPARE(classify::windowAt(song->genres, 45.0), 3);
        // And it is painted there: the strip's last pixels are a genre's colour, not the empty plot.
        auto* timeline = w.findChild<GenreTimelineView*>();
        QVERIFY(timeline);
        QTest::qWait(50);
        const QImage strip = timeline->grab().toImage();
        const QImage empty = [&] {
            GenreTimelineView blank;
            blank.resize(timeline->size());
            TimeAxis axis;
            axis.reset(74.0);
            blank.setTimeAxis(&axis);
            return blank.grab().toImage();
        }();
        const qreal ratio = strip.devicePixelRatio();
        const QRect plot = viewstyle::plotArea(timeline->rect());
        const int x = int((plot.left() + w.timeAxis()->xOf(73.5, plot.width())) * ratio);
        const int y = strip.height() / 2;
        QVERIFY(strip.pixel(x, y) != empty.pixel(x, y));
    }

private:
    QTemporaryDir dir_;
    QString song_;
};

QTEST_MAIN(TestExports)
#include "tst_exports.moc"
