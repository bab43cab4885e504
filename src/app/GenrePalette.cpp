#include "GenrePalette.h"

#include <QHash>

namespace genrescope::app {

QColor genreColor(const QString& genre)
{
    static const QHash<QString, QColor> fixed{
        {QStringLiteral("blues"), QColor(0x4e, 0x79, 0xa7)},     {QStringLiteral("classical"), QColor(0xf2, 0x8e, 0x2b)},
        {QStringLiteral("country"), QColor(0xb0, 0x7a, 0xa1)},   {QStringLiteral("disco"), QColor(0xe1, 0x57, 0x59)},
        {QStringLiteral("hiphop"), QColor(0x76, 0xb7, 0xb2)},    {QStringLiteral("jazz"), QColor(0x59, 0xa1, 0x4f)},
        {QStringLiteral("metal"), QColor(0x9c, 0x75, 0x5f)},     {QStringLiteral("pop"), QColor(0xed, 0xc9, 0x48)},
        {QStringLiteral("reggae"), QColor(0x2c, 0xa0, 0x2c)},    {QStringLiteral("rock"), QColor(0xff, 0x9d, 0xa7)},
    };
    const auto it = fixed.find(genre);
    if (it != fixed.end())
        return *it;
    return QColor::fromHsv(int(qHash(genre) % 360), 140, 210);
}

} // namespace genrescope::app
