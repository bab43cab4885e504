#pragma once
// A bounded parallel loop: body(i) for i in [0, count) on at most `threads`
// threads (the caller's included). The first exception thrown by any body is
// rethrown in the caller once every thread has stopped; after it no new
// indices start. With more than one thread, each body runs with OpenMP
// limited to one thread, so nested parallel regions do not oversubscribe.

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace genrescope {

/// While alive, OpenMP regions started by this thread use one thread (when `active`).
class OpenMpLimitedToOneThread {
public:
    explicit OpenMpLimitedToOneThread(bool active = true)
    {
#ifdef _OPENMP
        if (active) {
            previous_ = omp_get_max_threads();
            omp_set_num_threads(1);
        }
#else
        (void)active;
#endif
    }
    ~OpenMpLimitedToOneThread()
    {
#ifdef _OPENMP
        if (previous_ > 0)
            omp_set_num_threads(previous_);
#endif
    }
    OpenMpLimitedToOneThread(const OpenMpLimitedToOneThread&) = delete;
    OpenMpLimitedToOneThread& operator=(const OpenMpLimitedToOneThread&) = delete;

private:
    int previous_ = 0;
};

template <typename Body>
void parallelFor(int count, int threads, Body&& body)
{
    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    const int helpers = std::clamp(threads, 1, std::max(1, count)) - 1;
    auto work = [&] {
        const OpenMpLimitedToOneThread limit(helpers > 0);
        for (int i = next++; i < count && !failed.load(); i = next++) {
            try {
                body(i);
            } catch (...) {
                std::lock_guard lock(errorMutex);
                if (!error)
                    error = std::current_exception();
                failed = true;
            }
        }
    };
    std::vector<std::jthread> pool;
    for (int t = 0; t < helpers; ++t)
        pool.emplace_back(work);
    work();
    pool.clear();  // joins
    if (error)
        std::rethrow_exception(error);
}

} // namespace genrescope
