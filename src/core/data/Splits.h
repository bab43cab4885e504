#pragma once
// Train/validation/test splits: random by row (the course report's protocol,
// which leaks songs across sets for 3 s segments), by song (grouped), or from
// list files (train.txt, valid.txt, test.txt of "genre/genre.00012.wav" lines).

#include <QString>
#include <QStringList>

#include <vector>

namespace genrescope::data {

struct Split {
    std::vector<int> train, valid, test;
    QString description;  // e.g. "random 80/10/10, seed 3"
    QStringList notes;    // e.g. rows left out because no list names their song
};

struct SplitFractions {
    double train = 0.8, valid = 0.1;  // test gets the rest
};

Split randomSplit(int rows, unsigned seed, SplitFractions fractions = {});
Split songSplit(const QStringList& songIds, unsigned seed, SplitFractions fractions = {});
/// Rows whose song appears in DIR/train.txt, valid.txt or test.txt (missing files give empty parts).
/// Throws when no list exists or the lists share songs.
Split listSplit(const QStringList& songIds, const QString& dir);
/// Song ids named by one list file.
QStringList readSongList(const QString& path);

/// Songs per class: how many distinct songs carry each label (a song's label is its first row's).
std::vector<int> songsPerClass(const QStringList& songIds, const std::vector<int>& labels, int classes);

/// Rows of `folds` folds for cross-validation by song: every row of a song lies in one fold,
/// and the songs of each class (shuffled with `seed`) are dealt to the folds in turn, so each
/// fold holds about the same share of every class (a class with fewer songs than folds is
/// missing from some). With as many folds as songs this is leave-one-out by song.
/// Throws unless 2 <= folds <= the number of songs.
std::vector<std::vector<int>> songFolds(const QStringList& songIds, const std::vector<int>& labels, int folds,
                                        unsigned seed);

/// Folds that follow the list files in `dir`: each fold holds the songs of one list only, train.txt
/// or valid.txt (the fault-filtered lists share no artist), and the lists get folds in proportion
/// to their songs. Within a list, each class's songs, in the order of their ids, are cut into runs
/// of consecutive songs, one run a fold, so an artist whose clips are numbered together (as in
/// GTZAN) mostly stays in one fold. The runs are cut over the listed songs, so datasets that lack
/// a few of them still get the same folds. Rows of songs in no list (or in test.txt) are in no
/// fold. Throws unless every list gets a fold and every fold a song.
std::vector<std::vector<int>> listFolds(const QStringList& songIds, const std::vector<int>& labels, int folds,
                                        const QString& dir);

/// Parses "random", "song" or "lists:DIR".
Split makeSplit(const QString& spec, const QStringList& songIds, unsigned seed);

} // namespace genrescope::data
