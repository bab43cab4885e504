#include "dsp/Stft.h"

#include "common/Error.h"
#include "dsp/FftPlan.h"

#include <cmath>
#include <numbers>

namespace genrescope {

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
        float* dst = out.frame(f);
        for (int k = 0; k < nb; ++k)
            dst[k] = binPower(X[k]);
    });
    return out;
}

} // namespace genrescope
