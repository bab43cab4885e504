// One rule for every output of genrescope-cli: never over a user's file unasked, never onto an
// input, checked before the work starts, written atomically, failures named; plus the shape
// of error lines ("<path as given>: <what happened>. <what to do>").

#include "CliProcess.h"
#include "TestAudio.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <sndfile.h>

#include <unistd.h>

using testcli::cli;
using testcli::lineCount;
using testcli::Run;

namespace {

QByteArray digest(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

int epochLines(const Run& r)
{
    return int(r.out.count(QRegularExpression(QStringLiteral("(?m)^epoch +\\d+ "))));
}

} // namespace

class TestOutputSafety : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        wav_ = path(QStringLiteral("song.wav"));
        QVERIFY(testaudio::write(wav_, testaudio::sine(440, 3.0, 22050), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        csv_ = path(QStringLiteral("songs.csv"));
        testaudio::writeSeparableFeaturesCsv(csv_, 60);
        classifiable_ = path(QStringLiteral("twelve-seconds.wav"));  // long enough for a window
        QVERIFY(testaudio::writeSong(classifiable_, testaudio::toneSong(12.0, 2)));
    }

    void refusesToReplaceWithoutForce_data()
    {
        QTest::addColumn<QStringList>("args");  // OUT stands for the existing file
        QTest::newRow("melspec --png") << QStringList{"melspec", "SONG", "--png", "OUT"};
        QTest::newRow("melspec --csv") << QStringList{"melspec", "SONG", "--csv", "OUT"};
        QTest::newRow("features --out") << QStringList{"features", "SONG", "--out", "OUT"};
        QTest::newRow("train --out") << QStringList{"train", "--data", "CSV", "--epochs", "2", "--out", "OUT"};
        QTest::newRow("train --log") << QStringList{"train", "--data", "CSV", "--epochs", "2", "--log", "OUT", "--out",
                                                    "NEW"};
        QTest::newRow("classify --markers") << QStringList{"classify", "CLASSIFIABLE", "--markers", "OUT"};
    }

    void refusesToReplaceWithoutForce()
    {
        QFETCH(QStringList, args);
        const QString existing = path(QStringLiteral("mine.txt"));
        const QString fresh = path(QStringLiteral("new.gsm"));
        QFile::remove(fresh);
        testaudio::writeBytes(existing, QByteArray("641 lines of my own work\n").repeated(641));
        const QByteArray before = digest(existing);
        const QStringList resolved = resolve(args, existing, fresh);

        Run r = cli(resolved);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(lineCount(r.err), 1);
        QVERIFY2(r.err.contains(existing + QStringLiteral(": already exists; pass --force")), qPrintable(r.err));
        QCOMPARE(epochLines(r), 0);  // refused before any training
        QCOMPARE(digest(existing), before);
        QVERIFY(!QFile::exists(fresh));

        r = cli(resolved + QStringList{QStringLiteral("--force")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(digest(existing) != before);
    }

    void forceThroughASymlinkReplacesItsTarget()
    {
        const QString target = path(QStringLiteral("real-mel.csv"));
        const QString link = path(QStringLiteral("mel-link.csv"));
        testaudio::writeBytes(target, "old\n");
        QVERIFY(QFile::link(target, link));
        const Run r = cli({"melspec", wav_, "--csv", link, "--force"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFileInfo(link).isSymLink());  // the link stays a link ...
        QVERIFY(QFileInfo(target).size() > 1000);  // ... and the file it points to holds the result
    }

    void neverWritesOntoAnInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("melspec --png onto the song") << QStringList{"melspec", "--png", "SONG", "SONG", "--force"};
        QTest::newRow("features --out onto the song") << QStringList{"features", "--out", "SONG", "SONG", "--force"};
        QTest::newRow("train --out onto the data") << QStringList{"train", "--data", "CSV", "--out", "CSV", "--force"};
        QTest::newRow("train --log onto the data")
            << QStringList{"train", "--data", "CSV", "--log", "CSV", "--out", "NEW", "--force"};
        QTest::newRow("classify --markers onto the song") << QStringList{"classify", "--markers", "SONG", "SONG", "--force"};
    }

    void neverWritesOntoAnInput()
    {
        QFETCH(QStringList, args);
        const QByteArray song = digest(wav_), data = digest(csv_);
        const Run r = cli(resolve(args, {}, path(QStringLiteral("unused.gsm"))));
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(lineCount(r.err), 1);
        QVERIFY2(r.err.contains(QStringLiteral("an input of the command")), qPrintable(r.err));
        QCOMPARE(epochLines(r), 0);
        QCOMPARE(digest(wav_), song);
        QCOMPARE(digest(csv_), data);
    }

    void twoOutputsMustDiffer()
    {
        const QString model = path(QStringLiteral("m.gsm"));
        Run r = cli({"train", "--data", csv_, "--log", model, "--out", model});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--out and --log name the same file")), qPrintable(r.err));
        QCOMPARE(epochLines(r), 0);
        QVERIFY(!QFile::exists(model));

        const QString png = path(QStringLiteral("x.png"));
        r = cli({"melspec", wav_, "--png", png, "--csv", png});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("same file")), qPrintable(r.err));
        QVERIFY(!QFile::exists(png));
    }

    void unwritableOutputFailsBeforeTraining_data()
    {
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("missing folder") << "no/such/folder/m.gsm" << "does not exist";
        QTest::newRow("a folder") << "." << "a folder";
        QTest::newRow("under a file") << "songs.csv/m.gsm" << "Not a directory";
    }

    void unwritableOutputFailsBeforeTraining()
    {
        QFETCH(QString, out);
        QFETCH(QString, phrase);
        const QString target = out == QLatin1String(".") ? dir_.path() : path(out);
        const Run r = cli({"train", "--data", csv_, "--epochs", "100000", "--out", target});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(lineCount(r.err), 1);
        QVERIFY2(r.err.contains(phrase), qPrintable(r.err));
        QCOMPARE(epochLines(r), 0);  // not one epoch ran: the path was checked first
    }

    void fullDeviceIsNamed()
    {
        Run r = cli({"melspec", wav_, "--png", "/dev/full"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("/dev/full: cannot write: No space left on device")), qPrintable(r.err));
        r = cli({"features", wav_, "--out", "/dev/full"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("No space left on device")), qPrintable(r.err));
    }

    void fullFileSystemLeavesNothingBehind()
    {
        // A 64 KiB tmpfs: a mel CSV of 3 s (about 230 KB) cannot fit.
        const QString small = path(QStringLiteral("small-disk"));
        QVERIFY(QDir().mkpath(small));
        if (::geteuid() != 0 || QProcess::execute(QStringLiteral("mount"), {"-t", "tmpfs", "-o", "size=64k", "tmpfs", small}) != 0)
            QSKIP("cannot mount a small tmpfs here (needs root in a system that allows it); /dev/full covers ENOSPC");
        const QString kept = small + QStringLiteral("/mel.csv");
        testaudio::writeBytes(kept, "my old mel values\n");
        const Run r = cli({"melspec", wav_, "--csv", kept, "--force"});
        const QStringList left = QDir(small).entryList(QDir::Files | QDir::Hidden);
        const QByteArray content = [&] {
            QFile f(kept);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QProcess::execute(QStringLiteral("umount"), {small});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("No space left on device")), qPrintable(r.err));
        QCOMPARE(content, QByteArray("my old mel values\n"));  // the old file survives whole
        QCOMPARE(left, QStringList{QStringLiteral("mel.csv")});  // no temporary file left behind
    }

    void writesToStandardOutputAndPipes()
    {
        Run r = cli({"features", wav_, "--out", "-"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("filename,length,")), qPrintable(r.out.left(80)));
        r = cli({"features", wav_, "--out", "/dev/stdout"});  // our stdout is a pipe here
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("filename,length,")), qPrintable(r.err));
        r = cli({"melspec", wav_, "--csv", "-"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.count(QLatin1Char('\n')), 128);  // one line per mel band
    }

    void errorLinesNameThePathAsGiven()
    {
        // A folder with a truncated song: the line names the folder too, not just "cut.wav".
        const QString folder = path(QStringLiteral("album/disc 1"));
        QVERIFY(QDir().mkpath(folder));
        const QByteArray pcm(4000, '\x10');
        testaudio::writeBytes(folder + QStringLiteral("/cut.wav"), testaudio::wavHeader(1, 22050, 16, 882000) + pcm);
        Run r = cli({"classify", path(QStringLiteral("album"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("genrescope-cli: %1/cut.wav: truncated").arg(folder)), qPrintable(r.err));

        // Control characters in a name are escaped: one line per message, whatever the name.
        const QString odd = path(QStringLiteral("two\nlines\tand\x1b[31mred.wav"));
        testaudio::writeBytes(odd, "not audio");
        r = cli({"info", odd});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(lineCount(r.err), 1);
        QVERIFY2(r.err.contains(QStringLiteral("two\\nlines\\tand\\x1b[31mred.wav: not a recognised audio file")),
                 qPrintable(r.err));
    }

    void eachBadOptionIsNamed_data()
    {
        QTest::addColumn<QStringList>("option");
        QTest::newRow("lr") << QStringList{"--lr", "abc"};
        QTest::newRow("batch") << QStringList{"--batch", "0"};
        QTest::newRow("epochs") << QStringList{"--epochs", "-3"};
        QTest::newRow("momentum") << QStringList{"--momentum", "5"};
        QTest::newRow("weight-decay") << QStringList{"--weight-decay", "nan"};
        QTest::newRow("crop-views") << QStringList{"--crop-views", "0"};
        QTest::newRow("long value") << QStringList{"--seed", QString(3000, QLatin1Char('9'))};
    }

    void eachBadOptionIsNamed()
    {
        QFETCH(QStringList, option);
        const Run r = cli(QStringList{"train", "--data", csv_, "--out", path(QStringLiteral("never.gsm"))} + option);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(lineCount(r.err), 1);
        QVERIFY2(r.err.contains(QStringLiteral("train: %1 must be").arg(option.first())), qPrintable(r.err));
        QVERIFY2(r.err.size() < 300, qPrintable(r.err));
    }

    void mismatchedModelsAreNamed()
    {
        const QString model = path(QStringLiteral("three-genres.gsm"));
        Run r = cli({"train", "--data", csv_, "--epochs", "2", "--out", model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = cli({"classify", "--model", model, "--model", "ensemble", wav_});
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(lineCount(r.err), 1);
        QVERIFY2(r.err.contains(model) && r.err.contains(QStringLiteral("3 genres")), qPrintable(r.err));
        QVERIFY2(r.err.size() < 500, qPrintable(r.err));
        // The model alone is fine: one answer, in its own genres.
        const QString song = path(QStringLiteral("twelve-seconds.wav"));
        QVERIFY(testaudio::write(song, testaudio::noise(12.0, 22050, 4, 0.3f), 1, 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        r = cli({"classify", "--json", "--model", model, song});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray answers = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(answers.size(), 1);
        const QJsonObject answer = answers[0].toObject();
        QCOMPARE(answer.value("model").toString(), model);
        QCOMPARE(answer.value("probabilities").toObject().keys(), QStringList({"blues", "jazz", "rock"}));
    }

private:
    QString path(const QString& name) const { return dir_.filePath(name); }

    QStringList resolve(QStringList args, const QString& out, const QString& fresh) const
    {
        for (QString& a : args) {
            if (a == QLatin1String("SONG"))
                a = wav_;
            else if (a == QLatin1String("CSV"))
                a = csv_;
            else if (a == QLatin1String("CLASSIFIABLE"))
                a = classifiable_;
            else if (a == QLatin1String("OUT"))
                a = out;
            else if (a == QLatin1String("NEW"))
                a = fresh;
        }
        return args;
    }

    QTemporaryDir dir_;
    QString wav_, csv_, classifiable_;
};

QTEST_GUILESS_MAIN(TestOutputSafety)
#include "tst_output_safety.moc"
