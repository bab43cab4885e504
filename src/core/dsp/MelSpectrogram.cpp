#include "dsp/MelSpectrogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace genrescope {

MelSpectrogram::MelSpectrogram(MelSpectrogramParams params)
    : params_(params),
      stft_(params.stft),
      bank_(MelParams{params.sampleRate, params.stft.nFft, params.nMels, 0.0, -1.0})
{
}

Spectrogram MelSpectrogram::compute(const float* y, long n, const TaskControl& control) const
{
    const int nb = stft_.bins();
    Spectrogram mel(bank_.bands(), stft_.frameCount(n));
    std::vector<float> power(size_t(nb), 0.0f);
    // Frame by frame, so a long file never holds its full linear spectrogram.
    stft_.forEachFrame(y, n, control, [&](long f, const std::complex<double>* X) {
        binMagnitudes(X, nb, nullptr, power.data());
        bank_.apply(power.data(), mel.frame(f));
    });
    return mel;
}

Spectrogram powerToDb(const Spectrogram& power, const DbParams& params)
{
    Spectrogram db(power.bins, power.frames);
    const float amin = float(params.amin);
    double ref = params.ref;
    if (ref <= 0) {
        ref = 0.0;
        for (float v : power.data)
            ref = std::max(ref, double(v));
    }
    const float refDb = 10.0f * std::log10(std::max(amin, float(ref)));
    float peak = -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < power.data.size(); ++i) {
        db.data[i] = 10.0f * std::log10(std::max(amin, power.data[i])) - refDb;
        peak = std::max(peak, db.data[i]);
    }
    if (params.topDb >= 0) {
        const float floor = peak - float(params.topDb);
        for (float& v : db.data)
            v = std::max(v, floor);
    }
    return db;
}

} // namespace genrescope
