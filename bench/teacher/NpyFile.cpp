#include "NpyFile.h"

#include "common/Error.h"

#include <QFile>
#include <QRegularExpression>

#include <cstring>

namespace genrescope::teacher {
namespace {

[[noreturn]] void fail(const QString& path, const QString& why)
{
    throw Error(ErrorCode::BadHeader, QStringLiteral("%1: not a float32 .npy file (%2).").arg(path, why));
}

} // namespace

NpyArray readNpy(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: cannot open (%2).").arg(path, file.errorString()));
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 10 || !bytes.startsWith("\x93NUMPY"))
        fail(path, QStringLiteral("no NUMPY magic"));
    const int major = quint8(bytes[6]);
    const int lengthBytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + lengthBytes)
        fail(path, QStringLiteral("short header"));
    qsizetype headerLength = 0;
    for (int i = 0; i < lengthBytes; ++i)
        headerLength |= qsizetype(quint8(bytes[8 + i])) << (8 * i);
    const qsizetype dataStart = 8 + lengthBytes + headerLength;
    if (dataStart > bytes.size())
        fail(path, QStringLiteral("short header"));
    const QString header = QString::fromLatin1(bytes.mid(8 + lengthBytes, headerLength));
    if (!header.contains(QLatin1String("'descr': '<f4'")))
        fail(path, QStringLiteral("dtype is not <f4"));
    if (!header.contains(QLatin1String("'fortran_order': False")))
        fail(path, QStringLiteral("Fortran order"));
    const auto match = QRegularExpression(QStringLiteral("'shape': \\(([0-9, ]*)\\)")).match(header);
    if (!match.hasMatch())
        fail(path, QStringLiteral("no shape"));
    NpyArray array;
    long count = 1;
    for (const QString& part : match.captured(1).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = part.trimmed().toInt(&ok);
        if (!ok || n < 0)
            fail(path, QStringLiteral("bad shape"));
        array.shape.push_back(n);
        count *= n;
    }
    if (bytes.size() - dataStart != qsizetype(count) * 4)
        fail(path, QStringLiteral("%1 data bytes for %2 values").arg(bytes.size() - dataStart).arg(count));
    array.values.resize(size_t(count));
    std::memcpy(array.values.data(), bytes.constData() + dataStart, size_t(count) * 4);
    return array;
}

} // namespace genrescope::teacher
