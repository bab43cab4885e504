#pragma once
// librosa.feature.zero_crossing_rate(y): frames of 2048 with hop 512, centred
// with *edge* padding. Samples with |x| <= 1e-10 count as 0, and 0 counts as
// positive; the rate is the number of sign changes inside the frame / 2048.

#include <vector>

namespace genrescope {

struct ZeroCrossingParams {
    int frameLength = 2048;
    int hop = 512;
    float threshold = 1e-10f;
};

std::vector<float> zeroCrossingRate(const float* y, long n, const ZeroCrossingParams& params = {});

} // namespace genrescope
