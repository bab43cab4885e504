#include "dsp/FftPlan.h"

#include <fftw3.h>

#include <map>
#include <mutex>
#include <new>

namespace genrescope {
namespace {

std::mutex& plannerMutex()
{
    static std::mutex m;
    return m;
}

// Plans live until the process exits, then are destroyed (so leak checkers stay quiet).
struct PlanCache {
    std::map<std::pair<int, bool>, fftw_plan> plans;
    ~PlanCache()
    {
        std::lock_guard lock(plannerMutex());
        for (auto& [key, plan] : plans)
            fftw_destroy_plan(plan);
        fftw_cleanup();
    }
};

// Plans are made on scratch buffers with FFTW_ESTIMATE (deterministic, no timing
// runs); execution uses the new-array API.
fftw_plan sharedPlan(int n, bool inverse)
{
    std::mutex& mutex = plannerMutex();  // constructed first, so destroyed after the cache
    static PlanCache cache;
    auto& plans = cache.plans;
    std::lock_guard lock(mutex);
    auto it = plans.find({n, inverse});
    if (it != plans.end())
        return it->second;
    double* real = fftw_alloc_real(size_t(n));
    fftw_complex* cplx = fftw_alloc_complex(size_t(n / 2 + 1));
    fftw_plan plan = inverse
        ? fftw_plan_dft_c2r_1d(n, cplx, real, FFTW_ESTIMATE | FFTW_DESTROY_INPUT)
        : fftw_plan_dft_r2c_1d(n, real, cplx, FFTW_ESTIMATE);
    fftw_free(real);
    fftw_free(cplx);
    if (!plan)
        throw std::bad_alloc();
    plans.emplace(std::make_pair(n, inverse), plan);
    return plan;
}

} // namespace

RealFft::RealFft(int n)
    : n_(n),
      in_(fftw_alloc_real(size_t(n))),
      out_(reinterpret_cast<std::complex<double>*>(fftw_alloc_complex(size_t(n / 2 + 1)))),
      plan_(sharedPlan(n, false))
{
}

RealFft::~RealFft()
{
    fftw_free(in_);
    fftw_free(out_);
}

void RealFft::execute()
{
    fftw_execute_dft_r2c(static_cast<fftw_plan>(plan_), in_, reinterpret_cast<fftw_complex*>(out_));
}

InverseRealFft::InverseRealFft(int n)
    : n_(n),
      in_(reinterpret_cast<std::complex<double>*>(fftw_alloc_complex(size_t(n / 2 + 1)))),
      out_(fftw_alloc_real(size_t(n))),
      plan_(sharedPlan(n, true))
{
}

InverseRealFft::~InverseRealFft()
{
    fftw_free(in_);
    fftw_free(out_);
}

void InverseRealFft::execute()
{
    fftw_execute_dft_c2r(static_cast<fftw_plan>(plan_), reinterpret_cast<fftw_complex*>(in_), out_);
}

} // namespace genrescope
