#include "workflow/SongSummary.h"

#include "workflow/TimeText.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace genrescope::workflow {
namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("genrescope::workflow::SongSummary", text);
}

QString channelsText(int channels)
{
    return channels == 1 ? tr("mono") : channels == 2 ? tr("stereo") : tr("%1 channels").arg(channels);
}

QString readyDetails(const AnalysedSong& song)
{
    const AudioInfo& src = song.audio.source;
    QString details = tr("%1, %2 · %3 Hz · %4 · %5")
                          .arg(src.container, src.encoding)
                          .arg(src.sampleRate)
                          .arg(channelsText(src.channels), clockText(song.seconds));
    if (!src.note.isEmpty())
        details += tr(" · <i>note: %1</i>").arg(src.note.toHtmlEscaped());
    if (song.tempo > 0)
        details += tr(" · %1 BPM (%2 beats)").arg(song.tempo, 0, 'f', 1).arg(song.beatTimes.size());
    details += src.sampleRate == song.audio.sampleRate && src.channels == 1
        ? tr(" · analysed as is (mono, %1 Hz)").arg(song.audio.sampleRate)
        : tr(" · analysed as mono %1 Hz (downmixed/resampled)").arg(song.audio.sampleRate);
    if (song.hasGenres) {
        const classify::SongPrediction& genres = song.genres;
        const auto top = [&](const std::vector<float>& p) {
            return p.empty() ? QStringLiteral("–") : describeProbabilities(p, genres.classes, 1);
        };
        const QString cut = describeWindows(genres);
        if (genres.unusual)  // the verdict, and no percentage that claims confidence
            details += tr("<br><b>Unusual audio: no genre can be trusted</b> (%1)").arg(cut);
        else
            details += tr("<br><b>Genre: %1</b> (features MLP: %2, image CNN: %3; %4)")
                           .arg(top(genres.ensemble), top(genres.mlp), top(genres.cnn), cut);
    } else if (!song.genreNote.isEmpty()) {
        details += tr("<br>No genre: %1").arg(song.genreNote.toHtmlEscaped());
    }
    return details;
}
} // namespace

QString describeWindows(const classify::SongPrediction& p)
{
    const auto& w = p.windows;
    if (w.empty())
        return QStringLiteral("no windows");
    if (w.size() == 1)
        return QStringLiteral("one window of the whole %1 s").arg(w.front().end - w.front().start, 0, 'f', 1);
    QString text = QStringLiteral("%1 windows of 30 s, 15 s apart").arg(w.size());
    if (w.back().weight < 1.0)
        text += QStringLiteral(", the last aligned to the song's end (weight %1)").arg(w.back().weight, 0, 'f', 2);
    return text;
}

QString describeProbabilities(const std::vector<float>& p, const QStringList& classes, int count)
{
    std::vector<int> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int a, int b) { return p[size_t(a)] > p[size_t(b)]; });
    QStringList parts;
    for (int i = 0; i < std::min<int>(count, int(order.size())); ++i)
        parts << QStringLiteral("%1 %2 %").arg(classes[order[size_t(i)]]).arg(std::lround(100.0 * p[size_t(order[size_t(i)])]));
    return parts.join(QStringLiteral(", "));
}

SongSummary summariseSong(SongStage stage, const QString& path, const AnalysedSong* song)
{
    if (stage == SongStage::NoSong)
        return {tr("No song loaded"), tr("Drag songs or folders into the window, or use File ▸ Open.")};
    SongSummary summary;
    summary.title = QStringLiteral("<b>%1</b>").arg(QFileInfo(path).fileName().toHtmlEscaped());
    switch (stage) {
    case SongStage::Analysing:
        summary.details = tr("Decoding and computing the mel spectrogram…");
        break;
    case SongStage::Failed:
        summary.details = tr("This file could not be loaded.");
        break;
    case SongStage::Ready:
        Q_ASSERT(song);
        summary.details = song ? readyDetails(*song) : QString();
        break;
    case SongStage::NoSong:
        break;
    }
    return summary;
}

} // namespace genrescope::workflow
