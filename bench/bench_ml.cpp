// Seconds per training epoch (Adam, lr 1e-3) of one workload, the same as
// bench/reference_torch.py runs in PyTorch; bench/training.sh runs both alternately.
//   mlp: dense [100, 250, 250, 100] relu + dense 10, batch 200, ROWS x 57 rows (default 8,000);
//   cnn: 4 x conv 3x3 (16, 32, 64, 64) relu with max-pooling and global average + dense 10,
//        batch 32, ROWS images of 1 x 216 x 334 (default 64).
// Usage: bench_ml mlp|cnn [--threads N] [--rows R] [--epochs E] [--batch B] [--kernel avx512|avx2|eigen]
// (--kernel: the matrix-product kernel of ml/Gemm.h; by default the widest the CPU runs)
// The thread count is OpenMP's (our loops) and Eigen's (its matrix products), both N.
// Prints JSON: every timed epoch's wall seconds and (a diagnostic) the process's CPU seconds,
// and their medians; one untimed warm-up epoch first.

#include "common/Memory.h"
#include "ml/Gemm.h"
#include "ml/Trainer.h"

#include <Eigen/Core>
#include <QCoreApplication>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

using namespace genrescope::ml;

namespace {

double processCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

struct Timings {
    std::vector<double> wall, cpu;  // per timed epoch; cpu: all threads' CPU time (a diagnostic)
};

Timings epochSeconds(const QString& arch, const std::vector<int>& sampleShape, int rows, int batch, int epochs)
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
    config.epochs = epochs + 1;  // the first is a warm-up (first-touch page faults, thread start)
    config.batch = batch;
    config.optimizer.kind = OptimizerConfig::Kind::Adam;
    config.optimizer.learningRate = 1e-3;
    std::vector<double> cpuAtEpochEnd{processCpuSeconds()};
    TrainCallbacks callbacks;
    callbacks.onEpoch = [&](const EpochStats&) { cpuAtEpochEnd.push_back(processCpuSeconds()); };
    const TrainResult r = train(net, {&x, &y}, {}, config, callbacks);
    Timings t;
    for (size_t i = 1; i < r.history.size(); ++i) {
        t.wall.push_back(r.history[i].seconds);
        t.cpu.push_back(cpuAtEpochEnd[i + 1] - cpuAtEpochEnd[i]);
    }
    return t;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void printList(const char* name, const std::vector<double>& v)
{
    std::printf("\"%s\": [", name);
    for (size_t i = 0; i < v.size(); ++i)
        std::printf("%s%.5f", i ? ", " : "", v[i]);
    std::printf("], ");
}

[[noreturn]] void usage()
{
    std::fprintf(stderr, "usage: bench_ml mlp|cnn [--threads N] [--rows R] [--epochs E] [--batch B] "
                         "[--kernel avx512|avx2|eigen]\n");
    std::exit(2);
}

const char* kernelName(GemmKernel k)
{
    return k == GemmKernel::Avx512 ? "avx512" : k == GemmKernel::Avx2 ? "avx2" : "eigen";
}

} // namespace

int main(int argc, char** argv)
{
    genrescope::tuneAllocatorForLargeBuffers();
    QCoreApplication app(argc, argv);
    if (argc < 2)
        usage();
    const std::string workload = argv[1];
    const bool mlp = workload == "mlp";
    if (!mlp && workload != "cnn")
        usage();
    int threads = 1, rows = mlp ? 8000 : 64, epochs = mlp ? 5 : 1, batch = mlp ? 200 : 32;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--kernel")) {
            bool known = false;
            for (GemmKernel k : {GemmKernel::Avx512, GemmKernel::Avx2, GemmKernel::Eigen})
                if (!std::strcmp(argv[i + 1], kernelName(k))) {
                    known = true;
                    if (!setGemmKernel(k)) {
                        std::fprintf(stderr, "bench_ml: this CPU cannot run the %s kernel\n", argv[i + 1]);
                        return 2;
                    }
                }
            if (!known)
                usage();
            continue;
        }
        const int v = std::atoi(argv[i + 1]);
        if (v < 1)
            usage();
        if (!std::strcmp(argv[i], "--threads"))
            threads = v;
        else if (!std::strcmp(argv[i], "--rows"))
            rows = v;
        else if (!std::strcmp(argv[i], "--epochs"))
            epochs = v;
        else if (!std::strcmp(argv[i], "--batch"))
            batch = v;
        else
            usage();
    }
    if (argc % 2 != 0)
        usage();
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    Eigen::setNbThreads(threads);

    const Timings t =
        mlp ? epochSeconds(QStringLiteral("dense:100:relu,dense:250:relu,dense:250:relu,dense:100:relu"), {57}, rows,
                           batch, epochs)
            : epochSeconds(QStringLiteral("conv:16:3x3:p1:relu,maxpool:2x2,conv:32:3x3:p1:relu,maxpool:2x2,"
                                          "conv:64:3x3:p1:relu,maxpool:2x2,conv:64:3x3:p1:relu,gap"),
                           {1, 216, 334}, rows, batch, epochs);
    std::printf("{\"workload\": \"%s\", \"threads\": %d, \"rows\": %d, \"batch\": %d, \"kernel\": \"%s\", ",
                workload.c_str(), threads, rows, batch, kernelName(gemmKernel()));
    printList("epoch_s", t.wall);
    printList("cpu_s", t.cpu);
    std::printf("\"median_s\": %.5f, \"median_cpu_s\": %.5f}\n", median(t.wall), median(t.cpu));
    return 0;
}
