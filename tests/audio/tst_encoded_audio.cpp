// Files as real encoders write them: through pipes (no Xing frame, sizes left open),
// concatenated, tagged, chained, with stray Ogg pages. Each must decode to its real length
// (within 0.1 s), never cut at a header's estimate and never refused for a small gap.
// The encoders are Debian packages (lame, flac, vorbis-tools, opus-tools) that the test
// command installs; a missing one skips its cases with a message.

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "CliProcess.h"
#include "TestAudio.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <sndfile.h>

#include <cmath>

using namespace genrescope;

namespace {

constexpr int kRate = 44100;

/// Stereo "music": a chord whose notes swell and fade, with a little noise.
std::vector<float> music(double seconds, unsigned seed)
{
    const size_t n = size_t(seconds * kRate);
    const auto hiss = testaudio::noise(seconds, kRate, seed, 0.05f);
    std::vector<float> stereo(2 * n);
    for (size_t i = 0; i < n; ++i) {
        const double t = double(i) / kRate;
        const double swell = 0.5 + 0.5 * std::sin(2 * M_PI * 0.25 * t);
        const double chord = std::sin(2 * M_PI * 220 * t) + 0.6 * std::sin(2 * M_PI * 277.2 * t) +
                             0.4 * std::sin(2 * M_PI * 329.6 * t);
        stereo[2 * i] = float(0.25 * swell * chord) + hiss[i];
        stereo[2 * i + 1] = float(0.25 * (1 - swell) * chord) - hiss[i];
    }
    return stereo;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

quint32 oggCrc(const QByteArray& page)
{
    static const auto table = [] {
        std::array<quint32, 256> t{};
        for (quint32 i = 0; i < 256; ++i) {
            quint32 r = i << 24;
            for (int k = 0; k < 8; ++k)
                r = (r & 0x80000000u) ? (r << 1) ^ 0x04c11db7u : r << 1;
            t[i] = r;
        }
        return t;
    }();
    quint32 crc = 0;
    for (const char c : page)
        crc = (crc << 8) ^ table[((crc >> 24) & 0xFF) ^ quint8(c)];
    return crc;
}

/// An Ogg file's pages.
QList<QByteArray> oggPages(const QByteArray& bytes)
{
    QList<QByteArray> pages;
    qsizetype at = 0;
    while (at + 27 <= bytes.size() && bytes.mid(at, 4) == "OggS") {
        const int segments = quint8(bytes[at + 26]);
        qsizetype length = 27 + segments;
        for (int s = 0; s < segments; ++s)
            length += quint8(bytes[at + 27 + s]);
        pages << bytes.mid(at, length);
        at += length;
    }
    return pages;
}

void resealPage(QByteArray& page)
{
    qToLittleEndian<quint32>(0, page.data() + 22);
    qToLittleEndian<quint32>(oggCrc(page), page.data() + 22);
}

qint64 granule(const QByteArray& page)
{
    return qFromLittleEndian<qint64>(page.constData() + 6);
}

void setGranule(QByteArray& page, qint64 value)
{
    qToLittleEndian<qint64>(value, page.data() + 6);
    resealPage(page);
}

QByteArray le16(quint16 v)
{
    QByteArray b(2, '\0');
    qToLittleEndian(v, b.data());
    return b;
}

QByteArray le32(quint32 v)
{
    QByteArray b(4, '\0');
    qToLittleEndian(v, b.data());
    return b;
}

/// A WAV holding `payload` under format tag `tag` (for MP3-in-WAV and ACM codecs).
QByteArray wavAround(quint16 tag, const QByteArray& payload)
{
    QByteArray fmt = le16(tag) + le16(2) + le32(kRate) + le32(16000) + le16(1) + le16(0) + le16(12) + le16(1) +
                     le32(2) + le16(417) + le16(1) + le16(1393);
    QByteArray body = "WAVE" + QByteArray("fmt ") + le32(quint32(fmt.size())) + fmt + "data" +
                      le32(quint32(payload.size())) + payload;
    return "RIFF" + le32(quint32(body.size())) + body;
}

} // namespace

class TestEncodedAudio : public QObject {
    Q_OBJECT

    struct Case {
        QString file;
        double seconds = 0;     // the real length (-1: must be refused)
        double slack = 0.1;     // how far the decoded length may be from it
        QString refusal;        // words the refusal must contain
        QString note;           // words the decoding note must contain (empty: any)
    };

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        source_ = dir_.filePath(QStringLiteral("source.wav"));
        other_ = dir_.filePath(QStringLiteral("other.wav"));
        QVERIFY(testaudio::write(source_, music(kSeconds, 1), 2, kRate, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        QVERIFY(testaudio::write(other_, music(kSeconds, 2), 2, kRate, SF_FORMAT_WAV | SF_FORMAT_PCM_16));
        missing_.clear();
        for (const char* tool : {"lame", "flac", "oggenc", "opusenc"})
            if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
                missing_ << QLatin1String(tool);
    }

    void decodesToTheRealLength_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<double>("seconds");
        QTest::addColumn<double>("slack");
        QTest::addColumn<QString>("refusal");
        QTest::addColumn<QString>("note");
        if (!missing_.isEmpty())
            return;  // the test function skips with the reason
        for (const Case& c : makeCases())
            QTest::newRow(qPrintable(QFileInfo(c.file).fileName())) << c.file << c.seconds << c.slack << c.refusal << c.note;
    }

    void decodesToTheRealLength()
    {
        if (!missing_.isEmpty())
            QSKIP(qPrintable(QStringLiteral("encoders missing (%1); ./scripts/test installs them").arg(missing_.join(", "))));
        QFETCH(QString, file);
        QFETCH(double, seconds);
        QFETCH(double, slack);
        QFETCH(QString, refusal);
        QFETCH(QString, note);
        QVERIFY2(QFileInfo(file).size() > 0, qPrintable(file));
        if (!refusal.isEmpty()) {
            try {
                decodeAudio(file);
                QFAIL("decoded a file that must be refused");
            } catch (const Error& e) {
                QVERIFY2(e.message().contains(refusal), qPrintable(e.message()));
                QVERIFY2(e.message().startsWith(file + QStringLiteral(": ")), qPrintable(e.message()));
            }
            return;
        }
        DecodedAudio audio;
        try {
            audio = decodeAudio(file);
        } catch (const Error& e) {
            QFAIL(qPrintable(QStringLiteral("refused: ") + e.message()));
        }
        const double decoded = audio.durationSeconds();
        QVERIFY2(std::abs(decoded - seconds) <= slack,
                 qPrintable(QStringLiteral("decoded %1 s, real length %2 s").arg(decoded).arg(seconds)));
        QVERIFY(audio.source.decoded());
        QVERIFY2(std::abs(audio.source.decodedSeconds() - decoded) < 0.01, qPrintable(QString::number(audio.source.decodedSeconds())));
        if (!note.isEmpty())
            QVERIFY2(audio.source.note.contains(note), qPrintable(audio.source.note));
    }

    void infoMeasuresAnEstimatedLength()
    {
        if (!missing_.isEmpty())
            QSKIP("encoders missing; ./scripts/test installs them");
        const QString mp3 = dir_.filePath(QStringLiteral("info-pipe.mp3"));
        QVERIFY(run(QStringLiteral("lame"), {"--quiet", "-V2", source_, "-"}, {}, mp3));
        testcli::Run r = testcli::cli({QStringLiteral("info"), QStringLiteral("--json"), mp3});
        QCOMPARE(r.exitCode, 0);
        QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).array().first().toObject();
        QCOMPARE(o.value("lengthFromHeader").toString(), QStringLiteral("estimate"));
        QVERIFY2(std::abs(o.value("decodedSeconds").toDouble() - kSeconds) < 0.1, qPrintable(r.out));
        QCOMPARE(o.value("durationSeconds").toDouble(), o.value("decodedSeconds").toDouble());

        r = testcli::cli({QStringLiteral("info"), QStringLiteral("--header-only"), mp3});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("≈")), qPrintable(r.out));

        // A length left open by a streamed write is measured too, and never printed as a huge number.
        const QString flac = dir_.filePath(QStringLiteral("info-unknown.flac"));
        QVERIFY(makeUnknownLengthFlac(flac));
        r = testcli::cli({QStringLiteral("info"), flac});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("%1 s").arg(kSeconds, 0, 'f', 3)), qPrintable(r.out));
    }

    void classifyShowsTheNote()
    {
        // Made by decodesToTheRealLength's data: the last granule promises 0.13 s more than the audio.
        const QString ogg = path(QStringLiteral("granule-past-end.ogg"));
        if (!QFile::exists(ogg))
            QSKIP("encoders missing; ./scripts/test installs them");
        const testcli::Run r = testcli::cli({QStringLiteral("classify"), QStringLiteral("--json"), QStringLiteral("--model"),
                                             QStringLiteral("mlp"), ogg});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).array().first().toObject();
        QVERIFY2(o.value("note").toString().contains(QStringLiteral("0.13 s before the header")), qPrintable(r.out));
        QVERIFY2(std::abs(o.value("seconds").toDouble() - kSeconds) < 0.1, qPrintable(r.out));
    }

private:
    static constexpr double kSeconds = 12.0;

    bool run(const QString& program, const QStringList& args, const QString& input, const QString& output)
    {
        QProcess p;
        if (!input.isEmpty())
            p.setStandardInputFile(input);
        if (!output.isEmpty())
            p.setStandardOutputFile(output);
        p.start(program, args);
        if (!p.waitForFinished(180000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
            qWarning("%s failed: %s", qPrintable(program), p.readAllStandardError().constData());
            return false;
        }
        return true;
    }

    QString path(const QString& name) const { return dir_.filePath(name); }

    bool makeUnknownLengthFlac(const QString& out)
    {
        // Raw PCM through a pipe: flac cannot know the total and writes 0.
        const auto samples = testaudio::readRaw(source_);
        QByteArray raw(qsizetype(samples.size() * 2), '\0');
        for (size_t i = 0; i < samples.size(); ++i)
            qToLittleEndian<qint16>(qint16(std::lround(std::clamp(samples[i], -1.0f, 1.0f) * 32767)), raw.data() + 2 * i);
        const QString rawPath = path(QStringLiteral("source.raw"));
        testaudio::writeBytes(rawPath, raw);
        return run(QStringLiteral("flac"), {"-s", "--force-raw-format", "--endian=little", "--sign=signed", "--channels=2",
                                            "--bps=16", "--sample-rate=44100", "-", "-c"},
                   rawPath, out);
    }

    std::vector<Case> makeCases()
    {
        std::vector<Case> cases;
        auto add = [&](const QString& name, bool made, double seconds, double slack = 0.1, const QString& refusal = {},
                       const QString& note = {}) {
            if (!made)
                qWarning("could not make %s", qPrintable(name));
            cases.push_back({path(name), seconds, slack, refusal, note});
        };
        const double L = kSeconds;

        // MP3: lame and the pipes people use.
        add("vbr-pipe.mp3", run("lame", {"--quiet", "-V2", source_, "-"}, {}, path("vbr-pipe.mp3")), L);
        add("vbr-stdin-pipe.mp3", run("lame", {"--quiet", "-V2", "-", "-"}, source_, path("vbr-stdin-pipe.mp3")), L);
        add("vbr-file.mp3", run("lame", {"--quiet", "-V2", source_, path("vbr-file.mp3")}, {}, {}), L);
        add("cbr.mp3", run("lame", {"--quiet", "-b", "128", source_, path("cbr.mp3")}, {}, {}), L);
        run("lame", {"--quiet", "-V2", other_, path("other.mp3")}, {}, {});
        testaudio::writeBytes(path("two.mp3"), readAll(path("vbr-file.mp3")) + readAll(path("other.mp3")));
        add("two.mp3", true, 2 * L);
        const QByteArray cbr = readAll(path("cbr.mp3"));
        const QByteArray frame = QByteArray("TIT2") + QByteArray::fromHex("00000006") + QByteArray(2, '\0') + "\x03title";
        const QByteArray id3v24 = "ID3" + QByteArray::fromHex("040000000000") + frame;
        QByteArray tag = id3v24;
        tag[9] = char(frame.size());  // syncsafe size, small
        testaudio::writeBytes(path("cbr-id3v24-at-end.mp3"), cbr + tag);
        add("cbr-id3v24-at-end.mp3", true, L);
        const QByteArray item = le32(5) + le32(0) + "Title" + QByteArray(1, '\0') + "hello";
        const QByteArray apeHeader = "APETAGEX" + le32(2000) + le32(quint32(32 + item.size())) + le32(1) + le32(0xA0000000u) +
                                     QByteArray(8, '\0');
        const QByteArray apeFooter = "APETAGEX" + le32(2000) + le32(quint32(32 + item.size())) + le32(1) + le32(0x80000000u) +
                                     QByteArray(8, '\0');
        testaudio::writeBytes(path("cbr-apev2.mp3"), cbr + apeHeader + item + apeFooter);
        add("cbr-apev2.mp3", true, L);
        testaudio::writeBytes(path("cbr-trailing-zeros.mp3"), cbr + QByteArray(65536, '\0'));
        add("cbr-trailing-zeros.mp3", true, L);
        testaudio::writeBytes(path("mp3-in.wav"), wavAround(0x0055, cbr));
        add("mp3-in.wav", true, L);
        testaudio::writeBytes(path("cbr-cut.mp3"), cbr.left(cbr.size() / 4));  // really damaged: still refused
        add("cbr-cut.mp3", true, -1, 0, QStringLiteral("truncated"));
        // A long VBR MP3 through a pipe: the header's estimate is far off, the audio is not cut.
        testaudio::write(path("long.wav"), music(180.0, 3), 2, kRate, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
        add("long-vbr-pipe.mp3", run("lame", {"--quiet", "-V2", path("long.wav"), "-"}, {}, path("long-vbr-pipe.mp3")), 180.0);

        // WAV and CAF with sizes a streamed write leaves open.
        const QByteArray wav = readAll(source_);
        const qsizetype data = wav.indexOf("data");
        QByteArray open = wav;
        open.replace(4, 4, le32(0xFFFFFFFFu));
        open.replace(data + 4, 4, le32(0xFFFFFFFFu));
        testaudio::writeBytes(path("size-ffffffff.wav"), open);
        add("size-ffffffff.wav", true, L, 0.001, {}, QStringLiteral("open"));
        open.replace(4, 4, le32(0));
        open.replace(data + 4, 4, le32(0));
        testaudio::writeBytes(path("size-0.wav"), open);
        add("size-0.wav", true, L, 0.001, {}, QStringLiteral("open"));
        // A really empty recording (data size 0, RIFF size exact) with a tag chunk after it: not audio.
        QByteArray empty = wav.left(data + 4) + le32(0) + "LIST" + le32(8) + "INFOtest";
        empty.replace(4, 4, le32(quint32(empty.size() - 8)));
        testaudio::writeBytes(path("empty-with-tags.wav"), empty);
        add("empty-with-tags.wav", true, -1, 0, QStringLiteral("no audio frames"));
        const QString caf = path("unknown-size.caf");
        testaudio::write(caf, testaudio::readRaw(source_), 2, kRate, SF_FORMAT_CAF | SF_FORMAT_PCM_16);
        QByteArray cafBytes = readAll(caf);
        cafBytes.replace(cafBytes.lastIndexOf("data") + 4, 8, QByteArray(8, '\xFF'));
        testaudio::writeBytes(caf, cafBytes);
        add("unknown-size.caf", true, L, 0.001);
        add("unknown-total.flac", makeUnknownLengthFlac(path("unknown-total.flac")), L, 0.001);

        // Ogg: chains, a stray page after the end of the stream, a granule past the audio.
        run("oggenc", {"-Q", "-s", "11", source_, "-o", path("a.ogg")}, {}, {});
        run("oggenc", {"-Q", "-s", "22", other_, "-o", path("b.ogg")}, {}, {});
        testaudio::writeBytes(path("chained.ogg"), readAll(path("a.ogg")) + readAll(path("b.ogg")));
        add("chained.ogg", true, 2 * L, 0.1, {}, QStringLiteral("chain of 2"));
        run("opusenc", {"--quiet", "--serial", "11", source_, path("a.opus")}, {}, {});
        run("opusenc", {"--quiet", "--serial", "22", other_, path("b.opus")}, {}, {});
        testaudio::writeBytes(path("chained.opus"), readAll(path("a.opus")) + readAll(path("b.opus")));
        add("chained.opus", true, 2 * L, 0.1, {}, QStringLiteral("chain of 2"));
        QList<QByteArray> pages = oggPages(readAll(path("a.ogg")));
        QByteArray stray = pages.last();
        stray[5] = 0;  // no longer marked end-of-stream
        qToLittleEndian<quint32>(qFromLittleEndian<quint32>(stray.constData() + 18) + 1, stray.data() + 18);
        setGranule(stray, granule(pages.last()) + 5733);
        testaudio::writeBytes(path("stray-page.ogg"), readAll(path("a.ogg")) + stray);
        // The stray page's packets are audio too: other decoders (ffmpeg) play them, about 0.2 s more.
        add("stray-page.ogg", true, L + 0.1, 0.2);
        // "northerners.ogg": the last granule promises 0.13 s more than the audio holds.
        setGranule(pages.last(), granule(pages.last()) + qint64(0.13 * kRate));
        testaudio::writeBytes(path("granule-past-end.ogg"), pages.join());
        add("granule-past-end.ogg", true, L, 0.1, {}, QStringLiteral("before the header"));
        QList<QByteArray> opusPages = oggPages(readAll(path("a.opus")));
        setGranule(opusPages.last(), granule(opusPages.last()) + 10);
        testaudio::writeBytes(path("granule-10-past-end.opus"), opusPages.join());
        add("granule-10-past-end.opus", true, L);

        // Known containers holding codecs we do not decode: say so, not "damaged".
        add("ogg-flac.oga", run("flac", {"-s", "--ogg", source_, "-o", path("ogg-flac.oga")}, {}, {}), -1, 0,
            QStringLiteral("cannot decode FLAC in Ogg"));
        testaudio::writeBytes(path("vorbis-acm.wav"), wavAround(0x674f, QByteArray(4000, '\x11')));
        add("vorbis-acm.wav", true, -1, 0, QStringLiteral("cannot decode Ogg Vorbis"));
        return cases;
    }

    QTemporaryDir dir_;
    QString source_, other_;
    QStringList missing_;
};

QTEST_GUILESS_MAIN(TestEncodedAudio)
#include "tst_encoded_audio.moc"
