// Model files: an exact round trip, atomic and non-clobbering saves, and a
// clear refusal of truncated, bit-flipped, wrong-version and absurd files.

#include "TestAudio.h"

#include "common/Error.h"
#include "ml/ModelFile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <random>

using namespace genrescope;
using namespace genrescope::ml;

namespace {

Model sampleModel()
{
    Model m;
    m.network = std::make_unique<Network>(QStringLiteral("conv:2:3x3:p1:relu,batchnorm,maxpool:2x2,gap,dense:4:tanh"),
                                          std::vector<int>{1, 8, 10}, 3);
    m.network->initialise(7);
    m.inputKind = QStringLiteral("image");
    m.classes = {"a", "b", "c"};
    m.mean = {0.5f};
    m.scale = {2.0f};
    m.training = QJsonObject{{"seed", 7}};
    m.metrics = QJsonObject{{"valid", 0.5}};
    return m;
}

Tensor sampleInput()
{
    Tensor x({3, 1, 8, 10});
    std::mt19937 rng(1);
    std::uniform_real_distribution<float> d(0, 1);
    for (float& v : x.data)
        v = d(rng);
    return x;
}

QString refusal(const QByteArray& bytes)
{
    try {
        deserializeModel(bytes, QStringLiteral("m.gsm"));
    } catch (const Error& e) {
        return e.message();
    }
    return {};
}

} // namespace

class TestModelFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        QTemporaryDir dir;
        const Model m = sampleModel();
        const QString path = dir.filePath(QStringLiteral("m.gsm"));
        saveModel(m, path, false);
        const Model back = loadModel(path);
        QCOMPARE(back.classes, m.classes);
        QCOMPARE(back.inputKind, m.inputKind);
        QCOMPARE(back.network->spec(), m.network->spec());
        QCOMPARE(back.training.value("seed").toInt(), 7);
        QVERIFY(back.predict(sampleInput()).data == m.predict(sampleInput()).data);  // bit-identical
    }

    void neverOverwritesUnasked()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("m.gsm"));
        testaudio::writeBytes(path, "precious");
        QVERIFY_THROWS_EXCEPTION(Error, saveModel(sampleModel(), path, false));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("precious"));
        saveModel(sampleModel(), path, true);
        QVERIFY(loadModel(path).network);
    }

    void refusesNonFiniteWeights()
    {
        Model m = sampleModel();
        m.network->parameters()[0].value->data[0] = std::numeric_limits<float>::quiet_NaN();
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(Error, saveModel(m, dir.filePath(QStringLiteral("nan.gsm")), false));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("nan.gsm"))));
    }

    void refusesDamagedFiles()
    {
        const QByteArray good = serializeModel(sampleModel());
        QVERIFY(refusal(good).isEmpty());

        QVERIFY(refusal(QByteArray()).contains(QStringLiteral("not a Genrescope model")));
        QVERIFY(refusal("hello world, not a model").contains(QStringLiteral("not a Genrescope model")));
        for (qsizetype cut : {qsizetype(12), qsizetype(40), good.size() / 2, good.size() - 1})
            QVERIFY2(!refusal(good.left(cut)).isEmpty(), qPrintable(QString::number(cut)));

        // Every single bit flip anywhere is caught (sampled positions).
        std::mt19937 rng(3);
        std::uniform_int_distribution<qsizetype> at(8, good.size() - 1);
        for (int i = 0; i < 200; ++i) {
            QByteArray bad = good;
            bad[at(rng)] ^= char(1 << (i % 8));
            QVERIFY(!refusal(bad).isEmpty());
        }

        QByteArray version = good;
        const quint32 v2 = qToLittleEndian(quint32(2));
        std::memcpy(version.data() + 8, &v2, 4);
        QVERIFY(refusal(version).contains(QStringLiteral("version 2")));

        QByteArray huge = good;
        const quint32 big = qToLittleEndian(quint32(0xfffffff0u));
        std::memcpy(huge.data() + 12, &big, 4);
        QVERIFY(refusal(huge).contains(QStringLiteral("more than the file holds")));
    }

    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(Error, loadModel(QStringLiteral("/nonexistent/m.gsm")));
    }
};

QTEST_GUILESS_MAIN(TestModelFile)
#include "tst_modelfile.moc"
