#pragma once
// A time-frequency matrix, stored frame by frame (all bins of frame 0, then frame 1, ...).

#include <cstddef>
#include <memory>
#include <vector>

namespace genrescope {

/// An allocator whose resize() leaves new elements uninitialised: large
/// spectrogram buffers are always written in full, so zero-filling them first
/// only costs time.
template <typename T>
struct UninitialisedAllocator : std::allocator<T> {
    template <typename U>
    struct rebind { using other = UninitialisedAllocator<U>; };
    UninitialisedAllocator() = default;
    template <typename U>
    UninitialisedAllocator(const UninitialisedAllocator<U>&) {}
    template <typename U>
    void construct(U* p) { ::new (static_cast<void*>(p)) U; }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) { ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...); }
};

template <typename T>
using Buffer = std::vector<T, UninitialisedAllocator<T>>;

template <typename T>
struct FrameMatrix {
    int bins = 0;     // rows: frequency bins or bands
    long frames = 0;  // columns: time frames
    Buffer<T> data;  // uninitialised on construction: every producer writes all of it

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
