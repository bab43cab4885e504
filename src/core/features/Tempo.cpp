#include "features/Tempo.h"

#include "dsp/FftPlan.h"
#include "dsp/Stft.h"
#include "features/Statistics.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

namespace genrescope {

int tempogramWindow(const TempoParams& p)
{
    const long samples = long(p.acSizeSeconds * p.sampleRate);
    return int(samples / p.hop);
}

std::vector<double> meanTempogram(const std::vector<float>& env, const TempoParams& p)
{
    const int win = tempogramWindow(p);
    const long n = long(env.size());
    const int half = win / 2;
    // np.pad(mode="linear_ramp", end_values=0): ramps from 0 up to the edge values.
    std::vector<float> padded(size_t(n + 2 * half), 0.0f);
    if (n > 0) {
        const double left = env.front(), right = env.back();
        for (int i = 0; i < half; ++i) {
            padded[size_t(i)] = float(left * i / half);
            padded[size_t(n + 2 * half - 1 - i)] = float(right * i / half);
        }
        std::copy(env.begin(), env.end(), padded.begin() + half);
    }
    const std::vector<double> window = periodicHann(win);
    // Linear autocorrelation needs at least 2*win-1 points; a 2^a 3^b size is faster and exact alike.
    int nPad = 2 * win - 1;
    for (int candidate = nPad;; ++candidate) {
        int m = candidate;
        while (m % 2 == 0) m /= 2;
        while (m % 3 == 0) m /= 3;
        if (m == 1) { nPad = candidate; break; }
    }
    RealFft fft(nPad);
    InverseRealFft ifft(nPad);
    std::vector<double> sum(size_t(win), 0.0);
    for (long t = 0; t < n; ++t) {
        double* in = fft.input();
        for (int i = 0; i < win; ++i)
            in[i] = double(padded[size_t(t + i)]) * window[size_t(i)];
        std::fill(in + win, in + nPad, 0.0);
        fft.execute();
        const std::complex<double>* spec = fft.output();
        std::complex<double>* pin = ifft.input();
        for (int k = 0; k < nPad / 2 + 1; ++k)
            pin[k] = std::norm(spec[k]);
        ifft.execute();
        const double* ac = ifft.output();
        // util.normalize(norm=inf) per frame: divide by the largest |value|.
        double peak = 0.0;
        for (int i = 0; i < win; ++i)
            peak = std::max(peak, std::abs(ac[i] / nPad));
        const double scale = peak < DBL_MIN ? 1.0 : 1.0 / peak;
        for (int i = 0; i < win; ++i)
            sum[size_t(i)] += ac[i] / nPad * scale;
    }
    for (double& v : sum)
        v = n > 0 ? v / double(n) : 0.0;
    return sum;
}

double estimateTempo(const std::vector<float>& env, const TempoParams& p)
{
    if (std::none_of(env.begin(), env.end(), [](float v) { return v != 0.0f; }))
        return 0.0;
    const std::vector<double> tg = meanTempogram(env, p);
    const int win = int(tg.size());
    // tempo_frequencies: bin 0 is infinite; bin i is 60 sr / (hop i).
    std::vector<double> bpms(size_t(win), std::numeric_limits<double>::infinity());
    for (int i = 1; i < win; ++i)
        bpms[size_t(i)] = 60.0 * p.sampleRate / (p.hop * double(i));
    int firstAllowed = 0;
    while (firstAllowed < win && !(bpms[size_t(firstAllowed)] < p.maxTempo))
        ++firstAllowed;
    if (firstAllowed == win)
        firstAllowed = 0;  // np.argmax of all-False is 0
    int best = 0;
    double bestScore = -std::numeric_limits<double>::infinity();
    for (int i = 0; i < win; ++i) {
        double prior = -0.5 * std::pow((std::log2(bpms[size_t(i)]) - std::log2(p.startBpm)) / p.stdBpm, 2.0);
        if (i < firstAllowed)
            prior = -std::numeric_limits<double>::infinity();
        const double score = std::log1p(1e6 * tg[size_t(i)]) + prior;
        if (score > bestScore) {
            bestScore = score;
            best = i;
        }
    }
    return bpms[size_t(best)];
}

namespace {

/// scipy.signal.convolve(x, kernel, "same") for an odd-length kernel.
std::vector<double> convolveSame(const std::vector<double>& x, const std::vector<double>& kernel)
{
    const long n = long(x.size()), m = long(kernel.size()), offset = (m - 1) / 2;
    std::vector<double> out(static_cast<size_t>(n), 0.0);
    for (long i = 0; i < n; ++i) {
        double acc = 0.0;
        const long full = i + offset;  // index into the full convolution
        for (long j = std::max(0L, full - n + 1); j < m && j <= full; ++j)
            acc += kernel[size_t(j)] * x[size_t(full - j)];
        out[size_t(i)] = acc;
    }
    return out;
}

} // namespace

std::vector<long> trackBeats(const std::vector<float>& env, double bpm, const TempoParams& p)
{
    const long n = long(env.size());
    if (n == 0 || bpm <= 0 || std::none_of(env.begin(), env.end(), [](float v) { return v != 0.0f; }))
        return {};
    const double fftRes = p.sampleRate / p.hop;
    const long period = long(std::nearbyint(60.0 * fftRes / bpm));  // Python round: half to even

    // Local score: onsets / std (ddof 1, float32), smoothed by a Gaussian of +-period.
    MeanVar mv = meanVar(env);
    const float sd = float(std::sqrt(mv.var * double(n) / double(std::max(1L, n - 1))));
    std::vector<double> onsets(static_cast<size_t>(n));
    for (long i = 0; i < n; ++i)
        onsets[size_t(i)] = sd > 0 ? double(env[size_t(i)] / sd) : double(env[size_t(i)]);
    std::vector<double> gauss(size_t(2 * period + 1));
    for (long i = -period; i <= period; ++i)
        gauss[size_t(i + period)] = std::exp(-0.5 * std::pow(double(i) * 32.0 / double(period), 2.0));
    const std::vector<double> local = convolveSame(onsets, gauss);

    // Dynamic programming over predecessors 2*period .. period/2 frames back.
    const long first = -2 * period, last = -long(std::nearbyint(double(period) / 2.0));
    const long span = last - first + 1;
    std::vector<double> txwt(static_cast<size_t>(span));
    for (long j = 0; j < span; ++j)
        txwt[size_t(j)] = -p.tightness * std::pow(std::log(-double(first + j) / double(period)), 2.0);
    std::vector<double> cumscore(static_cast<size_t>(n), 0.0);
    std::vector<long> backlink(static_cast<size_t>(n), 0);
    const double localMax = *std::max_element(local.begin(), local.end());
    bool firstBeat = true;
    for (long i = 0; i < n; ++i) {
        const long windowStart = first + i;
        const long zPad = std::max(0L, std::min(-windowStart, span));
        long bestJ = 0;
        double bestScore = -std::numeric_limits<double>::infinity();
        for (long j = 0; j < span; ++j) {
            double c = txwt[size_t(j)];
            if (j >= zPad)
                c += cumscore[size_t(windowStart + j)];
            if (c > bestScore) {
                bestScore = c;
                bestJ = j;
            }
        }
        cumscore[size_t(i)] = local[size_t(i)] + bestScore;
        if (firstBeat && local[size_t(i)] < 0.01 * localMax) {
            backlink[size_t(i)] = -1;
        } else {
            backlink[size_t(i)] = windowStart + bestJ;
            firstBeat = false;
        }
    }

    // Last beat: the last local maximum of cumscore above half their median.
    std::vector<float> peaks;
    std::vector<char> isMax(static_cast<size_t>(n), 0);
    for (long i = 0; i < n; ++i) {
        const double prev = cumscore[size_t(std::max(0L, i - 1))];
        const double next = cumscore[size_t(std::min(n - 1, i + 1))];
        isMax[size_t(i)] = cumscore[size_t(i)] > prev && cumscore[size_t(i)] >= next;
    }
    std::vector<double> maxima;
    for (long i = 0; i < n; ++i)
        if (isMax[size_t(i)])
            maxima.push_back(cumscore[size_t(i)]);
    double median = 0.0;
    if (!maxima.empty()) {
        std::sort(maxima.begin(), maxima.end());
        const size_t m = maxima.size();
        median = m % 2 ? maxima[m / 2] : (maxima[m / 2 - 1] + maxima[m / 2]) / 2.0;
    }
    long lastBeat = -1;
    for (long i = 0; i < n; ++i)
        if (cumscore[size_t(i)] * (isMax[size_t(i)] ? 1.0 : 0.0) * 2.0 > median)
            lastBeat = i;
    if (lastBeat < 0)
        return {};
    std::vector<long> beats{lastBeat};
    while (backlink[size_t(beats.back())] >= 0)
        beats.push_back(backlink[size_t(beats.back())]);
    std::reverse(beats.begin(), beats.end());

    // Trim weak beats at both ends: smooth the local score at the beats with hann(5).
    const std::vector<double> hann5{0.0, 0.5, 1.0, 0.5, 0.0};
    std::vector<double> atBeats(beats.size());
    for (size_t i = 0; i < beats.size(); ++i)
        atBeats[i] = local[size_t(beats[i])];
    const std::vector<double> smooth = convolveSame(atBeats, hann5);
    double threshold = 0.0;
    if (p.trim) {
        double sq = 0.0;
        for (double v : smooth)
            sq += v * v;
        threshold = 0.5 * std::sqrt(sq / double(smooth.size()));
    }
    long lo = -1, hi = -1;
    for (size_t i = 0; i < smooth.size(); ++i) {
        if (smooth[i] > threshold) {
            if (lo < 0)
                lo = long(i);
            hi = long(i);
        }
    }
    if (lo < 0)
        return {};
    return std::vector<long>(beats.begin() + lo, beats.begin() + hi);  // librosa drops the last valid one
}

} // namespace genrescope
