// Everything a user might throw at Genrescope: broken, odd and huge audio, hostile
// paths, wrong CSVs and damaged model files, all generated here. Each bad case runs
// the real CLI under a timeout and must end with exit status 2, a message that names
// the problem, and no output file; the GUI must show a message in place, not crash.

#include "CliProcess.h"
#include "TestAudio.h"

#include "MainWindow.h"
#include "SongLibraryModel.h"
#include "TrainPanel.h"
#include "features/FeatureVector.h"

#include <QApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <sndfile.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <limits>

using genrescope::app::MainWindow;
using genrescope::app::SongLibraryModel;
using testcli::cli;
using testcli::Run;

namespace {

constexpr int kRate = 22050;

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QByteArray floats(const std::vector<float>& v)
{
    return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size() * sizeof(float)));
}

/// A model file's parts: "GSCMODEL", version, header size, JSON header, weights size, weights, SHA-256.
struct ModelParts {
    quint32 version = 0;
    QJsonObject header;
    QByteArray payload;

    static ModelParts of(const QByteArray& file)
    {
        ModelParts m;
        m.version = qFromLittleEndian<quint32>(file.constData() + 8);
        const quint32 headerBytes = qFromLittleEndian<quint32>(file.constData() + 12);
        m.header = QJsonDocument::fromJson(file.mid(16, headerBytes)).object();
        m.payload = file.mid(16 + headerBytes + 8, file.size() - 16 - headerBytes - 8 - 32);
        return m;
    }
    /// A well-formed file with a correct checksum, whatever the parts say.
    QByteArray sealed(quint32 declaredHeader = 0, quint64 declaredPayload = 0) const
    {
        const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
        QByteArray f("GSCMODEL");
        f += QByteArray(8, '\0');
        qToLittleEndian<quint32>(version, f.data() + 8);
        qToLittleEndian<quint32>(declaredHeader ? declaredHeader : quint32(json.size()), f.data() + 12);
        f += json;
        QByteArray size(8, '\0');
        qToLittleEndian<quint64>(declaredPayload ? declaredPayload : quint64(payload.size()), size.data());
        f += size + payload;
        return f + QCryptographicHash::hash(f, QCryptographicHash::Sha256);
    }
};

/// Writes `seconds` of mono 16-bit audio block by block (a 3-hour file never sits in memory).
bool writeLongWav(const QString& path, double seconds)
{
    SF_INFO info{};
    info.samplerate = kRate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE* f = sf_open(QFile::encodeName(path).constData(), SFM_WRITE, &info);
    if (!f)
        return false;
    bool ok = true;
    for (int minute = 0; ok && minute * 60.0 < seconds; ++minute) {
        auto y = testaudio::noise(std::min(60.0, seconds - minute * 60.0), kRate, unsigned(minute + 1), 0.1f);
        const auto tone = testaudio::sine(110.0 * (1 + minute % 4), double(y.size()) / kRate, kRate, 0.2f);
        for (size_t i = 0; i < y.size(); ++i)
            y[i] += tone[i];
        ok = sf_writef_float(f, y.data(), sf_count_t(y.size())) == sf_count_t(y.size());
    }
    return sf_close(f) == 0 && ok;
}

/// Peak resident memory of the largest child process waited for so far, in MiB.
double childPeakRssMiB()
{
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    return double(usage.ru_maxrss) / 1024.0;
}

} // namespace

class TestHostileInputs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        QDir(dir_.path()).mkpath(QStringLiteral("audio"));
        QDir(dir_.path()).mkpath(QStringLiteral("out"));
        makeBrokenAudio();
        song_ = audio(QStringLiteral("song.wav"));
        QVERIFY(testaudio::write(song_, testaudio::noise(12.0, kRate, 3, 0.2f), 1, kRate, SF_FORMAT_WAV | SF_FORMAT_PCM_16));

        // A small features model, trained here, to damage.
        goodCsv_ = dir_.filePath(QStringLiteral("good.csv"));
        testaudio::writeSeparableFeaturesCsv(goodCsv_, 30);
        model_ = dir_.filePath(QStringLiteral("model.gsm"));
        const Run r = cli({"train", "--data", goodCsv_, "--arch", "dense:8", "--epochs", "2", "--out", model_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void init()
    {
        // Each case starts with an empty output folder, so anything left there is its own.
        QDir out(dir_.filePath(QStringLiteral("out")));
        out.removeRecursively();
        out.mkpath(QStringLiteral("."));
    }

    // ---- Audio that cannot be used: exit 2, a message, no output ----

    void brokenAudio_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("phrase");
        for (const BrokenFile& b : broken_)
            QTest::newRow(qPrintable(b.name)) << b.name << b.phrase;
    }

    void brokenAudio()
    {
        QFETCH(QString, name);
        QFETCH(QString, phrase);
        const QString path = audio(name);
        expectRefusal(cli({"classify", path}), phrase, name);
        const QString csv = output(QStringLiteral("features.csv"));
        expectRefusal(cli({"features", path, "--out", csv}), phrase, name);
        QVERIFY2(!QFile::exists(csv), "features left an output file behind");
        const QString png = output(QStringLiteral("mel.png")), melCsv = output(QStringLiteral("mel.csv"));
        expectRefusal(cli({"melspec", path, "--png", png, "--csv", melCsv}), phrase, name);
        QVERIFY2(!QFile::exists(png) && !QFile::exists(melCsv), "melspec left an output file behind");
        QVERIFY(QDir(dir_.filePath(QStringLiteral("out"))).isEmpty());  // no temporary files either
    }

    // ---- Odd but real audio: classified, and flagged when the genre means nothing ----

    void oddAudio_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("unusual");
        QTest::newRow("silence") << "silence.wav" << true;
        QTest::newRow("DC offset") << "dc.wav" << true;
        QTest::newRow("speech (espeak-ng)") << "speech.wav" << true;
        QTest::newRow("full-scale clipping") << "clipped.flac" << false;
        QTest::newRow("8 channels, 96 kHz float") << "surround.wav" << false;
    }

    void oddAudio()
    {
        QFETCH(QString, name);
        QFETCH(bool, unusual);
        const QString path = audio(name);
        if (name == QLatin1String("speech.wav") && !testaudio::writeSpeech(path))
            QSKIP("espeak-ng is not installed (packaging/debian-build-deps.txt lists it)");
        const Run r = cli({"classify", "--json", "--model", "ensemble", path});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject entry = QJsonDocument::fromJson(r.out.toUtf8()).array().at(0).toObject();
        double sum = 0;
        for (const QJsonValue p : entry.value("probabilities").toObject()) {
            QVERIFY(std::isfinite(p.toDouble()) && p.toDouble() >= 0.0);
            sum += p.toDouble();
        }
        QVERIFY(std::abs(sum - 1.0) < 1e-3);
        if (unusual) {
            QVERIFY2(entry.value("unusual").toBool(), qPrintable(r.out.left(400)));
            QVERIFY(!entry.value("unusualReason").toString().isEmpty());
        }
    }

    // ---- Paths ----

    void nonUtf8FileName()
    {
        // Bytes that are not UTF-8 cannot survive Qt's QString paths; the user is told so.
        const QByteArray folder = QFile::encodeName(dir_.filePath(QStringLiteral("latin1")));
        QVERIFY(::mkdir(folder.constData(), 0755) == 0);
        const QByteArray name = folder + "/caf\xe9-del-mar.wav";  // ISO 8859-1 e-acute
        QVERIFY(QFile::copy(song_, QFile::decodeName(folder) + QStringLiteral("/copy.wav")));
        QVERIFY(::rename(QFile::encodeName(QFile::decodeName(folder) + QStringLiteral("/copy.wav")).constData(),
                         name.constData()) == 0);
        const Run r = cli({"classify", QFile::decodeName(folder)});
        ::unlink(name.constData());  // QTemporaryDir cannot name it either
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("UTF-8")), qPrintable(r.err));
    }

    void veryLongPaths()
    {
        // A 255-byte name works; a path beyond PATH_MAX (4096 bytes) is refused plainly.
        const QString longName = QString(251, QLatin1Char('n')) + QStringLiteral(".wav");
        const QString longFile = dir_.filePath(longName);
        QVERIFY(QFile::copy(song_, longFile));
        const Run ok = cli({"classify", "--model", "mlp", longFile});
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
        QString deep = dir_.path();
        while (deep.size() < 4300)
            deep += QLatin1Char('/') + QString(200, QLatin1Char('d'));
        const Run r = cli({"classify", deep + QStringLiteral("/song.wav")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("too long")) || r.err.contains(QStringLiteral("no such file")), qPrintable(r.err));
        QCOMPARE(testcli::lineCount(r.err), 1);
    }

    void specialFiles()
    {
        // A FIFO named like audio must not block the reader; a dangling link is a missing file.
        const QString fifo = dir_.filePath(QStringLiteral("pipe.wav"));
        QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0644) == 0);
        Run r = cli({"classify", fifo}, 20000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("not a regular file")), qPrintable(r.err));
        const QString dangling = dir_.filePath(QStringLiteral("gone.wav"));
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("never-there.wav")), dangling));
        r = cli({"classify", dangling});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("symbolic link to nothing")), qPrintable(r.err));
    }

    void unreadableFile()
    {
        const QString locked = dir_.filePath(QStringLiteral("locked/song.wav"));
        QDir(dir_.path()).mkpath(QStringLiteral("locked"));
        QVERIFY(QFile::copy(song_, locked));
        QVERIFY(QFile::setPermissions(locked, QFileDevice::WriteOwner));
        QStringList command{QStringLiteral(GENRESCOPE_CLI_PATH), "classify", locked};
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("ASAN_OPTIONS"), QStringLiteral("detect_leaks=0"));  // nobody may not read lsan.supp
        env.remove(QStringLiteral("LSAN_OPTIONS"));
        if (::geteuid() == 0) {
            // Root reads everything, so the CLI runs as nobody (util-linux's setpriv).
            const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
            if (setpriv.isEmpty())
                QSKIP("running as root without setpriv: cannot make a file unreadable");
            // nobody may walk to the file (the test folder is 0700), but not read it.
            for (const QString& d : {dir_.path(), QFileInfo(locked).path()})
                ::chmod(QFile::encodeName(d).constData(), 0755);
            command = QStringList{"--reuid=65534", "--regid=65534", "--clear-groups"} + command;
            command.prepend(setpriv);
            QProcess probe;  // the build tree itself may be closed to nobody (a checkout under /root)
            probe.setProcessEnvironment(env);
            probe.start(setpriv, QStringList{"--reuid=65534", "--regid=65534", "--clear-groups",
                                             QStringLiteral(GENRESCOPE_CLI_PATH), "--version"});
            if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
                QSKIP("nobody cannot run the CLI from this build folder, so an unreadable file cannot be shown");
        }
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(command.takeFirst(), command);
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.contains(QStringLiteral("cannot be read")) && err.contains(QStringLiteral("song.wav")), qPrintable(err));
    }

    void symlinkLoopsInFolders()
    {
        // A dropped folder that links to itself and holds a link cycle: listed once, no hang.
        QDir d(dir_.path());
        d.mkpath(QStringLiteral("loops/inner"));
        QVERIFY(QFile::copy(song_, dir_.filePath(QStringLiteral("loops/inner/real.wav"))));
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("loops")), dir_.filePath(QStringLiteral("loops/inner/again"))));
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("loops/b.wav")), dir_.filePath(QStringLiteral("loops/a.wav"))));
        QVERIFY(QFile::link(dir_.filePath(QStringLiteral("loops/a.wav")), dir_.filePath(QStringLiteral("loops/b.wav"))));
        const Run r = cli({"classify", "--model", "mlp", "--json", dir_.filePath(QStringLiteral("loops"))}, 60000);
        QVERIFY2(!r.timedOut(), "classify hung on a symlink loop");
        const QJsonArray results = QJsonDocument::fromJson(r.out.toUtf8()).array();
        int real = 0;
        for (const QJsonValue v : results) {
            const QJsonObject o = v.toObject();
            if (o.value("file").toString().endsWith(QLatin1String("real.wav")))
                real += o.contains("probabilities");
            else  // a link cycle, if listed at all, is an error entry with a message
                QVERIFY(!o.value("error").toObject().value("message").toString().isEmpty());
        }
        QCOMPARE(real, 1);
    }

    // ---- CSVs ----

    void badCsv_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("phrase");
        const QByteArray header = genrescope::kagglecsv::header().toUtf8();
        const QByteArray good = readAll(goodCsv_);
        const QByteArray firstRow = good.split('\n').at(1);
        QList<QByteArray> cells = firstRow.split(',');
        cells[2] = "abc";
        const QByteArray nonNumeric = QByteArray(good).replace(firstRow, cells.join(','));
        cells[2] = "nan";
        const QByteArray nanCell = QByteArray(good).replace(firstRow, cells.join(','));
        QByteArray oneClass = header + "\n";
        for (int i = 0; i < 6; ++i)
            oneClass += QByteArray(firstRow).replace("blues.00000", "blues.0000" + QByteArray::number(i)) + "\n";
        QTest::newRow("empty file") << QByteArray() << "empty";
        QTest::newRow("header only") << header + "\n" << "no rows";
        QTest::newRow("missing columns") << QByteArray("filename,length,label\na.wav,1,rock\nb.wav,1,jazz\n") << "missing column";
        QTest::newRow("extra column") << QByteArray(good).replace(",label", ",label,mood") << "column";
        QTest::newRow("ragged row") << good + "jazz.00099.wav,661794,0.5\n" << "cells";
        QTest::newRow("non-numeric cell") << nonNumeric << "not a finite number";
        QTest::newRow("NaN cell") << nanCell << "not a finite number";
        QTest::newRow("single class") << oneClass << "only one class";
        QTest::newRow("binary garbage") << QByteArray::fromHex("00ff7f80c3").repeated(400) << "";
    }

    void badCsv()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, phrase);
        const QString csv = dir_.filePath(QStringLiteral("bad.csv"));
        testaudio::writeBytes(csv, content);
        const QString model = output(QStringLiteral("never.gsm")), log = output(QStringLiteral("never.json"));
        expectRefusal(cli({"train", "--data", csv, "--epochs", "1", "--out", model, "--log", log}), phrase, QString());
        QVERIFY(!QFile::exists(model) && !QFile::exists(log));
        expectRefusal(cli({"evaluate", "--model", "mlp", "--data", csv}), phrase, QString());
        QVERIFY(QDir(dir_.filePath(QStringLiteral("out"))).isEmpty());
    }

    void unknownLabelsAreNamed()
    {
        // Labels the model never learned: evaluation says which, instead of scoring them as errors.
        const QString csv = dir_.filePath(QStringLiteral("polka.csv"));
        testaudio::writeBytes(csv, readAll(goodCsv_).replace(",jazz\r\n", ",polka\r\n"));
        const Run r = cli({"evaluate", "--model", model_, "--data", csv});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("polka")), qPrintable(r.err));
    }

    // ---- Model files ----

    void damagedModel_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("phrase");
        const QByteArray good = readAll(model_);
        QVERIFY(good.size() > 1000);
        QByteArray flipped = good;
        flipped[flipped.size() / 2] = char(flipped[flipped.size() / 2] ^ 0x10);
        QByteArray flippedHeader = good;
        flippedHeader[40] = char(flippedHeader[40] ^ 0x01);
        ModelParts newer = ModelParts::of(good);
        newer.version += 1;
        ModelParts huge = ModelParts::of(good);
        huge.header.insert("architecture", "dense:100000,dense:100000,dense:100000");
        ModelParts manyClasses = ModelParts::of(good);
        QJsonArray classes;
        for (int i = 0; i < 100000; ++i)
            classes.append(QStringLiteral("genre%1").arg(i));
        manyClasses.header.insert("classes", classes);
        ModelParts nanWeights = ModelParts::of(good);
        const float nan = std::numeric_limits<float>::quiet_NaN();
        nanWeights.payload.replace(0, 4, QByteArray(reinterpret_cast<const char*>(&nan), 4));

        QTest::newRow("empty") << QByteArray() << "model";
        QTest::newRow("text") << QByteArray("name=my model\nweights=lots\n") << "model";
        QTest::newRow("truncated to 10 bytes") << good.left(10) << "model";
        QTest::newRow("truncated in the header") << good.left(200) << "damaged or truncated";
        QTest::newRow("truncated in the weights") << good.left(good.size() - 100) << "damaged or truncated";
        QTest::newRow("bit flip in the weights") << flipped << "checksum";
        QTest::newRow("bit flip in the header") << flippedHeader << "checksum";
        QTest::newRow("newer format version") << newer.sealed() << "format version";
        QTest::newRow("huge declared header") << ModelParts::of(good).sealed(0xfffffff0u) << "header declares";
        QTest::newRow("huge declared weights") << ModelParts::of(good).sealed(0, 1ull << 60) << "weights section";
        QTest::newRow("huge layers, valid checksum") << huge.sealed() << "million weights";
        QTest::newRow("100000 classes, valid checksum") << manyClasses.sealed() << "model";
        QTest::newRow("NaN weights, valid checksum") << nanWeights.sealed() << "non-finite";
    }

    void damagedModel()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, phrase);
        const QString path = dir_.filePath(QStringLiteral("damaged.gsm"));
        testaudio::writeBytes(path, bytes);
        expectRefusal(cli({"classify", "--model", path, song_}), phrase, QStringLiteral("damaged.gsm"));
        expectRefusal(cli({"evaluate", "--model", path, "--data", goodCsv_}), phrase, QStringLiteral("damaged.gsm"));
    }

    // ---- Size ----

    void threeHourFileStreamsInBoundedMemory()
    {
#ifdef GENRESCOPE_SANITIZED
        QSKIP("classifying 3 hours takes over 10 minutes under sanitizers; the release suite runs it");
#endif
        const QString path = dir_.filePath(QStringLiteral("three-hours.wav"));
        QVERIFY(writeLongWav(path, 3 * 3600.0));
        // Features first: the peak of every child so far bounds this one's.
        const QString csv = output(QStringLiteral("long.csv"));
        const Run f = cli({"features", "--jobs", "2", path, "--out", csv}, 15 * 60 * 1000);
        QVERIFY2(f.exitCode == 0, qPrintable(f.err));
        QVERIFY2(f.err.contains(QStringLiteral("summarised from 30 s windows")), qPrintable(f.err));
        const std::vector<genrescope::FeatureRow> rows = genrescope::kagglecsv::read(csv);
        QCOMPARE(rows.size(), size_t(1));
        QCOMPARE(rows[0].length, 3L * 3600 * kRate);
        const double featuresPeak = childPeakRssMiB();
        qInfo("peak RSS of 'features' on 3 hours: %.0f MiB", featuresPeak);
        QVERIFY2(featuresPeak <= 300.0, qPrintable(QStringLiteral("%1 MiB").arg(featuresPeak)));

        const Run r = cli({"classify", "--model", "ensemble", "--jobs", "2", path}, 15 * 60 * 1000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("10800.0 s, 719 windows")), qPrintable(r.out.left(300)));
        const double peak = childPeakRssMiB();
        qInfo("peak RSS of 'classify' on 3 hours: %.0f MiB", peak);
        QVERIFY2(peak <= 300.0, qPrintable(QStringLiteral("%1 MiB").arg(peak)));
        QFile::remove(path);
    }

    // ---- The GUI shows the same messages in place ----

    void guiShowsMessagesInPlace()
    {
        MainWindow w;
        w.resize(1000, 650);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QStringList paths;
        for (const BrokenFile& b : broken_)
            paths << audio(b.name);
        w.openPaths(paths);
        SongLibraryModel* library = w.library();
        QCOMPARE(library->rowCount(), paths.size());
        auto loading = [&] {
            for (int row = 0; row < library->rowCount(); ++row)
                if (library->state(row) == SongLibraryModel::State::Loading)
                    return true;
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!loading(), 120000);
        for (const BrokenFile& b : broken_) {
            const int row = library->rowOf(audio(b.name));
            QVERIFY2(library->state(row) == SongLibraryModel::State::Failed, qPrintable(b.name));
            QVERIFY2(library->message(row).contains(b.name), qPrintable(library->message(row)));
        }
        QVERIFY(QApplication::activeModalWidget() == nullptr);

        // Damaged models: a message, and the working models stay.
        testaudio::writeBytes(dir_.filePath(QStringLiteral("cut.gsm")), readAll(model_).left(300));
        const QString error = w.loadModels(dir_.filePath(QStringLiteral("cut.gsm")), {});
        QVERIFY2(error.contains(QStringLiteral("damaged or truncated")), qPrintable(error));

        // A wrong CSV in the Train tab: the summary says what is wrong, and Start refuses.
        const QString csv = dir_.filePath(QStringLiteral("gui-bad.csv"));
        testaudio::writeBytes(csv, "filename,length,label\na.wav,1,rock\n");
        genrescope::app::TrainPanel* train = w.trainPanel();
        train->setDataPath(csv);
        const auto* summary = train->findChild<QLabel*>(QStringLiteral("dataSummary"));
        QTRY_VERIFY2(summary->text().contains(QStringLiteral("missing column")), qPrintable(summary->text()));
        train->start();
        QTRY_VERIFY_WITH_TIMEOUT(!train->isRunning(), 30000);
        const auto* status = train->findChild<QLabel*>(QStringLiteral("trainStatus"));
        QVERIFY2(status->text().contains(QStringLiteral("missing column")), qPrintable(status->text()));
        QVERIFY(!train->hasModel());
    }

private:
    struct BrokenFile {
        QString name;
        QString phrase;  // what the message must say
    };

    QString audio(const QString& name) const { return dir_.filePath(QStringLiteral("audio/") + name); }
    QString output(const QString& name) const { return dir_.filePath(QStringLiteral("out/") + name); }

    void addBroken(const QString& name, const QByteArray& bytes, const QString& phrase)
    {
        testaudio::writeBytes(audio(name), bytes);
        broken_.push_back({name, phrase});
    }

    QByteArray encoded(const QString& name, int format, int seconds = 6)
    {
        const QString path = dir_.filePath(name);
        if (!testaudio::write(path, testaudio::noise(seconds, 44100, 7, 0.3f), 1, 44100, format))
            return {};
        return readAll(path);
    }

    void makeBrokenAudio()
    {
        const QByteArray wav = encoded(QStringLiteral("w.wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16, 12);
        const QByteArray flac = encoded(QStringLiteral("f.flac"), SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 12);
        const QByteArray mp3 = encoded(QStringLiteral("m.mp3"), SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 30);
        QVERIFY(!wav.isEmpty() && !flac.isEmpty() && !mp3.isEmpty());
        for (const char* ext : {"wav", "flac", "mp3", "ogg"})
            addBroken(QStringLiteral("zero-length.") + QLatin1String(ext), {}, QStringLiteral("empty"));
        addBroken(QStringLiteral("header-cut.wav"), wav.left(30), QStringLiteral("header"));
        addBroken(QStringLiteral("body-cut.wav"), wav.left(wav.size() / 2), QStringLiteral("truncated"));
        addBroken(QStringLiteral("header-cut.flac"), flac.left(30), QStringLiteral("header"));
        addBroken(QStringLiteral("body-cut.flac"), flac.left(flac.size() / 2), QStringLiteral("truncated"));
        addBroken(QStringLiteral("header-cut.mp3"), mp3.left(100), QStringLiteral(""));
        addBroken(QStringLiteral("body-cut.mp3"), mp3.left(mp3.size() / 4), QStringLiteral("truncated"));
        const QByteArray random = QCryptographicHash::hash("seed", QCryptographicHash::Sha512).repeated(200);
        for (const char* ext : {"wav", "flac", "mp3", "ogg", "opus", "aiff"})
            addBroken(QStringLiteral("random.") + QLatin1String(ext), random, QStringLiteral("not a recognised audio file"));
        addBroken(QStringLiteral("notes.wav"), QByteArray("Shopping list:\n- milk\n- bread\n").repeated(50),
                  QStringLiteral("not a recognised audio file"));
        const QByteArray pcm(8000, '\x10');
        addBroken(QStringLiteral("no-channels.wav"), testaudio::wavHeader(0, 22050, 16, 8000) + pcm, QStringLiteral("channels"));
        addBroken(QStringLiteral("one-hertz.wav"), testaudio::wavHeader(1, 1, 16, 8000) + pcm, QStringLiteral("1 Hz"));
        addBroken(QStringLiteral("ten-megahertz.wav"), testaudio::wavHeader(1, 10000000, 16, 8000) + pcm,
                  QStringLiteral("10000000 Hz"));
        // 8 channels of 96 kHz float, 12 s, with one NaN and one infinity deep inside.
        std::vector<float> surround(size_t(8 * 96000 * 12));
        for (size_t i = 0; i < surround.size(); ++i)
            surround[i] = 0.2f * float(std::sin(0.001 * double(i)));
        testaudio::writeBytes(audio(QStringLiteral("surround.wav")),
                              testaudio::wavHeader(8, 96000, 32, quint32(surround.size() * 4), 3) + floats(surround));
        surround[surround.size() / 2] = std::numeric_limits<float>::quiet_NaN();
        surround[surround.size() / 2 + 9] = std::numeric_limits<float>::infinity();
        addBroken(QStringLiteral("surround-nan.wav"),
                  testaudio::wavHeader(8, 96000, 32, quint32(surround.size() * 4), 3) + floats(surround), QStringLiteral("NaN"));
        addBroken(QStringLiteral("single-sample.wav"), testaudio::wavHeader(1, 22050, 16, 2) + QByteArray(2, '\x40'),
                  QStringLiteral("at least"));

        // Odd but decodable.
        QVERIFY(testaudio::write(audio(QStringLiteral("silence.wav")), std::vector<float>(size_t(15 * kRate), 0.0f), 1, kRate,
                                 SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        QVERIFY(testaudio::write(audio(QStringLiteral("dc.wav")), std::vector<float>(size_t(15 * kRate), 0.5f), 1, kRate,
                                 SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        auto clipped = testaudio::noise(15.0, 44100, 11, 1.0f);
        const auto bass = testaudio::sine(80.0, 15.0, 44100, 3.0f);
        for (size_t i = 0; i < clipped.size(); ++i)
            clipped[i] = std::clamp(clipped[i] + bass[i], -1.0f, 1.0f);
        QVERIFY(testaudio::write(audio(QStringLiteral("clipped.flac")), clipped, 1, 44100, SF_FORMAT_FLAC | SF_FORMAT_PCM_16));
    }

    void expectRefusal(Run r, const QString& phrase, const QString& name)
    {
#ifdef GENRESCOPE_SANITIZED
        // Sanitizer builds keep libraries' stderr notes (mpg123's) so that reports show: skip them.
        QStringList ours = r.err.split(QLatin1Char('\n')).filter(QRegularExpression(QStringLiteral("^genrescope-cli: ")));
        r.err = ours.join(QLatin1Char('\n'));
#endif
        QVERIFY2(!r.timedOut(), "timed out");
        QVERIFY2(r.exitCode == 2, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY2(r.err.startsWith(QStringLiteral("genrescope-cli: ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(phrase, Qt::CaseInsensitive), qPrintable(r.err));
        if (!name.isEmpty())
            QVERIFY2(r.err.contains(name), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("internal error")), qPrintable(r.err));
    }

    QTemporaryDir dir_;
    QString song_, goodCsv_, model_;
    std::vector<BrokenFile> broken_;
};

QTEST_MAIN(TestHostileInputs)
#include "tst_hostile_inputs.moc"
