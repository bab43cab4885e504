#include "SongAnalysis.h"

#include "dsp/Colormap.h"

#include <limits>


namespace genrescope::app {

SongAnalysisPtr analyseSong(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                            const TaskControl& control, const workflow::KnownGenres* known)
{
    auto song = std::make_shared<SongAnalysis>();
    const TaskControl analysis{[&](double f) { control.report(0.95 * f); }, control.cancel};
    static_cast<workflow::AnalysedSong&>(*song) = workflow::analyseSongFile(path, std::move(classifier), 2, analysis, known);
    song->peaks = PeakPyramid(song->audio.samples);
    // The picture holds the spectrogram from now on (the readout reads its colours): an
    // hour-long song keeps one 79 MB copy, not two.
    QImage image(int(song->melDb.frames), song->melDb.bins, QImage::Format_RGB32);
    renderMagmaInto(song->melDb, float(song->dbFloor), float(song->dbCeiling),
                    reinterpret_cast<std::uint32_t*>(image.bits()), long(image.bytesPerLine() / 4));
    song->melImage = std::move(image);
    song->melDb = Spectrogram{};
    if (song->seconds > SongAnalysis::kSamplesKeptSeconds)
        std::vector<float>().swap(song->audio.samples);
    control.report(1.0);
    return song;
}

size_t SongAnalysis::heldBytes() const
{
    return audio.samples.capacity() * sizeof(float) + size_t(melImage.sizeInBytes()) + peaks.bytes();
}

double SongAnalysis::decibelsAt(int band, long frame) const
{
    if (melImage.isNull() || band < 0 || band >= melImage.height() || frame < 0 || frame >= melImage.width())
        return std::numeric_limits<double>::quiet_NaN();
    const int k = magmaIndexOf(melImage.pixel(int(frame), melImage.height() - 1 - band));
    return k < 0 ? std::numeric_limits<double>::quiet_NaN() : dbFloor + (k + 0.5) / 256.0 * (dbCeiling - dbFloor);
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
