// Saves never lose data: a process killed with SIGKILL in the middle of a
// run-history save leaves the earlier history intact (QSaveFile writes a
// temporary file and renames it), a damaged history is reported and not
// trusted, and damaged window settings fall back to the defaults with a message.

#include "MainWindow.h"
#include "RunHistory.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <random>

using namespace genrescope::app;

class TestDataSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        qputenv("XDG_CONFIG_HOME", dir_.filePath(QStringLiteral("config")).toUtf8());
        QStandardPaths::setTestModeEnabled(true);
    }

    void sigkillDuringAHistorySaveLosesNothing()
    {
        const QString path = dir_.filePath(QStringLiteral("history.json"));
        {
            RunHistory history(path);
            for (int i = 0; i < 3; ++i)
                QVERIFY(history.append(QJsonObject{{"original", i}}));
        }
        std::mt19937 rng(5);
        std::uniform_int_distribution<int> delay(30, 400);
        for (int round = 0; round < 12; ++round) {
            QProcess writer;
            writer.start(QStringLiteral(HISTORY_WRITER_PATH), {path});
            QVERIFY(writer.waitForStarted());
            QTest::qWait(delay(rng));
            ::kill(pid_t(writer.processId()), SIGKILL);
            QVERIFY(writer.waitForFinished());
            // Whatever moment the kill hit, the file is a whole JSON array that starts with the three originals.
            RunHistory reread(path);
            reread.load();
            QVERIFY2(reread.error().isEmpty(), qPrintable(reread.error()));
            QVERIFY(reread.runs().size() >= 3);
            for (int i = 0; i < 3; ++i)
                QCOMPARE(reread.runs()[i].value("original").toInt(-1), i);
        }
        // No temporary files are left beside it.
        const QStringList left = QDir(dir_.path()).entryList({QStringLiteral("history.json*")}, QDir::Files);
        QVERIFY2(left.size() <= 2, qPrintable(left.join(QStringLiteral(", "))));  // the file, and at most one QSaveFile temp from the last kill
    }

    void damagedHistoryIsReportedNotTrusted()
    {
        const QString path = dir_.filePath(QStringLiteral("damaged.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[{\"ok\": 1}, {\"broken\": ");
        f.close();
        RunHistory history(path);
        history.load();
        QVERIFY(history.runs().isEmpty());
        QVERIFY(history.error().contains(QStringLiteral("damaged")));
    }

    void damagedWindowSettingsFallBack()
    {
        {
            QSettings settings;
            settings.setValue(QStringLiteral("window/geometry"), QByteArray("not a geometry"));
            settings.setValue(QStringLiteral("window/state"), QByteArray("\x01\x02garbage"));
        }
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("could not be read")),
                 qPrintable(w.statusBar()->currentMessage()));
        QVERIFY(w.width() > 100 && w.height() > 100);  // the default layout
    }

private:
    QTemporaryDir dir_;
};

QTEST_MAIN(TestDataSafety)
#include "tst_datasafety.moc"
