#include "SongAnalysis.h"

#include "dsp/Colormap.h"

#include <cstring>

namespace genrescope::app {

SongAnalysisPtr analyseSong(const QString& path, std::shared_ptr<const classify::GenreClassifier> classifier,
                            const TaskControl& control, const workflow::KnownGenres* known)
{
    auto song = std::make_shared<SongAnalysis>();
    const TaskControl analysis{[&](double f) { control.report(0.95 * f); }, control.cancel};
    static_cast<workflow::AnalysedSong&>(*song) = workflow::analyseSongFile(path, std::move(classifier), 2, analysis, known);
    song->peaks = PeakPyramid(song->audio.samples);
    const ArgbImage argb = renderMagma(song->melDb, float(song->dbFloor), float(song->dbCeiling));
    QImage image(argb.width, argb.height, QImage::Format_RGB32);
    for (int y = 0; y < argb.height; ++y)
        std::memcpy(image.scanLine(y), argb.pixels.data() + size_t(y) * size_t(argb.width),
                    size_t(argb.width) * sizeof(std::uint32_t));
    song->melImage = std::move(image);
    control.report(1.0);
    return song;
}

size_t SongAnalysis::heldBytes() const
{
    return audio.samples.capacity() * sizeof(float) + melDb.data.capacity() * sizeof(float) +
           size_t(melImage.sizeInBytes()) + peaks.bytes();
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
