#include "WorkerPools.h"

#include <QCoreApplication>
#include <QThread>
#include <QThreadPool>

#include <sys/resource.h>
#include <unistd.h>

namespace genrescope::app::pools {

namespace {

QThreadPool* make(const char* name, int threads)
{
    // Owned by the application, so its destruction waits for running work, as for the global pool.
    auto* pool = new QThreadPool(QCoreApplication::instance());
    pool->setObjectName(QLatin1String(name));
    pool->setMaxThreadCount(threads);
    return pool;
}

} // namespace

void runInBackground()
{
    thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        ::setpriority(PRIO_PROCESS, ::gettid(), 10);  // per thread on Linux; failure only costs latency
    }
}

QThreadPool* analysis()
{
    static QThreadPool* pool = make("genrescope-analysis", QThread::idealThreadCount());
    return pool;
}

QThreadPool* training()
{
    static QThreadPool* pool = make("genrescope-training", 2);
    return pool;
}

QThreadPool* live()
{
    static QThreadPool* pool = make("genrescope-live", 2);
    return pool;
}

} // namespace genrescope::app::pools
