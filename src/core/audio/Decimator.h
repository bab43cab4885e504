#pragma once
// Exact integer-factor downsampling (44.1 -> 22.05 kHz is M = 2), about ten times
// faster than a general sinc resampler: a linear-phase FIR low-pass (Kaiser window,
// about 100 dB stopband from the output Nyquist frequency, flat passband to 92 % of
// it) evaluated only at the kept samples. Output sample n is aligned with input
// sample M*n (the filter's delay is compensated), and n input samples give
// ceil(n / M) outputs, the length librosa's resample gives.

#include <vector>

namespace genrescope {

class Decimator {
public:
    explicit Decimator(int factor);

    int factor() const { return factor_; }
    const std::vector<float>& taps() const { return taps_; }

    /// Feeds a block of input; appends the outputs it completes.
    void process(const float* input, long count, std::vector<float>& out);
    /// Flushes the remaining outputs; call once after the last block.
    void finish(std::vector<float>& out);

private:
    void produce(std::vector<float>& out, long upToOutput);

    int factor_;
    int delay_;                    // (taps - 1) / 2, in input samples
    std::vector<float> taps_;      // symmetric; zero-padded to a multiple of 32
    std::vector<float> pending_;   // input from absolute index pendingStart_ on
    long pendingStart_;
    long inputSeen_ = 0;
    long nextOutput_ = 0;
};

} // namespace genrescope
