#include "audio/AudioFormats.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace genrescope::audioformats {

const QStringList& extensions()
{
    static const QStringList list{"wav", "flac", "ogg", "oga", "opus", "mp3",
                                  "aif", "aiff", "aifc", "au", "snd"};
    return list;
}

QStringList nameFilters()
{
    QStringList filters;
    for (const QString& ext : extensions())
        filters << QStringLiteral("*.") + ext;
    return filters;
}

bool hasAudioExtension(const QString& path)
{
    return extensions().contains(QFileInfo(path).suffix().toLower());
}

QStringList collectAudioFiles(const QStringList& paths)
{
    QStringList files;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (!info.isDir()) {
            files << path;  // explicit files are kept even with odd extensions; the decoder judges
            continue;
        }
        QStringList found;
        QDirIterator it(path, nameFilters(), QDir::Files | QDir::Readable | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            found << it.next();
        found.sort();
        files << found;
    }
    return files;
}

} // namespace genrescope::audioformats
