#include "ml/Optimizer.h"

#include "common/Error.h"

#include <cmath>

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
    const float c1 = float(1.0 - std::pow(b1, double(t_))), c2 = float(1.0 - std::pow(b2, double(t_)));
    const float eps = float(config_.epsilon);
    for (size_t i = 0; i < parameters.size(); ++i) {
        float* w = parameters[i].value->data.data();
        const float* g = parameters[i].grad->data.data();
        float* m = m_[i].data();
        float* v = v_[i].data();
        const float decay = parameters[i].decay ? wd : 0.0f;
        for (long k = 0; k < parameters[i].value->size(); ++k) {
            const float grad = g[k] + decay * w[k];
            m[k] = float(b1) * m[k] + float(1.0 - b1) * grad;
            v[k] = float(b2) * v[k] + float(1.0 - b2) * grad * grad;
            w[k] -= lr * (m[k] / c1) / (std::sqrt(v[k] / c2) + eps);
        }
    }
}

} // namespace genrescope::ml
