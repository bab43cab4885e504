// Seconds per training epoch (Adam, 2 threads), the same workloads as
// bench/reference_torch.py runs in PyTorch:
//   - MLP dense [100, 250, 250, 100] relu, batch 200, 10,000 x 57 rows;
//   - CNN 4 x conv 3x3 (16, 32, 64, 64) with max-pooling and global average,
//     batch 32, 640 images of 1 x 216 x 334.
// Prints JSON.

#include "common/Memory.h"
#include "ml/Trainer.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <random>

using namespace genrescope::ml;

namespace {

double secondsPerEpoch(const QString& arch, std::vector<int> sampleShape, int rows, int batch, int epochs)
{
    std::vector<int> shape{rows};
    shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
    Tensor x(shape);
    std::vector<int> y(static_cast<size_t>(rows));
    std::mt19937 rng(1);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (float& v : x.data)
        v = d(rng);
    for (int i = 0; i < rows; ++i)
        y[size_t(i)] = i % 10;
    Network net(arch, sampleShape, 10);
    net.initialise(1);
    TrainConfig config;
    config.epochs = epochs;
    config.batch = batch;
    config.optimizer.kind = OptimizerConfig::Kind::Adam;
    config.optimizer.learningRate = 1e-3;
    const TrainResult r = train(net, {&x, &y}, {}, config);
    // Median epoch time.
    std::vector<double> t;
    for (const EpochStats& e : r.history)
        t.push_back(e.seconds);
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    genrescope::tuneAllocatorForLargeBuffers();
    QCoreApplication app(argc, argv);
    // Optional: "bench_ml ROWS" times only the CNN on ROWS images (for profiling).
    if (argc > 1) {
        std::printf("{\"cnn_epoch_s\": %.3f}\n",
                    secondsPerEpoch(QStringLiteral("conv:16:3x3:p1:relu,maxpool:2x2,conv:32:3x3:p1:relu,maxpool:2x2,"
                                                   "conv:64:3x3:p1:relu,maxpool:2x2,conv:64:3x3:p1:relu,gap"),
                                    {1, 216, 334}, std::atoi(argv[1]), 32, 1));
        return 0;
    }
    const double mlp = secondsPerEpoch(QStringLiteral("dense:100:relu,dense:250:relu,dense:250:relu,dense:100:relu"),
                                       {57}, 10000, 200, 7);
    const double cnn = secondsPerEpoch(QStringLiteral("conv:16:3x3:p1:relu,maxpool:2x2,conv:32:3x3:p1:relu,maxpool:2x2,"
                                                      "conv:64:3x3:p1:relu,maxpool:2x2,conv:64:3x3:p1:relu,gap"),
                                       {1, 216, 334}, 640, 32, 1);
    std::printf("{\"mlp_epoch_s\": %.4f, \"cnn_epoch_s\": %.3f}\n", mlp, cnn);
    return 0;
}
