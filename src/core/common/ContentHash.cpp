#include "common/ContentHash.h"

#include <QCryptographicHash>
#include <QFile>

namespace genrescope {

QString quickContentHash(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    constexpr qint64 kPart = 1 << 20;
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(QByteArray::number(f.size()));
    hash.addData(f.read(kPart));
    if (f.size() > 2 * kPart) {
        f.seek(f.size() - kPart);
        hash.addData(f.read(kPart));
    } else {
        hash.addData(f.readAll());
    }
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace genrescope
