#pragma once
// The classes a person trains on, as buckets of songs (Teachable Machine's classes): files
// and folders are added to a class, a folder of class folders (Kaggle's genres_original, or
// rock/, jazz/, ... of one's own music) makes one class per subfolder. Each class knows its
// song count and total duration, and says when it has too few songs to learn or score from.
// The Train tab shows it; training takes its songs().

#include "classify/TrainingSongs.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace genrescope::workflow {

struct TrainingClass {
    QString name;
    QStringList songs;  // audio files, in the order added
};

class TrainingClasses {
public:
    /// Below this many songs a class gets a warning: too few to learn from or to score honestly.
    static constexpr int kFewSongs = 5;

    const QList<TrainingClass>& classes() const { return classes_; }
    bool isEmpty() const { return classes_.isEmpty(); }
    int songCount() const;

    /// The class of that name (trimmed), added at the end when new. Throws Error for an empty name.
    int addClass(const QString& name);
    /// Renames a class; false when the name is empty or taken by another class.
    bool renameClass(int index, const QString& name);
    void removeClass(int index);
    /// Removes songs (by path) from whichever class holds them.
    void removeSongs(const QStringList& paths);
    void clear();

    /// Adds audio files, and the audio files found (recursively) in folders, to a class. A song already
    /// in a class stays where it is. Returns how many were added.
    int addSongs(int index, const QStringList& paths);
    /// One class per subfolder of `dir` (merged into a class of the same name; none made for songs all in
    /// other classes already), as train --data reads it.
    /// Throws Error (path and what to do) when dir holds no audio in class subfolders. Returns songs added.
    int addClassFolders(const QString& dir);
    /// Adds what a person dropped where no class was: a folder of song folders (and no songs of its own) gives
    /// one class per subfolder, any other folder one class named after it, and files a class named after their
    /// folder. No empty class is made. A path that fails does not stop the others; throws Error only when
    /// nothing could be added and some path failed. Returns songs added.
    int addDropped(const QStringList& paths);

    /// Durations are read off the main thread (probeDurations) and told here; unknown ones count as 0.
    void setDuration(const QString& path, double seconds);
    double durationSeconds(int index) const;
    /// Songs whose duration is not known yet (or could not be read).
    int unknownDurations(int index) const;
    /// Songs added and not yet measured.
    QStringList unmeasured() const;
    /// How many of a class's songs are not measured yet.
    int unmeasuredCount(int index) const;

    /// "Only 3 songs: ..." for a class below kFewSongs, else empty.
    QString warning(int index) const;
    /// The songs labelled by class, for classify::analyseSongs and the training jobs.
    std::vector<classify::LabelledSong> songs() const;

private:
    QList<TrainingClass> classes_;
    QHash<QString, int> classOfSong_;    // path -> index in classes_
    QHash<QString, double> durations_;   // path -> seconds (NaN: unreadable)
    void reindex();
    int addToClassNamed(const QString& name, const QStringList& paths);
};

/// Each file's duration from its header (no decoding; NaN when unreadable or unknown). Safe on any thread.
QHash<QString, double> probeDurations(const QStringList& paths);

/// "1 h 02 min", "3 min 05 s", "42 s".
QString durationText(double seconds);

} // namespace genrescope::workflow
