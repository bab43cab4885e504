#include "TrainingClasses.h"

#include "audio/AudioDecoder.h"
#include "audio/AudioFormats.h"
#include "common/Error.h"

#include <QDir>
#include <QFileInfo>
#include <QMap>

#include <cmath>
#include <limits>

namespace genrescope::workflow {

int TrainingClasses::songCount() const
{
    return int(classOfSong_.size());
}

int TrainingClasses::addClass(const QString& name)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("A class needs a name."));
    for (int i = 0; i < classes_.size(); ++i)
        if (classes_[i].name == trimmed)
            return i;
    classes_.append({trimmed, {}});
    return int(classes_.size() - 1);
}

bool TrainingClasses::renameClass(int index, const QString& name)
{
    const QString trimmed = name.trimmed();
    if (index < 0 || index >= classes_.size() || trimmed.isEmpty())
        return false;
    for (int i = 0; i < classes_.size(); ++i)
        if (i != index && classes_[i].name == trimmed)
            return false;
    classes_[index].name = trimmed;
    return true;
}

void TrainingClasses::removeClass(int index)
{
    if (index < 0 || index >= classes_.size())
        return;
    classes_.removeAt(index);
    reindex();
}

void TrainingClasses::removeSongs(const QStringList& paths)
{
    for (const QString& path : paths)
        if (const auto it = classOfSong_.constFind(path); it != classOfSong_.cend())
            classes_[*it].songs.removeOne(path);
    reindex();
}

void TrainingClasses::clear()
{
    classes_.clear();
    classOfSong_.clear();
}

void TrainingClasses::reindex()
{
    classOfSong_.clear();
    for (int i = 0; i < classes_.size(); ++i)
        for (const QString& song : classes_[i].songs)
            classOfSong_.insert(song, i);
}

int TrainingClasses::addSongs(int index, const QStringList& paths)
{
    if (index < 0 || index >= classes_.size())
        return 0;
    int added = 0;
    for (const QString& file : audioformats::collectAudioFiles(paths)) {
        // One file reached by two paths (a symlink, "..") is one song.
        const QFileInfo info(file);
        const QString canonical = info.canonicalFilePath();
        const QString path = canonical.isEmpty() ? info.absoluteFilePath() : canonical;
        if (classOfSong_.contains(path))
            continue;
        classes_[index].songs << path;
        classOfSong_.insert(path, index);
        ++added;
    }
    return added;
}

int TrainingClasses::addClassFolders(const QString& dir)
{
    QMap<QString, QStringList> byClass;
    for (const classify::LabelledSong& song : classify::songsInClassFolders(dir))
        byClass[song.label] << song.path;
    int added = 0;
    for (auto it = byClass.cbegin(); it != byClass.cend(); ++it)
        added += addToClassNamed(it.key(), it.value());
    return added;
}

int TrainingClasses::addDropped(const QStringList& paths)
{
    int added = 0;
    QStringList errors;
    for (const QString& dropped : paths) {
        const QString path = QDir::cleanPath(dropped);  // "rock/" as some file managers give it
        const QFileInfo info(path);
        try {
            if (info.isDir()) {
                // A folder of song folders and no songs of its own is a set of classes; any other folder is one class.
                const QDir dir(path);
                bool hasOwnSongs = false, hasClassFolders = false;
                for (const QFileInfo& entry : dir.entryInfoList(QDir::Files))
                    hasOwnSongs = hasOwnSongs || audioformats::hasAudioExtension(entry.filePath());
                for (const QFileInfo& sub : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot))
                    hasClassFolders = hasClassFolders || !audioformats::collectAudioFiles({sub.filePath()}).isEmpty();
                if (hasClassFolders && !hasOwnSongs)
                    added += addClassFolders(path);
                else
                    added += addToClassNamed(dir.dirName(), {path});
            } else if (info.isFile()) {
                added += addToClassNamed(info.absoluteDir().dirName(), {path});
            }
        } catch (const Error& e) {
            errors << e.message();  // the other paths still count
        }
    }
    if (!errors.isEmpty() && added == 0)
        throw Error(ErrorCode::InvalidArgument, errors.join(QLatin1Char(' ')));
    return added;
}

int TrainingClasses::addToClassNamed(const QString& name, const QStringList& paths)
{
    const qsizetype before = classes_.size();
    const int index = addClass(name);
    const int added = addSongs(index, paths);
    if (added == 0 && classes_.size() > before)
        removeClass(index);  // nothing new: no empty class from a drop
    return added;
}

void TrainingClasses::setDuration(const QString& path, double seconds)
{
    durations_.insert(path, seconds);
}

double TrainingClasses::durationSeconds(int index) const
{
    double total = 0;
    for (const QString& song : classes_.value(index).songs)
        if (const double s = durations_.value(song, 0.0); std::isfinite(s))
            total += s;
    return total;
}

int TrainingClasses::unknownDurations(int index) const
{
    int unknown = 0;
    for (const QString& song : classes_.value(index).songs)
        if (const auto it = durations_.constFind(song); it == durations_.cend() || !std::isfinite(*it))
            ++unknown;
    return unknown;
}

QStringList TrainingClasses::unmeasured() const
{
    QStringList paths;
    for (const TrainingClass& c : classes_)
        for (const QString& song : c.songs)
            if (!durations_.contains(song))
                paths << song;
    return paths;
}

int TrainingClasses::unmeasuredCount(int index) const
{
    int count = 0;
    for (const QString& song : classes_.value(index).songs)
        count += durations_.contains(song) ? 0 : 1;
    return count;
}

QString TrainingClasses::warning(int index) const
{
    const qsizetype n = classes_.value(index).songs.size();
    if (index < 0 || index >= classes_.size() || n >= kFewSongs)
        return {};
    if (n == 0)
        return QStringLiteral("No songs yet: drop songs or folders here. An empty class is left out of training.");
    return QStringLiteral("Only %1 song%2: add at least %3 for a model that learns this class and a score that means "
                          "something.").arg(n).arg(n == 1 ? "" : "s").arg(kFewSongs);
}

std::vector<classify::LabelledSong> TrainingClasses::songs() const
{
    std::vector<classify::LabelledSong> songs;
    for (const TrainingClass& c : classes_)
        for (const QString& song : c.songs)
            songs.push_back({song, c.name});
    return songs;
}

QHash<QString, double> probeDurations(const QStringList& paths)
{
    QHash<QString, double> durations;
    for (const QString& path : paths) {
        double seconds = std::numeric_limits<double>::quiet_NaN();
        try {
            const AudioInfo info = probeAudio(path);
            if (info.headerLength != HeaderLength::Unknown && info.frames > 0)
                seconds = info.durationSeconds();
        } catch (const Error&) {
        }
        durations.insert(path, seconds);
    }
    return durations;
}

QString durationText(double seconds)
{
    const long s = std::lround(std::max(0.0, seconds));
    if (s >= 3600)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg(s % 3600 / 60, 2, 10, QLatin1Char('0'));
    if (s >= 60)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(s);
}

} // namespace genrescope::workflow
