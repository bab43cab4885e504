#include "features/WindowFeeder.h"

#include "common/Parallel.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace genrescope {

struct WindowFeeder::State {
    Options options;
    Visit visit;
    std::mutex mutex;
    std::condition_variable ready;
    std::vector<float> buffer;  // samples [bufferStart, fed) of the signal
    long bufferStart = 0, fed = 0;
    int next = 0, visited = 0;
    bool finished = false, failed = false;
    std::exception_ptr error;
    std::vector<std::jthread> helpers;
    std::vector<float> scratch;  // the feeding thread's copy of a window

    long startOf(int k) const { return long(k) * options.hop; }
    bool nextReady() const
    {
        const long need = startOf(next) + options.length;
        return need <= fed && (next > 0 || options.firstWindowAfter <= fed);
    }
    /// Visits the next window; call with `lock` held and nextReady().
    void visitNext(std::unique_lock<std::mutex>& lock, std::vector<float>& window)
    {
        const int k = next++;
        visitAt(lock, window, k, startOf(k));
    }
    /// Visits window k starting at sample `start` (held); call with `lock` held.
    void visitAt(std::unique_lock<std::mutex>& lock, std::vector<float>& window, int k, long start)
    {
        const auto from = buffer.begin() + (start - bufferStart);
        window.assign(from, from + options.length);
        lock.unlock();
        try {
            visit(k, start, window.data(), options.length);
        } catch (...) {
            lock.lock();
            throw;
        }
        lock.lock();
        ++visited;
        ready.notify_all();
    }
    /// The first sample some window may still need.
    long firstNeeded() const
    {
        const long needed = std::min(startOf(next), fed);
        return options.endWindow ? std::max(0L, std::min(needed, fed - options.length)) : needed;
    }
    /// Visits windows until none is ready and no more samples will come, or a visit failed.
    void work()
    {
        const OpenMpLimitedToOneThread limit(options.threads > 1);
        std::vector<float> window;
        std::unique_lock lock(mutex);
        for (;;) {
            ready.wait(lock, [&] { return failed || finished || nextReady(); });
            if (failed || !nextReady())
                return;
            try {
                visitNext(lock, window);
            } catch (...) {
                fail(std::current_exception());
                return;
            }
        }
    }
    void fail(std::exception_ptr e)  // call with the mutex held
    {
        if (!error)
            error = e;
        failed = true;
        ready.notify_all();
    }
    void stop()
    {
        {
            std::lock_guard lock(mutex);
            finished = true;
            ready.notify_all();
        }
        helpers.clear();  // joins
    }
};

WindowFeeder::WindowFeeder(const Options& options, Visit visit) : state_(std::make_unique<State>())
{
    State& s = *state_;
    s.options = options;
    s.options.threads = std::max(1, options.threads);
    s.options.firstWindowAfter = std::max(options.firstWindowAfter, options.length);
    s.visit = std::move(visit);
    s.buffer.reserve(size_t(std::max(0L, options.reserve)));
    try {
        for (int t = 1; t < s.options.threads; ++t)
            s.helpers.emplace_back([&s] { s.work(); });
    } catch (...) {  // no thread for a helper: stop those started
        {
            std::lock_guard lock(s.mutex);
            s.failed = true;
        }
        s.stop();
        throw;
    }
}

WindowFeeder::~WindowFeeder()
{
    if (state_->helpers.empty())
        return;
    {
        std::lock_guard lock(state_->mutex);
        state_->failed = true;  // abandoned: start no further window
    }
    state_->stop();
}

void WindowFeeder::add(const float* samples, size_t n)
{
    State& s = *state_;
    const OpenMpLimitedToOneThread limit(s.options.threads > 1);
    std::unique_lock lock(s.mutex);
    if (s.failed)
        std::rethrow_exception(s.error);
    if (!s.options.keepAll && s.next > 0) {  // drop what no window still needs
        const long needed = s.firstNeeded();
        s.buffer.erase(s.buffer.begin(), s.buffer.begin() + (needed - s.bufferStart));
        s.bufferStart = needed;
    }
    s.buffer.insert(s.buffer.end(), samples, samples + n);
    s.fed += long(n);
    s.ready.notify_all();
    // The helpers lag behind: help, so the samples held stay bounded.
    const long maxHeld = s.options.length + s.options.hop * long(s.options.threads + 2);
    while (!s.options.keepAll && !s.failed && s.fed - s.startOf(s.next) > maxHeld && s.nextReady()) {
        try {
            s.visitNext(lock, s.scratch);
        } catch (...) {
            s.fail(std::current_exception());
        }
    }
    if (s.failed)
        std::rethrow_exception(s.error);
}

void WindowFeeder::finish()
{
    State& s = *state_;
    {
        std::lock_guard lock(s.mutex);
        s.finished = true;
        s.ready.notify_all();
    }
    s.work();  // the feeding thread helps with the last windows
    s.helpers.clear();
    std::unique_lock lock(s.mutex);
    if (!s.error && s.options.endWindow && s.next > 0 && s.startOf(s.next - 1) + s.options.length < s.fed) {
        try {
            s.visitAt(lock, s.scratch, s.next++, s.fed - s.options.length);
        } catch (...) {
            s.fail(std::current_exception());
        }
    }
    if (s.error)
        std::rethrow_exception(s.error);
}

long WindowFeeder::fed() const
{
    std::lock_guard lock(state_->mutex);
    return state_->fed;
}

std::vector<float>& WindowFeeder::held()
{
    return state_->buffer;
}

} // namespace genrescope
