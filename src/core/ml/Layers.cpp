#include "ml/Layers.h"

#include "common/Error.h"
#include "ml/Gemm.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>

#ifdef _OPENMP
#include <omp.h>
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define GENRESCOPE_X86_GEMM 1
#include <immintrin.h>
#endif

namespace genrescope::ml {

Activation parseActivation(const QString& name)
{
    if (name == QLatin1String("relu"))
        return Activation::Relu;
    if (name == QLatin1String("tanh"))
        return Activation::Tanh;
    if (name.isEmpty() || name == QLatin1String("none") || name == QLatin1String("linear"))
        return Activation::None;
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("Unknown activation \"%1\" (use relu, tanh or none).").arg(name));
}

QString activationName(Activation a)
{
    switch (a) {
    case Activation::Relu: return QStringLiteral("relu");
    case Activation::Tanh: return QStringLiteral("tanh");
    case Activation::None: break;
    }
    return QStringLiteral("none");
}

namespace {

void activate(Activation act, float* v, long n)
{
    if (act == Activation::Relu)
        for (long i = 0; i < n; ++i)
            v[i] = v[i] > 0.0f ? v[i] : 0.0f;
    else if (act == Activation::Tanh)
        for (long i = 0; i < n; ++i)
            v[i] = std::tanh(v[i]);
}

/// g *= act'(y), where y is the activation's output.
void activationGradient(Activation act, const float* y, float* g, long n)
{
    if (act == Activation::Relu)
        for (long i = 0; i < n; ++i)
            g[i] = y[i] > 0.0f ? g[i] : 0.0f;
    else if (act == Activation::Tanh)
        for (long i = 0; i < n; ++i)
            g[i] *= 1.0f - y[i] * y[i];
}

/// OpenMP team size and this thread's place in it (1 and 0 without OpenMP).
int workerCount()
{
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

int workerIndex()
{
#ifdef _OPENMP
    return omp_get_thread_num();
#else
    return 0;
#endif
}

/// The size of the current OpenMP team (1 outside a parallel region or without OpenMP).
int teamSize()
{
#ifdef _OPENMP
    return omp_get_num_threads();
#else
    return 1;
#endif
}

void fillNormal(Tensor& t, std::mt19937& rng, double stddev)
{
    std::normal_distribution<double> dist(0.0, stddev);
    for (float& v : t.data)
        v = float(dist(rng));
}

void requireRank(const std::vector<int>& shape, size_t rank, const char* layer)
{
    if (shape.size() != rank)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 needs a %2-D input per sample, got %3-D.").arg(layer).arg(rank).arg(shape.size()));
}

} // namespace

// ---------------------------------------------------------------- matrix products (ml/Gemm.h)

namespace {

/// How the x86 kernels pack B (and the bias) for vectors of `lanes` floats: panels of two
/// vectors (2 * lanes columns) of K rows each, one after another from column 0; a last panel
/// that would hold at most one vector is merged into the one before, which then has rows of
/// three vectors (a tile one vector wide is load-bound, half as fast).
struct PanelLayout {
    int width, panels, lastColumns;
    PanelLayout(int N, int lanes) : width(2 * lanes), panels((N + width - 1) / width)
    {
        if (panels > 1 && N - (panels - 1) * width <= lanes)
            --panels;
        lastColumns = N - (panels - 1) * width;
    }
    int columns(int p) const { return p + 1 < panels ? width : lastColumns; }
    /// Floats per row of panel p.
    int stride(int p) const { return columns(p) > width ? width / 2 * 3 : width; }
    /// Floats of packed B (K rows) or, with K = 1, of the packed bias.
    size_t size(int K) const { return (size_t(panels - 1) * width + size_t(stride(panels - 1))) * size_t(K); }
};

#ifdef GENRESCOPE_X86_GEMM
/// dst[k * P + j] = src[j * ld + k] for j < 8, k < 8: an 8 x 8 block transposed in registers.
__attribute__((target("avx2"))) inline void transpose8x8(const float* src, long ld, float* dst, long P)
{
    __m256 r[8], t[8];
    for (int j = 0; j < 8; ++j)
        r[j] = _mm256_loadu_ps(src + j * ld);
    for (int j = 0; j < 8; j += 2) {
        t[j] = _mm256_unpacklo_ps(r[j], r[j + 1]);
        t[j + 1] = _mm256_unpackhi_ps(r[j], r[j + 1]);
    }
    for (int j = 0; j < 8; j += 4) {
        r[j] = _mm256_shuffle_ps(t[j], t[j + 2], 0x44);
        r[j + 1] = _mm256_shuffle_ps(t[j], t[j + 2], 0xee);
        r[j + 2] = _mm256_shuffle_ps(t[j + 1], t[j + 3], 0x44);
        r[j + 3] = _mm256_shuffle_ps(t[j + 1], t[j + 3], 0xee);
    }
    for (int j = 0; j < 4; ++j) {
        _mm256_storeu_ps(dst + j * P, _mm256_permute2f128_ps(r[j], r[j + 4], 0x20));
        _mm256_storeu_ps(dst + (j + 4) * P, _mm256_permute2f128_ps(r[j], r[j + 4], 0x31));
    }
}
#endif

} // namespace

#ifdef GENRESCOPE_X86_GEMM
namespace avx512 {
#define GEMM_TARGET __attribute__((target("avx512f")))
using V = __m512;
constexpr int kLanes = 16, kRows = 12, kRowsWide = 8;
GEMM_TARGET inline V vzero() { return _mm512_setzero_ps(); }
GEMM_TARGET inline V vload(const float* p) { return _mm512_loadu_ps(p); }
GEMM_TARGET inline V vloadFirst(const float* p, int n) { return _mm512_maskz_loadu_ps(__mmask16((1u << n) - 1), p); }
GEMM_TARGET inline V vset1(float x) { return _mm512_set1_ps(x); }
GEMM_TARGET inline V vfma(V a, V b, V acc) { return _mm512_fmadd_ps(a, b, acc); }
GEMM_TARGET inline V vadd(V a, V b) { return _mm512_add_ps(a, b); }
GEMM_TARGET inline V vsub(V a, V b) { return _mm512_sub_ps(a, b); }
GEMM_TARGET inline V vmul(V a, V b) { return _mm512_mul_ps(a, b); }
GEMM_TARGET inline V vkeepWherePositive(V a, V y)
{
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(y, _mm512_setzero_ps(), _CMP_GT_OQ), a);
}
// max(a, 0): NaN -> 0, as a > 0 ? a : 0. (The all-lanes mask form: GCC 12 warns about the plain one.)
GEMM_TARGET inline V vmax0(V a) { return _mm512_mask_max_ps(a, __mmask16(0xffff), a, _mm512_setzero_ps()); }
GEMM_TARGET inline void vstore(float* p, V v) { _mm512_storeu_ps(p, v); }
GEMM_TARGET inline void vstoreFirst(float* p, V v, int n) { _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1), v); }
#include "ml/GemmKernels.inc"
#undef GEMM_TARGET
} // namespace avx512

namespace avx2 {
#define GEMM_TARGET __attribute__((target("avx2,fma")))
using V = __m256;
constexpr int kLanes = 8, kRows = 6, kRowsWide = 4;
GEMM_TARGET inline V vzero() { return _mm256_setzero_ps(); }
GEMM_TARGET inline V vload(const float* p) { return _mm256_loadu_ps(p); }
GEMM_TARGET inline __m256i firstLanes(int n)
{
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
GEMM_TARGET inline V vloadFirst(const float* p, int n) { return _mm256_maskload_ps(p, firstLanes(n)); }
GEMM_TARGET inline V vset1(float x) { return _mm256_set1_ps(x); }
GEMM_TARGET inline V vfma(V a, V b, V acc) { return _mm256_fmadd_ps(a, b, acc); }
GEMM_TARGET inline V vadd(V a, V b) { return _mm256_add_ps(a, b); }
GEMM_TARGET inline V vsub(V a, V b) { return _mm256_sub_ps(a, b); }
GEMM_TARGET inline V vmul(V a, V b) { return _mm256_mul_ps(a, b); }
GEMM_TARGET inline V vkeepWherePositive(V a, V y)
{
    return _mm256_and_ps(a, _mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_GT_OQ));
}
GEMM_TARGET inline V vmax0(V a) { return _mm256_max_ps(a, _mm256_setzero_ps()); }
GEMM_TARGET inline void vstore(float* p, V v) { _mm256_storeu_ps(p, v); }
GEMM_TARGET inline void vstoreFirst(float* p, V v, int n) { _mm256_maskstore_ps(p, firstLanes(n), v); }
#include "ml/GemmKernels.inc"
#undef GEMM_TARGET
} // namespace avx2
#endif

namespace {

std::atomic<int> chosenKernel{-1};

GemmKernel bestKernel()
{
    for (GemmKernel k : {GemmKernel::Avx512, GemmKernel::Avx2})
        if (gemmKernelSupported(k))
            return k;
    return GemmKernel::Eigen;
}

/// Products below this many flops run on one thread (a team's start costs about a microsecond).
constexpr double kParallelFlops = 2e5;

using RowsFunction = void (*)(int first, int last, int N, int K, MatrixView a, const float* packed,
                              const float* packedBias, float* c, long ldc, const GemmEpilogue& epilogue);
using PackFunction = void (*)(const PanelLayout& layout, int K, MatrixView b, const float* bias, float* packed,
                              float* packedBias);

/// The product on up to omp_get_max_threads() threads, rows of C split evenly between them; each
/// thread packs all of B into its own buffer, so B stays in that core's cache and no thread
/// waits for another (packing B twice costs less than sharing it).
template <int Lanes, int R>
void panelGemm(PackFunction pack, RowsFunction rows, int M, int N, int K, MatrixView a, MatrixView b, float* c, long ldc,
               const GemmEpilogue& epilogue)
{
    const PanelLayout layout(N, Lanes);
    const size_t packedSize = layout.size(K), biasSize = epilogue.bias ? layout.size(1) : 0;
    const int threads = 2.0 * M * N * K >= kParallelFlops && M >= 2 * R ? workerCount() : 1;
    auto work = [&](int t, int team) {
        thread_local Buffer<float> scratch;
        scratch.resize(packedSize + biasSize + 16);
        float* packed =
            scratch.data() + (16 - (reinterpret_cast<std::uintptr_t>(scratch.data()) / sizeof(float)) % 16) % 16;
        float* packedBias = epilogue.bias ? packed + packedSize : nullptr;
        pack(layout, K, b, epilogue.bias, packed, packedBias);
        const int first = int(long(M) * t / team), last = int(long(M) * (t + 1) / team);
        if (first < last)
            rows(first, last, N, K, a, packed, packedBias, c, ldc, epilogue);
    };
    if (threads == 1)
        return work(0, 1);
#pragma omp parallel num_threads(threads)
    work(workerIndex(), teamSize());
}

/// The epilogue of ml/Gemm.h on one element of C (column j of a row whose gate row is `gate`).
inline float finish(float acc, int j, const GemmEpilogue& e, const float* gate)
{
    if (e.bias)
        acc = acc + e.bias[j];
    if (e.relu)
        acc = acc > 0.0f ? acc : 0.0f;
    if (e.gateKind == GemmEpilogue::Gate::Relu)
        acc = gate[j] > 0.0f ? acc : 0.0f;
    else if (e.gateKind == GemmEpilogue::Gate::Tanh)
        acc = acc * (1.0f - gate[j] * gate[j]);
    return acc;
}

void eigenGemm(int M, int N, int K, MatrixView a, MatrixView b, float* c, long ldc, const GemmEpilogue& e)
{
    using ColMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
    using OuterStride = Eigen::OuterStride<>;
    auto contiguous = [](const MatrixView& m, int rows, int cols) {
        RowMatrix copy(rows, cols);
        for (int i = 0; i < rows; ++i)
            for (int j = 0; j < cols; ++j)
                copy(i, j) = m.data[i * m.rowStride + j * m.colStride];
        return copy;
    };
    Eigen::Map<RowMatrix, 0, OuterStride> C(c, M, N, OuterStride(ldc));
    auto times = [&](const auto& A) {
        if (b.colStride == 1)
            C.noalias() = A * Eigen::Map<const RowMatrix, 0, OuterStride>(b.data, K, N, OuterStride(b.rowStride));
        else if (b.rowStride == 1)
            C.noalias() = A * Eigen::Map<const ColMatrix, 0, OuterStride>(b.data, K, N, OuterStride(b.colStride));
        else
            C.noalias() = A * contiguous(b, K, N);
    };
    if (a.colStride == 1)
        times(Eigen::Map<const RowMatrix, 0, OuterStride>(a.data, M, K, OuterStride(a.rowStride)));
    else if (a.rowStride == 1)
        times(Eigen::Map<const ColMatrix, 0, OuterStride>(a.data, M, K, OuterStride(a.colStride)));
    else
        times(contiguous(a, M, K));
    if (e.bias || e.relu || e.gateKind != GemmEpilogue::Gate::None)
        for (int i = 0; i < M; ++i) {
            float* row = c + i * ldc;
            const float* gate = e.gate ? e.gate + i * e.gateStride : nullptr;
            for (int j = 0; j < N; ++j)
                row[j] = finish(row[j], j, e, gate);
        }
}

} // namespace

bool gemmKernelSupported(GemmKernel kernel)
{
    switch (kernel) {
    case GemmKernel::Eigen: return true;
#ifdef GENRESCOPE_X86_GEMM
    case GemmKernel::Avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GemmKernel::Avx512: return __builtin_cpu_supports("avx512f");
#else
    default: break;
#endif
    }
    return false;
}

GemmKernel gemmKernel()
{
    int k = chosenKernel.load(std::memory_order_relaxed);
    if (k < 0) {
        k = int(bestKernel());
        chosenKernel.store(k, std::memory_order_relaxed);
    }
    return GemmKernel(k);
}

bool setGemmKernel(GemmKernel kernel)
{
    if (!gemmKernelSupported(kernel))
        return false;
    chosenKernel.store(int(kernel), std::memory_order_relaxed);
    return true;
}

void gemm(int M, int N, int K, MatrixView a, MatrixView b, float* c, long ldc, const GemmEpilogue& epilogue)
{
    if (M <= 0 || N <= 0)
        return;
    switch (gemmKernel()) {
#ifdef GENRESCOPE_X86_GEMM
    case GemmKernel::Avx512:
        return panelGemm<avx512::kLanes, avx512::kRows>(avx512::pack, avx512::rows, M, N, K, a, b, c, ldc, epilogue);
    case GemmKernel::Avx2:
        return panelGemm<avx2::kLanes, avx2::kRows>(avx2::pack, avx2::rows, M, N, K, a, b, c, ldc, epilogue);
#endif
    default:
        return eigenGemm(M, N, K, a, b, c, ldc, epilogue);
    }
}

void gemmReference(int M, int N, int K, MatrixView a, MatrixView b, float* c, long ldc, const GemmEpilogue& epilogue)
{
    for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
            float acc = 0.0f;
            for (int k = 0; k < K; ++k)
                acc = std::fma(a.data[i * a.rowStride + k * a.colStride], b.data[k * b.rowStride + j * b.colStride], acc);
            c[i * ldc + j] = finish(acc, j, epilogue, epilogue.gate ? epilogue.gate + i * epilogue.gateStride : nullptr);
        }
}

// ---------------------------------------------------------------- Dense

Dense::Dense(int in, int out, Activation act)
    : weight({out, in}), bias({1, out}), weightGrad({out, in}), biasGrad({1, out}), in_(in), out_(out), act_(act)
{
    weight.zero();
    bias.zero();
}

std::vector<int> Dense::outputShape(const std::vector<int>& input) const
{
    if (Tensor::count(input) != in_)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("dense layer expects %1 inputs, got %2.").arg(in_).arg(Tensor::count(input)));
    return {out_};
}

void Dense::forward(const Tensor& in, Tensor& out, bool)
{
    input_ = &in;
    const int N = in.batch();
    out.resize({N, out_});
    // out = in W^T + b, with a ReLU fused into the product.
    GemmEpilogue epilogue;
    epilogue.bias = bias.data.data();
    epilogue.relu = act_ == Activation::Relu;
    gemm(N, out_, in_, {in.data.data(), in_, 1}, {weight.data.data(), 1, in_}, out.data.data(), out_, epilogue);
    if (act_ == Activation::Tanh)
        activate(act_, out.data.data(), out.size());
    output_ = &out;
}

void Dense::fuseActivationGradientInto(Dense& above)
{
    if (act_ == Activation::None)
        return;
    above.gateInputGradient_ = act_;
    outputGradientGated_ = true;
}

void Dense::backward(const Tensor& gradOut, Tensor& gradIn)
{
    const int N = gradOut.batch();
    // g = dLoss/d(x W^T + b) = gradOut * act'(y) in one pass (unless the layer above did it),
    // which also sums the bias gradient column by column in row order (a fixed order: training
    // stays deterministic). Threads take column ranges of whole cache lines.
    float* bg = biasGrad.data.data();
    std::fill(bg, bg + out_, 0.0f);
    const float* go = gradOut.data.data();
    const bool scale = act_ != Activation::None && !outputGradientGated_, relu = act_ == Activation::Relu;
    float* gs = nullptr;
    if (scale) {
        gradScratch_.resize(gradOut.shape);
        gs = gradScratch_.data.data();
    }
    const float* y = output_->data.data();
    const int threads = long(N) * out_ >= 32768 ? workerCount() : 1;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        const int team = teamSize(), t = workerIndex();
        const int j0 = t == 0 ? 0 : (out_ * t / team) & ~15, j1 = t == team - 1 ? out_ : (out_ * (t + 1) / team) & ~15;
        for (int n = 0; n < N; ++n) {
            const long row = long(n) * out_;
            if (!scale)
                for (int j = j0; j < j1; ++j)
                    bg[j] += go[row + j];
            else if (relu)
                for (int j = j0; j < j1; ++j) {
                    gs[row + j] = y[row + j] > 0.0f ? go[row + j] : 0.0f;
                    bg[j] += gs[row + j];
                }
            else
                for (int j = j0; j < j1; ++j) {
                    gs[row + j] = go[row + j] * (1.0f - y[row + j] * y[row + j]);
                    bg[j] += gs[row + j];
                }
        }
    }
    const float* g = scale ? gs : go;
    // dW = g^T x; dx = g W, times the layer below's activation derivative when it asked for it.
    gemm(out_, in_, N, {g, 1, out_}, {input_->data.data(), in_, 1}, weightGrad.data.data(), in_);
    if (!inputGradientNeeded_)
        return;
    gradIn.resize(input_->shape);
    GemmEpilogue epilogue;
    if (gateInputGradient_ != Activation::None) {
        epilogue.gateKind = gateInputGradient_ == Activation::Relu ? GemmEpilogue::Gate::Relu : GemmEpilogue::Gate::Tanh;
        epilogue.gate = input_->data.data();
        epilogue.gateStride = in_;
    }
    gemm(N, in_, out_, {g, out_, 1}, {weight.data.data(), in_, 1}, gradIn.data.data(), in_, epilogue);
}

std::vector<Parameter> Dense::parameters()
{
    return {{QStringLiteral("weight"), &weight, &weightGrad, true}, {QStringLiteral("bias"), &bias, &biasGrad, false}};
}

QString Dense::spec() const
{
    return QStringLiteral("dense:%1:%2").arg(out_).arg(activationName(act_));
}

void Dense::initialise(std::mt19937& rng)
{
    // He for relu, Glorot (normal) otherwise.
    const double stddev = act_ == Activation::Relu ? std::sqrt(2.0 / in_) : std::sqrt(2.0 / (in_ + out_));
    fillNormal(weight, rng, stddev);
    bias.zero();
}

// ---------------------------------------------------------------- Conv2D

Conv2D::Conv2D(int inChannels, int outChannels, int kh, int kw, int sh, int sw, int ph, int pw, Activation act)
    : weight({outChannels, inChannels * kh * kw}), bias({1, outChannels}),
      weightGrad({outChannels, inChannels * kh * kw}), biasGrad({1, outChannels}),
      inC_(inChannels), outC_(outChannels), kh_(kh), kw_(kw), sh_(sh), sw_(sw), ph_(ph), pw_(pw), act_(act)
{
    if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0 || inChannels < 1 || outChannels < 1)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Invalid convolution parameters."));
    weight.zero();
    bias.zero();
}

std::vector<int> Conv2D::outputShape(const std::vector<int>& input) const
{
    requireRank(input, 3, "conv");
    if (input[0] != inC_)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("conv expects %1 input channels, got %2.").arg(inC_).arg(input[0]));
    const int oh = (input[1] + 2 * ph_ - kh_) / sh_ + 1, ow = (input[2] + 2 * pw_ - kw_) / sw_ + 1;
    if (input[1] + 2 * ph_ < kh_ || input[2] + 2 * pw_ < kw_)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("conv kernel %1x%2 is larger than its %3x%4 input.").arg(kh_).arg(kw_).arg(input[1]).arg(input[2]));
    return {outC_, oh, ow};
}

namespace {

/// First output column whose input column x*sw - pw + j is >= 0.
int validColumnsBegin(int j, int pw, int sw, int ow)
{
    const int need = pw - j;  // x*sw >= need
    return std::clamp(need <= 0 ? 0 : (need + sw - 1) / sw, 0, ow);
}

/// One past the last output column whose input column is < W.
int validColumnsEnd(int j, int pw, int sw, int W, int ow, int begin)
{
    const int limit = W - 1 + pw - j;  // x*sw <= limit
    return limit < 0 ? begin : std::clamp(limit / sw + 1, begin, ow);
}

/// Columns of one sample: (C*kh*kw) x (oh*ow), zero outside the image.
void im2col(const float* img, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow,
            float* cols)
{
    const long P = long(oh) * ow;
    for (int c = 0; c < C; ++c)
        for (int i = 0; i < kh; ++i)
            for (int j = 0; j < kw; ++j) {
                float* row = cols + (long(c * kh + i) * kw + j) * P;
                // Output columns whose input column x*sw - pw + j lies inside the image.
                const int x0 = validColumnsBegin(j, pw, sw, ow);
                const int x1 = validColumnsEnd(j, pw, sw, W, ow, x0);
                for (int y = 0; y < oh; ++y) {
                    const int iy = y * sh - ph + i;
                    float* dst = row + long(y) * ow;
                    if (iy < 0 || iy >= H) {
                        std::fill(dst, dst + ow, 0.0f);
                        continue;
                    }
                    const float* src = img + (long(c) * H + iy) * W + (j - pw);
                    std::fill(dst, dst + x0, 0.0f);
                    if (sw == 1)
                        std::copy(src + x0, src + x1, dst + x0);
                    else
                        for (int x = x0; x < x1; ++x)
                            dst[x] = src[x * sw];
                    std::fill(dst + x1, dst + ow, 0.0f);
                }
            }
}

void col2im(const float* cols, int C, int H, int W, int kh, int kw, int sh, int sw, int ph, int pw, int oh, int ow,
            float* img)
{
    const long P = long(oh) * ow;
    std::fill(img, img + long(C) * H * W, 0.0f);
    for (int c = 0; c < C; ++c)
        for (int i = 0; i < kh; ++i)
            for (int j = 0; j < kw; ++j) {
                const float* row = cols + (long(c * kh + i) * kw + j) * P;
                const int x0 = validColumnsBegin(j, pw, sw, ow);
                const int x1 = validColumnsEnd(j, pw, sw, W, ow, x0);
                for (int y = 0; y < oh; ++y) {
                    const int iy = y * sh - ph + i;
                    if (iy < 0 || iy >= H)
                        continue;
                    float* dst = img + (long(c) * H + iy) * W + (j - pw);
                    const float* src = row + long(y) * ow;
                    for (int x = x0; x < x1; ++x)
                        dst[x * sw] += src[x];
                }
            }
}

} // namespace

void Conv2D::forward(const Tensor& in, Tensor& out, bool)
{
    inShape_ = std::vector<int>(in.shape.begin() + 1, in.shape.end());
    const std::vector<int> os = outputShape(inShape_);
    const int N = in.batch(), H = inShape_[1], W = inShape_[2], oh = os[1], ow = os[2];
    const long K = long(inC_) * kh_ * kw_, P = long(oh) * ow;
    input_ = &in;
    out.resize({N, outC_, oh, ow});
    const ConstMatrixMap w(weight.data.data(), outC_, K);
    const int threads = workerCount();
    cols_.resize(size_t(threads));
    for (RowMatrix& c : cols_)
        c.resize(K, P);
#pragma omp parallel num_threads(threads)
    {
        const int t = workerIndex();
        RowMatrix& cols = cols_[size_t(t)];
#pragma omp for schedule(static)
        for (int n = 0; n < N; ++n) {
            im2col(in.sample(n), inC_, H, W, kh_, kw_, sh_, sw_, ph_, pw_, oh, ow, cols.data());
            MatrixMap o(out.sample(n), outC_, P);
            o.noalias() = w * cols;
            for (int c = 0; c < outC_; ++c)
                o.row(c).array() += bias.data[size_t(c)];
            activate(act_, out.sample(n), long(outC_) * P);
        }
    }
    output_ = &out;
}

void Conv2D::backward(const Tensor& gradOut, Tensor& gradIn)
{
    const std::vector<int> os = outputShape(inShape_);
    const int N = input_->batch(), H = inShape_[1], W = inShape_[2], oh = os[1], ow = os[2];
    const long K = long(inC_) * kh_ * kw_, P = long(oh) * ow;
    Tensor& g = gradScratch_;
    g = gradOut;
    activationGradient(act_, output_->data.data(), g.data.data(), g.size());
    const bool needGradIn = inputGradientNeeded_;
    if (needGradIn)
        gradIn.resize(input_->shape);
    const ConstMatrixMap w(weight.data.data(), outC_, K);

    // Per-thread partial gradients, summed in thread order: deterministic for a thread count.
    const int threads = workerCount();
    cols_.resize(size_t(threads));
    dCols_.resize(size_t(threads));
    dW_.resize(size_t(threads));
    dB_.resize(size_t(threads));
    for (int t = 0; t < threads; ++t) {
        cols_[size_t(t)].resize(K, P);
        dCols_[size_t(t)].resize(K, P);
        dW_[size_t(t)].setZero(outC_, K);
        dB_[size_t(t)].setZero(outC_);
    }
#pragma omp parallel num_threads(threads)
    {
        const int t = workerIndex();
        RowMatrix& cols = cols_[size_t(t)];
        RowMatrix& dCols = dCols_[size_t(t)];
#pragma omp for schedule(static)
        for (int n = 0; n < N; ++n) {
            im2col(input_->sample(n), inC_, H, W, kh_, kw_, sh_, sw_, ph_, pw_, oh, ow, cols.data());
            const ConstMatrixMap go(g.sample(n), outC_, P);
            dW_[size_t(t)].noalias() += go * cols.transpose();
            for (int c = 0; c < outC_; ++c) {  // fixed summation order (see Dense::backward)
                const float* row = g.sample(n) + long(c) * P;
                float lanes[8] = {};
                long k = 0;
                for (; k + 8 <= P; k += 8)
                    for (int l = 0; l < 8; ++l)
                        lanes[l] += row[k + l];
                for (; k < P; ++k)
                    lanes[0] += row[k];
                dB_[size_t(t)][c] += ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
            }
            if (!needGradIn)
                continue;
            dCols.noalias() = w.transpose() * go;
            col2im(dCols.data(), inC_, H, W, kh_, kw_, sh_, sw_, ph_, pw_, oh, ow, gradIn.sample(n));
        }
    }
    MatrixMap wg(weightGrad.data.data(), outC_, K);
    wg.setZero();
    Eigen::VectorXf bg = Eigen::VectorXf::Zero(outC_);
    for (int t = 0; t < threads; ++t) {
        wg += dW_[size_t(t)];
        bg += dB_[size_t(t)];
    }
    for (int c = 0; c < outC_; ++c)
        biasGrad.data[size_t(c)] = bg[c];
}

std::vector<Parameter> Conv2D::parameters()
{
    return {{QStringLiteral("weight"), &weight, &weightGrad, true}, {QStringLiteral("bias"), &bias, &biasGrad, false}};
}

QString Conv2D::spec() const
{
    return QStringLiteral("conv:%1:%2x%3:s%4x%5:p%6x%7:%8")
        .arg(outC_).arg(kh_).arg(kw_).arg(sh_).arg(sw_).arg(ph_).arg(pw_).arg(activationName(act_));
}

void Conv2D::initialise(std::mt19937& rng)
{
    const double fanIn = double(inC_) * kh_ * kw_, fanOut = double(outC_) * kh_ * kw_;
    fillNormal(weight, rng, act_ == Activation::Relu ? std::sqrt(2.0 / fanIn) : std::sqrt(2.0 / (fanIn + fanOut)));
    bias.zero();
}

// ---------------------------------------------------------------- MaxPool2D

MaxPool2D::MaxPool2D(int kh, int kw, int sh, int sw) : kh_(kh), kw_(kw), sh_(sh), sw_(sw)
{
    if (kh < 1 || kw < 1 || sh < 1 || sw < 1)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Invalid pooling parameters."));
}

std::vector<int> MaxPool2D::outputShape(const std::vector<int>& input) const
{
    requireRank(input, 3, "maxpool");
    if (input[1] < kh_ || input[2] < kw_)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("maxpool window is larger than its input."));
    return {input[0], (input[1] - kh_) / sh_ + 1, (input[2] - kw_) / sw_ + 1};
}

void MaxPool2D::forward(const Tensor& in, Tensor& out, bool)
{
    inShape_ = std::vector<int>(in.shape.begin() + 1, in.shape.end());
    const std::vector<int> os = outputShape(inShape_);
    const int N = in.batch(), C = inShape_[0], H = inShape_[1], W = inShape_[2], oh = os[1], ow = os[2];
    out.resize({N, C, oh, ow});
    argmax_.resize(size_t(out.size()));
#pragma omp parallel for schedule(static) if (N > 1)
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) {
            const float* src = in.sample(n) + long(c) * H * W;
            const long base = (long(n) * C + c) * oh * ow;
            for (int y = 0; y < oh; ++y)
                for (int x = 0; x < ow; ++x) {
                    float best = -std::numeric_limits<float>::infinity();
                    int at = 0;
                    for (int i = 0; i < kh_; ++i)
                        for (int j = 0; j < kw_; ++j) {
                            const int idx = (y * sh_ + i) * W + x * sw_ + j;
                            if (src[idx] > best) {
                                best = src[idx];
                                at = idx;
                            }
                        }
                    out.data[size_t(base + long(y) * ow + x)] = best;
                    argmax_[size_t(base + long(y) * ow + x)] = at;
                }
        }
}

void MaxPool2D::backward(const Tensor& gradOut, Tensor& gradIn)
{
    const int N = gradOut.batch(), C = inShape_[0], H = inShape_[1], W = inShape_[2];
    const long outPlane = long(gradOut.shape[2]) * gradOut.shape[3];
    gradIn.resize({N, C, H, W});
    gradIn.zero();
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) {
            float* dst = gradIn.sample(n) + long(c) * H * W;
            const long base = (long(n) * C + c) * outPlane;
            for (long k = 0; k < outPlane; ++k)
                dst[argmax_[size_t(base + k)]] += gradOut.data[size_t(base + k)];
        }
}

QString MaxPool2D::spec() const
{
    return QStringLiteral("maxpool:%1x%2:s%3x%4").arg(kh_).arg(kw_).arg(sh_).arg(sw_);
}

// ---------------------------------------------------------------- GlobalAvgPool, Flatten

std::vector<int> GlobalAvgPool::outputShape(const std::vector<int>& input) const
{
    requireRank(input, 3, "gap");
    return {input[0]};
}

void GlobalAvgPool::forward(const Tensor& in, Tensor& out, bool)
{
    inShape_ = std::vector<int>(in.shape.begin() + 1, in.shape.end());
    const int N = in.batch(), C = inShape_[0];
    const long plane = long(inShape_[1]) * inShape_[2];
    out.resize({N, C});
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) {
            const float* src = in.sample(n) + c * plane;
            double sum = 0.0;
            for (long k = 0; k < plane; ++k)
                sum += src[k];
            out.data[size_t(n) * size_t(C) + size_t(c)] = float(sum / double(plane));
        }
}

void GlobalAvgPool::backward(const Tensor& gradOut, Tensor& gradIn)
{
    const int N = gradOut.batch(), C = inShape_[0];
    const long plane = long(inShape_[1]) * inShape_[2];
    gradIn.resize({N, inShape_[0], inShape_[1], inShape_[2]});
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c) {
            const float g = gradOut.data[size_t(n) * size_t(C) + size_t(c)] / float(plane);
            std::fill(gradIn.sample(n) + c * plane, gradIn.sample(n) + (c + 1) * plane, g);
        }
}

std::vector<int> Flatten::outputShape(const std::vector<int>& input) const
{
    return {int(Tensor::count(input))};
}

void Flatten::forward(const Tensor& in, Tensor& out, bool)
{
    inShape_ = in.shape;
    out = in;
    out.shape = {in.batch(), int(in.sampleSize())};
}

void Flatten::backward(const Tensor& gradOut, Tensor& gradIn)
{
    gradIn = gradOut;
    gradIn.shape = inShape_;
}

// ---------------------------------------------------------------- BatchNorm

BatchNorm::BatchNorm(int channels, float momentum, float eps)
    : gamma({1, channels}), beta({1, channels}), gammaGrad({1, channels}), betaGrad({1, channels}),
      runningMean({1, channels}), runningVar({1, channels}), channels_(channels), momentum_(momentum), eps_(eps)
{
    std::fill(gamma.data.begin(), gamma.data.end(), 1.0f);
    beta.zero();
    runningMean.zero();
    std::fill(runningVar.data.begin(), runningVar.data.end(), 1.0f);
}

void BatchNorm::initialise(std::mt19937&)
{
    std::fill(gamma.data.begin(), gamma.data.end(), 1.0f);
    beta.zero();
    runningMean.zero();
    std::fill(runningVar.data.begin(), runningVar.data.end(), 1.0f);
}

std::vector<Parameter> BatchNorm::parameters()
{
    return {{QStringLiteral("gamma"), &gamma, &gammaGrad, false}, {QStringLiteral("beta"), &beta, &betaGrad, false}};
}

std::vector<std::pair<QString, Tensor*>> BatchNorm::buffers()
{
    return {{QStringLiteral("running_mean"), &runningMean}, {QStringLiteral("running_var"), &runningVar}};
}

void BatchNorm::forward(const Tensor& in, Tensor& out, bool training)
{
    inShape_ = in.shape;
    const int N = in.batch();
    const int C = in.shape.size() > 1 ? in.shape[1] : 1;
    if (C != channels_)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("batchnorm expects %1 channels, got %2.").arg(channels_).arg(C));
    const long plane = in.shape.size() == 4 ? long(in.shape[2]) * in.shape[3] : 1;
    const long M = long(N) * plane;
    out.resize(in.shape);
    normalised_.resize(in.shape);
    invStd_.assign(size_t(C), 0.0f);
    for (int c = 0; c < C; ++c) {
        double mean, var;
        if (training) {
            double sum = 0, sq = 0;
            for (int n = 0; n < N; ++n) {
                const float* x = in.sample(n) + c * plane;
                for (long k = 0; k < plane; ++k)
                    sum += x[k];
            }
            mean = sum / double(M);
            for (int n = 0; n < N; ++n) {
                const float* x = in.sample(n) + c * plane;
                for (long k = 0; k < plane; ++k)
                    sq += (x[k] - mean) * (x[k] - mean);
            }
            var = sq / double(M);
            const double unbiased = M > 1 ? sq / double(M - 1) : var;
            runningMean.data[size_t(c)] = float((1 - momentum_) * runningMean.data[size_t(c)] + momentum_ * mean);
            runningVar.data[size_t(c)] = float((1 - momentum_) * runningVar.data[size_t(c)] + momentum_ * unbiased);
        } else {
            mean = runningMean.data[size_t(c)];
            var = runningVar.data[size_t(c)];
        }
        const float inv = float(1.0 / std::sqrt(var + eps_));
        invStd_[size_t(c)] = inv;
        for (int n = 0; n < N; ++n) {
            const float* x = in.sample(n) + c * plane;
            float* xh = normalised_.sample(n) + c * plane;
            float* y = out.sample(n) + c * plane;
            for (long k = 0; k < plane; ++k) {
                xh[k] = float((x[k] - mean) * inv);
                y[k] = gamma.data[size_t(c)] * xh[k] + beta.data[size_t(c)];
            }
        }
    }
}

void BatchNorm::backward(const Tensor& gradOut, Tensor& gradIn)
{
    const int N = gradOut.batch(), C = channels_;
    const long plane = inShape_.size() == 4 ? long(inShape_[2]) * inShape_[3] : 1;
    const double M = double(N) * double(plane);
    gradIn.resize(inShape_);
    for (int c = 0; c < C; ++c) {
        double sumG = 0, sumGX = 0;
        for (int n = 0; n < N; ++n) {
            const float* g = gradOut.sample(n) + c * plane;
            const float* xh = normalised_.sample(n) + c * plane;
            for (long k = 0; k < plane; ++k) {
                sumG += g[k];
                sumGX += double(g[k]) * xh[k];
            }
        }
        gammaGrad.data[size_t(c)] = float(sumGX);
        betaGrad.data[size_t(c)] = float(sumG);
        const double scale = gamma.data[size_t(c)] * invStd_[size_t(c)] / M;
        for (int n = 0; n < N; ++n) {
            const float* g = gradOut.sample(n) + c * plane;
            const float* xh = normalised_.sample(n) + c * plane;
            float* dx = gradIn.sample(n) + c * plane;
            for (long k = 0; k < plane; ++k)
                dx[k] = float(scale * (M * g[k] - sumG - xh[k] * sumGX));
        }
    }
}

// ---------------------------------------------------------------- Dropout

Dropout::Dropout(float rate) : rate_(rate)
{
    if (!(rate >= 0.0f && rate < 1.0f))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Dropout rate must be in [0, 1)."));
}

void Dropout::forward(const Tensor& in, Tensor& out, bool training)
{
    out = in;
    if (!training || rate_ == 0.0f) {
        mask_.assign(size_t(in.size()), 1.0f);
        return;
    }
    std::bernoulli_distribution keep(1.0 - rate_);
    const float scale = 1.0f / (1.0f - rate_);
    mask_.resize(size_t(in.size()));
    for (size_t i = 0; i < mask_.size(); ++i) {
        mask_[i] = keep(rng_) ? scale : 0.0f;
        out.data[i] *= mask_[i];
    }
}

void Dropout::backward(const Tensor& gradOut, Tensor& gradIn)
{
    gradIn = gradOut;
    for (size_t i = 0; i < mask_.size(); ++i)
        gradIn.data[i] *= mask_[i];
}

QString Dropout::spec() const
{
    return QStringLiteral("dropout:%1").arg(double(rate_));
}

// ---------------------------------------------------------------- softmax + cross-entropy

void softmaxRows(const Tensor& logits, Tensor& p)
{
    p.resize(logits.shape);
    const long F = logits.sampleSize();
    for (int n = 0; n < logits.batch(); ++n) {
        const float* z = logits.sample(n);
        float* out = p.sample(n);
        const float peak = *std::max_element(z, z + F);
        double sum = 0.0;
        for (long k = 0; k < F; ++k)
            sum += std::exp(double(z[k] - peak));
        for (long k = 0; k < F; ++k)
            out[k] = float(std::exp(double(z[k] - peak)) / sum);
    }
}

double softmaxCrossEntropy(const Tensor& logits, const std::vector<int>& labels, Tensor& grad)
{
    // softmaxRows and the loss from one exp per logit (the same values as computing them apart);
    // rows split between threads, the losses summed in row order.
    grad.resize(logits.shape);
    const int N = logits.batch();
    const long F = logits.sampleSize();
    std::vector<double> rowLoss(size_t(std::max(N, 0)));
    const int threads = N >= 64 ? workerCount() : 1;
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
        std::vector<double> e(static_cast<size_t>(F));
#pragma omp for schedule(static)
        for (int n = 0; n < N; ++n) {
            float* g = grad.sample(n);
            const float* z = logits.sample(n);
            const int y = labels[size_t(n)];
            const float peak = *std::max_element(z, z + F);
            double sum = 0.0;
            for (long k = 0; k < F; ++k) {
                e[size_t(k)] = std::exp(double(z[k] - peak));
                sum += e[size_t(k)];
            }
            for (long k = 0; k < F; ++k)
                g[k] = float(e[size_t(k)] / sum);
            // -log softmax(z)_y = log sum exp(z - max) + max - z_y, without rounding p first.
            rowLoss[size_t(n)] = std::log(sum) + double(peak) - double(z[y]);
            g[y] -= 1.0f;
            for (long k = 0; k < F; ++k)
                g[k] /= float(N);
        }
    }
    double loss = 0.0;
    for (double l : rowLoss)
        loss += l;
    return loss / double(std::max(N, 1));
}

} // namespace genrescope::ml
