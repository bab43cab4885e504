#include "common/PngFile.h"

#include "common/Error.h"


#include <png.h>

#include <cstring>
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

struct ReadCursor {
    const QByteArray* bytes;
    qsizetype at = 0;
};

void readBytes(png_structp png, png_bytep out, png_size_t length)
{
    auto* cursor = static_cast<ReadCursor*>(png_get_io_ptr(png));
    if (cursor->at + qsizetype(length) > cursor->bytes->size())
        png_error(png, "truncated");
    std::memcpy(out, cursor->bytes->constData() + cursor->at, length);
    cursor->at += qsizetype(length);
}

// As writeRows: no C++ objects with destructors live across setjmp.
bool readImage(png_structp png, png_infop info, ReadCursor* cursor, ArgbImage* image, std::vector<png_byte>* rgba,
               std::vector<png_bytep>* rows)
{
    if (setjmp(png_jmpbuf(png)))
        return false;
    png_set_read_fn(png, cursor, readBytes);
    png_set_user_limits(png, 8192, 8192);    // a tiny file must not make us allocate gigabytes
    png_set_chunk_malloc_max(png, 8u << 20);
    png_read_info(png, info);
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_gray_to_rgb(png);
    png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
    png_read_update_info(png, info);
    const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != w * 4 || std::uint64_t(w) * h > (16u << 20))  // at most 16 Mpixel
        return false;
    rgba->resize(size_t(w) * size_t(h) * 4);
    rows->resize(h);
    for (png_uint_32 y = 0; y < h; ++y)
        (*rows)[y] = rgba->data() + size_t(y) * w * 4;
    png_read_image(png, rows->data());
    image->width = int(w);
    image->height = int(h);
    return true;
}

} // namespace

ArgbImage decodePng(const QByteArray& bytes, const QString& source)
{
    static const QByteArray signature = QByteArray::fromHex("89504e470d0a1a0a");
    if (!bytes.startsWith(signature))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 is not a PNG image.").arg(source));
    ArgbImage image;
    std::vector<png_byte> rgba;
    std::vector<png_bytep> rows;
    ReadCursor cursor{&bytes};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    const bool ok = png && info && readImage(png, info, &cursor, &image, &rgba, &rows);
    png_destroy_read_struct(&png, &info, nullptr);
    if (!ok)
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1 is a damaged PNG image (or larger than 8192 x 8192 pixels).").arg(source));
    image.pixels.resize(size_t(image.width) * size_t(image.height));
    for (size_t i = 0; i < image.pixels.size(); ++i)
        image.pixels[i] = (std::uint32_t(rgba[i * 4 + 3]) << 24) | (std::uint32_t(rgba[i * 4]) << 16) |
                          (std::uint32_t(rgba[i * 4 + 1]) << 8) | std::uint32_t(rgba[i * 4 + 2]);
    return image;
}

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

} // namespace genrescope
