#include "common/PngFile.h"

#include "common/Error.h"

#include <QSaveFile>

#include <png.h>

#include <vector>

namespace genrescope {
namespace {

void appendBytes(png_structp png, png_bytep data, png_size_t length)
{
    auto* out = static_cast<QByteArray*>(png_get_io_ptr(png));
    out->append(reinterpret_cast<const char*>(data), qsizetype(length));
}

void noFlush(png_structp) {}

// libpng reports errors by longjmp; this function owns no C++ objects with
// destructors after setjmp, so jumping out of it is safe.
bool writeRows(png_structp png, png_infop info, int width, int height, png_bytep* rows, QByteArray* out)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_set_write_fn(png, out, appendBytes, noFlush);
    png_set_IHDR(png, info, png_uint_32(width), png_uint_32(height), 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, nullptr);
    return true;
}

} // namespace

QByteArray encodePng(const ArgbImage& image)
{
    if (image.width <= 0 || image.height <= 0)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("Cannot write an empty image."));
    std::vector<png_byte> rgb(size_t(image.width) * size_t(image.height) * 3);
    std::vector<png_bytep> rows(size_t(image.height));
    for (size_t i = 0; i < image.pixels.size(); ++i) {
        rgb[i * 3 + 0] = png_byte((image.pixels[i] >> 16) & 0xff);
        rgb[i * 3 + 1] = png_byte((image.pixels[i] >> 8) & 0xff);
        rgb[i * 3 + 2] = png_byte(image.pixels[i] & 0xff);
    }
    for (int y = 0; y < image.height; ++y)
        rows[size_t(y)] = rgb.data() + size_t(y) * size_t(image.width) * 3;

    QByteArray bytes;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    const bool ok = png && info && writeRows(png, info, image.width, image.height, rows.data(), &bytes);
    png_destroy_write_struct(&png, &info);
    if (!ok)
        throw Error(ErrorCode::WriteFailed, QStringLiteral("PNG encoding failed."));
    return bytes;
}

void writeFileAtomically(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw Error(ErrorCode::WriteFailed, QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
}

} // namespace genrescope
