#include "audio/AudioFormats.h"

#include <QDir>
#include <QFile>

#include <filesystem>
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
        // std::filesystem, not QDirIterator: Qt silently drops names that are not UTF-8.
        // Unreadable, special and such unnameable entries are listed, so the decoder can say
        // why they fail. Symlinked folders are not followed (no loops); unreadable folders are skipped.
        QStringList found;
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::recursive_directory_iterator it(QFile::encodeName(path).toStdString(),
                                            fs::directory_options::skip_permission_denied, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            std::error_code typeError;
            if (it->is_directory(typeError))
                continue;
            const QString entry = QFile::decodeName(QByteArray::fromStdString(it->path().native()));
            if (hasAudioExtension(entry))
                found << entry;
        }
        found.sort();
        files << found;
    }
    return files;
}

} // namespace genrescope::audioformats
