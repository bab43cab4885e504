// Datasets and splits: Kaggle CSVs, GTZAN image folders (PNG -> colour index),
// the audio -> mel image renderer against Kaggle's PNGs, splits and standardisation.

#include "CsvTable.h"
#include "TestAudio.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "data/Dataset.h"
#include "data/Splits.h"
#include "dsp/MelImage.h"
#include "features/FeatureVector.h"

#include <QDir>
#include <QDirIterator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <set>

#include <sndfile.h>

using namespace genrescope;
using namespace genrescope::data;

namespace {

QByteArray csvWith(const QStringList& labels)
{
    QByteArray csv = kagglecsv::header().toUtf8() + "\n";
    for (int i = 0; i < labels.size(); ++i) {
        QByteArray row = QStringLiteral("%1.%2.wav,100").arg(labels[i]).arg(i, 5, 10, QLatin1Char('0')).toUtf8();
        for (int f = 0; f < kFeatureCount; ++f)
            row += "," + QByteArray::number(i * 0.1 + f);
        csv += row + "," + labels[i].toUtf8() + "\n";
    }
    return csv;
}

/// Every cell of a CSV in double quotes, as spreadsheets export.
QByteArray allQuoted(const QByteArray& csv)
{
    QByteArray out;
    for (const QByteArray& line : csv.split('\n')) {
        if (line.isEmpty())
            continue;
        QList<QByteArray> cells = line.split(',');
        for (QByteArray& c : cells)
            c = '"' + c + '"';
        out += cells.join(',') + "\r\n";
    }
    return out;
}

/// The message of the Error loading a features CSV throws ("" when it loads).
QString loadError(const QString& path)
{
    try {
        loadFeaturesCsv(path);
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

bool sameData(const Dataset& a, const Dataset& b)
{
    return a.inputs.data == b.inputs.data && a.names == b.names && a.songIds == b.songIds && a.labels == b.labels &&
           a.classes == b.classes;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestDatasets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        data_ = testaudio::gtzanDir();
    }

    void featuresCsv()
    {
        const QString path = tmp_.filePath(QStringLiteral("f.csv"));
        testaudio::writeBytes(path, csvWith({"rock", "jazz", "rock", "blues"}));
        const Dataset d = loadFeaturesCsv(path);
        QCOMPARE(d.size(), 4);
        QCOMPARE(d.classes, QStringList({"blues", "jazz", "rock"}));
        QCOMPARE(d.labels, std::vector<int>({2, 1, 2, 0}));
        QCOMPARE(d.songIds[0], QStringLiteral("rock.00000"));
        QCOMPARE(d.inputs.sample(1)[3], 3.1f);
    }

    void quotedAndOldMacCsvsLoadAsThePlainOne()
    {
        const QByteArray plain = csvWith({"rock", "jazz", "rock", "blues"});
        const QString plainPath = tmp_.filePath(QStringLiteral("plain.csv"));
        testaudio::writeBytes(plainPath, plain);
        const Dataset expected = loadFeaturesCsv(plainPath);
        const QList<std::pair<const char*, QByteArray>> variants{
            {"all-quoted.csv", allQuoted(plain)},
            {"bom-quoted.csv", "\xEF\xBB\xBF" + allQuoted(plain)},  // Excel's "CSV UTF-8"
            {"cr-only.csv", QByteArray(plain).replace('\n', '\r')},
            {"cr-only-quoted.csv", allQuoted(plain).replace("\r\n", "\r")},
            {"crlf.csv", QByteArray(plain).replace("\n", "\r\n")},
        };
        for (const auto& [name, bytes] : variants) {
            const QString path = tmp_.filePath(QLatin1String(name));
            testaudio::writeBytes(path, bytes);
            QVERIFY2(loadError(path).isEmpty(), qPrintable(loadError(path)));
            QVERIFY2(sameData(loadFeaturesCsv(path), expected), name);
        }
    }

    void quotedCellsHoldCommasQuotesAndLineBreaks()
    {
        QByteArray csv = csvWith({"rock", "jazz", "rock"});
        csv.replace("rock.00000.wav", "\"rock, live \"\"take 2\"\".00000.wav\"");
        csv.replace(",jazz\n", ",\"jazz\"\n");
        csv.replace("rock.00002.wav", "\"two\nlines.00002.wav\"");
        const QString path = tmp_.filePath(QStringLiteral("quoted.csv"));
        testaudio::writeBytes(path, csv);
        const Dataset d = loadFeaturesCsv(path);
        QCOMPARE(d.size(), 3);
        QCOMPARE(d.names, QStringList({"rock, live \"take 2\".00000.wav", "jazz.00001.wav", "two\nlines.00002.wav"}));
        QCOMPARE(d.classes, QStringList({"jazz", "rock"}));
        QCOMPARE(d.inputs.sample(2)[kFeatureCount - 1], float(0.2 + kFeatureCount - 1));

        // The writer quotes such names, so they read back.
        FeatureRow row;
        row.filename = QStringLiteral("a, \"b\"\n.00001.wav");
        row.label = QStringLiteral("jazz");
        QCOMPARE(kagglecsv::parse(kagglecsv::write({row}), QStringLiteral("mem")).front().filename, row.filename);

        // Line numbers count the line break inside the quotes: the row after it is on line 6.
        csv += "blues.00003.wav,100,abc" + QByteArray(",1").repeated(kFeatureCount - 1) + ",blues\n";
        testaudio::writeBytes(path, csv);
        const QString message = loadError(path);
        QVERIFY2(message.startsWith(path + QStringLiteral(": line 6: chroma_stft_mean is \"abc\"")), qPrintable(message));

        // A quote that never closes, or text after a closing quote, is named with its line.
        testaudio::writeBytes(path, csvWith({"rock", "jazz"}).replace("jazz.00001.wav", "\"jazz.00001.wav"));
        QVERIFY2(loadError(path).contains(QStringLiteral("line 3: a quoted cell starts here but never ends")),
                 qPrintable(loadError(path)));
        testaudio::writeBytes(path, csvWith({"rock", "jazz"}).replace(",jazz\n", ",\"jazz\"z\n"));
        QVERIFY2(loadError(path).contains(QStringLiteral("line 3: text follows the closing quote of \"jazz\"")),
                 qPrintable(loadError(path)));
    }

    void nulByteIsNamed()
    {
        QByteArray csv = csvWith({"rock", "jazz", "rock"});
        csv.insert(csv.indexOf("jazz.00001"), '\0');
        const QString path = tmp_.filePath(QStringLiteral("nul.csv"));
        testaudio::writeBytes(path, csv);
        QCOMPARE(loadError(path), path + QStringLiteral(": line 3 holds a NUL byte; this is not a text CSV file."));
    }

    void longGarbageGivesAShortMessage_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("phrase");
        const QByteArray good = csvWith({"rock", "jazz", "rock"});
        const QByteArray garbage = QByteArray("x\x1b[31m ").repeated(40000);  // 360 kB, with terminal escapes
        const QByteArray header = kagglecsv::header().toUtf8();
        QTest::newRow("garbage header") << garbage + "\n" + good << "missing columns filename";
        QTest::newRow("garbage extra column") << QByteArray(good).replace(",label", ",label," + garbage) << "unexpected column";
        QTest::newRow("garbage cell") << QByteArray(good).replace(",100,0,", ",100," + garbage + ",") << "not a finite number";
        QTest::newRow("garbage length") << QByteArray(good).replace(",100,0,", "," + garbage + ",0,") << "not a sample count";
        QTest::newRow("garbage row") << good + garbage + "\n" << "cells where the header has";
        QTest::newRow("unclosed quote") << QByteArray(good).replace("jazz.00001.wav", "\"jazz" + garbage) << "never ends";
        QTest::newRow("garbage after quote") << QByteArray(good).replace("jazz.00001.wav", "\"jazz\"" + garbage)
                                             << "text follows the closing quote";
        QTest::newRow("CR-only with extra columns")
            << QByteArray(header + "," + garbage.left(500) + "," + garbage.left(300) + "\n" + good.mid(header.size() + 1)).replace('\n', '\r')
            << "unexpected columns";
        QByteArray manyColumns = header;
        for (int i = 0; i < 5000; ++i)
            manyColumns += ",extra" + QByteArray::number(i);
        QTest::newRow("thousands of unknown columns") << manyColumns + "\n" << "5000 in all";
    }

    void longGarbageGivesAShortMessage()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, phrase);
        const QString path = tmp_.filePath(QStringLiteral("garbage.csv"));
        testaudio::writeBytes(path, content);
        const QString message = loadError(path);
        QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
        QVERIFY2(message.contains(phrase), qPrintable(message));
        QVERIFY2(message.size() < 400, qPrintable(QStringLiteral("%1 characters: %2").arg(message.size()).arg(message.left(1000))));
        QVERIFY2(!message.contains(QLatin1Char('\n')) && !message.contains(QLatin1Char('\x1b')), qPrintable(message));
    }

    void extremeValuesAreBlamedOnTheData()
    {
        // 1e300 is a finite double but no float: it would reach training as infinity.
        const QString path = tmp_.filePath(QStringLiteral("huge.csv"));
        testaudio::writeBytes(path, csvWith({"rock", "jazz", "rock"}).replace(",1.2,", ",1e300,"));
        const QString message = loadError(path);
        QVERIFY2(message.startsWith(path + QStringLiteral(": the data holds extreme values, e.g. column")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("= 1e+300 in row 3 (rock.00002.wav)")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("Check the CSV")), qPrintable(message));
    }

    void oneClassIsRefused()
    {
        const QString path = tmp_.filePath(QStringLiteral("one.csv"));
        testaudio::writeBytes(path, csvWith({"rock", "rock"}));
        try {
            loadFeaturesCsv(path);
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("only one class")), qPrintable(e.message()));
        }
    }

    void remapToModelClasses()
    {
        const QString path = tmp_.filePath(QStringLiteral("r.csv"));
        testaudio::writeBytes(path, csvWith({"rock", "jazz"}));
        Dataset d = loadFeaturesCsv(path);
        d.remapClasses({"blues", "jazz", "metal", "rock"});
        QCOMPARE(d.labels, std::vector<int>({3, 1}));
        Dataset e = loadFeaturesCsv(path);
        QVERIFY_THROWS_EXCEPTION(Error, e.remapClasses({"blues", "jazz"}));
    }

    void randomAndSongSplits()
    {
        const Split r = randomSplit(100, 3);
        QCOMPARE(r.train.size(), size_t(80));
        QCOMPARE(r.valid.size(), size_t(10));
        QCOMPARE(r.test.size(), size_t(10));
        std::set<int> all(r.train.begin(), r.train.end());
        all.insert(r.valid.begin(), r.valid.end());
        all.insert(r.test.begin(), r.test.end());
        QCOMPARE(all.size(), size_t(100));
        QVERIFY(randomSplit(100, 3).train == r.train);
        QVERIFY(randomSplit(100, 4).train != r.train);

        // By song: ten segments per song never straddle two parts.
        QStringList songs;
        for (int s = 0; s < 50; ++s)
            for (int k = 0; k < 10; ++k)
                songs << QStringLiteral("song%1").arg(s);
        const Split g = songSplit(songs, 1);
        QCOMPARE(g.train.size() + g.valid.size() + g.test.size(), size_t(500));
        auto songsOf = [&](const std::vector<int>& rows) {
            QSet<QString> s;
            for (int i : rows)
                s.insert(songs[i]);
            return s;
        };
        QVERIFY(!songsOf(g.train).intersects(songsOf(g.valid)));
        QVERIFY(!songsOf(g.train).intersects(songsOf(g.test)));
        QCOMPARE(songsOf(g.train).size(), 40);
    }

    void listSplit()
    {
        QDir(tmp_.path()).mkpath(QStringLiteral("lists"));
        testaudio::writeBytes(tmp_.filePath(QStringLiteral("lists/train.txt")), "rock/rock.00000.wav\njazz/jazz.00001.wav\n");
        testaudio::writeBytes(tmp_.filePath(QStringLiteral("lists/valid.txt")), "rock/rock.00002.wav\n");
        const QStringList songs{"rock.00000", "jazz.00001", "rock.00002", "blues.00003"};
        const Split s = data::listSplit(songs, tmp_.filePath(QStringLiteral("lists")));
        QCOMPARE(s.train, std::vector<int>({0, 1}));
        QCOMPARE(s.valid, std::vector<int>({2}));
        QVERIFY(s.test.empty());
        QCOMPARE(s.notes.size(), 1);  // blues.00003 is in no list

        testaudio::writeBytes(tmp_.filePath(QStringLiteral("lists/test.txt")), "rock/rock.00000.wav\n");
        QVERIFY_THROWS_EXCEPTION(Error, data::listSplit(songs, tmp_.filePath(QStringLiteral("lists"))));
        QVERIFY_THROWS_EXCEPTION(Error, data::listSplit(songs, tmp_.filePath(QStringLiteral("nowhere"))));
    }

    void standardiserUsesTrainingRowsOnly()
    {
        ml::Tensor x({4, 2});
        x.data = {0, 10, 2, 10, 100, -5, 100, -5};
        const Standardizer s = Standardizer::fit(x, {0, 1}, true);
        QCOMPARE(s.mean, std::vector<float>({1.0f, 10.0f}));
        QCOMPARE(s.scale[0], 1.0f);   // std 1
        QCOMPARE(s.scale[1], 1.0f);   // std 0 -> 1
        s.apply(x);
        QCOMPARE(x.data[0], -1.0f);
        QCOMPARE(x.data[4], 99.0f);
    }

    void pngInversionMatchesReferenceArrays_data()
    {
        QTest::addColumn<QString>("clip");
        QTest::newRow("blues.00000") << "blues";
        QTest::newRow("classical.00000") << "classical";
    }

    void pngInversionMatchesReferenceArrays()
    {
        QFETCH(QString, clip);
        if (data_.isEmpty())
            QSKIP("GTZAN data not found: set GENRESCOPE_GTZAN or place it at ../shared/data/gtzan");
        const auto reference = testaudio::readCsvMatrix(
            data_ + QStringLiteral("/reference/librosa-0.8.1/frames/%1.00000.wav.image_index.csv").arg(clip));
        QCOMPARE(int(reference.size()), kMelImageRows);
        const MelImage fromPng = melImageFromPng(
            readAll(data_ + QStringLiteral("/images/%1/%1%2.png").arg(clip, QStringLiteral("00000"))), clip);
        const DecodedAudio audio = decodeAudio(data_ + QStringLiteral("/audio/%1/%1.00000.wav").arg(clip));
        const MelImage fromAudio = melImageFromAudio(audio.samples.data(), long(audio.samples.size()));
        int pngDiff = 0, audioDiff = 0;
        for (int r = 0; r < kMelImageRows; ++r)
            for (int c = 0; c < kMelImageColumns; ++c) {
                pngDiff += fromPng.at(r, c) != int(reference[size_t(r)][size_t(c)]);
                audioDiff += fromAudio.at(r, c) != int(reference[size_t(r)][size_t(c)]);
            }
        QCOMPARE(pngDiff, 0);
        QVERIFY2(audioDiff <= 7, qPrintable(QString::number(audioDiff)));  // 99.99 % of 72144 pixels
    }

    void audioRendersKagglesPngs()
    {
        // Every shared clip that has a PNG: >= 99.99 % of pixels equal, none more than one level off.
        if (data_.isEmpty())
            QSKIP("GTZAN data not found: set GENRESCOPE_GTZAN or place it at ../shared/data/gtzan");
        QDirIterator it(data_ + QStringLiteral("/audio"), {QStringLiteral("*.wav")}, QDir::Files, QDirIterator::Subdirectories);
        int clips = 0;
        while (it.hasNext()) {
            const QString wav = it.next();
            const QString genre = QFileInfo(wav).dir().dirName();
            const QString number = QFileInfo(wav).completeBaseName().section(QLatin1Char('.'), 1);
            const QString png = data_ + QStringLiteral("/images/%1/%1%2.png").arg(genre, number);
            if (!QFile::exists(png))
                continue;
            const DecodedAudio audio = decodeAudio(wav);
            const MelImage a = melImageFromAudio(audio.samples.data(), long(audio.samples.size()));
            const MelImage b = melImageFromPng(readAll(png), png);
            int differ = 0, worst = 0;
            for (size_t i = 0; i < a.index.size(); ++i) {
                differ += a.index[i] != b.index[i];
                worst = std::max(worst, std::abs(int(a.index[i]) - int(b.index[i])));
            }
            QVERIFY2(differ <= int(a.index.size() / 10000), qPrintable(QStringLiteral("%1: %2 pixels differ").arg(wav).arg(differ)));
            QVERIFY2(worst <= 1, qPrintable(wav));
            ++clips;
        }
        QVERIFY(clips >= 28);
    }

    void imageFolder()
    {
        if (data_.isEmpty())
            QSKIP("GTZAN data not found: set GENRESCOPE_GTZAN or place it at ../shared/data/gtzan");
        // Two genres' first images, copied into a folder of our own.
        for (const char* g : {"blues", "rock"}) {
            QDir(tmp_.path()).mkpath(QStringLiteral("img/%1").arg(QLatin1String(g)));
            const QString name = QStringLiteral("%1/%1%2.png").arg(QLatin1String(g), QStringLiteral("00000"));
            QVERIFY(QFile::copy(data_ + QStringLiteral("/images/") + name, tmp_.filePath(QStringLiteral("img/") + name)));
        }
        const Dataset d = loadImageFolder(tmp_.filePath(QStringLiteral("img")));
        QCOMPARE(d.size(), 2);
        QCOMPARE(d.inputs.shape, std::vector<int>({2, 1, kMelImageRows, kMelImageColumns}));
        QCOMPARE(d.classes, QStringList({"blues", "rock"}));
        QCOMPARE(d.songIds, QStringList({"blues.00000", "rock.00000"}));
        testaudio::writeBytes(tmp_.filePath(QStringLiteral("img/rock/broken.png")), "not a png");
        try {
            loadImageFolder(tmp_.filePath(QStringLiteral("img")));
            QFAIL("accepted");
        } catch (const Error& e) {
            QVERIFY2(e.message().contains(QStringLiteral("broken.png")), qPrintable(e.message()));
        }
    }

    void songFolderRefusedWithPointer()
    {
        // Songs become rows through classify::analyseSongs (the classifier's windows), never here.
        const QString root = tmp_.filePath(QStringLiteral("genres"));
        QDir(root).mkpath(QStringLiteral("blues"));
        QVERIFY(testaudio::write(root + QStringLiteral("/blues/blues.00000.wav"), testaudio::sine(220.0, 2.0, 22050), 1,
                                 22050, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        QVERIFY(isSongFolder(root));
        QVERIFY(!isSongFolder(root + QStringLiteral("/blues/blues.00000.wav")));
        for (InputKind kind : {InputKind::Features, InputKind::Image}) {
            try {
                loadDataset(root, kind);
                QFAIL("a folder of songs was loaded");
            } catch (const Error& e) {
                QVERIFY2(e.message().contains(QStringLiteral("train --data")), qPrintable(e.message()));
            }
        }
    }

private:
    QTemporaryDir tmp_;
    QString data_;
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
