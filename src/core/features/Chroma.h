#pragma once
// librosa.feature.chroma_stft(y, sr) with its defaults: tuning estimated from
// the power spectrogram (piptrack + pitch_tuning, 0.01-bin resolution), a
// 12-bin chroma filterbank shifted by that tuning (centre octave 5, width 2,
// L2-normalised, starting at C), and each frame divided by its maximum.

#include "dsp/Spectrogram.h"

#include <vector>

namespace genrescope {

struct ChromaParams {
    double sampleRate = 22050.0;
    int nFft = 2048;
    int nChroma = 12;
    double tuningResolution = 0.01;  // fractions of a chroma bin
    double pitchFmin = 150.0;        // piptrack search range, Hz
    double pitchFmax = 4000.0;
    float peakThreshold = 0.1f;      // piptrack: fraction of the frame's maximum
    double centreOctave = 5.0;
    double octaveWidth = 2.0;
};

/// librosa.estimate_tuning(S=power): deviation from A440 in fractions of a chroma bin, in [-0.5, 0.5).
double estimateTuning(const Spectrogram& power, const ChromaParams& params = {});

/// librosa.filters.chroma: nChroma x (nFft/2+1) weights, float32.
std::vector<std::vector<float>> chromaFilterbank(double tuning, const ChromaParams& params = {});

/// Chromagram: nChroma x frames, each frame scaled so its maximum is 1.
Spectrogram chromaStft(const Spectrogram& power, double tuning, const ChromaParams& params = {});

} // namespace genrescope
