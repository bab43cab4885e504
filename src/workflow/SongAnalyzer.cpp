#include "workflow/SongAnalyzer.h"

#include "common/Error.h"
#include "dsp/MelSpectrogram.h"
#include "features/FeatureExtractor.h"
#include "features/Onset.h"
#include "features/Tempo.h"
#include "workflow/LibraryStore.h"

namespace genrescope::workflow {

namespace {

/// The whole-song features: a song that is one window has them already (same samples, same
/// STFT); songs up to kExactFeatureSeconds get librosa's exact values; longer ones are pooled.
void addSongFeatures(AnalysedSong& song, const TaskControl& control)
{
    const std::vector<float>& y = song.audio.samples;
    const auto& windows = song.genres.windows;
    if (song.hasGenres && windows.size() == 1 && windows[0].start == 0.0 && windows[0].features.size() == kFeatureCount &&
        std::lround(windows[0].end * kAnalysisRate) == long(y.size())) {
        std::copy(windows[0].features.begin(), windows[0].features.end(), song.features.begin());
    } else if (double(y.size()) <= kExactFeatureSeconds * kAnalysisRate) {
        song.features = extractFeatures(y.data(), long(y.size()), control);
    } else {
        std::vector<FeatureValues> perWindow;
        if (song.hasGenres && !windows.empty() && windows[0].features.size() == kFeatureCount) {
            for (const classify::WindowPrediction& w : windows) {
                FeatureValues v{};
                std::copy(w.features.begin(), w.features.end(), v.begin());
                perWindow.push_back(v);
            }
        } else {
            for (const FeatureWindow& w : songWindows(long(y.size())))
                perWindow.push_back(extractFeatures(y.data() + w.start, w.length, control));
        }
        song.features = poolFeatures(perWindow);
        song.featuresPooled = true;
    }
    song.hasFeatures = true;
}

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
    const TaskControl windowStage{[&](double f) { control.report(0.8 * f); }, control.cancel};
    Spectrogram wholeSongMel;  // the mel power of a song that is one window, from that window's STFT
    const bool reuse = known && classifier && known->classifier == classifier && !known->genres.windows.empty() &&
                       known->fileSize == song.fileSize && known->mtimeNs == song.mtimeNs;
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
            if (song.audio.sampleRate == 0)
                throw;  // not decoded: the file itself failed
            song.genreNote = e.message();  // decoded, but too short to classify
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
    const Spectrogram mel = wholeSongMel.data.empty() ? melspec.compute(song.audio.samples.data(), n, melStage)
                                                      : std::move(wholeSongMel);
    song.melDb = powerToDb(mel, DbParams{0.0, 1e-10, 80.0});
    // Tempo and beat grid from the onset envelope (power_to_db with ref 1, as librosa).
    const std::vector<float> onsets = onsetStrengthMedian(powerToDb(mel));
    song.tempo = estimateTempo(onsets);
    for (long frame : trackBeats(onsets, song.tempo))
        song.beatTimes.push_back(double(frame) * song.hop / kAnalysisRate);
    control.throwIfCancelled();
    addSongFeatures(song, control);
    control.report(1.0);
    return song;
}

std::shared_ptr<const classify::GenreClassifier> defaultClassifier()
{
    static const std::shared_ptr<const classify::GenreClassifier> classifier = [] {
        try {
            return classify::makeClassifier();
        } catch (const Error&) {
            return std::shared_ptr<const classify::GenreClassifier>{};
        }
    }();
    return classifier;
}

} // namespace genrescope::workflow
