#pragma once
// Exact running medians over an odd window, as scipy.ndimage.median_filter
// along one axis with mode="reflect" (edges mirrored *with* the edge sample:
// b a | a b c). Rows are filtered eight at a time: each lane keeps its window
// sorted, and one step removes the leaving sample and inserts the entering one
// with compare/blend and min/max only, so the work vectorises and never branches.

#include <vector>

namespace genrescope {

/// scipy.ndimage "reflect" index for i outside [0, n).
long symmetricIndex(long i, long n);

/// Median along each row of a row-major rows x cols matrix (window of `size` centred samples).
void medianFilterRows(const float* in, float* out, long rows, long cols, int size);

/// Median along each column of a row-major rows x cols matrix.
void medianFilterColumns(const float* in, float* out, long rows, long cols, int size);

/// One strided sequence (reference implementation; also used for single rows).
void runningMedian(const float* in, float* out, long n, long stride, int size);

} // namespace genrescope
