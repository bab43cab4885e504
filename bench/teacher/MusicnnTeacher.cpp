#include "MusicnnTeacher.h"

#include "NpyFile.h"
#include "common/Error.h"

#include <QDir>

#include <cmath>

namespace genrescope::teacher {
namespace {

constexpr float kNormEpsilon = 0.001f;  // Keras BatchNormalization epsilon in the model config

NpyArray load(const QString& dir, const QString& layer, const QString& tensor)
{
    // File names follow the HDF5 paths: model_weights/<layer>/<layer>/<tensor>:0.
    const QString name = QStringLiteral("model_weights__%1__%1__%2_0.npy").arg(layer, tensor);
    return readNpy(QDir(dir).filePath(name));
}

/// Layers named batch_normalization* carry a "_1" suffix on their tensors in the conversion.
MusicnnTeacher::Norm loadNorm(const QString& dir, const QString& layer, bool suffixed, int channels)
{
    const QString s = suffixed ? QStringLiteral("_1") : QString();
    const NpyArray gamma = load(dir, layer, QStringLiteral("gamma") + s);
    const NpyArray beta = load(dir, layer, QStringLiteral("beta") + s);
    const NpyArray mean = load(dir, layer, QStringLiteral("moving_mean") + s);
    const NpyArray var = load(dir, layer, QStringLiteral("moving_variance") + s);
    for (const NpyArray* a : {&gamma, &beta, &mean, &var})
        if (int(a->values.size()) != channels)
            throw Error(ErrorCode::BadHeader, QStringLiteral("%1: expected %2 channels.").arg(layer).arg(channels));
    MusicnnTeacher::Norm norm;
    norm.scale.resize(channels);
    norm.shift.resize(channels);
    for (int c = 0; c < channels; ++c) {
        const float scale = gamma.values[size_t(c)] / std::sqrt(var.values[size_t(c)] + kNormEpsilon);
        norm.scale[c] = scale;
        norm.shift[c] = beta.values[size_t(c)] - mean.values[size_t(c)] * scale;
    }
    return norm;
}

MusicnnTeacher::Conv loadConv(const QString& dir, const QString& layer, bool suffixed, int kt, int kw, int outputs)
{
    const QString s = suffixed ? QStringLiteral("_1") : QString();
    const NpyArray kernel = load(dir, layer, QStringLiteral("kernel") + s);  // (kt, kw, 1, outputs)
    const NpyArray bias = load(dir, layer, QStringLiteral("bias") + s);
    if (kernel.shape != std::vector<int>{kt, kw, 1, outputs} || int(bias.values.size()) != outputs)
        throw Error(ErrorCode::BadHeader, QStringLiteral("%1: unexpected kernel shape.").arg(layer));
    MusicnnTeacher::Conv conv;
    conv.kt = kt;
    conv.kw = kw;
    conv.outputs = outputs;
    conv.kernel = Eigen::Map<const Matrix>(kernel.values.data(), kt * kw, outputs);
    conv.bias = Eigen::Map<const Eigen::RowVectorXf>(bias.values.data(), outputs);
    return conv;
}

void loadDense(const QString& dir, const QString& layer, bool suffixed, int in, int out, Matrix& weight,
               Eigen::RowVectorXf& bias)
{
    const QString s = suffixed ? QStringLiteral("_1") : QString();
    const NpyArray kernel = load(dir, layer, QStringLiteral("kernel") + s);
    const NpyArray b = load(dir, layer, QStringLiteral("bias") + s);
    if (kernel.shape != std::vector<int>{in, out} || int(b.values.size()) != out)
        throw Error(ErrorCode::BadHeader, QStringLiteral("%1: unexpected kernel shape.").arg(layer));
    weight = Eigen::Map<const Matrix>(kernel.values.data(), in, out);
    bias = Eigen::Map<const Eigen::RowVectorXf>(b.values.data(), out);
}

/// A convolution of a single-channel T x W map with a kt x kw kernel: zero padding of
/// padBefore/padAfter frames in time, none in width ("valid"). ReLU, then the batch norm.
/// Returns (T' * W') x outputs, row (t, w) at t * W' + w.
Matrix convolve(const Matrix& x, int padBefore, int padAfter, const MusicnnTeacher::Conv& conv,
                const MusicnnTeacher::Norm& norm, int& outFrames, int& outWidth)
{
    const int T = int(x.rows()), W = int(x.cols());
    outFrames = T + padBefore + padAfter - conv.kt + 1;
    outWidth = W - conv.kw + 1;
    Matrix columns(Eigen::Index(outFrames) * outWidth, Eigen::Index(conv.kt) * conv.kw);
    for (int t = 0; t < outFrames; ++t)
        for (int w = 0; w < outWidth; ++w) {
            float* row = columns.row(Eigen::Index(t) * outWidth + w).data();
            for (int i = 0; i < conv.kt; ++i) {
                const int source = t + i - padBefore;
                float* dst = row + size_t(i) * size_t(conv.kw);
                if (source < 0 || source >= T)
                    std::fill(dst, dst + conv.kw, 0.0f);
                else
                    std::copy(x.row(source).data() + w, x.row(source).data() + w + conv.kw, dst);
            }
        }
    Matrix y = columns * conv.kernel;
    y.rowwise() += conv.bias;
    y = y.cwiseMax(0.0f);
    y.array().rowwise() *= norm.scale.array();
    y.rowwise() += norm.shift;
    return y;
}

/// Front-end block: the convolution, then the maximum over the remaining width. T' x outputs.
Matrix frontEndBlock(const Matrix& x, int padBefore, int padAfter, const MusicnnTeacher::Conv& conv,
                     const MusicnnTeacher::Norm& norm)
{
    int frames = 0, width = 0;
    const Matrix y = convolve(x, padBefore, padAfter, conv, norm, frames, width);
    Matrix pooled(frames, conv.outputs);
    for (int t = 0; t < frames; ++t)
        pooled.row(t) = y.middleRows(Eigen::Index(t) * width, width).colwise().maxCoeff();
    return pooled;
}

/// TensorFlow "same" padding for a kernel of k frames puts (k-1)/2 before, the rest after.
Matrix sameBlock(const Matrix& x, const MusicnnTeacher::Conv& conv, const MusicnnTeacher::Norm& norm)
{
    return frontEndBlock(x, (conv.kt - 1) / 2, conv.kt - 1 - (conv.kt - 1) / 2, conv, norm);
}

Matrix midEndBlock(const Matrix& x, const MusicnnTeacher::Conv& conv, const MusicnnTeacher::Norm& norm)
{
    int frames = 0, width = 0;
    return convolve(x, 3, 3, conv, norm, frames, width);  // width 1: frames x 64
}

} // namespace

MusicnnTeacher::MusicnnTeacher(const QString& weightsDir)
{
    const QString& d = weightsDir;
    inputNorm_ = loadNorm(d, QStringLiteral("batch_normalization"), true, 1);
    timbral38_ = loadConv(d, QStringLiteral("conv2d"), true, 7, 38, 204);
    timbral67_ = loadConv(d, QStringLiteral("conv2d_1"), true, 7, 67, 204);
    temporal128_ = loadConv(d, QStringLiteral("conv2d_2"), true, 128, 1, 51);
    temporal64_ = loadConv(d, QStringLiteral("conv2d_3"), true, 64, 1, 51);
    temporal32_ = loadConv(d, QStringLiteral("conv2d_4"), true, 32, 1, 51);
    timbral38Norm_ = loadNorm(d, QStringLiteral("batch_normalization_1"), true, 204);
    timbral67Norm_ = loadNorm(d, QStringLiteral("batch_normalization_2"), true, 204);
    temporal128Norm_ = loadNorm(d, QStringLiteral("batch_normalization_3"), true, 51);
    temporal64Norm_ = loadNorm(d, QStringLiteral("batch_normalization_4"), true, 51);
    temporal32Norm_ = loadNorm(d, QStringLiteral("batch_normalization_5"), true, 51);
    mid1_ = loadConv(d, QStringLiteral("midend_conv1"), false, 7, 561, 64);
    mid2_ = loadConv(d, QStringLiteral("midend_conv2"), false, 7, 64, 64);
    mid3_ = loadConv(d, QStringLiteral("midend_conv3"), false, 7, 64, 64);
    mid1Norm_ = loadNorm(d, QStringLiteral("bn_midend_conv1"), false, 64);
    mid2Norm_ = loadNorm(d, QStringLiteral("bn_midend_conv2"), false, 64);
    mid3Norm_ = loadNorm(d, QStringLiteral("bn_midend_conv3"), false, 64);
    poolNorm_ = loadNorm(d, QStringLiteral("bn_flatpool"), false, 1506);
    denseNorm_ = loadNorm(d, QStringLiteral("bn_dense"), false, kEmbedding);
    loadDense(d, QStringLiteral("dense"), true, 1506, kEmbedding, dense_, denseBias_);
    loadDense(d, QStringLiteral("dense_1"), true, kEmbedding, kTags, tagDense_, tagBias_);
}

QStringList MusicnnTeacher::tagNames()
{
    return {QStringLiteral("rock"), QStringLiteral("pop"), QStringLiteral("alternative"), QStringLiteral("indie"),
            QStringLiteral("electronic"), QStringLiteral("female vocalists"), QStringLiteral("dance"),
            QStringLiteral("00s"), QStringLiteral("alternative rock"), QStringLiteral("jazz"),
            QStringLiteral("beautiful"), QStringLiteral("metal"), QStringLiteral("chillout"),
            QStringLiteral("male vocalists"), QStringLiteral("classic rock"), QStringLiteral("soul"),
            QStringLiteral("indie rock"), QStringLiteral("Mellow"), QStringLiteral("electronica"),
            QStringLiteral("80s"), QStringLiteral("folk"), QStringLiteral("90s"), QStringLiteral("chill"),
            QStringLiteral("instrumental"), QStringLiteral("punk"), QStringLiteral("oldies"),
            QStringLiteral("blues"), QStringLiteral("hard rock"), QStringLiteral("ambient"),
            QStringLiteral("acoustic"), QStringLiteral("experimental"), QStringLiteral("female vocalist"),
            QStringLiteral("guitar"), QStringLiteral("Hip-Hop"), QStringLiteral("70s"), QStringLiteral("party"),
            QStringLiteral("country"), QStringLiteral("easy listening"), QStringLiteral("sexy"),
            QStringLiteral("catchy"), QStringLiteral("funk"), QStringLiteral("electro"),
            QStringLiteral("heavy metal"), QStringLiteral("Progressive rock"), QStringLiteral("60s"),
            QStringLiteral("rnb"), QStringLiteral("indie pop"), QStringLiteral("sad"), QStringLiteral("House"),
            QStringLiteral("happy")};
}

QByteArray MusicnnTeacher::csvColumns()
{
    QByteArray columns;
    for (int k = 0; k < kEmbedding; ++k)
        columns += ",emb" + QByteArray::number(k);
    for (const QString& tag : tagNames())
        columns += ",tag_" + tag.toUtf8().replace(' ', '_');
    return columns;
}

QByteArray MusicnnTeacher::csvValues(const TeacherOutput& output)
{
    QByteArray values;
    for (float v : output.embedding)
        values += ',' + QByteArray::number(v, 'g', 7);
    for (float v : output.tags)
        values += ',' + QByteArray::number(v, 'g', 7);
    return values;
}

TeacherOutput MusicnnTeacher::forwardPatch(const float* patch) const
{
    Matrix x = Eigen::Map<const Matrix>(patch, kPatchFrames, kBands);
    x = x.array() * inputNorm_.scale[0] + inputNorm_.shift[0];

    // Front end: timbral blocks (time padded 3+3, valid in frequency) and temporal blocks
    // ("same"), each pooled over frequency; 561 channels per frame.
    const int T = kPatchFrames;
    Matrix front(T, 561);
    front.middleCols(0, 204) = frontEndBlock(x, 3, 3, timbral38_, timbral38Norm_);
    front.middleCols(204, 204) = frontEndBlock(x, 3, 3, timbral67_, timbral67Norm_);
    front.middleCols(408, 51) = sameBlock(x, temporal128_, temporal128Norm_);
    front.middleCols(459, 51) = sameBlock(x, temporal64_, temporal64Norm_);
    front.middleCols(510, 51) = sameBlock(x, temporal32_, temporal32Norm_);

    // Mid end: three 1-D convolutions over time, residual on the second and third.
    const Matrix m1 = midEndBlock(front, mid1_, mid1Norm_);
    const Matrix m2 = midEndBlock(m1, mid2_, mid2Norm_) + m1;
    const Matrix m3 = midEndBlock(m2, mid3_, mid3Norm_) + m2;

    // Back end: max and mean over time of the 753 concatenated channels, interleaved
    // (max, mean) per channel as Keras flattens a (753, 2) tensor.
    Matrix all(T, 753);
    all << front, m1, m2, m3;
    const Eigen::RowVectorXf maxima = all.colwise().maxCoeff();
    const Eigen::RowVectorXf means = all.colwise().mean();
    Eigen::RowVectorXf pooled(1506);
    for (int c = 0; c < 753; ++c) {
        pooled[2 * c] = maxima[c];
        pooled[2 * c + 1] = means[c];
    }
    pooled = pooled.cwiseProduct(poolNorm_.scale) + poolNorm_.shift;
    Eigen::RowVectorXf hidden = (pooled * dense_ + denseBias_).cwiseMax(0.0f);
    hidden = hidden.cwiseProduct(denseNorm_.scale) + denseNorm_.shift;
    const Eigen::RowVectorXf logits = hidden * tagDense_ + tagBias_;

    TeacherOutput out;
    out.embedding.assign(hidden.data(), hidden.data() + kEmbedding);
    out.tags.resize(kTags);
    for (int k = 0; k < kTags; ++k)
        out.tags[size_t(k)] = 1.0f / (1.0f + std::exp(-logits[k]));
    return out;
}

std::vector<TeacherOutput> MusicnnTeacher::forwardPatches(const Matrix& logMel) const
{
    if (logMel.cols() != kBands)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("The teacher needs %1 mel bands.").arg(kBands));
    std::vector<TeacherOutput> outputs;
    for (Eigen::Index start = 0; start + kPatchFrames <= logMel.rows(); start += kPatchFrames) {
        const Matrix patch = logMel.middleRows(start, kPatchFrames);
        outputs.push_back(forwardPatch(patch.data()));
    }
    return outputs;
}

TeacherOutput MusicnnTeacher::mean(const std::vector<TeacherOutput>& outputs)
{
    TeacherOutput m{std::vector<float>(kEmbedding, 0.0f), std::vector<float>(kTags, 0.0f)};
    for (const TeacherOutput& o : outputs) {
        for (int k = 0; k < kEmbedding; ++k)
            m.embedding[size_t(k)] += o.embedding[size_t(k)] / float(outputs.size());
        for (int k = 0; k < kTags; ++k)
            m.tags[size_t(k)] += o.tags[size_t(k)] / float(outputs.size());
    }
    return m;
}

} // namespace genrescope::teacher
