#pragma once
// A time-frequency matrix, stored frame by frame (all bins of frame 0, then frame 1, ...).

#include <cstddef>
#include <vector>

namespace genrescope {

template <typename T>
struct FrameMatrix {
    int bins = 0;     // rows: frequency bins or bands
    long frames = 0;  // columns: time frames
    std::vector<T> data;

    FrameMatrix() = default;
    FrameMatrix(int b, long f) : bins(b), frames(f), data(size_t(b) * size_t(f)) {}

    T& at(int bin, long frame) { return data[size_t(frame) * size_t(bins) + size_t(bin)]; }
    const T& at(int bin, long frame) const { return data[size_t(frame) * size_t(bins) + size_t(bin)]; }
    T* frame(long f) { return data.data() + size_t(f) * size_t(bins); }
    const T* frame(long f) const { return data.data() + size_t(f) * size_t(bins); }
    bool empty() const { return data.empty(); }
};

using Spectrogram = FrameMatrix<float>;

} // namespace genrescope
