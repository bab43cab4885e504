#pragma once
// A forward pass of musicnn (Pons & Serra, MTG-UPF; the MSD model of the Keras
// conversion by Elio Quinton), for training time only: it computes the targets
// a student network of ours learns from. The weights are read at run time from
// ../shared/models/musicnn-msd/weights and never compiled in.
//
// Input: log-compressed mel patches, 187 frames x 96 bands (16 kHz, n_fft 512,
// hop 256, log10(10000 x + 1)), frame-major. Output per patch: the 200-value
// penultimate embedding (after its batch norm) and the 50 Last.fm tag
// probabilities.

#include <Eigen/Core>

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace genrescope::teacher {

using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct TeacherOutput {
    std::vector<float> embedding;  // 200
    std::vector<float> tags;       // 50, sigmoid probabilities
};

class MusicnnTeacher {
public:
    static constexpr int kBands = 96;
    static constexpr int kPatchFrames = 187;
    static constexpr int kEmbedding = 200;
    static constexpr int kTags = 50;

    /// Loads every tensor from `weightsDir`. Throws Error for a missing or malformed file.
    explicit MusicnnTeacher(const QString& weightsDir);

    /// The MSD model's 50 tags, in output order.
    static QStringList tagNames();

    /// One patch: kPatchFrames x kBands values, frame-major.
    TeacherOutput forwardPatch(const float* patch) const;

    /// Every non-overlapping patch of a frames x 96 log-mel matrix (as musicnn's
    /// extractor cuts them). No patch for fewer than kPatchFrames frames.
    std::vector<TeacherOutput> forwardPatches(const Matrix& logMel) const;

    /// CSV columns of an output: ",emb0,...,emb199,tag_rock,...", and one output's values.
    static QByteArray csvColumns();
    static QByteArray csvValues(const TeacherOutput& output);

    /// The mean of several outputs (musicnn's song summary).
    static TeacherOutput mean(const std::vector<TeacherOutput>& outputs);

    struct Conv {
        int kt = 0, kw = 0, outputs = 0;
        Matrix kernel;                   // (kt * kw) x outputs
        Eigen::RowVectorXf bias;
    };
    struct Norm {
        Eigen::RowVectorXf scale, shift;  // y = x * scale + shift (inference mode)
    };

private:
    Norm inputNorm_;
    Conv timbral38_, timbral67_, temporal128_, temporal64_, temporal32_;
    Norm timbral38Norm_, timbral67Norm_, temporal128Norm_, temporal64Norm_, temporal32Norm_;
    Conv mid1_, mid2_, mid3_;
    Norm mid1Norm_, mid2Norm_, mid3Norm_;
    Norm poolNorm_, denseNorm_;
    Matrix dense_, tagDense_;  // in x out
    Eigen::RowVectorXf denseBias_, tagBias_;
};

} // namespace genrescope::teacher
