// The Train tab driven through its real widgets, offscreen: a generated
// features CSV is detected and summarised, a run started with the Start button
// fills the loss and accuracy curves live, Stop cancels a long run and keeps the
// best model, a finished run's confusion matrix counts every validation song, its
// cells list their songs, and every run lands in the run history file.

#include "TestAudio.h"

#include "ConfusionMatrixView.h"
#include "CurveChart.h"
#include "LayerEditor.h"
#include "ml/Network.h"
#include "MainWindow.h"
#include "TrainPanel.h"
#include "ComparePanel.h"
#include "FileDialogs.h"
#include <random>
#include "features/FeatureVector.h"

#include <QComboBox>
#include <QDialog>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QListWidget>
#include <QFileInfo>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>

using namespace genrescope::app;

class TestTrainPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // history and models go to a test data folder
        QFile::remove(RunHistory::defaultPath());
        csv_ = dir_.filePath(QStringLiteral("features.csv"));
        testaudio::writeSeparableFeaturesCsv(csv_, 150);
    }

    void trainsStopsAndRecords()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* tabs = w.findChild<QTabWidget*>(QStringLiteral("tabs"));
        QVERIFY(tabs);
        TrainPanel* panel = w.trainPanel();
        tabs->setCurrentWidget(panel);

        // The data is detected and summarised (read on a worker thread).
        panel->setDataPath(csv_);
        const QLabel* summary = panel->findChild<QLabel*>(QStringLiteral("dataSummary"));
        QVERIFY(summary);
        QTRY_VERIFY2(summary->text().contains(QStringLiteral("150 rows, 150 songs, 3 classes")), qPrintable(summary->text()));

        // A short run: report MLP preset, song split, 40 epochs.
        auto* preset = panel->findChild<QComboBox*>(QStringLiteral("trainPreset"));
        auto* split = panel->findChild<QComboBox*>(QStringLiteral("trainSplit"));
        auto* epochs = panel->findChild<QSpinBox*>(QStringLiteral("trainEpochs"));
        auto* start = panel->findChild<QPushButton*>(QStringLiteral("trainStart"));
        auto* stop = panel->findChild<QPushButton*>(QStringLiteral("trainStop"));
        QVERIFY(preset && split && epochs && start && stop);
        preset->setCurrentIndex(preset->findData(QStringLiteral("report-mlp")));
        split->setCurrentIndex(split->findData(QStringLiteral("song")));
        epochs->setValue(40);
        QTest::mouseClick(start, Qt::LeftButton);
        QVERIFY(panel->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(panel->lossChart()->pointCount() >= 2, 20000);  // points arrive live
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 60000);
        QCOMPARE(panel->lossChart()->pointCount(), 40);
        QCOMPARE(panel->accuracyChart()->pointCount(), 40);
        QVERIFY(panel->lastValidationRows() > 0);
        QCOMPARE(panel->confusionView()->total(), long(panel->lastValidationRows()));
        QCOMPARE(panel->history().runs().size(), 1);
        QVERIFY(QFile::exists(RunHistory::defaultPath()));
        const QString model = panel->history().runs().first().value("modelPath").toString();
        QVERIFY2(QFile::exists(model), qPrintable(model));

        // A diagonal cell lists its songs.
        emit panel->confusionView()->cellActivated(0, 0);
        auto* songs = panel->findChild<QListWidget*>();
        QVERIFY(songs && songs->count() > 0);
        QVERIFY(songs->item(0)->text().startsWith(QStringLiteral("blues.")));

        // A long run is stopped from the UI; the curves have points and the run is still recorded.
        epochs->setValue(100000);
        QTest::mouseClick(start, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(panel->lossChart()->pointCount() >= 3, 20000);
        QTest::mouseClick(stop, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!panel->isRunning(), 10000);
        QVERIFY(panel->lossChart()->pointCount() < 100000);
        QCOMPARE(panel->history().runs().size(), 2);
        QVERIFY(panel->history().runs().last().value("training").toObject().value("stopped").toString().contains(
            QStringLiteral("cancelled")));

        // Two runs overlaid: both curves, both confusion matrices.
        const int firstRunValid = int(panel->history().runs().first().value("metrics").toObject().value("valid").toObject()
                                          .value("songs").toInt());
        QDialog* both = panel->showRunComparison(0, 1);
        QVERIFY(both);
        const auto charts = both->findChildren<CurveChart*>();
        QCOMPARE(charts.size(), 2);
        QVERIFY(charts[0]->pointCount() >= 40);
        auto* matrix0 = both->findChild<ConfusionMatrixView*>(QStringLiteral("runMatrix0"));
        auto* matrix1 = both->findChild<ConfusionMatrixView*>(QStringLiteral("runMatrix1"));
        QVERIFY(matrix0 && matrix1);
        QCOMPARE(matrix0->total(), long(firstRunValid));
        QVERIFY(matrix1->total() > 0);
        both->close();

        // The history survives a restart.
        RunHistory reread;
        reread.load();
        QCOMPARE(reread.runs().size(), 2);
        QVERIFY(reread.error().isEmpty());
    }

    void layerTableEditsTheSpec()
    {
        TrainPanel panel;
        LayerEditor* editor = panel.layerEditor();
        panel.setPreset(QStringLiteral("shipped-mlp"));  // dense:1024:relu,dropout:0.6
        QCOMPARE(editor->layerCount(), 2);
        QCOMPARE(editor->table()->item(0, 1)->text(), QStringLiteral("1024"));
        QCOMPARE(editor->table()->item(1, 0)->text(), QStringLiteral("dropout"));
        editor->table()->item(0, 1)->setText(QStringLiteral("32"));
        editor->table()->item(0, 5)->setText(QStringLiteral("tanh"));
        QCOMPARE(editor->spec(), QStringLiteral("dense:32:tanh,dropout:0.6"));
        auto* line = panel.findChild<QLineEdit*>(QStringLiteral("trainLayers"));
        QVERIFY(line);
        QCOMPARE(line->text(), QStringLiteral("dense:32:tanh,dropout:0.6"));
        // The report CNN round-trips kernel, stride and padding, and the engine accepts the result.
        panel.setPreset(QStringLiteral("report-cnn"));
        QCOMPARE(editor->layerCount(), 2);
        QCOMPARE(editor->spec(), QStringLiteral("conv:50:40x10:s10x5:p17x3,conv:50:40x10:s10x5:p19x4"));
        QCOMPARE(editor->table()->item(0, 3)->text(), QStringLiteral("10x5"));
        genrescope::ml::Network net(editor->spec(), {1, 216, 334}, 10);
        QCOMPARE(net.layerCount() > 2, true);
        // Typing a spec updates the table.
        line->setText(QStringLiteral("conv:8:3x3:p1:relu,maxpool:2x2,gap"));
        QCOMPARE(editor->layerCount(), 3);
        QCOMPARE(editor->table()->item(1, 0)->text(), QStringLiteral("maxpool"));
        QCOMPARE(editor->table()->item(1, 2)->text(), QStringLiteral("2x2"));
    }

    void thePresetFollowsTheNetwork()
    {
        // Choosing the image network picks the shipped CNN recipe, with its hidden settings, and back.
        TrainPanel panel;
        auto* network = panel.findChild<QComboBox*>(QStringLiteral("trainNetwork"));
        auto* preset = panel.findChild<QComboBox*>(QStringLiteral("trainPreset"));
        auto* seed = panel.findChild<QSpinBox*>(QStringLiteral("trainSeed"));
        QVERIFY(network && preset && seed);
        QCOMPARE(preset->currentData().toString(), QStringLiteral("shipped-mlp"));
        QCOMPARE(seed->value(), 1);  // as the CLI's default
        network->setCurrentIndex(network->findData(QStringLiteral("image")));
        QCOMPARE(preset->currentData().toString(), QStringLiteral("shipped-cnn"));
        QVERIFY(panel.findChild<QLineEdit*>(QStringLiteral("trainLayers"))->text().startsWith(QStringLiteral("conv:16")));
        QCOMPARE(panel.findChild<QSpinBox*>(QStringLiteral("trainCrop"))->value(), 128);
        panel.setDataPath(csv_);  // a features CSV switches back
        QTRY_COMPARE(preset->currentData().toString(), QStringLiteral("shipped-mlp"));
        QCOMPARE(network->currentData().toString(), QStringLiteral("features"));
    }

    void pathsHaveBrowseButtonsThatStartWhereTheUserWas()
    {
        TrainPanel panel;
        ComparePanel compare;
        for (const char* name : {"trainDataBrowse", "trainListFolderBrowse"})
            QVERIFY2(panel.findChild<QPushButton*>(QLatin1String(name)), name);
        for (const char* name : {"compareFeatureModelBrowse", "compareImageModelBrowse", "compareFeaturesBrowse",
                                 "compareImagesBrowse", "compareListBrowse", "compareAudioBrowse"})
            QVERIFY2(compare.findChild<QPushButton*>(QLatin1String(name)), name);
        rememberFolder(csv_);
        QCOMPARE(lastFolder(), QFileInfo(csv_).absolutePath());
        rememberFolder(dir_.path());
        QCOMPARE(lastFolder(), QFileInfo(dir_.path()).absoluteFilePath());
    }

    void smallDataIsCrossValidated()
    {
        // 5 songs a genre: the automatic scoring cross-validates, warns and scores every song once.
        const QString small = dir_.filePath(QStringLiteral("small.csv"));
        testaudio::writeSeparableFeaturesCsv(small, 15, 3);
        TrainPanel panel;
        panel.setPreset(QStringLiteral("report-mlp"));
        panel.setDataPath(small);
        panel.setEpochs(30);
        QCOMPARE(panel.findChild<QComboBox*>(QStringLiteral("trainScoring"))->currentData().toString(), QStringLiteral("auto"));
        QSignalSpy done(&panel, &TrainPanel::runFinished);
        panel.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        const QString status = panel.findChild<QLabel*>(QStringLiteral("trainStatus"))->text();
        QVERIFY2(status.contains(QStringLiteral("cross-validation")) && status.contains(QStringLiteral(" ± ")), qPrintable(status));
        QCOMPARE(panel.confusionView()->total(), 15L);  // every song, scored by the fold that held it out
        QVERIFY(panel.findChild<QPushButton*>(QStringLiteral("trainUse"))->isEnabled());
    }

    void aRunAtChanceAsksBeforeItIsUsed()
    {
        // Features that say nothing of the labels: the run is reported at chance, and Use in Explore asks first.
        const QString noise = dir_.filePath(QStringLiteral("noise.csv"));
        QByteArray text = genrescope::kagglecsv::header().toUtf8() + "\r\n";
        std::mt19937 rng(5);
        std::normal_distribution<double> value(0.0, 1.0);
        const char* genres[] = {"blues", "jazz", "rock"};
        for (int i = 0; i < 90; ++i) {
            QByteArray row = QStringLiteral("%1.%2.wav,661794").arg(QLatin1String(genres[i % 3])).arg(i, 5, 10, QLatin1Char('0')).toUtf8();
            for (int f = 0; f < genrescope::kFeatureCount; ++f)
                row += "," + QByteArray::number(value(rng));
            text += row + "," + genres[i % 3] + "\r\n";
        }
        testaudio::writeBytes(noise, text);
        TrainPanel panel;
        panel.setPreset(QStringLiteral("report-mlp"));
        panel.setDataPath(noise);
        panel.setEpochs(20);
        QSignalSpy done(&panel, &TrainPanel::runFinished);
        QSignalSpy used(&panel, &TrainPanel::useModelRequested);
        panel.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
        auto* status = panel.findChild<QLabel*>(QStringLiteral("trainStatus"));
        QVERIFY2(status->text().contains(QStringLiteral("chance")), qPrintable(status->text()));
        auto* use = panel.findChild<QPushButton*>(QStringLiteral("trainUse"));
        QVERIFY(use->isEnabled());
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(used.count(), 0);  // the first click only warns
        QVERIFY(use->text().contains(QStringLiteral("Anyway")));
        QTest::mouseClick(use, Qt::LeftButton);
        QCOMPARE(used.count(), 1);
    }

    void badDataGivesAMessage()
    {
        TrainPanel panel;
        const QString broken = dir_.filePath(QStringLiteral("broken.csv"));
        testaudio::writeBytes(broken, "filename,length,label\na.wav,1,rock\n");
        panel.setDataPath(broken);
        QSignalSpy done(&panel, &TrainPanel::runFinished);
        panel.start();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 10000);
        QStringList labels;
        for (QLabel* l : panel.findChildren<QLabel*>())
            labels << l->text();
        QVERIFY2(labels.join('\n').contains(QStringLiteral("missing")), qPrintable(labels.join('\n')));
    }

private:
    QTemporaryDir dir_;
    QString csv_;
};

QTEST_MAIN(TestTrainPanel)
#include "tst_trainpanel.moc"
