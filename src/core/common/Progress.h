#pragma once
// Progress reporting and cancellation shared by all long-running core work.

#include <atomic>
#include <functional>

namespace genrescope {

/// Receives a fraction in [0, 1]. May be called from a worker thread.
using ProgressFn = std::function<void(double fraction)>;

/// Long work polls this; when it reads true the work throws genrescope::Cancelled.
using CancelFlag = std::atomic<bool>;

struct TaskControl {
    ProgressFn progress;                 // optional
    const CancelFlag* cancel = nullptr;  // optional

    void report(double fraction) const { if (progress) progress(fraction); }
    bool cancelled() const { return cancel && cancel->load(std::memory_order_relaxed); }
    void throwIfCancelled() const;
};

} // namespace genrescope
