#include "dsp/MelFilterbank.h"

#include "common/Error.h"

#include <algorithm>
#include <cmath>

namespace genrescope {
namespace {
constexpr double kLinearStep = 200.0 / 3.0;     // Hz per mel below the break
constexpr double kBreakHz = 1000.0;             // start of the log region
constexpr double kBreakMel = kBreakHz / kLinearStep;
const double kLogStep = std::log(6.4) / 27.0;   // log step per mel above the break
} // namespace

double hzToMelSlaney(double hz)
{
    if (hz >= kBreakHz)
        return kBreakMel + std::log(hz / kBreakHz) / kLogStep;
    return hz / kLinearStep;
}

double melToHzSlaney(double mel)
{
    if (mel >= kBreakMel)
        return kBreakHz * std::exp(kLogStep * (mel - kBreakMel));
    return kLinearStep * mel;
}

MelFilterbank::MelFilterbank(MelParams params) : params_(params)
{
    if (params_.fMax < 0)
        params_.fMax = params_.sampleRate / 2.0;
    if (params_.nMels < 1 || params_.nFft < 2 || params_.sampleRate <= 0 || params_.fMax <= params_.fMin)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Invalid mel filterbank parameters."));

    const int nBins = fftBins();
    const int nEdges = params_.nMels + 2;
    // Edges evenly spaced in mel (np.linspace semantics).
    const double melLo = hzToMelSlaney(params_.fMin);
    const double melHi = hzToMelSlaney(params_.fMax);
    edges_.resize(size_t(nEdges));
    for (int i = 0; i < nEdges; ++i) {
        const double step = (melHi - melLo) / double(nEdges - 1);
        edges_[size_t(i)] = melToHzSlaney(i == nEdges - 1 ? melHi : melLo + step * i);
    }

    // FFT bin frequencies: np.linspace(0, sr/2, nBins).
    std::vector<double> freqs(static_cast<size_t>(nBins));
    const double nyquist = params_.sampleRate / 2.0;
    for (int k = 0; k < nBins; ++k)
        freqs[size_t(k)] = k == nBins - 1 ? nyquist : k * (nyquist / double(nBins - 1));

    bands_.resize(size_t(params_.nMels));
    for (int b = 0; b < params_.nMels; ++b) {
        const double lo = edges_[size_t(b)], mid = edges_[size_t(b) + 1], hi = edges_[size_t(b) + 2];
        const double enorm = 2.0 / (hi - lo);
        std::vector<float> w(static_cast<size_t>(nBins));
        int first = nBins, last = -1;
        for (int k = 0; k < nBins; ++k) {
            const double lower = (freqs[size_t(k)] - lo) / (mid - lo);
            const double upper = (hi - freqs[size_t(k)]) / (hi - mid);
            const double v = std::max(0.0, std::min(lower, upper)) * enorm;
            w[size_t(k)] = float(v);
            if (w[size_t(k)] != 0.0f) {
                first = std::min(first, k);
                last = k;
            }
        }
        Band& band = bands_[size_t(b)];
        if (last >= first) {
            band.firstBin = first;
            band.weights.assign(w.begin() + first, w.begin() + last + 1);
        }
    }
}

float MelFilterbank::weight(int band, int bin) const
{
    const Band& b = bands_.at(size_t(band));
    const int i = bin - b.firstBin;
    return i >= 0 && i < int(b.weights.size()) ? b.weights[size_t(i)] : 0.0f;
}

void MelFilterbank::apply(const float* spectrum, float* mel) const
{
    for (size_t b = 0; b < bands_.size(); ++b) {
        const Band& band = bands_[b];
        const float* s = spectrum + band.firstBin;
        const float* w = band.weights.data();
        const size_t n = band.weights.size();
        // Four partial sums in double: independent chains, and far more precise than float32.
        double acc[4] = {0, 0, 0, 0};
        size_t i = 0;
        for (; i + 4 <= n; i += 4)
            for (size_t l = 0; l < 4; ++l)
                acc[l] += double(w[i + l]) * double(s[i + l]);
        for (; i < n; ++i)
            acc[0] += double(w[i]) * double(s[i]);
        mel[b] = float((acc[0] + acc[1]) + (acc[2] + acc[3]));
    }
}

Spectrogram MelFilterbank::apply(const Spectrogram& spectrum) const
{
    if (spectrum.bins != fftBins())
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Mel filterbank expects %1 bins, got %2.").arg(fftBins()).arg(spectrum.bins));
    Spectrogram mel(bands(), spectrum.frames);
    for (long f = 0; f < spectrum.frames; ++f)
        apply(spectrum.frame(f), mel.frame(f));
    return mel;
}

} // namespace genrescope
