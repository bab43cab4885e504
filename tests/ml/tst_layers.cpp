// Finite-difference gradient checks for every layer and the loss.
// Loss L = sum(out * R) for a fixed random R, so dL/dout = R. Central
// differences with step 1e-2 on float32 layers; a check passes when
// |analytic - numeric| <= 2e-2 * max(1, |numeric|) for every checked entry.
// Also: the matrix products of ml/Gemm.h against their one-element-at-a-time definition.

#include "ml/Gemm.h"
#include "ml/Layers.h"
#include "ml/Network.h"
#include "common/Error.h"

#include <QTest>

#include <cmath>
#include <array>
#include <cstring>
#include <functional>
#include <memory>
#include <random>

#ifdef _OPENMP
#include <omp.h>
#endif

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

    void denseWide_data() { dense_data(); }

    void denseWide()
    {
        // Large enough for the packed panels, a widened last panel, 8 x 8 transposes with a
        // remainder, whole row tiles and two threads; checked against the layer's formulas in
        // double precision (finite differences would cross ReLU kinks among 100 x 30 outputs).
        QFETCH(int, activation);
        const Activation act = Activation(activation);
        std::mt19937 rng(2);
        const int N = 30, in = 57, out = 100;
        Dense layer(in, out, act);
        layer.initialise(rng);
        fillUniform(layer.bias, rng, -0.5f, 0.5f);
        Tensor x({N, in}), R({N, out});
        fillUniform(x, rng, -1.0f, 1.0f);
        fillUniform(R, rng, -1.0f, 1.0f);
        Tensor y, dx;
        layer.forward(x, y, true);
        layer.backward(R, dx);
        std::vector<double> dW(size_t(out) * in, 0.0), db(size_t(out), 0.0), dX(size_t(N) * in, 0.0);
        auto close = [](double got, double want) { return std::abs(got - want) <= 1e-4 * (1.0 + std::abs(want)); };
        for (int n = 0; n < N; ++n)
            for (int j = 0; j < out; ++j) {
                double z = layer.bias.data[size_t(j)];
                for (int k = 0; k < in; ++k)
                    z += double(x.data[size_t(n * in + k)]) * layer.weight.data[size_t(j * in + k)];
                const double want = act == Activation::Relu ? std::max(z, 0.0) : act == Activation::Tanh ? std::tanh(z) : z;
                QVERIFY2(close(y.data[size_t(n * out + j)], want), qPrintable(QStringLiteral("y %1 %2").arg(n).arg(j)));
                const double slope = act == Activation::Relu ? (z > 0 ? 1.0 : 0.0) : act == Activation::Tanh ? 1.0 - want * want : 1.0;
                const double g = R.data[size_t(n * out + j)] * slope;
                db[size_t(j)] += g;
                for (int k = 0; k < in; ++k) {
                    dW[size_t(j * in + k)] += g * x.data[size_t(n * in + k)];
                    dX[size_t(n * in + k)] += g * layer.weight.data[size_t(j * in + k)];
                }
            }
        for (size_t i = 0; i < dW.size(); ++i)
            QVERIFY2(close(layer.weightGrad.data[i], dW[i]), qPrintable(QStringLiteral("dW %1").arg(i)));
        for (size_t i = 0; i < db.size(); ++i)
            QVERIFY2(close(layer.biasGrad.data[i], db[i]), qPrintable(QStringLiteral("db %1").arg(i)));
        for (size_t i = 0; i < dX.size(); ++i)
            QVERIFY2(close(dx.data[i], dX[i]), qPrintable(QStringLiteral("dx %1").arg(i)));
    }

    void gemmMatchesItsDefinition_data()
    {
        QTest::addColumn<int>("M");
        QTest::addColumn<int>("N");
        QTest::addColumn<int>("K");
        for (auto [M, N, K] : std::vector<std::array<int, 3>>{{1, 1, 1}, {5, 3, 0}, {4, 7, 5}, {200, 100, 57},
                                                              {13, 10, 200}, {250, 57, 200}, {37, 41, 9},
                                                              {24, 17, 33}, {7, 48, 5}, {30, 40, 20}, {100, 250, 250},
                                                              {200, 10, 100}, {26, 33, 16}})
            QTest::addRow("%dx%dx%d", M, N, K) << M << N << K;
    }

    void gemmMatchesItsDefinition()
    {
        // Both x86 kernels give exactly the reference's numbers (one fused multiply-add chain
        // per element) on one thread or two, for any operand layout and every epilogue (bias,
        // ReLU, an activation's derivative); Eigen's agree to rounding.
        QFETCH(int, M);
        QFETCH(int, N);
        QFETCH(int, K);
        std::mt19937 rng(uint32_t(M * 10007 + N * 101 + K));
        std::normal_distribution<float> d(0.0f, 1.0f);
        std::vector<float> a(size_t(M) * K + 1), b(size_t(K) * N + 1), bias(static_cast<size_t>(N));
        const long gateStride = N + 5;
        std::vector<float> gate(size_t(M) * gateStride);
        for (float& v : a)
            v = d(rng);
        for (float& v : b)
            v = d(rng);
        for (float& v : bias)
            v = d(rng);
        for (size_t i = 0; i < gate.size(); ++i)
            gate[i] = i % 7 == 0 ? 0.0f : std::tanh(d(rng));  // an activation's outputs, some exactly 0
        using Gate = GemmEpilogue::Gate;
        const std::vector<std::pair<QString, GemmEpilogue>> epilogues{
            {QStringLiteral("plain"), {}},
            {QStringLiteral("bias"), {bias.data(), false, Gate::None, nullptr, 0}},
            {QStringLiteral("relu"), {nullptr, true, Gate::None, nullptr, 0}},
            {QStringLiteral("bias+relu"), {bias.data(), true, Gate::None, nullptr, 0}},
            {QStringLiteral("relu'"), {nullptr, false, Gate::Relu, gate.data(), gateStride}},
            {QStringLiteral("tanh'"), {nullptr, false, Gate::Tanh, gate.data(), gateStride}}};
        const GemmKernel before = gemmKernel();
#ifdef _OPENMP
        const int savedThreads = omp_get_max_threads();
#endif
        for (bool aTransposed : {false, true})
            for (bool bTransposed : {false, true})
                for (const auto& [name, epilogue] : epilogues) {
                    const MatrixView A = aTransposed ? MatrixView{a.data(), 1, M} : MatrixView{a.data(), K, 1};
                    const MatrixView B = bTransposed ? MatrixView{b.data(), 1, K} : MatrixView{b.data(), N, 1};
                    const long ldc = N + 3;  // C inside a wider matrix: nothing beyond N is written
                    const std::vector<float> before(size_t(M) * ldc, -7.0f);
                    std::vector<float> expected = before;
                    gemmReference(M, N, K, A, B, expected.data(), ldc, epilogue);
                    for (GemmKernel kernel : {GemmKernel::Avx512, GemmKernel::Avx2, GemmKernel::Eigen}) {
                        if (!setGemmKernel(kernel))
                            continue;
                        for (int threads : {1, 2}) {
#ifdef _OPENMP
                            omp_set_num_threads(threads);
#endif
                            std::vector<float> c = before;
                            gemm(M, N, K, A, B, c.data(), ldc, epilogue);
                            const QString where = QStringLiteral("kernel %1, %2 threads, A%3, B%4, %5")
                                                      .arg(int(kernel)).arg(threads).arg(aTransposed ? "^T" : "")
                                                      .arg(bTransposed ? "^T" : "").arg(name);
                            if (kernel != GemmKernel::Eigen) {
                                QVERIFY2(std::memcmp(c.data(), expected.data(), c.size() * sizeof(float)) == 0,
                                         qPrintable(where));
                                continue;
                            }
                            for (size_t i = 0; i < c.size(); ++i)
                                QVERIFY2(std::abs(c[i] - expected[i]) <= 1e-4f * (1.0f + std::abs(expected[i])),
                                         qPrintable(where));
                        }
                    }
                }
        setGemmKernel(before);
#ifdef _OPENMP
        omp_set_num_threads(savedThreads);
#endif
    }

    void networkFusesActivationGradientsExactly()
    {
        // In a network, a dense layer multiplies the gradient it passes down by the activation
        // derivative of the dense layer below (in its product's epilogue): the gradients are
        // exactly those of the same layers run one by one.
        const QString spec = QStringLiteral("dense:20:relu,dense:15:tanh,dense:12:relu");
        Network net(spec, {9}, 4);
        net.initialise(5);
        std::mt19937 rng(6);
        Tensor in({33, 9});
        fillUniform(in, rng, -1, 1);
        std::vector<int> labels(33);
        for (size_t i = 0; i < labels.size(); ++i)
            labels[i] = int(i % 4);
        Tensor grad;
        softmaxCrossEntropy(net.forward(in, true), labels, grad);
        net.backward(grad);

        std::vector<std::unique_ptr<Dense>> alone;
        const Activation acts[] = {Activation::Relu, Activation::Tanh, Activation::Relu, Activation::None};
        const int widths[] = {9, 20, 15, 12, 4};
        for (int i = 0; i < 4; ++i) {
            alone.push_back(std::make_unique<Dense>(widths[i], widths[i + 1], acts[i]));
            const auto& from = dynamic_cast<const Dense&>(net.layer(i));
            alone.back()->weight = from.weight;
            alone.back()->bias = from.bias;
        }
        std::vector<Tensor> outs(4), grads(5);
        const Tensor* x = &in;
        for (int i = 0; i < 4; ++i) {
            alone[size_t(i)]->forward(*x, outs[size_t(i)], true);
            x = &outs[size_t(i)];
        }
        softmaxCrossEntropy(outs[3], labels, grads[4]);
        for (int i = 4; i-- > 0;)
            alone[size_t(i)]->backward(grads[size_t(i + 1)], grads[size_t(i)]);
        for (int i = 0; i < 4; ++i) {
            const auto& fused = dynamic_cast<const Dense&>(net.layer(i));
            QVERIFY2(fused.weightGrad.data == alone[size_t(i)]->weightGrad.data, qPrintable(QString::number(i)));
            QVERIFY2(fused.biasGrad.data == alone[size_t(i)]->biasGrad.data, qPrintable(QString::number(i)));
        }
    }

    void gemmReluZeroesNaN()
    {
        // ReLU keeps a > 0 ? a : 0 in every kernel: a NaN row becomes zeros.
        const std::vector<float> a{std::nanf(""), 1.0f}, b{2.0f, 3.0f};
        const GemmKernel before = gemmKernel();
        for (GemmKernel kernel : {GemmKernel::Avx512, GemmKernel::Avx2, GemmKernel::Eigen}) {
            if (!setGemmKernel(kernel))
                continue;
            float c[2] = {-1.0f, -1.0f};
            GemmEpilogue relu;
            relu.relu = true;
            gemm(2, 1, 1, {a.data(), 1, 1}, {b.data(), 1, 1}, c, 1, relu);
            QCOMPARE(c[0], 0.0f);
            QCOMPARE(c[1], 2.0f);
        }
        setGemmKernel(before);
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
