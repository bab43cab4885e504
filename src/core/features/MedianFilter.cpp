#include "features/MedianFilter.h"

#include "common/Error.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace genrescope {
namespace {

constexpr int kLanes = 8;
constexpr int kMaxWindow = 63;

using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

/// Sliding median of kLanes independent sequences stored lane-minor:
/// ext holds (n + size - 1) x kLanes mirrored samples, out receives n x kLanes.
__attribute__((target_clones("avx2", "default")))
void slidingMedianLanes(const float* ext, float* out, long n, int size)
{
    Lanes w[kMaxWindow + 1];
    for (int l = 0; l < kLanes; ++l) {
        float first[kMaxWindow];
        for (int j = 0; j < size; ++j)
            first[j] = ext[j * kLanes + l];
        std::sort(first, first + size);
        for (int j = 0; j < size; ++j)
            w[j][l] = first[j];
        w[size][l] = std::numeric_limits<float>::infinity();  // sentinel, never overwritten
    }
    const int half = size / 2;
    for (long i = 0;; ++i) {
        std::memcpy(out + i * kLanes, &w[half], sizeof(Lanes));
        if (i + 1 == n)
            break;
        Lanes x, y;
        std::memcpy(&x, ext + i * kLanes, sizeof(Lanes));           // leaving
        std::memcpy(&y, ext + (i + size) * kLanes, sizeof(Lanes));  // entering
        // One in-place pass. Removing the first copy of x keeps the slots below it
        // and moves later ones down: r[j] = w[j] < x ? w[j] : w[j+1]. Inserting y
        // into r: new[j] = max(r[j-1], min(r[j], y)). w[j+1] is read before w[j] is written.
        Lanes current = w[0];
        Lanes previousR = current < x ? current : w[1];
        w[0] = previousR < y ? previousR : y;
        current = w[1];
        for (int j = 1; j < size; ++j) {
            const Lanes next = w[j + 1];  // w[size] is the sentinel
            const Lanes rj = current < x ? current : next;
            const Lanes low = rj < y ? rj : y;
            w[j] = previousR > low ? previousR : low;
            previousR = rj;
            current = next;
        }
    }
}

} // namespace

long symmetricIndex(long i, long n)
{
    if (n <= 1)
        return 0;
    const long period = 2 * n;
    i %= period;
    if (i < 0)
        i += period;
    return i < n ? i : period - 1 - i;
}

namespace {

void checkWindow(int size)
{
    if (size < 1 || size % 2 == 0 || size > kMaxWindow)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Median window must be odd and at most %1.").arg(kMaxWindow));
}

/// Mirrored source position of each of the n + size - 1 window positions.
std::vector<long> mirroredPositions(long n, int size)
{
    std::vector<long> source(static_cast<size_t>(n + size - 1));
    for (long j = 0; j < long(source.size()); ++j)
        source[size_t(j)] = symmetricIndex(j - size / 2, n);
    return source;
}

} // namespace

void medianFilterRows(const float* in, float* out, long rows, long cols, int size)
{
    checkWindow(size);
    if (rows <= 0 || cols <= 0)
        return;
    const std::vector<long> source = mirroredPositions(cols, size);
    const long extLen = long(source.size());
    std::vector<float> ext(size_t(extLen) * kLanes, 0.0f);
    std::vector<float> lanesOut(size_t(cols) * kLanes);
    for (long r0 = 0; r0 < rows; r0 += kLanes) {
        const int lanes = int(std::min<long>(kLanes, rows - r0));
        if (lanes < kLanes)
            std::fill(ext.begin(), ext.end(), 0.0f);  // unused lanes: any finite values
        for (int l = 0; l < lanes; ++l) {
            const float* row = in + (r0 + l) * cols;
            for (long j = 0; j < extLen; ++j)
                ext[size_t(j) * kLanes + size_t(l)] = row[source[size_t(j)]];
        }
        slidingMedianLanes(ext.data(), lanesOut.data(), cols, size);
        for (int l = 0; l < lanes; ++l) {
            float* row = out + (r0 + l) * cols;
            for (long j = 0; j < cols; ++j)
                row[j] = lanesOut[size_t(j) * kLanes + size_t(l)];
        }
    }
}

void medianFilterColumns(const float* in, float* out, long rows, long cols, int size)
{
    checkWindow(size);
    if (rows <= 0 || cols <= 0)
        return;
    // Eight neighbouring columns are eight lanes: each step reads and writes 8 contiguous floats.
    const std::vector<long> source = mirroredPositions(rows, size);
    const long extLen = long(source.size());
    std::vector<float> ext(size_t(extLen) * kLanes, 0.0f);
    std::vector<float> lanesOut(size_t(rows) * kLanes);
    for (long c0 = 0; c0 < cols; c0 += kLanes) {
        const int lanes = int(std::min<long>(kLanes, cols - c0));
        if (lanes < kLanes)
            std::fill(ext.begin(), ext.end(), 0.0f);
        if (lanes == kLanes) {  // fixed-size copies compile to single vector moves
            for (long j = 0; j < extLen; ++j)
                std::memcpy(ext.data() + size_t(j) * kLanes, in + source[size_t(j)] * cols + c0, sizeof(float) * kLanes);
        } else {
            for (long j = 0; j < extLen; ++j)
                for (int l = 0; l < lanes; ++l)
                    ext[size_t(j) * kLanes + size_t(l)] = in[source[size_t(j)] * cols + c0 + l];
        }
        slidingMedianLanes(ext.data(), lanesOut.data(), rows, size);
        if (lanes == kLanes) {
            for (long j = 0; j < rows; ++j)
                std::memcpy(out + j * cols + c0, lanesOut.data() + size_t(j) * kLanes, sizeof(float) * kLanes);
        } else {
            for (long j = 0; j < rows; ++j)
                for (int l = 0; l < lanes; ++l)
                    out[j * cols + c0 + l] = lanesOut[size_t(j) * kLanes + size_t(l)];
        }
    }
}

void runningMedian(const float* in, float* out, long n, long stride, int size)
{
    std::vector<float> row(static_cast<size_t>(std::max(0L, n))), result(row.size());
    for (long i = 0; i < n; ++i)
        row[size_t(i)] = in[i * stride];
    medianFilterRows(row.data(), result.data(), 1, n, size);
    for (long i = 0; i < n; ++i)
        out[i * stride] = result[size_t(i)];
}

} // namespace genrescope
