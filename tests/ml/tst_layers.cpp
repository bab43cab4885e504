// Finite-difference gradient checks for every layer and the loss.
// Loss L = sum(out * R) for a fixed random R, so dL/dout = R. Central
// differences with step 1e-2 on float32 layers; a check passes when
// |analytic - numeric| <= 2e-2 * max(1, |numeric|) for every checked entry.

#include "ml/Layers.h"
#include "ml/Network.h"
#include "common/Error.h"

#include <QTest>

#include <cmath>
#include <functional>
#include <random>

using namespace genrescope::ml;

namespace {

void fillUniform(Tensor& t, std::mt19937& rng, float lo, float hi)
{
    std::uniform_real_distribution<float> d(lo, hi);
    for (float& v : t.data)
        v = d(rng);
}

/// Inputs away from 0 keep ReLU and max-pooling away from their kinks.
void fillAwayFromZero(Tensor& t, std::mt19937& rng)
{
    std::uniform_real_distribution<float> d(0.2f, 1.0f);
    std::bernoulli_distribution sign(0.5);
    for (float& v : t.data)
        v = sign(rng) ? d(rng) : -d(rng);
}

double lossOf(Layer& layer, const Tensor& in, const Tensor& R, const std::function<void()>& beforeForward)
{
    if (beforeForward)
        beforeForward();
    Tensor out;
    layer.forward(in, out, true);
    double L = 0;
    for (size_t i = 0; i < out.data.size(); ++i)
        L += double(out.data[i]) * R.data[i];
    return L;
}

/// Returns the worst normalised mismatch over input and parameter gradients.
double gradientCheck(Layer& layer, Tensor in, const std::function<void()>& beforeForward = {})
{
    std::mt19937 rng(7);
    if (beforeForward)
        beforeForward();
    Tensor out;
    layer.forward(in, out, true);
    Tensor R(out.shape);
    fillUniform(R, rng, -1.0f, 1.0f);
    Tensor gradIn;
    layer.backward(R, gradIn);
    std::vector<Tensor> paramGrads;
    for (const Parameter& p : layer.parameters())
        paramGrads.push_back(*p.grad);

    const float h = 1e-2f;
    double worst = 0;
    auto check = [&](float& x, double analytic) {
        const float saved = x;
        x = saved + h;
        const double plus = lossOf(layer, in, R, beforeForward);
        x = saved - h;
        const double minus = lossOf(layer, in, R, beforeForward);
        x = saved;
        const double numeric = (plus - minus) / (2.0 * h);
        worst = std::max(worst, std::abs(analytic - numeric) / std::max(1.0, std::abs(numeric)));
    };
    std::uniform_int_distribution<long> pickIn(0, in.size() - 1);
    for (int k = 0; k < 40; ++k) {
        const long i = pickIn(rng);
        check(in.data[size_t(i)], gradIn.data[size_t(i)]);
    }
    const auto params = layer.parameters();
    for (size_t p = 0; p < params.size(); ++p) {
        std::uniform_int_distribution<long> pick(0, params[p].value->size() - 1);
        for (int k = 0; k < 20; ++k) {
            const long i = pick(rng);
            check(params[p].value->data[size_t(i)], paramGrads[p].data[size_t(i)]);
        }
    }
    return worst;
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dense_data()
    {
        QTest::addColumn<int>("activation");
        QTest::newRow("linear") << int(Activation::None);
        QTest::newRow("relu") << int(Activation::Relu);
        QTest::newRow("tanh") << int(Activation::Tanh);
    }

    void dense()
    {
        QFETCH(int, activation);
        std::mt19937 rng(1);
        Dense layer(7, 5, Activation(activation));
        layer.initialise(rng);
        Tensor in({4, 7});
        fillAwayFromZero(in, rng);
        const double worst = gradientCheck(layer, in);
        QVERIFY2(worst < 2e-2, qPrintable(QString::number(worst)));
    }

    void conv_data()
    {
        QTest::addColumn<QString>("config");  // kh kw sh sw ph pw
        QTest::newRow("3x3 same") << "3 3 1 1 1 1";
        QTest::newRow("strided 4x2") << "4 2 2 1 0 0";
        QTest::newRow("report-like 5x3 stride 3x2") << "5 3 3 2 2 1";
        QTest::newRow("kernel wider than the image") << "3 11 1 2 1 2";
    }

    void conv()
    {
        QFETCH(QString, config);
        const QStringList f = config.split(QLatin1Char(' '));
        std::mt19937 rng(2);
        Conv2D layer(2, 3, f[0].toInt(), f[1].toInt(), f[2].toInt(), f[3].toInt(), f[4].toInt(), f[5].toInt(),
                     Activation::None);
        layer.initialise(rng);
        fillUniform(layer.bias, rng, -0.5f, 0.5f);
        Tensor in({2, 2, 9, 8});
        fillAwayFromZero(in, rng);
        const double worst = gradientCheck(layer, in);
        QVERIFY2(worst < 2e-2, qPrintable(QString::number(worst)));
    }

    void convRelu()
    {
        std::mt19937 rng(3);
        Conv2D layer(1, 4, 3, 3, 1, 1, 1, 1, Activation::Relu);
        layer.initialise(rng);
        Tensor in({2, 1, 6, 6});
        fillAwayFromZero(in, rng);
        const double worst = gradientCheck(layer, in);
        QVERIFY2(worst < 2e-2, qPrintable(QString::number(worst)));
    }

    void maxPool()
    {
        std::mt19937 rng(4);
        MaxPool2D layer(2, 3, 2, 2);
        Tensor in({2, 3, 6, 7});
        // Distinct values, so the maximum of each window is unique.
        std::vector<float> values(size_t(in.size()));
        for (size_t i = 0; i < values.size(); ++i)
            values[i] = float(i) * 0.1f;
        std::shuffle(values.begin(), values.end(), rng);
        std::copy(values.begin(), values.end(), in.data.begin());
        const double worst = gradientCheck(layer, in);
        QVERIFY2(worst < 2e-2, qPrintable(QString::number(worst)));
    }

    void globalAveragePoolAndFlatten()
    {
        std::mt19937 rng(5);
        Tensor in({3, 4, 5, 6});
        fillUniform(in, rng, -1, 1);
        GlobalAvgPool gap;
        QVERIFY(gradientCheck(gap, in) < 2e-2);
        Flatten flatten;
        QVERIFY(gradientCheck(flatten, in) < 2e-2);
    }

    void batchNorm_data()
    {
        QTest::addColumn<bool>("image");
        QTest::newRow("features") << false;
        QTest::newRow("channels") << true;
    }

    void batchNorm()
    {
        QFETCH(bool, image);
        std::mt19937 rng(6);
        BatchNorm layer(3);
        fillUniform(layer.gamma, rng, 0.5f, 1.5f);
        fillUniform(layer.beta, rng, -0.5f, 0.5f);
        Tensor in = image ? Tensor({4, 3, 3, 2}) : Tensor({6, 3});
        fillUniform(in, rng, -2, 2);
        const double worst = gradientCheck(layer, in);
        QVERIFY2(worst < 2e-2, qPrintable(QString::number(worst)));
        // Inference uses the running statistics, which moved towards the batch's.
        QVERIFY(layer.runningMean.data[0] != 0.0f);
    }

    void dropout()
    {
        std::mt19937 rng(7);
        Dropout layer(0.5f);
        Tensor in({8, 10});
        fillUniform(in, rng, -1, 1);
        // The same mask for every forward pass of the check.
        const double worst = gradientCheck(layer, in, [&] {
            std::mt19937 fixed(42);
            layer.initialise(fixed);
        });
        QVERIFY2(worst < 2e-2, qPrintable(QString::number(worst)));
        Tensor out;
        layer.forward(in, out, false);
        QVERIFY(out.data == in.data);  // identity at inference
    }

    void softmaxCrossEntropyGradient()
    {
        std::mt19937 rng(8);
        Tensor logits({5, 4});
        fillUniform(logits, rng, -3, 3);
        const std::vector<int> labels{0, 3, 1, 2, 3};
        Tensor grad;
        softmaxCrossEntropy(logits, labels, grad);
        const float h = 1e-2f;
        for (long i = 0; i < logits.size(); ++i) {
            Tensor g2;
            const float saved = logits.data[size_t(i)];
            logits.data[size_t(i)] = saved + h;
            const double plus = softmaxCrossEntropy(logits, labels, g2);
            logits.data[size_t(i)] = saved - h;
            const double minus = softmaxCrossEntropy(logits, labels, g2);
            logits.data[size_t(i)] = saved;
            QVERIFY(std::abs((plus - minus) / (2 * h) - grad.data[size_t(i)]) < 1e-3);
        }
    }

    void wholeNetworkGradient()
    {
        // A small CNN end to end: conv, batchnorm, maxpool, gap, dense.
        Network net(QStringLiteral("conv:3:3x3:p1:tanh,batchnorm,maxpool:2x2,conv:4:3x3:tanh,gap,dense:5:tanh"),
                    {1, 10, 12}, 3);
        net.initialise(9);
        std::mt19937 rng(10);
        Tensor in({3, 1, 10, 12});
        fillUniform(in, rng, -1, 1);
        const std::vector<int> labels{0, 2, 1};
        Tensor grad;
        softmaxCrossEntropy(net.forward(in, true), labels, grad);
        net.backward(grad);
        const auto params = net.parameters();
        std::vector<Tensor> analytic;
        for (const Parameter& p : params)
            analytic.push_back(*p.grad);
        const float h = 2e-3f;  // small: a max-pooling switch inside +-h would spoil the difference
        double worst = 0;
        for (size_t p = 0; p < params.size(); ++p) {
            std::uniform_int_distribution<long> pick(0, params[p].value->size() - 1);
            for (int k = 0; k < 5; ++k) {
                const long i = pick(rng);
                float& w = params[p].value->data[size_t(i)];
                const float saved = w;
                Tensor g2;
                w = saved + h;
                const double plus = softmaxCrossEntropy(net.forward(in, true), labels, g2);
                w = saved - h;
                const double minus = softmaxCrossEntropy(net.forward(in, true), labels, g2);
                w = saved;
                const double numeric = (plus - minus) / (2 * h);
                worst = std::max(worst, std::abs(numeric - analytic[p].data[size_t(i)]) / std::max(0.05, std::abs(numeric)));
            }
        }
        QVERIFY2(worst < 5e-2, qPrintable(QString::number(worst)));
    }

    void architectureErrorsNameTheToken_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("phrase");
        QTest::newRow("unknown layer") << "dense:10:relu,blah:3" << "blah:3";
        QTest::newRow("bad units") << "dense:x" << "units";
        QTest::newRow("bad activation") << "dense:10:sigmoidish" << "sigmoidish";
        QTest::newRow("conv on features") << "conv:8:3x3" << "image input";
        QTest::newRow("bad dropout") << "dropout:1.5" << "dropout";
    }

    void architectureErrorsNameTheToken()
    {
        QFETCH(QString, spec);
        QFETCH(QString, phrase);
        try {
            Network net(spec, {57}, 10);
            QFAIL("accepted");
        } catch (const genrescope::Error& e) {
            QVERIFY2(e.message().contains(phrase), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestLayers)
#include "tst_layers.moc"
