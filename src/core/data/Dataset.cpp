#include "data/Dataset.h"


#include "common/Error.h"
#include "dsp/MelImage.h"
#include "features/FeatureVector.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>

#include <cmath>
#include <limits>

namespace genrescope::data {

QString inputKindName(InputKind kind)
{
    return kind == InputKind::Features ? QStringLiteral("features") : QStringLiteral("image");
}

InputKind parseInputKind(const QString& name)
{
    if (name == QLatin1String("features"))
        return InputKind::Features;
    if (name == QLatin1String("image") || name == QLatin1String("images"))
        return InputKind::Image;
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("Unknown input kind \"%1\" (use features or image).").arg(name));
}

int Dataset::songCount() const
{
    return int(QSet<QString>(songIds.begin(), songIds.end()).size());
}

Dataset Dataset::subset(const std::vector<int>& rows) const
{
    Dataset d;
    d.kind = kind;
    d.classes = classes;
    d.source = source;
    std::vector<int> shape = inputs.shape;
    shape[0] = int(rows.size());
    d.inputs.resize(shape);
    const long F = inputs.sampleSize();
    for (size_t i = 0; i < rows.size(); ++i) {
        const int r = rows[i];
        std::copy(inputs.sample(r), inputs.sample(r) + F, d.inputs.sample(int(i)));
        d.labels.push_back(labels[size_t(r)]);
        d.names << names[r];
        d.songIds << songIds[r];
    }
    return d;
}

void Dataset::remapClasses(const QStringList& target)
{
    for (int& label : labels) {
        const int mapped = int(target.indexOf(classes[label]));
        if (mapped < 0)
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1: label \"%2\" is not one of the model's classes (%3).")
                            .arg(shownPath(source), kagglecsv::shownCell(classes[label]), listSummary(target)));
        label = mapped;
    }
    classes = target;
}

void setLabels(Dataset& d, const QStringList& rowLabels)
{
    QStringList classes = QSet<QString>(rowLabels.begin(), rowLabels.end()).values();
    classes.sort();
    if (classes.contains(QString()))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1: some rows have no label.").arg(d.source));
    if (classes.size() < 2)
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 has only one class (%2); a classifier needs at least two.")
                        .arg(d.source, kagglecsv::shownCell(classes.value(0))));
    d.classes = classes;
    d.labels.clear();
    for (const QString& l : rowLabels)
        d.labels.push_back(int(classes.indexOf(l)));
}

Dataset loadFeaturesCsv(const QString& path)
{
    const std::vector<FeatureRow> rows = kagglecsv::read(path);
    Dataset d;
    d.kind = InputKind::Features;
    d.source = QFileInfo(path).fileName();
    d.inputs.resize({int(rows.size()), kFeatureCount});
    QStringList rowLabels;
    for (size_t i = 0; i < rows.size(); ++i) {
        for (int f = 0; f < kFeatureCount; ++f) {
            // Beyond the float range a value becomes infinite and training only sees NaNs.
            const double v = rows[i].values[size_t(f)];
            if (std::abs(v) > double(std::numeric_limits<float>::max()))
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("%1: the data holds extreme values, e.g. column %2 = %3 in row %4 (%5), "
                                           "too large for a model to use. Check the CSV.")
                                .arg(shownPath(path), featureNames()[size_t(f)], QString::number(v, 'g', 6)).arg(i + 1)
                                .arg(kagglecsv::shownCell(rows[i].filename)));
            d.inputs.sample(int(i))[f] = float(v);
        }
        d.names << rows[i].filename;
        d.songIds << rows[i].songId();
        rowLabels << rows[i].label;
    }
    setLabels(d, rowLabels);
    return d;
}

QString songIdFromImageName(const QString& fileName)
{
    const QString stem = QFileInfo(fileName).completeBaseName();
    static const QRegularExpression gtzan(QStringLiteral("^([A-Za-z]+)(\\d{5})$"));
    const QRegularExpressionMatch m = gtzan.match(stem);
    return m.hasMatch() ? m.captured(1) + QLatin1Char('.') + m.captured(2) : stem;
}

Dataset loadImageFolder(const QString& dir)
{
    if (!QFileInfo(dir).isDir())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1 is not a folder.").arg(dir));
    QStringList files;
    QDirIterator it(dir, {QStringLiteral("*.png")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    if (files.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 contains no PNG images.").arg(dir));
    Dataset d;
    d.kind = InputKind::Image;
    d.source = QFileInfo(dir).fileName();
    d.inputs.resize({int(files.size()), 1, kMelImageRows, kMelImageColumns});
    QStringList rowLabels;
    for (int i = 0; i < files.size(); ++i) {
        QFile f(files[i]);
        if (!f.open(QIODevice::ReadOnly))
            throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 cannot be read.").arg(files[i]));
        const MelImage image = melImageFromPng(f.readAll(), QFileInfo(files[i]).fileName());
        float* dst = d.inputs.sample(i);
        for (size_t k = 0; k < image.index.size(); ++k)
            dst[k] = float(image.index[k]) / 255.0f;
        d.names << QFileInfo(files[i]).fileName();
        d.songIds << songIdFromImageName(files[i]);
        rowLabels << QFileInfo(files[i]).dir().dirName();
    }
    setLabels(d, rowLabels);
    return d;
}

namespace {
bool containsPngs(const QString& dir)
{
    QDirIterator it(dir, {QStringLiteral("*.png")}, QDir::Files, QDirIterator::Subdirectories);
    return it.hasNext();
}

[[noreturn]] void refuseSongFolder(const QString& path)
{
    throw Error(ErrorCode::InvalidArgument,
                QStringLiteral("%1 holds no PNG images. A folder of songs in genre folders is analysed into 30 s "
                               "windows for training (train --data) and classified with 'classify'; here a features "
                               "CSV or an images_original folder is needed.").arg(shownPath(path)));
}
} // namespace

bool isSongFolder(const QString& path)
{
    return QFileInfo(path).isDir() && !containsPngs(path);
}

Dataset loadDataset(const QString& path, InputKind wanted)
{
    const QFileInfo info(path);
    if (!info.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such file or folder.").arg(path));
    if (isSongFolder(path))
        refuseSongFolder(path);  // classify::analyseSongs makes its rows, as the classifier sees them
    if (wanted == InputKind::Features) {
        if (info.isDir())
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("%1 holds images; use --input image, or features from a CSV or an audio folder.").arg(path));
        return loadFeaturesCsv(path);
    }
    if (!info.isDir())
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 is not a folder; images come from an images_original-style folder of PNGs "
                                   "or a genres_original-style folder of audio.").arg(path));
    return loadImageFolder(path);
}

Standardizer Standardizer::fit(const ml::Tensor& inputs, const std::vector<int>& rows, bool perFeature)
{
    Standardizer s;
    const long F = inputs.sampleSize();
    const long width = perFeature ? F : 1;
    std::vector<double> sum(size_t(width), 0.0), sq(size_t(width), 0.0);
    double count = 0;
    for (int r : rows) {
        const float* x = inputs.sample(r);
        for (long k = 0; k < F; ++k) {
            sum[size_t(perFeature ? k : 0)] += x[k];
            sq[size_t(perFeature ? k : 0)] += double(x[k]) * x[k];
        }
        count += perFeature ? 1.0 : double(F);
    }
    s.mean.resize(size_t(width));
    s.scale.resize(size_t(width));
    for (long k = 0; k < width; ++k) {
        const double mean = count > 0 ? sum[size_t(k)] / count : 0.0;
        const double var = count > 0 ? std::max(0.0, sq[size_t(k)] / count - mean * mean) : 0.0;
        s.mean[size_t(k)] = float(mean);
        s.scale[size_t(k)] = float(var > 1e-24 ? 1.0 / std::sqrt(var) : 1.0);
    }
    return s;
}

void Standardizer::apply(ml::Tensor& inputs) const
{
    ml::standardiseInPlace(inputs, mean, scale);
}

} // namespace genrescope::data
