#pragma once
// PNG encoding with libpng (core may not use QtGui's QImage).

#include "dsp/Colormap.h"

#include <QByteArray>
#include <QString>

namespace genrescope {

/// Encodes 8-bit RGB (alpha dropped) PNG bytes.
QByteArray encodePng(const ArgbImage& image);

/// Writes bytes to path atomically (QSaveFile). Throws Error(WriteFailed).
void writeFileAtomically(const QString& path, const QByteArray& bytes);

} // namespace genrescope
