#pragma once
// A bounded parallel loop: body(i) for i in [0, count) on at most `threads`
// threads (the caller's included). The first exception thrown by any body is
// rethrown in the caller once every thread has stopped; after it no new
// indices start.

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace genrescope {

template <typename Body>
void parallelFor(int count, int threads, Body&& body)
{
    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto work = [&] {
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
    const int helpers = std::clamp(threads, 1, std::max(1, count)) - 1;
    std::vector<std::jthread> pool;
    for (int t = 0; t < helpers; ++t)
        pool.emplace_back(work);
    work();
    pool.clear();  // joins
    if (error)
        std::rethrow_exception(error);
}

} // namespace genrescope
