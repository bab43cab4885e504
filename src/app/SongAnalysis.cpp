#include "SongAnalysis.h"

#include "dsp/MelSpectrogram.h"
#include "dsp/Stft.h"
#include "features/Chroma.h"
#include "features/Mfcc.h"

#include <algorithm>
#include <cmath>

#include <limits>


namespace genrescope::app {

SongAnalysisPtr analyseSong(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                            const TaskControl& control, const workflow::KnownGenres* known)
{
    auto song = std::make_shared<SongAnalysis>();
    const TaskControl analysis{[&](double f) { control.report(0.95 * f); }, control.cancel};
    static_cast<workflow::AnalysedSong&>(*song) = workflow::analyseSongFile(path, std::move(classifier), 2, analysis, known);
    song->peaks = PeakPyramid(song->audio.samples);
    // Digital silence has no level relative to its peak (every cell would read 0 dB): show the floor.
    const auto [low, high] = song->peaks.range(0, song->peaks.sampleCount(), song->audio.samples);
    if (std::max(std::abs(low), std::abs(high)) < SongAnalysis::kSilentPeak)
        std::fill(song->melDb.data.begin(), song->melDb.data.end(), float(song->dbFloor));
    // 8-bit levels hold the spectrogram from now on (an hour: 20 MB and as much for the
    // pyramid, where its magma picture took 79 MB); the views colour them as the user chose.
    song->melLevels = LevelGrid(song->melDb, float(song->dbFloor), float(song->dbCeiling));
    song->mfcc = mfccLevels(song->melDb, &song->mfccScale);
    song->melDb = Spectrogram{};
    song->chroma = chromaLevels(song->audio.samples, TaskControl{[&](double f) { control.report(0.95 + 0.05 * f); }, control.cancel});
    if (song->seconds > SongAnalysis::kSamplesKeptSeconds)
        std::vector<float>().swap(song->audio.samples);
    control.report(1.0);
    return song;
}

LevelGrid chromaLevels(const std::vector<float>& y, const TaskControl& control)
{
    const ChromaParams params;
    const Stft stft(StftParams{params.nFft, 512, true});
    const long n = long(y.size());
    if (n < params.nFft)
        return {};
    const long tuningSamples = std::min(n, long(60 * kAnalysisRate));
    const double tuning = estimateTuning(stft.power(y.data(), tuningSamples, control), params);
    const std::vector<std::vector<float>> bank = chromaFilterbank(tuning, params);
    const int classes = params.nChroma, bins = stft.bins();
    std::vector<float> byBin(size_t(bins) * size_t(classes));  // the bank bin by bin: the classes side by side
    for (int c = 0; c < classes; ++c)
        for (int k = 0; k < bins; ++k)
            byBin[size_t(k) * size_t(classes) + size_t(c)] = bank[size_t(c)][size_t(k)];
    Spectrogram chroma(classes, stft.frameCount(n));
    stft.forEachFrame(y.data(), n, control, [&](long f, const std::complex<double>* X) {
        std::vector<float> power(static_cast<size_t>(bins));
        binMagnitudes(X, bins, nullptr, power.data());
        float* out = chroma.frame(f);
        std::fill(out, out + classes, 0.0f);
        for (int k = 0; k < bins; ++k)
            for (int c = 0; c < classes; ++c)
                out[c] += byBin[size_t(k) * size_t(classes) + size_t(c)] * power[size_t(k)];
        const float peak = *std::max_element(out, out + classes);
        for (int c = 0; c < classes; ++c)  // librosa's normalize(norm=inf): silent frames stay 0
            out[c] = peak > 1e-30f ? out[c] / peak : 0.0f;
    });
    return LevelGrid(chroma, 0.0f, 1.0f);
}

LevelGrid melLevelsWithFft(const std::vector<float>& y, int nFft, const TaskControl& control)
{
    MelSpectrogramParams params;
    params.stft.nFft = nFft;
    const MelSpectrogram melspec(params);
    if (long(y.size()) < nFft)
        return {};
    const Spectrogram db = powerToDb(melspec.compute(y.data(), long(y.size()), control), DbParams{0.0, 1e-10, 80.0});
    return LevelGrid(db, -80.0f, 0.0f);
}

LevelGrid mfccLevels(const Spectrogram& melDb, std::vector<float>* scale)
{
    if (melDb.frames == 0)
        return {};
    Spectrogram c = genrescope::mfcc(melDb);
    std::vector<float> largest(size_t(c.bins), 0.0f);
    for (long f = 0; f < c.frames; ++f)
        for (int k = 0; k < c.bins; ++k)
            largest[size_t(k)] = std::max(largest[size_t(k)], std::abs(c.at(k, f)));
    for (long f = 0; f < c.frames; ++f)
        for (int k = 0; k < c.bins; ++k)
            c.at(k, f) = largest[size_t(k)] > 0 ? c.at(k, f) / largest[size_t(k)] : 0.0f;
    if (scale)
        *scale = largest;
    return LevelGrid(c, -1.0f, 1.0f);
}

size_t SongAnalysis::heldBytes() const
{
    return audio.samples.capacity() * sizeof(float) + melLevels.bytes() + chroma.bytes() + mfcc.bytes() + peaks.bytes();
}

double SongAnalysis::decibelsAt(int band, long frame) const
{
    return melLevels.valueAt(band, frame);
}

SongAnalysisPtr slimmed(const SongAnalysis& song)
{
    auto s = std::make_shared<SongAnalysis>();
    s->audio.source = song.audio.source;
    s->audio.sampleRate = song.audio.sampleRate;
    s->seconds = song.seconds;
    s->hop = song.hop;
    s->dbFloor = song.dbFloor;
    s->dbCeiling = song.dbCeiling;
    s->mfccScale = song.mfccScale;
    s->hasFeatures = song.hasFeatures;
    s->featuresPooled = song.featuresPooled;
    s->features = song.features;
    s->tempo = song.tempo;
    s->beatTimes = song.beatTimes;
    s->hasGenres = song.hasGenres;
    s->genres = song.genres;
    s->genreNote = song.genreNote;
    s->fileSize = song.fileSize;
    s->mtimeNs = song.mtimeNs;
    s->contentHash = song.contentHash;
    s->classifier = song.classifier;
    return s;
}

} // namespace genrescope::app
