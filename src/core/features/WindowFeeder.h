#pragma once
// Sliding windows over a signal that arrives block by block (a decoder's output):
// each window goes to a visitor on one of a few threads as soon as its samples are
// in, and only the samples a window still needs are held, so a song of any length
// takes a few windows' worth of memory. The feeding thread works on windows too
// when the helpers lag behind, which bounds the memory.

#include <exception>
#include <functional>
#include <memory>
#include <vector>

namespace genrescope {

class WindowFeeder {
public:
    /// Window `index` covers samples [start, start + length). Called on any thread; may throw.
    using Visit = std::function<void(int index, long start, const float* samples, long length)>;

    struct Options {
        long length = 0;            // samples per window
        long hop = 0;               // samples between window starts
        int threads = 1;            // threads visiting windows, the feeding one included
        bool keepAll = false;       // hold every sample fed (held() is then the whole signal)
        /// The first window waits until this many samples are in (at least `length`): a signal
        /// shorter than that gets no window here, and the caller treats it as one whole window.
        long firstWindowAfter = 0;
        long reserve = 0;           // samples to reserve room for (keepAll)
        /// After the windows at k * hop, one more window [fed - length, fed) when the last of
        /// them ends before the signal does (so the end is heard); it is visited by finish().
        bool endWindow = false;
    };

    WindowFeeder(const Options& options, Visit visit);
    ~WindowFeeder();  // stops the helpers (after finish(), or abandoning the work)
    WindowFeeder(const WindowFeeder&) = delete;
    WindowFeeder& operator=(const WindowFeeder&) = delete;

    /// Feeds the next samples. Rethrows the first error of a visit.
    void add(const float* samples, size_t n);
    /// No more samples: visits the windows left and waits for every visit. Rethrows the first error.
    void finish();

    long fed() const;  // samples fed so far
    /// The samples still held (after finish(), to move out): every sample with keepAll, and
    /// always the whole signal when it got no window.
    std::vector<float>& held();

private:
    struct State;
    std::unique_ptr<State> state_;
};

} // namespace genrescope
