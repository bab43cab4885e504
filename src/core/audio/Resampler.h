#pragma once
// Streaming sample-rate conversion of a mono signal: whole-number ratios
// (44.1 or 88.2 kHz to 22.05 kHz) by the Decimator's FIR filter, any other
// ratio by libsamplerate's medium-quality sinc converter.

#include <memory>
#include <vector>

namespace genrescope {

class Resampler {
public:
    Resampler(int inputRate, int outputRate);
    ~Resampler();
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    /// Feeds a block of input; appends the converted samples to out.
    void process(const float* input, long count, std::vector<float>& out);
    /// Flushes the converter's tail; call once after the last block.
    void finish(std::vector<float>& out);

    double ratio() const { return ratio_; }

private:
    void run(const float* input, long count, bool last, std::vector<float>& out);

    struct State;
    std::unique_ptr<State> state_;
    double ratio_;
};

/// The length librosa and we agree on for a resampled signal: ceil(n * out / in).
long resampledLength(long inputFrames, int inputRate, int outputRate);

} // namespace genrescope
