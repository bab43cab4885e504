// Distillation and starting from a trained network: ml::distil learns a teacher's outputs,
// frozen layers stay fixed while the rest trains, a student's layers start a classifier,
// and the training pipeline takes a starting model (--init, --freeze-init).

#include "classify/Training.h"
#include "common/Error.h"
#include "ml/Distillation.h"
#include "ml/ModelFile.h"
#include "ml/Trainer.h"

#include <QHash>
#include <QTest>

#include <cmath>
#include <random>

using namespace genrescope;
using namespace genrescope::ml;

namespace {

/// Three Gaussian blobs in `dims` dimensions.
void blobs(int n, int dims, unsigned seed, Tensor& x, std::vector<int>& y)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.6f);
    x.resize({n, dims});
    y.resize(size_t(n));
    for (int i = 0; i < n; ++i) {
        y[size_t(i)] = i % 3;
        for (int d = 0; d < dims; ++d)
            x.sample(i)[d] = (d % 3 == i % 3 ? 2.0f : 0.0f) + noise(rng);
    }
}

/// A fixed "teacher": tanh of a random linear map of the inputs, `outputs` values a row.
Tensor teacherOutputs(const Tensor& x, int outputs, unsigned seed)
{
    const long dims = x.shape[1];  // rows of (batch, dims)
    std::mt19937 rng(seed);
    std::normal_distribution<float> w(0.0f, 0.5f);
    std::vector<float> weights(size_t(outputs * dims));
    for (float& v : weights)
        v = w(rng);
    Tensor t({x.batch(), outputs});
    for (int i = 0; i < x.batch(); ++i)
        for (int k = 0; k < outputs; ++k) {
            float s = 0;
            for (long d = 0; d < dims; ++d)
                s += weights[size_t(k * dims + d)] * x.sample(i)[d];
            t.sample(i)[k] = std::tanh(s);
        }
    return t;
}

std::vector<std::vector<float>> layerValues(Network& net)
{
    std::vector<std::vector<float>> values;
    for (auto& [name, t] : net.state())
        values.emplace_back(t->data.begin(), t->data.end());
    return values;
}

} // namespace

class TestDistillation : public QObject {
    Q_OBJECT
private slots:
    void distilLearnsATeachersOutputs()
    {
        Tensor x, xTest;
        std::vector<int> unused;
        blobs(600, 6, 1, x, unused);
        blobs(200, 6, 2, xTest, unused);
        const Tensor t = teacherOutputs(x, 8, 3), tTest = teacherOutputs(xTest, 8, 3);
        Network net("dense:32:relu", {6}, 8);
        net.initialise(5);
        const auto [before, cosBefore] = regressionError(predictOutputs(net, xTest, {}), tTest);
        TrainConfig c;
        c.epochs = 60;
        c.batch = 32;
        std::vector<double> losses;
        const DistillationResult r = distil(net, {&x, &t}, c, [&](int, double loss) { losses.push_back(loss); });
        QVERIFY(!r.diverged && !r.cancelled);
        QCOMPARE(int(r.trainLoss.size()), 60);
        QCOMPARE(int(losses.size()), 60);
        QVERIFY(r.trainLoss.back() < r.trainLoss.front());
        const auto [after, cosAfter] = regressionError(predictOutputs(net, xTest, {}), tTest);
        QVERIFY2(after < 0.1 * before, qPrintable(QStringLiteral("%1 -> %2").arg(before).arg(after)));
        QVERIFY2(cosAfter > 0.95 && cosAfter > cosBefore, qPrintable(QString::number(cosAfter)));
    }

    void distilRefusesTargetsOfAnotherWidth()
    {
        Tensor x;
        std::vector<int> y;
        blobs(30, 6, 1, x, y);
        const Tensor t = teacherOutputs(x, 5, 3);
        Network net("dense:8:relu", {6}, 8);
        net.initialise(1);
        QVERIFY_THROWS_EXCEPTION(Error, distil(net, {&x, &t}, TrainConfig{}));
        const Tensor right = teacherOutputs(x, 8, 3);
        TrainConfig noBatch;
        noBatch.batch = 0;
        QVERIFY_THROWS_EXCEPTION(Error, distil(net, {&x, &right}, noBatch));
        TrainConfig noEpochs;
        noEpochs.epochs = 0;
        QVERIFY_THROWS_EXCEPTION(Error, distil(net, {&x, &right}, noEpochs));
    }

    void copyLeadingLayersStopsAtTheFirstDifference()
    {
        Network student("dense:16:relu,batchnorm", {6}, 8);  // + dense:8:none output
        student.initialise(1);
        Network classifier("dense:16:relu,batchnorm,dense:8:none", {6}, 3);
        classifier.initialise(2);
        QCOMPARE(classifier.copyLeadingLayers(student), 3);
        // Every tensor of layers 0 to 2 (weights, biases, batch-norm scales and running statistics).
        QHash<QString, std::vector<float>> studentState;
        for (auto& [name, t] : student.state())
            studentState.insert(name, std::vector<float>(t->data.begin(), t->data.end()));
        int compared = 0;
        for (auto& [name, t] : classifier.state())
            if (!name.startsWith(QLatin1String("3."))) {
                QVERIFY2(studentState.contains(name), qPrintable(name));
                QCOMPARE(std::vector<float>(t->data.begin(), t->data.end()), studentState.value(name));
                ++compared;
            }
        QCOMPARE(compared, 8);  // 0.weight, 0.bias, 1.gamma, 1.beta, 1.running mean and var, 2.weight, 2.bias
        Network other("dense:12:relu,batchnorm,dense:8:none", {6}, 3);
        other.initialise(2);
        QCOMPARE(other.copyLeadingLayers(student), 0);
        Network wider("dense:16:relu,batchnorm,dense:8:none", {7}, 3);  // same specs, other input width
        wider.initialise(2);
        QCOMPARE(wider.copyLeadingLayers(student), 0);
        Network same("dense:16:relu,batchnorm", {6}, 8);  // a whole network: all but its output layer
        same.initialise(3);
        QCOMPARE(same.copyLeadingLayers(student), 2);
        auto outputWeight = [](Network& n) {
            for (auto& [name, t] : n.state())
                if (name == QLatin1String("2.weight"))
                    return std::vector<float>(t->data.begin(), t->data.end());
            return std::vector<float>{};
        };
        QVERIFY(!outputWeight(same).empty());
        QVERIFY(outputWeight(same) != outputWeight(student));  // the output layer stays its own
    }

    void frozenLayersStayFixedWhileTheHeadLearns()
    {
        Tensor x;
        std::vector<int> y;
        blobs(300, 6, 1, x, y);
        Network net("dense:16:relu,batchnorm,dense:8:relu", {6}, 3);
        net.initialise(4);
        net.setFrozenLayers(3);
        QCOMPARE(net.frozenLayers(), 3);
        QCOMPARE(int(net.trainableParameters().size()), 2);  // the output layer's weight and bias
        const double untrained = evaluate(net, {&x, &y}).second;
        std::vector<std::vector<float>> before;
        for (auto& [name, t] : net.state())
            before.emplace_back(t->data.begin(), t->data.end());
        TrainConfig c;
        c.epochs = 30;
        c.batch = 32;
        c.optimizer.learningRate = 0.01;
        const TrainResult r = train(net, {&x, &y}, {}, c);
        QVERIFY(r.bestEpoch > 0);
        const double trained = evaluate(net, {&x, &y}).second;  // the head learns on the fixed random features
        QVERIFY2(trained > 0.6 && trained > untrained + 0.2, qPrintable(QStringLiteral("%1 -> %2").arg(untrained).arg(trained)));
        int changed = 0, same = 0;
        size_t i = 0;
        for (auto& [name, t] : net.state()) {
            const bool layer3 = name.startsWith(QLatin1String("3."));
            const bool equal = std::equal(t->data.begin(), t->data.end(), before[i++].begin());
            if (layer3)
                changed += !equal;
            else
                same += equal;
            if (!layer3)
                QVERIFY2(equal, qPrintable(name));  // weights and batch-norm statistics alike
        }
        QCOMPARE(changed, 2);
        QVERIFY(same >= 6);
    }

    void trainingStartsFromASavedModel()
    {
        Tensor x;
        std::vector<int> y;
        blobs(90, 6, 1, x, y);
        auto d = std::make_shared<data::Dataset>();
        d->inputs = x;
        QStringList labels;
        for (int i = 0; i < x.batch(); ++i) {
            d->names << QStringLiteral("s%1").arg(i);
            d->songIds << QStringLiteral("s%1").arg(i);
            labels << QStringLiteral("c%1").arg(y[size_t(i)]);
        }
        data::setLabels(*d, labels);

        auto start = std::make_shared<Model>();
        start->network = std::make_unique<Network>("dense:16:relu", std::vector<int>{6}, 8);
        start->network->initialise(9);
        start->inputKind = QStringLiteral("features");
        start->mean = std::vector<float>(6, 0.5f);
        start->scale = std::vector<float>(6, 2.0f);

        classify::TrainingRequest request;
        request.dataset = d;
        request.architecture = QStringLiteral("dense:16:relu,dense:8:none");
        request.split = QStringLiteral("song");
        request.config.epochs = 20;
        request.config.batch = 16;
        request.initialWeights = start;
        request.freezeInitial = true;
        const classify::TrainingOutcome out = classify::runTraining(request);
        QCOMPARE(out.model.mean, start->mean);  // the layers taken over keep their standardisation
        QCOMPARE(out.model.scale, start->scale);
        QCOMPARE(out.model.network->frozenLayers(), 2);
        const auto a = layerValues(*start->network), b = layerValues(*out.model.network);
        for (size_t i = 0; i < 4; ++i)
            QCOMPARE(a[i], b[i]);

        request.initialWeights->network->layer(0);  // still usable
        auto image = std::make_shared<Model>();
        image->network = std::make_unique<Network>("dense:16:relu", std::vector<int>{6}, 8);
        image->inputKind = QStringLiteral("image");
        request.initialWeights = image;
        QVERIFY_THROWS_EXCEPTION(Error, classify::runTraining(request));
        request.initialWeights.reset();
        QVERIFY_THROWS_EXCEPTION(Error, classify::runTraining(request));  // --freeze-init without --init
    }
};

QTEST_GUILESS_MAIN(TestDistillation)
#include "tst_distillation.moc"
