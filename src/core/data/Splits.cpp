#include "data/Splits.h"

#include "common/Error.h"
#include "features/FeatureVector.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QSet>

#include <cmath>

#include <algorithm>
#include <numeric>
#include <random>

namespace genrescope::data {
namespace {

void checkFractions(const SplitFractions& f)
{
    if (!(f.train > 0) || f.valid < 0 || f.train + f.valid > 1.0 + 1e-9)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Split fractions must be positive and sum to at most 1."));
}

/// Splits 0..n-1 (already shuffled) into three consecutive parts.
void cut(const std::vector<int>& order, const SplitFractions& f, std::vector<int>& a, std::vector<int>& b,
         std::vector<int>& c)
{
    const size_t n = order.size();
    const size_t nTrain = size_t(std::llround(f.train * double(n)));
    const size_t nValid = std::min(n - nTrain, size_t(std::llround(f.valid * double(n))));
    a.assign(order.begin(), order.begin() + long(nTrain));
    b.assign(order.begin() + long(nTrain), order.begin() + long(nTrain + nValid));
    c.assign(order.begin() + long(nTrain + nValid), order.end());
}

} // namespace

Split randomSplit(int rows, unsigned seed, SplitFractions fractions)
{
    checkFractions(fractions);
    std::vector<int> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    Split s;
    cut(order, fractions, s.train, s.valid, s.test);
    s.description = QStringLiteral("random by row %1/%2/%3, seed %4")
                        .arg(std::lround(fractions.train * 100)).arg(std::lround(fractions.valid * 100))
                        .arg(100 - std::lround(fractions.train * 100) - std::lround(fractions.valid * 100)).arg(seed);
    return s;
}

Split songSplit(const QStringList& songIds, unsigned seed, SplitFractions fractions)
{
    checkFractions(fractions);
    QStringList songs;
    QHash<QString, std::vector<int>> rowsOf;
    for (int i = 0; i < songIds.size(); ++i) {
        if (!rowsOf.contains(songIds[i]))
            songs << songIds[i];
        rowsOf[songIds[i]].push_back(i);
    }
    std::vector<int> order(size_t(songs.size()));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<int> a, b, c;
    cut(order, fractions, a, b, c);
    Split s;
    auto expand = [&](const std::vector<int>& songIdx, std::vector<int>& rows) {
        for (int k : songIdx)
            for (int r : rowsOf[songs[k]])
                rows.push_back(r);
    };
    expand(a, s.train);
    expand(b, s.valid);
    expand(c, s.test);
    s.description = QStringLiteral("random by song %1/%2/%3, seed %4")
                        .arg(std::lround(fractions.train * 100)).arg(std::lround(fractions.valid * 100))
                        .arg(100 - std::lround(fractions.train * 100) - std::lround(fractions.valid * 100)).arg(seed);
    return s;
}

QStringList readSongList(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 cannot be read.").arg(path));
    QStringList songs;
    int line = 0;
    while (!f.atEnd()) {
        ++line;
        const QString text = QString::fromUtf8(f.readLine()).trimmed();
        if (text.isEmpty() || text.startsWith(QLatin1Char('#')))
            continue;
        if (text.contains(QLatin1Char(',')))
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1, line %2: expected one path per line like genre/genre.00012.wav.").arg(path).arg(line));
        songs << songIdFromFilename(text);
    }
    return songs;
}

Split listSplit(const QStringList& songIds, const QString& dir)
{
    const QDir d(dir);
    QHash<QString, int> part;  // song -> 0 train, 1 valid, 2 test
    const char* files[] = {"train.txt", "valid.txt", "test.txt"};
    int found = 0;
    for (int p = 0; p < 3; ++p) {
        const QString path = d.filePath(QLatin1String(files[p]));
        if (!QFile::exists(path))
            continue;
        ++found;
        for (const QString& song : readSongList(path)) {
            if (part.contains(song) && part[song] != p)
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("Song %1 is in both %2 and %3.").arg(song, QLatin1String(files[part[song]]),
                                                                               QLatin1String(files[p])));
            part[song] = p;
        }
    }
    if (found == 0)
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1 has no train.txt, valid.txt or test.txt.").arg(dir));
    Split s;
    int unlisted = 0;
    for (int i = 0; i < songIds.size(); ++i) {
        auto it = part.find(songIds[i]);
        if (it == part.end()) {
            ++unlisted;
            continue;
        }
        (*it == 0 ? s.train : *it == 1 ? s.valid : s.test).push_back(i);
    }
    s.description = QStringLiteral("lists in %1").arg(dir);
    if (unlisted > 0)
        s.notes << QStringLiteral("%1 rows belong to songs in no list and were left out.").arg(unlisted);
    if (s.train.empty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("No rows of the data belong to songs in %1/train.txt.").arg(dir));
    return s;
}

namespace {

/// Songs in the order they first appear, each with its rows and the label of its first row.
struct SongRows {
    QStringList songs;
    std::vector<std::vector<int>> rows;
    std::vector<int> label;
};

SongRows groupBySong(const QStringList& songIds, const std::vector<int>& labels)
{
    SongRows g;
    QHash<QString, int> index;
    for (int i = 0; i < songIds.size(); ++i) {
        auto it = index.find(songIds[i]);
        if (it == index.end()) {
            it = index.insert(songIds[i], int(g.songs.size()));
            g.songs << songIds[i];
            g.rows.emplace_back();
            g.label.push_back(labels[size_t(i)]);
        }
        g.rows[size_t(*it)].push_back(i);
    }
    return g;
}

} // namespace

std::vector<int> songsPerClass(const QStringList& songIds, const std::vector<int>& labels, int classes)
{
    std::vector<int> counts(size_t(std::max(classes, 0)), 0);
    for (const int c : groupBySong(songIds, labels).label)
        if (c >= 0 && c < classes)
            ++counts[size_t(c)];
    return counts;
}

std::vector<std::vector<int>> songFolds(const QStringList& songIds, const std::vector<int>& labels, int folds,
                                        unsigned seed)
{
    const SongRows g = groupBySong(songIds, labels);
    const int songs = int(g.songs.size());
    if (folds < 2 || folds > songs)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Cross-validation with %1 folds needs at least %1 songs and the data has %2. "
                                   "Use between 2 and %2 folds.").arg(folds).arg(songs));
    const int classes = *std::max_element(g.label.begin(), g.label.end()) + 1;
    std::vector<std::vector<int>> songsOf(static_cast<size_t>(classes));
    for (int s = 0; s < songs; ++s)
        songsOf[size_t(g.label[size_t(s)])].push_back(s);
    std::mt19937 rng(seed);
    std::vector<std::vector<int>> rows(static_cast<size_t>(folds));
    int next = 0;  // carried from class to class, so the folds' sizes differ by one song at most
    for (std::vector<int>& members : songsOf) {
        std::shuffle(members.begin(), members.end(), rng);
        for (const int s : members) {
            std::vector<int>& fold = rows[size_t(next++ % folds)];
            fold.insert(fold.end(), g.rows[size_t(s)].begin(), g.rows[size_t(s)].end());
        }
    }
    for (std::vector<int>& fold : rows)
        std::sort(fold.begin(), fold.end());
    return rows;
}

std::vector<std::vector<int>> listFolds(const QStringList& songIds, const std::vector<int>& labels, int folds,
                                        const QString& dir)
{
    const SongRows g = groupBySong(songIds, labels);
    QHash<QString, int> songOf;
    for (int s = 0; s < g.songs.size(); ++s)
        songOf.insert(g.songs[s], s);
    // Each list's songs in id order, with their class. A listed song the data lacks takes the class
    // of the song before (else after) it with the same id prefix ("jazz" of "jazz.00054"), so the runs
    // are cut the same for every dataset of the same lists: the features and the images of GTZAN,
    // which lacks one image, get the same folds. One with no such neighbour is not counted.
    struct Listed {
        QString id;
        int song = -1;  // in g, or -1 when the data lacks it
        int label = -1;
    };
    std::vector<std::vector<Listed>> parts;
    for (const char* file : {"train.txt", "valid.txt"}) {
        const QString path = QDir(dir).filePath(QLatin1String(file));
        if (!QFile::exists(path))
            continue;
        QStringList ids = readSongList(path);
        ids.removeDuplicates();
        std::sort(ids.begin(), ids.end());
        std::vector<Listed> part;
        for (const QString& id : ids) {
            const auto it = songOf.find(id);
            part.push_back({id, it == songOf.end() ? -1 : *it, it == songOf.end() ? -1 : g.label[size_t(*it)]});
        }
        const auto prefix = [](const QString& id) { return id.left(id.lastIndexOf(QLatin1Char('.'))); };
        for (size_t i = 1; i < part.size(); ++i)
            if (part[i].label < 0 && prefix(part[i].id) == prefix(part[i - 1].id))
                part[i].label = part[i - 1].label;
        for (size_t i = part.size(); i-- > 1;)
            if (part[i - 1].label < 0 && prefix(part[i - 1].id) == prefix(part[i].id))
                part[i - 1].label = part[i].label;
        std::erase_if(part, [](const Listed& l) { return l.label < 0; });
        if (!part.empty())
            parts.push_back(std::move(part));
    }
    int total = 0;
    for (const auto& part : parts)
        total += int(part.size());
    if (parts.empty() || folds < int(parts.size()) || folds > total)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("Cross-validation by the lists in %1 needs between %2 and %3 folds (one list a fold at "
                                   "least, one song a fold at most); %4 were asked for.")
                        .arg(shownPath(dir)).arg(std::max<size_t>(parts.size(), 1)).arg(total).arg(folds));
    // Folds per list, in proportion to its songs.
    std::vector<int> share(parts.size());
    for (size_t p = 0; p < parts.size(); ++p)
        share[p] = std::max(1, int(std::lround(double(folds) * double(parts[p].size()) / total)));
    auto songsPerFold = [&](size_t p) { return double(parts[p].size()) / share[p]; };
    while (std::accumulate(share.begin(), share.end(), 0) > folds) {
        size_t p = 0;  // the list whose folds would stay largest after losing one
        for (size_t q = 0; q < parts.size(); ++q)
            if (share[q] > 1 && (share[p] == 1 || songsPerFold(q) < songsPerFold(p)))
                p = q;
        --share[p];
    }
    while (std::accumulate(share.begin(), share.end(), 0) < folds) {
        size_t p = 0;  // the list with the largest folds
        for (size_t q = 1; q < parts.size(); ++q)
            if (songsPerFold(q) > songsPerFold(p))
                p = q;
        ++share[p];
    }
    std::vector<std::vector<int>> rows;
    for (size_t p = 0; p < parts.size(); ++p) {
        const size_t first = rows.size();
        rows.resize(first + size_t(share[p]));
        QHash<int, int> inClass, rank;  // label -> listed songs of the class, and the next one's rank
        for (const Listed& l : parts[p])
            ++inClass[l.label];
        for (const Listed& l : parts[p]) {
            const int r = rank[l.label]++;
            if (l.song < 0)
                continue;
            std::vector<int>& fold = rows[first + size_t(r) * size_t(share[p]) / size_t(inClass[l.label])];
            fold.insert(fold.end(), g.rows[size_t(l.song)].begin(), g.rows[size_t(l.song)].end());
        }
    }
    for (std::vector<int>& fold : rows) {
        if (fold.empty())
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("Cross-validation by list with %1 folds leaves a fold without songs; use fewer folds.")
                            .arg(folds));
        std::sort(fold.begin(), fold.end());
    }
    return rows;
}

Split makeSplit(const QString& spec, const QStringList& songIds, unsigned seed)
{
    if (spec == QLatin1String("random"))
        return randomSplit(int(songIds.size()), seed);
    if (spec == QLatin1String("song"))
        return songSplit(songIds, seed);
    if (spec.startsWith(QLatin1String("lists:")))
        return listSplit(songIds, spec.mid(6));
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("Unknown split \"%1\" (use random, song or lists:DIR).").arg(spec));
}

} // namespace genrescope::data
