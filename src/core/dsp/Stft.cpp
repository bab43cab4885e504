#include "dsp/Stft.h"

#include "common/Error.h"
#include "dsp/FftPlan.h"

#include <algorithm>
#include <cmath>
#include <cfloat>
#include <numbers>

namespace genrescope {

__attribute__((target_clones("avx2", "default")))
void binMagnitudes(const std::complex<double>* bins, int n, float* magnitude, float* power)
{
    const double* d = reinterpret_cast<const double*>(bins);
    for (int k = 0; k < n; ++k) {
        const double re = float(d[2 * k]), im = float(d[2 * k + 1]);
        const float mag = float(std::sqrt(re * re + im * im));
        if (magnitude)
            magnitude[k] = mag;
        if (power)
            power[k] = mag * mag;
    }
}

__attribute__((target_clones("avx2", "default")))
void binMagnitudes(const std::complex<float>* bins, long n, float* magnitude, float* power)
{
    const float* d = reinterpret_cast<const float*>(bins);
    for (long k = 0; k < n; ++k) {
        const double re = d[2 * k], im = d[2 * k + 1];
        const float mag = float(std::sqrt(re * re + im * im));
        if (magnitude)
            magnitude[k] = mag;
        if (power)
            power[k] = mag * mag;
    }
}

std::vector<double> periodicHann(int n)
{
    std::vector<double> w(size_t(std::max(n, 0)));
    for (int i = 0; i < n; ++i)
        w[size_t(i)] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n);
    return w;
}

long reflectIndex(long i, long n)
{
    if (n <= 1)
        return 0;
    const long period = 2 * (n - 1);
    i %= period;
    if (i < 0)
        i += period;
    return i < n ? i : period - i;
}

Stft::Stft(StftParams params) : params_(params)
{
    if (params_.nFft < 2 || params_.nFft % 2 != 0 || params_.hop < 1)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("STFT needs an even n_fft >= 2 and hop >= 1 (got %1, %2).")
                        .arg(params_.nFft).arg(params_.hop));
    window_ = periodicHann(params_.nFft);
}

long Stft::frameCount(long n) const
{
    if (params_.center)
        return n > 0 ? 1 + n / params_.hop : 0;
    return n >= params_.nFft ? 1 + (n - params_.nFft) / params_.hop : 0;
}

void Stft::forEachFrame(const float* y, long n, const TaskControl& control, const FrameVisitor& visit) const
{
    const int nFft = params_.nFft;
    const long frames = frameCount(n);
    const long offset = params_.center ? nFft / 2 : 0;
    RealFft fft(nFft);
    double* in = fft.input();
    for (long f = 0; f < frames; ++f) {
        if ((f & 255) == 0) {
            control.throwIfCancelled();
            control.report(double(f) / double(frames));
        }
        const long start = f * params_.hop - offset;
        if (start >= 0 && start + nFft <= n) {
            const float* src = y + start;
            for (int i = 0; i < nFft; ++i)
                in[i] = window_[size_t(i)] * double(src[i]);
        } else {
            for (int i = 0; i < nFft; ++i)
                in[i] = window_[size_t(i)] * double(y[reflectIndex(start + i, n)]);
        }
        fft.execute();
        visit(f, fft.output());
    }
    control.report(1.0);
}

ComplexSpectrogram Stft::compute(const float* y, long n, const TaskControl& control) const
{
    ComplexSpectrogram out(bins(), frameCount(n));
    const int nb = bins();
    forEachFrame(y, n, control, [&](long f, const std::complex<double>* X) {
        std::complex<float>* dst = out.frame(f);
        for (int k = 0; k < nb; ++k)
            dst[k] = std::complex<float>(float(X[k].real()), float(X[k].imag()));
    });
    return out;
}

Spectrogram Stft::power(const float* y, long n, const TaskControl& control) const
{
    Spectrogram out(bins(), frameCount(n));
    const int nb = bins();
    forEachFrame(y, n, control, [&](long f, const std::complex<double>* X) {
        binMagnitudes(X, nb, nullptr, out.frame(f));
    });
    return out;
}

std::vector<float> inverseStft(const ComplexSpectrogram& X, const StftParams& params, long length)
{
    const int nb = params.nFft / 2 + 1;
    if (X.bins != nb)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("inverse STFT: %1 bins for n_fft %2.").arg(X.bins).arg(params.nFft));
    return inverseStft(X.frames, [&](long f, std::complex<double>* bins) {
        const std::complex<float>* src = X.frame(f);
        for (int k = 0; k < nb; ++k)
            bins[k] = std::complex<double>(src[k].real(), src[k].imag());
    }, params, length);
}

std::vector<float> inverseStft(long available, const FrameSource& fill, const StftParams& params, long length)
{
    const int nFft = params.nFft, hop = params.hop;
    // librosa trims frames beyond what `length` needs.
    const long padded = params.center ? length + nFft : length;
    const long frames = std::min<long>(available, (padded + hop - 1) / hop);
    const long total = frames > 0 ? nFft + long(hop) * (frames - 1) : 0;
    std::vector<float> y(size_t(total), 0.0f);
    std::vector<float> windowSum(size_t(total), 0.0f);
    const std::vector<double> window = periodicHann(nFft);
    const double scale = 1.0 / nFft;  // numpy's irfft normalisation

    InverseRealFft ifft(nFft);
    for (long f = 0; f < frames; ++f) {
        fill(f, ifft.input());
        ifft.execute();
        const double* out = ifft.output();
        float* dst = y.data() + f * hop;
        float* wsum = windowSum.data() + f * hop;
        for (int i = 0; i < nFft; ++i) {
            // float32 accumulation of a float64 frame, as numpy's y[...] += ytmp
            dst[i] = float(double(dst[i]) + window[size_t(i)] * (out[i] * scale));
            wsum[i] = float(double(wsum[i]) + window[size_t(i)] * window[size_t(i)]);
        }
    }
    for (size_t i = 0; i < y.size(); ++i)
        if (windowSum[i] > FLT_MIN)
            y[i] /= windowSum[i];

    // librosa 0.8.1 trims n_fft/2 from both ends when centred, then pads or cuts to
    // `length`: the last samples of a clip whose length is not a multiple of the hop are 0.
    std::vector<float> result(size_t(std::max(0L, length)), 0.0f);
    const long start = params.center ? nFft / 2 : 0;
    const long end = params.center ? total - nFft / 2 : total;
    for (long i = 0; i < length && start + i < end; ++i)
        result[size_t(i)] = y[size_t(start + i)];
    return result;
}

} // namespace genrescope
