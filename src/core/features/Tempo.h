#pragma once
// librosa.beat.tempo and beat_track (0.8.1 defaults) on an onset envelope:
// an autocorrelation tempogram over 8 s windows (344 frames at 22050/512),
// averaged over time and weighted by a log-normal prior around 120 BPM
// (sigma one octave), tempi above 320 BPM excluded; then Ellis's dynamic
// programming beat tracker at that tempo.

#include <vector>

namespace genrescope {

struct TempoParams {
    double sampleRate = 22050.0;
    int hop = 512;
    double startBpm = 120.0;
    double stdBpm = 1.0;       // octaves
    double acSizeSeconds = 8.0;
    double maxTempo = 320.0;
    double tightness = 100.0;  // beat tracker
    bool trim = true;          // drop weak leading/trailing beats
};

/// Tempogram window length in frames: floor(floor(acSize * sr) / hop).
int tempogramWindow(const TempoParams& params = {});

/// Time-averaged autocorrelation tempogram (window rows; row 0 is lag 0).
std::vector<double> meanTempogram(const std::vector<float>& onsetEnvelope, const TempoParams& params = {});

/// The tempo in BPM, 0 when the envelope is all zero.
double estimateTempo(const std::vector<float>& onsetEnvelope, const TempoParams& params = {});

/// Beat frames (beat_track), empty when the envelope is all zero.
std::vector<long> trackBeats(const std::vector<float>& onsetEnvelope, double bpm, const TempoParams& params = {});

} // namespace genrescope
