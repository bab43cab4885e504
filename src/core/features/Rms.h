#pragma once
// librosa.feature.rms(y): frames of 2048 with hop 512, centred with numpy
// "reflect" padding, no window; sqrt(mean(x^2)) per frame.

#include <vector>

namespace genrescope {

struct RmsParams {
    int frameLength = 2048;
    int hop = 512;
};

std::vector<float> rms(const float* y, long n, const RmsParams& params = {});

} // namespace genrescope
