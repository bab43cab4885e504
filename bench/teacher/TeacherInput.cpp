#include "TeacherInput.h"

#include "common/Error.h"
#include "dsp/MelSpectrogram.h"

#include <QFile>

#include <algorithm>
#include <cmath>

namespace genrescope::teacher {

Matrix logMelFromAudio(const float* samples, long count)
{
    MelSpectrogramParams params;
    params.stft.nFft = 512;
    params.stft.hop = 256;
    params.nMels = MusicnnTeacher::kBands;
    params.sampleRate = kTeacherRate;
    const Spectrogram mel = MelSpectrogram(params).compute(samples, count);
    Matrix out(mel.frames, MusicnnTeacher::kBands);
    for (long f = 0; f < mel.frames; ++f)
        for (int b = 0; b < MusicnnTeacher::kBands; ++b)
            out(f, b) = std::log10(10000.0f * mel.at(b, f) + 1.0f);
    return out;
}

Matrix readBandMap(const QString& csvPath)
{
    QFile file(csvPath);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: cannot open the band map.").arg(csvPath));
    Matrix map(MusicnnTeacher::kBands, 128);
    int row = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QList<QByteArray> cells = line.split(',');
        if (row >= MusicnnTeacher::kBands || cells.size() != 128)
            throw Error(ErrorCode::BadHeader, QStringLiteral("%1: expected 96 rows of 128 values.").arg(csvPath));
        for (int c = 0; c < 128; ++c)
            map(row, c) = cells[c].toFloat();
        ++row;
    }
    if (row != MusicnnTeacher::kBands)
        throw Error(ErrorCode::BadHeader, QStringLiteral("%1: expected 96 rows of 128 values.").arg(csvPath));
    return map;
}

Matrix logMelFromImage(const MelImage& image, const Matrix& bandMap, const ImageReconstruction& how)
{
    // Relative power per shown column and Kaggle band: k -> D = (k + 1/2)/3.2 - 80 dB of 20 log10(S/Smax).
    const std::vector<int> bandOf = melImageRowBands();
    std::vector<int> rowOfBand(128, -1);
    for (int r = 0; r < kMelImageRows; ++r)
        if (rowOfBand[size_t(bandOf[size_t(r)])] < 0)
            rowOfBand[size_t(bandOf[size_t(r)])] = r;
    const std::vector<long> frameOf = melImageColumnFrames(how.kaggleFrames);
    // Distinct frames shown, in time order (neighbouring columns can show the same frame).
    std::vector<int> columns;
    for (int c = 0; c < kMelImageColumns; ++c)
        if (columns.empty() || frameOf[size_t(c)] != frameOf[size_t(columns.back())])
            columns.push_back(c);
    Matrix db(Eigen::Index(columns.size()), 128);
    for (size_t i = 0; i < columns.size(); ++i)
        for (int b = 0; b < 128; ++b) {
            const int k = image.at(rowOfBand[size_t(b)], columns[i]);
            db(Eigen::Index(i), b) = k == 0 ? float(how.floorDb) : float((k + 0.5) / 3.2 - 80.0);
        }

    // musicnn frames at 16 ms, interpolated linearly in dB between the shown frames' times.
    const double seconds = double(how.kaggleFrames - 1) * 512.0 / 22050.0;
    const long frames = 1 + long(std::floor(seconds * kTeacherRate / 256.0));
    Matrix out(frames, MusicnnTeacher::kBands);
    Eigen::RowVectorXf relative(128);
    for (long j = 0; j < frames; ++j) {
        const double t = double(j) * 256.0 / kTeacherRate;
        const double kaggleFrame = t * 22050.0 / 512.0;
        size_t hi = 0;
        while (hi < columns.size() && double(frameOf[size_t(columns[hi])]) < kaggleFrame)
            ++hi;
        if (hi == 0) {
            relative = db.row(0);
        } else if (hi == columns.size()) {
            relative = db.row(Eigen::Index(columns.size() - 1));
        } else {
            const double f0 = double(frameOf[size_t(columns[hi - 1])]), f1 = double(frameOf[size_t(columns[hi])]);
            const float w = float((kaggleFrame - f0) / (f1 - f0));
            relative = (1.0f - w) * db.row(Eigen::Index(hi - 1)) + w * db.row(Eigen::Index(hi));
        }
        for (int b = 0; b < 128; ++b)
            relative[b] = float(how.levelScale) * std::pow(10.0f, relative[b] / 20.0f);
        for (int b = 0; b < MusicnnTeacher::kBands; ++b)
            out(j, b) = std::log10(10000.0f * bandMap.row(b).dot(relative) + 1.0f);
    }
    return out;
}

} // namespace genrescope::teacher
