#include "features/Chroma.h"

#include "features/Statistics.h"

#include <Eigen/Core>

#include <algorithm>
#include <cfloat>
#include <cmath>

namespace genrescope {
namespace {

/// numpy.histogram's bin for a value on uniform edges lo..hi (last bin closed), or -1.
int histogramBin(double v, const std::vector<double>& edges)
{
    if (v < edges.front() || v > edges.back())
        return -1;
    const int n = int(edges.size()) - 1;
    auto it = std::upper_bound(edges.begin(), edges.end(), v);
    int bin = int(it - edges.begin()) - 1;
    return std::min(bin, n - 1);
}

} // namespace

double estimateTuning(const Spectrogram& S, const ChromaParams& p)
{
    const int bins = S.bins;
    const double nyquist = p.sampleRate / 2.0;
    const double fmax = std::min(p.pitchFmax, nyquist);
    const double fmin = std::max(p.pitchFmin, 0.0);
    std::vector<char> inRange(static_cast<size_t>(bins));
    for (int k = 0; k < bins; ++k) {
        const double hz = k == bins - 1 ? nyquist : k * (nyquist / double(bins - 1));
        inRange[size_t(k)] = fmin <= hz && hz < fmax;
    }

    // piptrack: parabolic interpolation at thresholded local maxima (all float32, like numpy).
    std::vector<float> pitches, mags;
    std::vector<float> gated(static_cast<size_t>(bins));
    for (long f = 0; f < S.frames; ++f) {
        const float* s = S.frame(f);
        const float peak = *std::max_element(s, s + bins);
        const float ref = p.peakThreshold * peak;
        for (int k = 0; k < bins; ++k)
            gated[size_t(k)] = s[k] > ref ? s[k] : 0.0f;
        for (int k = 1; k < bins - 1; ++k) {
            if (!inRange[size_t(k)])
                continue;
            const float x = gated[size_t(k)];
            if (!(x > gated[size_t(k) - 1] && x >= gated[size_t(k) + 1]))
                continue;
            const float avg = 0.5f * (s[k + 1] - s[k - 1]);
            float shift = 2.0f * s[k] - s[k + 1] - s[k - 1];
            shift = avg / (shift + (std::abs(shift) < FLT_MIN ? 1.0f : 0.0f));
            const float dskew = 0.5f * avg * shift;
            const float pitch = float((double(k) + double(shift)) * p.sampleRate / p.nFft);
            if (pitch > 0.0f) {
                pitches.push_back(pitch);
                mags.push_back(s[k] + dskew);
            }
        }
    }
    if (pitches.empty())
        return 0.0;
    std::vector<float> sortedMags = mags;
    const float threshold = medianInPlace(sortedMags);

    // pitch_tuning: histogram of residuals in chroma bins (float32 arithmetic as numpy).
    const int nEdges = int(std::ceil(1.0 / p.tuningResolution)) + 1;
    std::vector<double> edges(static_cast<size_t>(nEdges));
    const double step = 1.0 / double(nEdges - 1);
    for (int i = 0; i < nEdges; ++i)
        edges[size_t(i)] = i == nEdges - 1 ? 0.5 : double(i) * step + -0.5;
    std::vector<int> counts(size_t(nEdges - 1), 0);
    const float bpo = float(p.nChroma);
    bool any = false;
    for (size_t i = 0; i < pitches.size(); ++i) {
        if (!(mags[i] >= threshold))
            continue;
        const float octs = std::log2(pitches[i] / 27.5f);
        float residual = std::fmod(bpo * octs, 1.0f);
        if (residual < 0)
            residual += 1.0f;
        if (residual >= 0.5f)
            residual -= 1.0f;
        const int bin = histogramBin(double(residual), edges);
        if (bin >= 0) {
            ++counts[size_t(bin)];
            any = true;
        }
    }
    if (!any)
        return 0.0;
    const auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
    return edges[size_t(best)];
}

std::vector<std::vector<float>> chromaFilterbank(double tuning, const ChromaParams& p)
{
    const int n = p.nChroma, nFft = p.nFft, keep = nFft / 2 + 1;
    const double a440 = 440.0 * std::pow(2.0, tuning / n);
    // frqbins for frequencies linspace(0, sr, nFft, endpoint=False)[1:], with a fake bin 0
    std::vector<double> frq(static_cast<size_t>(nFft));
    for (int k = 1; k < nFft; ++k) {
        const double hz = k * (p.sampleRate / nFft);
        frq[size_t(k)] = n * std::log2(hz / (a440 / 16.0));
    }
    frq[0] = frq[1] - 1.5 * n;
    std::vector<double> width(static_cast<size_t>(nFft));
    for (int k = 0; k < nFft - 1; ++k)
        width[size_t(k)] = std::max(frq[size_t(k) + 1] - frq[size_t(k)], 1.0);
    width[size_t(nFft) - 1] = 1.0;

    std::vector<std::vector<double>> w(static_cast<size_t>(n), std::vector<double>(static_cast<size_t>(nFft)));
    const double half = std::round(n / 2.0);
    for (int k = 0; k < nFft; ++k) {
        double norm = 0.0;
        for (int c = 0; c < n; ++c) {
            double d = frq[size_t(k)] - c;
            // np.remainder(D + n2 + 10n, n) - n2 (Python modulo: sign of the divisor)
            d = std::fmod(d + half + 10.0 * n, double(n));
            if (d < 0)
                d += n;
            d -= half;
            const double v = std::exp(-0.5 * std::pow(2.0 * d / width[size_t(k)], 2.0));
            w[size_t(c)][size_t(k)] = v;
            norm += v * v;
        }
        norm = std::sqrt(norm);
        const double octave = std::exp(-0.5 * std::pow((frq[size_t(k)] / n - p.centreOctave) / p.octaveWidth, 2.0));
        for (int c = 0; c < n; ++c) {
            double v = norm < DBL_MIN ? w[size_t(c)][size_t(k)] : w[size_t(c)][size_t(k)] / norm;
            w[size_t(c)][size_t(k)] = v * octave;
        }
    }
    // Roll so the first row is C (base_c): row c takes original row (c + 3*(n/12)) mod n.
    std::vector<std::vector<float>> out(static_cast<size_t>(n), std::vector<float>(static_cast<size_t>(keep)));
    const int roll = 3 * (n / 12);
    for (int c = 0; c < n; ++c)
        for (int k = 0; k < keep; ++k)
            out[size_t(c)][size_t(k)] = float(w[size_t((c + roll) % n)][size_t(k)]);
    return out;
}

Spectrogram chromaStft(const Spectrogram& power, double tuning, const ChromaParams& p)
{
    const auto bank = chromaFilterbank(tuning, p);
    // Weights bin-major, so each frame's 12 sums advance together over the bins:
    // vectorised across chroma bins, in a fixed order (deterministic), in double.
    const int nc = p.nChroma;
    std::vector<double> weights(size_t(power.bins) * size_t(nc));
    for (int c = 0; c < nc; ++c)
        for (int k = 0; k < power.bins; ++k)
            weights[size_t(k) * size_t(nc) + size_t(c)] = bank[size_t(c)][size_t(k)];
    Spectrogram chroma(nc, power.frames);
    std::vector<double> acc(static_cast<size_t>(nc));
    for (long f = 0; f < power.frames; ++f) {
        const float* s = power.frame(f);
        std::fill(acc.begin(), acc.end(), 0.0);
        for (int k = 0; k < power.bins; ++k) {
            const double v = s[k];
            const double* w = weights.data() + size_t(k) * size_t(nc);
            for (int c = 0; c < nc; ++c)
                acc[size_t(c)] += w[c] * v;
        }
        float* out = chroma.frame(f);
        for (int c = 0; c < nc; ++c)
            out[c] = float(acc[size_t(c)]);
        float peak = 0.0f;
        for (int c = 0; c < p.nChroma; ++c)
            peak = std::max(peak, std::abs(out[c]));
        if (peak >= FLT_MIN)
            for (int c = 0; c < p.nChroma; ++c)
                out[c] /= peak;
    }
    return chroma;
}

} // namespace genrescope
