#pragma once
// Labelled datasets for training and evaluation: rows of the 57 features
// (Kaggle CSVs, 30 s or 3 s) or 1 x 216 x 334 mel images (Kaggle's
// images_original PNGs; songs' windows come from classify/TrainingSongs.h).
// Each row knows its song, so 3 s segments and a song's windows group by song.

#include "ml/Tensor.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace genrescope::data {

enum class InputKind { Features, Image };
QString inputKindName(InputKind kind);         // "features" | "image"
InputKind parseInputKind(const QString& name);  // throws for anything else

struct Dataset {
    InputKind kind = InputKind::Features;
    ml::Tensor inputs;          // rows x 57, or rows x 1 x 216 x 334 (colour index / 255)
    std::vector<int> labels;    // index into classes
    QStringList classes;        // sorted genre names
    QStringList names;          // row names (file names)
    QStringList songIds;        // "blues.00000" for every row of that song
    QString source;             // where it was read from

    int size() const { return inputs.batch(); }
    int songCount() const;
    /// The rows at `rows`, in that order.
    Dataset subset(const std::vector<int>& rows) const;
    /// Re-indexes labels onto another class list (e.g. a model's). Throws for unknown labels.
    void remapClasses(const QStringList& target);
};

/// A Kaggle features CSV. Errors name the file and line.
Dataset loadFeaturesCsv(const QString& path);
/// A folder of Kaggle-style PNGs, labelled by their parent folder's name.
Dataset loadImageFolder(const QString& dir);
/// Sets classes (sorted) and label indices from per-row label names. Throws for
/// missing labels or a single class.
void setLabels(Dataset& d, const QStringList& rowLabels);

/// Detects the layout: a .csv file is features; a folder of PNGs is images. A folder of
/// songs (isSongFolder) is refused with a sentence: its rows come from
/// classify::analyseSongs (classify/TrainingSongs.h), the windows the classifier sees.
Dataset loadDataset(const QString& path, InputKind wanted);
/// True for a folder holding no PNG images: songs in genre folders, e.g. Kaggle's genres_original.
bool isSongFolder(const QString& path);

/// GTZAN song id of an image file: "blues00012.png" -> "blues.00012".
QString songIdFromImageName(const QString& fileName);

/// Per-feature standardisation fitted on training rows only (mean, std; std 0 -> 1).
struct Standardizer {
    std::vector<float> mean, scale;  // one entry per input value, or one for all (images)
    bool empty() const { return mean.empty(); }
    static Standardizer fit(const ml::Tensor& inputs, const std::vector<int>& rows, bool perFeature);
    void apply(ml::Tensor& inputs) const;
};

} // namespace genrescope::data
