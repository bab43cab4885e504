#pragma once
// Single-precision matrix products for the dense layers: C = A B, then optionally a bias per
// column and a ReLU, or an activation's derivative, with A and B read through strides (a
// transposed operand needs no copy) and C row-major.
//
// On x86-64 CPUs with AVX-512 or AVX2 + FMA the product runs in our own register-blocked
// kernels (B packed into panels once per product, rows of C split between the OpenMP
// threads); elsewhere in Eigen. Every element of C is one fused multiply-add chain over k in
// increasing order, started from zero, then the epilogue: the result is bit for bit the same
// for any thread count and for both x86 kernels (and equal to gemmReference). Eigen's
// results differ from it in the last bits.

namespace genrescope::ml {

/// A read-only matrix: element (i, j) is data[i * rowStride + j * colStride].
struct MatrixView {
    const float* data;
    long rowStride, colStride;
};

enum class GemmKernel { Eigen, Avx2, Avx512 };

/// Whether this CPU (and build) can run a kernel; Eigen always can.
bool gemmKernelSupported(GemmKernel kernel);
/// The kernel in use: the widest supported one unless setGemmKernel chose another.
GemmKernel gemmKernel();
/// For tests and benchmarks: use `kernel` (false, and no change, when it is not supported).
bool setGemmKernel(GemmKernel kernel);

/// What happens to an element of C after its sum: for a forward pass, + bias[j] and then
/// max(., 0); for a backward pass, the product with an activation's derivative at y = gate[i *
/// gateStride + j], the activation's output (ReLU: y > 0 ? c : 0; tanh: c * (1 - y * y)).
struct GemmEpilogue {
    enum class Gate { None, Relu, Tanh };
    const float* bias = nullptr;
    bool relu = false;
    Gate gateKind = Gate::None;
    const float* gate = nullptr;
    long gateStride = 0;
};

/// C (M x N, row stride ldc) = A (M x K) B (K x N), then the epilogue. Runs on up to
/// omp_get_max_threads() threads when the product is large.
void gemm(int M, int N, int K, MatrixView a, MatrixView b, float* c, long ldc, const GemmEpilogue& epilogue = {});

/// The same arithmetic one element at a time with std::fma (slow; tests compare against it).
void gemmReference(int M, int N, int K, MatrixView a, MatrixView b, float* c, long ldc,
                   const GemmEpilogue& epilogue = {});

} // namespace genrescope::ml
