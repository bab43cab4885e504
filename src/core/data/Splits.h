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

/// Parses "random", "song" or "lists:DIR".
Split makeSplit(const QString& spec, const QStringList& songIds, unsigned seed);

} // namespace genrescope::data
