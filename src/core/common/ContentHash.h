#pragma once
// A file's identity by content, cheap enough for whole music libraries: the library store
// recognises moved songs by it and the training analysis keys its cache on it.

#include <QString>

namespace genrescope {

/// SHA-1 (hex) of the file's size, its first and its last MiB (the whole file up to 2 MiB);
/// empty when the file cannot be read.
QString quickContentHash(const QString& path);

} // namespace genrescope
