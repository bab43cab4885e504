#include "ml/Optimizer.h"

#include "common/Error.h"

#include <cmath>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace genrescope::ml {

OptimizerConfig::Kind OptimizerConfig::parseKind(const QString& name)
{
    if (name == QLatin1String("sgd"))
        return Kind::Sgd;
    if (name == QLatin1String("adam"))
        return Kind::Adam;
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("Unknown optimizer \"%1\" (use sgd or adam).").arg(name));
}

void Optimizer::step(const std::vector<Parameter>& parameters)
{
    if (m_.size() != parameters.size()) {
        m_.assign(parameters.size(), {});
        v_.assign(parameters.size(), {});
        for (size_t i = 0; i < parameters.size(); ++i) {
            m_[i].assign(size_t(parameters[i].value->size()), 0.0f);
            if (config_.kind == OptimizerConfig::Kind::Adam)
                v_[i].assign(size_t(parameters[i].value->size()), 0.0f);
        }
    }
    ++t_;
    const float lr = float(config_.learningRate);
    const float wd = float(config_.weightDecay);
    if (config_.kind == OptimizerConfig::Kind::Sgd) {
        const float mu = float(config_.momentum);
        for (size_t i = 0; i < parameters.size(); ++i) {
            float* w = parameters[i].value->data.data();
            const float* g = parameters[i].grad->data.data();
            float* buf = m_[i].data();
            const float decay = parameters[i].decay ? wd : 0.0f;
            for (long k = 0; k < parameters[i].value->size(); ++k) {
                const float grad = g[k] + decay * w[k];
                buf[k] = mu * buf[k] + grad;
                w[k] -= lr * (mu > 0.0f ? buf[k] : grad);
            }
        }
        return;
    }
    const double b1 = config_.beta1, b2 = config_.beta2;
    // w -= lr / c1 * m / (sqrt(v / c2) + eps), with sqrt(v / c2) as sqrt(v) * (1 / sqrt(c2)):
    // one square root and one division per weight.
    const double c1 = 1.0 - std::pow(b1, double(t_)), c2 = 1.0 - std::pow(b2, double(t_));
    const float step = float(config_.learningRate / c1), invSqrtC2 = float(1.0 / std::sqrt(c2));
    const float eps = float(config_.epsilon), fb1 = float(b1), fb2 = float(b2), gb1 = float(1.0 - b1), gb2 = float(1.0 - b2);
    // Every weight is updated on its own: splitting them between threads changes no result.
    // Each thread takes the same share of every tensor (the rows whose gradient it computed).
    long total = 0;
    for (const Parameter& p : parameters)
        total += p.value->size();
#pragma omp parallel if (total >= 65536)
    {
#ifdef _OPENMP
        const long team = omp_get_num_threads(), t = omp_get_thread_num();
#else
        const long team = 1, t = 0;
#endif
        for (size_t i = 0; i < parameters.size(); ++i) {
            const long n = parameters[i].value->size(), begin = n * t / team, end = n * (t + 1) / team;
            float* w = parameters[i].value->data.data();
            const float* g = parameters[i].grad->data.data();
            float* m = m_[i].data();
            float* v = v_[i].data();
            const float decay = parameters[i].decay ? wd : 0.0f;
            for (long k = begin; k < end; ++k) {
                const float grad = g[k] + decay * w[k];
                m[k] = fb1 * m[k] + gb1 * grad;
                v[k] = fb2 * v[k] + gb2 * grad * grad;
                w[k] -= step * m[k] / (std::sqrt(v[k]) * invSqrtC2 + eps);
            }
        }
    }
}

} // namespace genrescope::ml
