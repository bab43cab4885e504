#include "workflow/SongAnalyzer.h"

#include "common/Error.h"
#include "common/Parallel.h"
#include "dsp/MelSpectrogram.h"
#include "features/FeatureExtractor.h"
#include "features/Onset.h"
#include "features/Tempo.h"
#include "workflow/LibraryStore.h"
#include "workflow/SongRegion.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>

namespace genrescope::workflow {

namespace {

/// The whole-song features: a song that is one window has them already (same samples, same
/// STFT); songs up to kExactFeatureSeconds get librosa's exact values; longer ones are pooled.
void addSongFeatures(AnalysedSong& song, const TaskControl& control)
{
    const std::vector<float>& y = song.audio.samples;
    const auto& windows = song.genres.windows;
    const bool windowFeatures =
        song.hasGenres && !windows.empty() &&
        std::all_of(windows.begin(), windows.end(), [](const auto& w) { return w.features.size() == size_t(kFeatureCount); });
    auto valuesOf = [](const std::vector<double>& v) {
        FeatureValues out{};
        std::copy(v.begin(), v.end(), out.begin());
        return out;
    };
    if (windowFeatures && windows.size() == 1 && windows[0].start == 0.0 &&
        std::lround(windows[0].end * kAnalysisRate) == long(y.size())) {
        song.features = valuesOf(windows[0].features);
    } else if (windowFeatures && double(y.size()) > kExactFeatureSeconds * kAnalysisRate) {
        std::vector<FeatureValues> perWindow;
        std::vector<double> weights;
        for (const classify::WindowPrediction& w : windows) {
            perWindow.push_back(valuesOf(w.features));
            weights.push_back(w.weight);
        }
        song.features = poolFeatures(perWindow, weights);
        song.featuresPooled = true;
    } else {  // exact, or without a features model pooled from the song windows' features
        const RegionFeatures whole = signalFeatures(y.data(), long(y.size()), control);
        song.features = whole.values;
        song.featuresPooled = whole.pooled;
    }
    song.hasFeatures = true;
}

/// Songs longer than kLongSongSeconds are analysed one at a time: each holds about half a
/// gigabyte at its peak (an hour of samples and its spectrograms). Waiting can be cancelled.
class LongSongTurn {
public:
    static constexpr double kLongSongSeconds = 20 * 60.0;

    LongSongTurn(const QString& path, const TaskControl& control)
    {
        double seconds = 0;
        try {
            seconds = AudioDecoder(path).info().durationSeconds();  // the header's length, or its estimate
        } catch (const Error&) {
            return;  // the analysis reports it
        }
        if (seconds <= kLongSongSeconds)
            return;
        while (!mutex().try_lock_for(std::chrono::milliseconds(100)))
            control.throwIfCancelled();
        held_ = true;
    }
    ~LongSongTurn()
    {
        if (held_)
            mutex().unlock();
    }
    LongSongTurn(const LongSongTurn&) = delete;
    LongSongTurn& operator=(const LongSongTurn&) = delete;

private:
    static std::timed_mutex& mutex()
    {
        static std::timed_mutex m;
        return m;
    }
    bool held_ = false;
};

} // namespace

AnalysedSong analyseSongFile(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                             int threads, const TaskControl& control, const KnownGenres* known)
{
    AnalysedSong song;
    if (const auto stamp = stampOf(path)) {  // before decoding: a file changed meanwhile is analysed again
        song.fileSize = stamp->size;
        song.mtimeNs = stamp->mtimeNs;
    }
    song.contentHash = quickContentHash(path);
    const LongSongTurn turn(path, control);
    const TaskControl windowStage{[&](double f) { control.report(0.8 * f); }, control.cancel};
    Spectrogram wholeSongMel;  // the mel power of a song that is one window, from that window's STFT
    const bool reuse = known && classifier && known->classifier == classifier && !known->genres.windows.empty() &&
                       known->fileSize == song.fileSize && known->mtimeNs == song.mtimeNs &&
                       known->contentHash == song.contentHash;
    if (reuse) {
        song.audio = decodeAudio(path, windowStage);
        song.genres = known->genres;
        song.genres.source = song.audio.source;
        song.genres.decodingNote = song.audio.source.note;
        song.classifier = classifier;
        song.hasGenres = true;
        song.genresReused = true;
    } else if (classifier) {
        classify::GenreClassifier::FileOptions fileOptions;
        fileOptions.threads = threads;
        fileOptions.keep = &song.audio;
        fileOptions.windowFeatures = true;
        fileOptions.wholeSongMel = &wholeSongMel;
        try {
            song.genres = classifier->classifyFile(path, fileOptions, windowStage);
            song.classifier = classifier;
            song.hasGenres = true;
            song.audio.source = song.genres.source;
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            // Decoded but too short to classify, or a window failed: the song is shown without genres.
            // A file that does not decode fails here as it did there.
            if (song.audio.sampleRate == 0)
                song.audio = decodeAudio(path, windowStage);
            song.genreNote = e.message();
        }
    } else {
        song.audio = decodeAudio(path, windowStage);
    }
    song.seconds = song.audio.durationSeconds();

    control.throwIfCancelled();
    const MelSpectrogram melspec;
    const long n = long(song.audio.samples.size());
    if (n < melspec.params().stft.nFft)
        throw Error(ErrorCode::NoAudioFrames,
                    QStringLiteral("%1: holds only %2 samples; at least %3 (0.1 s) are needed to show or classify it.")
                        .arg(shownPath(path)).arg(n).arg(melspec.params().stft.nFft));
    song.hop = melspec.params().stft.hop;
    const TaskControl melStage{[&](double f) { control.report(0.8 + 0.1 * f); }, control.cancel};
    Spectrogram mel = wholeSongMel.data.empty() ? melspec.compute(song.audio.samples.data(), n, melStage)
                                                : std::move(wholeSongMel);
    // Tempo and beat grid from the onset envelope (power_to_db with ref 1, as librosa); one dB
    // spectrogram at a time, so an hour-long song holds two of them at most.
    const std::vector<float> onsets = onsetStrengthMedian(powerToDb(mel));
    song.melDb = powerToDb(mel, DbParams{0.0, 1e-10, 80.0});
    mel = Spectrogram{};
    song.tempo = estimateTempo(onsets);
    for (long frame : trackBeats(onsets, song.tempo))
        song.beatTimes.push_back(double(frame) * song.hop / kAnalysisRate);
    control.throwIfCancelled();
    addSongFeatures(song, control);
    control.report(1.0);
    return song;
}

} // namespace genrescope::workflow
