#pragma once
// File types the decoder accepts, for open dialogs and folder scans.

#include <QString>
#include <QStringList>

namespace genrescope::audioformats {

/// Lower-case extensions without the dot: wav, flac, ogg, oga, opus, mp3, aif, aiff, aifc, au, snd.
const QStringList& extensions();

/// Name filters such as "*.wav" for QDir and file dialogs.
QStringList nameFilters();

/// True when the path's extension is one we decode.
bool hasAudioExtension(const QString& path);

/// Collects the audio files among paths, descending into folders recursively.
/// Symlinked folders are not followed, so loops cannot hang the scan. Sorted per folder.
QStringList collectAudioFiles(const QStringList& paths);

} // namespace genrescope::audioformats
