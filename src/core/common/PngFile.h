#pragma once
// PNG encoding with libpng (core may not use QtGui's QImage).

#include "dsp/Colormap.h"

#include <QByteArray>
#include <QString>

namespace genrescope {

/// Encodes 8-bit RGB (alpha dropped) PNG bytes.
QByteArray encodePng(const ArgbImage& image);

/// Decodes any PNG to 8-bit ARGB pixels (0xAARRGGBB). Throws Error(InvalidArgument)
/// naming `source` for damaged or non-PNG data, or absurd dimensions.
ArgbImage decodePng(const QByteArray& bytes, const QString& source);

} // namespace genrescope
