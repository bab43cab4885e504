#include "SongAnalysis.h"

#include "dsp/Colormap.h"
#include "dsp/MelSpectrogram.h"
#include "common/Error.h"
#include "features/FeatureExtractor.h"
#include "features/Onset.h"
#include "features/Tempo.h"
#include "workflow/LibraryStore.h"

#include <QFileInfo>

#include <mutex>
#include <cstring>

namespace genrescope::app {

SongAnalysisPtr analyseSong(const QString& path, const TaskControl& control)
{
    auto song = std::make_shared<SongAnalysis>();
    if (const auto stamp = workflow::stampOf(path)) {  // before decoding: a file changed meanwhile is analysed again
        song->fileSize = stamp->size;
        song->mtimeNs = stamp->mtimeNs;
    }
    song->contentHash = workflow::quickContentHash(path);
    TaskControl decodeStage{[&](double f) { control.report(0.4 * f); }, control.cancel};
    song->audio = decodeAudio(path, decodeStage);
    control.throwIfCancelled();
    song->seconds = song->audio.durationSeconds();
    const MelSpectrogram melspec;
    if (long(song->audio.samples.size()) < melspec.params().stft.nFft)
        throw Error(ErrorCode::NoAudioFrames,
                    QStringLiteral("%1: holds only %2 samples; at least %3 (0.1 s) are needed to show or classify it.")
                        .arg(shownPath(path)).arg(song->audio.samples.size()).arg(melspec.params().stft.nFft));

    song->peaks = PeakPyramid(song->audio.samples);
    TaskControl melStage{[&](double f) { control.report(0.4 + 0.2 * f); }, control.cancel};
    song->hop = melspec.params().stft.hop;
    const Spectrogram mel = melspec.compute(song->audio.samples.data(), long(song->audio.samples.size()), melStage);
    song->melDb = powerToDb(mel, DbParams{0.0, 1e-10, 80.0});

    // Tempo and beat grid from the onset envelope (power_to_db with ref 1, as librosa).
    const std::vector<float> onsets = onsetStrengthMedian(powerToDb(mel));
    song->tempo = estimateTempo(onsets);
    for (long frame : trackBeats(onsets, song->tempo))
        song->beatTimes.push_back(double(frame) * song->hop / song->audio.sampleRate);
    control.throwIfCancelled();

    const ArgbImage argb = renderMagma(song->melDb, float(song->dbFloor), float(song->dbCeiling));
    QImage image(argb.width, argb.height, QImage::Format_RGB32);
    for (int y = 0; y < argb.height; ++y)
        std::memcpy(image.scanLine(y), argb.pixels.data() + size_t(y) * size_t(argb.width),
                    size_t(argb.width) * sizeof(std::uint32_t));
    song->melImage = std::move(image);
    control.report(0.6);

    if (song->audio.durationSeconds() <= SongAnalysis::kMaxFeatureSeconds) {
        song->features = extractFeatures(song->audio.samples.data(), long(song->audio.samples.size()), control);
        song->hasFeatures = true;
    }
    if (const auto classifier = currentClassifier()) {
        try {
            song->genres = classifier->classify(song->audio.samples, control, 2);
            song->genres.source = song->audio.source;
            song->genres.decodingNote = song->audio.source.note;
            song->classifier = classifier;
            song->hasGenres = true;
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            song->genreNote = e.message();
        }
    }
    control.report(1.0);
    return song;
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
    s->hasFeatures = song.hasFeatures;
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

namespace {
struct ClassifierSlot {
    std::mutex mutex;
    bool initialised = false;
    std::shared_ptr<const classify::GenreClassifier> classifier;
};
ClassifierSlot& slot()
{
    static ClassifierSlot s;
    return s;
}
} // namespace

std::shared_ptr<const classify::GenreClassifier> currentClassifier()
{
    ClassifierSlot& s = slot();
    std::lock_guard lock(s.mutex);
    if (!s.initialised) {
        s.initialised = true;
        try {
            s.classifier = classify::makeClassifier();
        } catch (const Error&) {
            s.classifier = nullptr;
        }
    }
    return s.classifier;
}

void setCurrentClassifier(std::shared_ptr<const classify::GenreClassifier> classifier)
{
    ClassifierSlot& s = slot();
    std::lock_guard lock(s.mutex);
    s.initialised = true;
    s.classifier = std::move(classifier);
}

} // namespace genrescope::app
