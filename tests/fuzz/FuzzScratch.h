#pragma once
// Fuzz targets that must go through a file (libsndfile opens paths) write each input here:
// one scratch file per process and extension, in the temporary folder.

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QString>

#include <unistd.h>

inline QString fuzzScratchFile(const uint8_t* data, size_t size, const QString& extension)
{
    const QString path = QDir::temp().filePath(QStringLiteral("genrescope-fuzz-%1.%2").arg(::getpid()).arg(extension));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(reinterpret_cast<const char*>(data), qint64(size));
    return path;
}
