#include "ml/ModelFile.h"

#include "common/Error.h"
#include "common/OutputFile.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtEndian>

#include <cmath>
#include <cstring>
#include <limits>

namespace genrescope::ml {
namespace {

const QByteArray kMagic("GSCMODEL");
constexpr quint32 kMaxHeaderBytes = 16u << 20;
constexpr quint64 kMaxPayloadBytes = 2ull << 30;
constexpr int kDigestBytes = 32;

QJsonArray toJson(const std::vector<int>& v)
{
    QJsonArray a;
    for (int x : v)
        a.append(x);
    return a;
}

QJsonArray toJson(const std::vector<float>& v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

[[noreturn]] void refuse(const QString& source, const QString& why)
{
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 cannot be used as a model: %2").arg(source, why));
}

} // namespace

void Model::standardise(Tensor& inputs) const
{
    logScaleInPlace(inputs, logInputs);
    standardiseInPlace(inputs, mean, scale);
}

double Model::distance(Tensor inputs) const
{
    if (distribution.empty() || inputs.sampleSize() != distribution.dimensions)
        return std::numeric_limits<double>::quiet_NaN();
    standardise(inputs);
    return distribution.distance(inputs.sample(0));
}

Tensor Model::predict(Tensor inputs) const
{
    standardise(inputs);
    Tensor p = predictWithCrops(*network, inputs, crop);
    applyTemperature(p, temperature);
    return p;
}

QByteArray serializeModel(const Model& model)
{
    Network& net = *model.network;
    QJsonArray tensors;
    QByteArray payload;
    for (auto& [name, t] : net.state()) {
        tensors.append(QJsonObject{{"name", name}, {"shape", toJson(t->shape)}, {"offset", double(payload.size())}});
        for (float v : t->data) {
            const quint32 bits = qToLittleEndian(std::bit_cast<quint32>(v));
            payload.append(reinterpret_cast<const char*>(&bits), 4);
        }
    }
    const QJsonObject header{
        {"format", "genrescope-model"},
        {"architecture", net.spec()},
        {"inputKind", model.inputKind},
        {"inputShape", toJson(net.inputShape())},
        {"classes", QJsonArray::fromStringList(model.classes)},
        {"standardisation", QJsonObject{{"mean", toJson(model.mean)}, {"scale", toJson(model.scale)}}},
        {"logInputs", toJson(model.logInputs)},
        {"temperature", model.temperature},
        {"distribution", model.distribution.toJson()},
        {"crop", QJsonObject{{"columns", model.crop.columns}, {"views", model.crop.views}}},
        {"training", model.training},
        {"metrics", model.metrics},
        {"tensors", tensors},
    };
    const QByteArray json = QJsonDocument(header).toJson(QJsonDocument::Compact);
    QByteArray out = kMagic;
    auto u32 = [&](quint32 v) { v = qToLittleEndian(v); out.append(reinterpret_cast<const char*>(&v), 4); };
    auto u64 = [&](quint64 v) { v = qToLittleEndian(v); out.append(reinterpret_cast<const char*>(&v), 8); };
    u32(kModelFormatVersion);
    u32(quint32(json.size()));
    out += json;
    u64(quint64(payload.size()));
    out += payload;
    out += QCryptographicHash::hash(out, QCryptographicHash::Sha256);
    return out;
}

Model deserializeModel(const QByteArray& bytes, const QString& source)
{
    const qsizetype minimum = kMagic.size() + 4 + 4 + 8 + kDigestBytes;
    if (bytes.size() < qsizetype(kMagic.size()) || !bytes.startsWith(kMagic))
        refuse(source, QStringLiteral("it is not a Genrescope model file."));
    if (bytes.size() < minimum)
        refuse(source, QStringLiteral("the file is truncated."));
    auto u32at = [&](qsizetype at) { quint32 v; std::memcpy(&v, bytes.constData() + at, 4); return qFromLittleEndian(v); };
    const quint32 version = u32at(8);
    if (version != kModelFormatVersion)
        refuse(source, QStringLiteral("it uses model format version %1; this Genrescope reads version %2.")
                           .arg(version).arg(kModelFormatVersion));
    const quint32 headerBytes = u32at(12);
    if (headerBytes > kMaxHeaderBytes || qsizetype(headerBytes) > bytes.size() - minimum)
        refuse(source, QStringLiteral("its header declares %1 bytes, more than the file holds (damaged or truncated).")
                           .arg(headerBytes));
    const qsizetype payloadAt = 16 + qsizetype(headerBytes) + 8;
    quint64 payloadBytes;
    std::memcpy(&payloadBytes, bytes.constData() + 16 + headerBytes, 8);
    payloadBytes = qFromLittleEndian(payloadBytes);
    if (payloadBytes > kMaxPayloadBytes || qsizetype(payloadBytes) != bytes.size() - payloadAt - kDigestBytes)
        refuse(source, QStringLiteral("its weights section declares %1 bytes, which does not match the file (damaged or truncated).")
                           .arg(payloadBytes));
    const QByteArray digest = QCryptographicHash::hash(QByteArrayView(bytes.constData(), bytes.size() - kDigestBytes),
                                                       QCryptographicHash::Sha256);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    if (digest != bytes.right(kDigestBytes))
        refuse(source, QStringLiteral("its checksum does not match (the file is damaged)."));
#endif

    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.mid(16, headerBytes), &parseError);
    if (!doc.isObject() || doc.object().value("format").toString() != QLatin1String("genrescope-model"))
        refuse(source, QStringLiteral("its header is not valid."));
    const QJsonObject h = doc.object();

    Model model;
    model.checksum = QString::fromLatin1(digest.toHex());
    model.inputKind = h.value("inputKind").toString();
    for (const QJsonValue& c : h.value("classes").toArray())
        model.classes << c.toString();
    std::vector<int> inputShape;
    for (const QJsonValue& v : h.value("inputShape").toArray())
        inputShape.push_back(v.toInt());
    if (model.classes.size() < 2 || inputShape.empty() || Tensor::count(inputShape) <= 0 ||
        Tensor::count(inputShape) > (1L << 26))
        refuse(source, QStringLiteral("its header describes no usable classifier."));
    try {
        model.network = std::make_unique<Network>(h.value("architecture").toString(), inputShape, int(model.classes.size()));
    } catch (const Error& e) {
        refuse(source, e.message());
    }
    const QJsonObject stdz = h.value("standardisation").toObject();
    for (const QJsonValue& v : stdz.value("mean").toArray())
        model.mean.push_back(float(v.toDouble()));
    for (const QJsonValue& v : stdz.value("scale").toArray())
        model.scale.push_back(float(v.toDouble()));
    if (model.mean.size() != model.scale.size() ||
        (!model.mean.empty() && model.mean.size() != 1 && long(model.mean.size()) != Tensor::count(inputShape)))
        refuse(source, QStringLiteral("its standardisation does not fit its input."));
    for (const QJsonValue& v : h.value("logInputs").toArray()) {
        if (v.toInt(-1) < 0 || v.toInt() >= Tensor::count(inputShape))
            refuse(source, QStringLiteral("its log-scaled inputs do not fit its input."));
        model.logInputs.push_back(v.toInt());
    }
    try {
        model.distribution = FeatureDistribution::fromJson(h.value("distribution").toObject());
    } catch (const Error& e) {
        refuse(source, e.message());
    }
    if (!model.distribution.empty() && model.distribution.dimensions != Tensor::count(inputShape))
        refuse(source, QStringLiteral("its feature distribution does not fit its input."));
    model.temperature = h.value("temperature").toDouble(1.0);
    if (!(model.temperature >= 0.01 && model.temperature <= 100.0))
        refuse(source, QStringLiteral("its temperature %1 is out of range.").arg(model.temperature));
    const QJsonObject crop = h.value("crop").toObject();
    model.crop.columns = crop.value("columns").toInt(0);
    model.crop.views = crop.value("views").toInt(1);
    if (model.crop.columns < 0 || model.crop.views < 1 || model.crop.views > 64 ||
        (model.crop.enabled() && (inputShape.size() != 3 || inputShape[2] != model.crop.columns)))
        refuse(source, QStringLiteral("its crop settings do not fit its input."));
    model.training = h.value("training").toObject();
    model.metrics = h.value("metrics").toObject();

    QHash<QString, QJsonObject> table;
    for (const QJsonValue& t : h.value("tensors").toArray())
        table.insert(t.toObject().value("name").toString(), t.toObject());
    const char* payload = bytes.constData() + payloadAt;
    for (auto& [name, t] : model.network->state()) {
        const QJsonObject entry = table.value(name);
        std::vector<int> shape;
        for (const QJsonValue& v : entry.value("shape").toArray())
            shape.push_back(v.toInt());
        const double offset = entry.value("offset").toDouble(-1);
        if (entry.isEmpty() || shape != t->shape || offset < 0 ||
            offset + double(t->size()) * 4.0 > double(payloadBytes))
            refuse(source, QStringLiteral("tensor %1 is missing or does not match the architecture.").arg(name));
        for (long k = 0; k < t->size(); ++k) {
            quint32 bits;
            std::memcpy(&bits, payload + qint64(offset) + k * 4, 4);
            const float v = std::bit_cast<float>(qFromLittleEndian(bits));
            if (!std::isfinite(v))
                refuse(source, QStringLiteral("tensor %1 holds non-finite weights.").arg(name));
            t->data[size_t(k)] = v;
        }
    }
    return model;
}

void saveModel(const Model& model, const QString& path, bool overwrite)
{
    for (auto& [name, t] : model.network->state())
        for (float v : t->data)
            if (!std::isfinite(v))
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("Refusing to save a model with non-finite weights (%1).").arg(name));
    writeFileAtomically(path, serializeModel(model), overwrite);
}

Model loadModel(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such model file.").arg(path));
    if (file.size() > qint64(kMaxPayloadBytes) + kMaxHeaderBytes + 64)
        refuse(QFileInfo(path).fileName(), QStringLiteral("the file is far too large to be a model."));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    return deserializeModel(file.readAll(), QFileInfo(path).fileName());
}

} // namespace genrescope::ml
