#include "audio/Decimator.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace genrescope {

namespace {

constexpr double kKaiserBeta = 10.06;        // 0.1102 * (100 dB - 8.7)
constexpr double kCutoffOfNyquist = 0.96;    // -6 dB point, as a share of the output Nyquist frequency
constexpr int kHalfTapsPerFactor = 80;       // 321 taps for M = 2: transition 92-100 % of Nyquist

double besselI0(double x)
{
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 50; ++k) {
        term *= (x / (2.0 * k)) * (x / (2.0 * k));
        sum += term;
        if (term < 1e-17 * sum)
            break;
    }
    return sum;
}

constexpr size_t kLanes = 32;  // four independent 8-wide accumulators hide the add latency

/// A fixed-order dot product in kLanes lanes (vectorised by the compiler, identical every run);
/// n is a multiple of kLanes.
float dotLanes(const float* a, const float* b, size_t n)
{
    float lanes[kLanes] = {};
    for (size_t k = 0; k < n; k += kLanes)
        for (size_t l = 0; l < kLanes; ++l)
            lanes[l] += a[k + l] * b[k + l];
    for (size_t width = kLanes / 2; width > 0; width /= 2)
        for (size_t l = 0; l < width; ++l)
            lanes[l] += lanes[l + width];
    return lanes[0];
}

} // namespace

Decimator::Decimator(int factor) : factor_(factor)
{
    if (factor < 2 || factor > 16)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Cannot decimate by %1.").arg(factor));
    delay_ = kHalfTapsPerFactor * factor;
    const int n = 2 * delay_ + 1;
    const double cutoff = kCutoffOfNyquist * 0.5 / factor;  // cycles per input sample
    double sum = 0;
    for (int k = 0; k < n; ++k) {
        const double t = k - delay_;
        const double sinc = t == 0 ? 2.0 * cutoff : std::sin(2.0 * std::numbers::pi * cutoff * t) / (std::numbers::pi * t);
        const double r = t / delay_;
        const double w = besselI0(kKaiserBeta * std::sqrt(std::max(0.0, 1.0 - r * r))) / besselI0(kKaiserBeta);
        taps_.push_back(float(sinc * w));
        sum += sinc * w;
    }
    for (float& h : taps_)
        h = float(h / sum);  // unit gain at DC
    taps_.resize((taps_.size() + kLanes - 1) / kLanes * kLanes, 0.0f);
    pending_.assign(size_t(delay_), 0.0f);  // the signal is zero before its start
    pendingStart_ = -delay_;
}

void Decimator::produce(std::vector<float>& out, long upToOutput)
{
    const long span = long(taps_.size());
    // Outputs whose taps lie inside the pending input: (n*M - delay - start + span) <= size.
    const long room = long(pending_.size()) - span + delay_ + pendingStart_;
    const long available = room < 0 ? 0 : room / factor_ + 1;
    const long end = std::min(upToOutput, available);
    if (end > nextOutput_) {
        const size_t at = out.size();
        out.resize(at + size_t(end - nextOutput_));
        const long count = end - nextOutput_;
        // Independent outputs: OpenMP threads for long blocks (the decoder is otherwise serial).
#pragma omp parallel for if (count >= 8192) schedule(static)
        for (long i = 0; i < count; ++i) {
            const long first = (nextOutput_ + i) * factor_ - delay_;  // absolute index of the first tap's sample
            out[at + size_t(i)] = dotLanes(taps_.data(), pending_.data() + (first - pendingStart_), size_t(span));
        }
        nextOutput_ = end;
    }
    // Drop input no later output needs.
    const long keepFrom = nextOutput_ * factor_ - delay_;
    const long drop = std::clamp(keepFrom - pendingStart_, 0L, long(pending_.size()));
    if (drop > (1L << 16)) {
        pending_.erase(pending_.begin(), pending_.begin() + drop);
        pendingStart_ += drop;
    }
}

void Decimator::process(const float* input, long count, std::vector<float>& out)
{
    pending_.insert(pending_.end(), input, input + count);
    inputSeen_ += count;
    produce(out, (inputSeen_ + factor_ - 1) / factor_);
}

void Decimator::finish(std::vector<float>& out)
{
    pending_.resize(pending_.size() + taps_.size(), 0.0f);  // the signal is zero after its end
    produce(out, (inputSeen_ + factor_ - 1) / factor_);
}

} // namespace genrescope
