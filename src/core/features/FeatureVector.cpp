#include "features/FeatureVector.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace genrescope {

const std::array<QString, kFeatureCount>& featureNames()
{
    static const std::array<QString, kFeatureCount> names = [] {
        std::array<QString, kFeatureCount> n;
        int i = 0;
        for (const char* base : {"chroma_stft", "rms", "spectral_centroid", "spectral_bandwidth", "rolloff",
                                 "zero_crossing_rate", "harmony", "perceptr"}) {
            n[size_t(i++)] = QStringLiteral("%1_mean").arg(QLatin1String(base));
            n[size_t(i++)] = QStringLiteral("%1_var").arg(QLatin1String(base));
        }
        n[size_t(i++)] = QStringLiteral("tempo");
        for (int m = 1; m <= 20; ++m) {
            n[size_t(i++)] = QStringLiteral("mfcc%1_mean").arg(m);
            n[size_t(i++)] = QStringLiteral("mfcc%1_var").arg(m);
        }
        return n;
    }();
    return names;
}

std::vector<int> logScaledFeatures()
{
    static const QStringList positiveMeans{"chroma_stft_mean", "rms_mean", "spectral_centroid_mean",
                                           "spectral_bandwidth_mean", "rolloff_mean", "zero_crossing_rate_mean", "tempo"};
    std::vector<int> columns;
    for (int i = 0; i < kFeatureCount; ++i)
        if (featureNames()[size_t(i)].endsWith(QLatin1String("_var")) || positiveMeans.contains(featureNames()[size_t(i)]))
            columns.push_back(i);
    return columns;
}

int featureIndex(const QString& name)
{
    const auto& names = featureNames();
    for (int i = 0; i < kFeatureCount; ++i)
        if (names[size_t(i)] == name)
            return i;
    return -1;
}

QString songIdFromFilename(const QString& filename)
{
    QString stem = QFileInfo(filename).fileName();
    static const QRegularExpression audioSuffix(QStringLiteral("\\.(wav|flac|ogg|oga|opus|mp3|aiff?|aifc|au|snd)$"),
                                                QRegularExpression::CaseInsensitiveOption);
    stem.remove(audioSuffix);
    // "<genre>.<5 digits>.<window>": drop the window index.
    static const QRegularExpression window(QStringLiteral("^(.*\\.\\d{5})\\.\\d+$"));
    const QRegularExpressionMatch m = window.match(stem);
    return m.hasMatch() ? m.captured(1) : stem;
}

QString FeatureRow::songId() const
{
    return songIdFromFilename(filename);
}

namespace kagglecsv {

QString shownCell(const QString& text)
{
    const QString s = escapeControlCharacters(text.left(kShownChars + 1));
    if (s.size() <= kShownChars)
        return s;
    qsizetype keep = kShownChars - 1;
    if (s[keep - 1].isHighSurrogate())
        --keep;
    return s.left(keep) + QStringLiteral("…");
}

namespace {

QString shortest(double v)
{
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, int(result.ptr - buf));
}

[[noreturn]] void fail(const QString& source, const QString& what)
{
    throw Error(ErrorCode::InvalidArgument, QStringLiteral("%1: %2").arg(shownPath(source), what));
}

/// shownCell() of raw CSV bytes; only the start of a huge cell is decoded.
QString shown(const QByteArray& cell)
{
    constexpr qsizetype kDecoded = 4 * kShownChars;
    const QString start = QString::fromUtf8(cell.left(kDecoded));
    return shownCell(cell.size() > kDecoded ? start + QStringLiteral("…") : start);
}

/// Where a byte offset lies: 1 + the line breaks (LF, CRLF or CR) before it.
int lineAt(const QByteArray& bytes, qsizetype offset)
{
    int line = 1;
    for (qsizetype i = 0; i < offset; ++i)
        if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n')))
            ++line;
    return line;
}

/// Splits CSV text into records (RFC 4180): cells are separated by commas and may be
/// enclosed in double quotes, inside which "" is a quote and commas and line breaks are
/// text. Records end at LF, CRLF or CR (old Mac files).
class CsvRecords {
public:
    CsvRecords(const QByteArray& bytes, const QString& source)
        : p_(bytes.constData()), end_(bytes.constData() + bytes.size()), source_(source)
    {
        if (bytes.startsWith("\xEF\xBB\xBF"))  // the UTF-8 byte order mark spreadsheets write
            p_ += 3;
    }

    bool atEnd() const { return p_ == end_; }
    /// The line the next record starts on.
    int line() const { return line_; }

    QList<QByteArray> next()
    {
        QList<QByteArray> cells;
        for (;;) {
            cells.append(nextCell());
            if (p_ < end_ && *p_ == ',') {
                ++p_;
                continue;
            }
            if (p_ < end_) {  // a line break
                if (*p_ == '\r' && p_ + 1 < end_ && p_[1] == '\n')
                    ++p_;
                ++p_;
                ++line_;
            }
            return cells;
        }
    }

private:
    static bool isBlank(char c) { return c == ' ' || c == '\t'; }
    static bool endsCell(char c) { return c == ',' || c == '\n' || c == '\r'; }

    QByteArray nextCell()
    {
        const char* q = p_;
        while (q < end_ && isBlank(*q))
            ++q;
        if (q == end_ || *q != '"') {
            const char* start = p_;
            while (p_ < end_ && !endsCell(*p_))
                ++p_;
            return QByteArray(start, p_ - start);
        }
        const int opened = line_;
        p_ = q + 1;
        QByteArray cell;
        for (;;) {
            if (p_ == end_)
                fail(source_, QStringLiteral("line %1: a quoted cell starts here but never ends. Check for a stray "
                                             "double quote; inside quotes, write a quote as \"\".").arg(opened));
            const char c = *p_++;
            if (c == '"') {
                if (p_ == end_ || *p_ != '"')
                    break;
                ++p_;
            } else if (c == '\n' || (c == '\r' && (p_ == end_ || *p_ != '\n'))) {
                ++line_;
            }
            cell += c;
        }
        while (p_ < end_ && isBlank(*p_))
            ++p_;
        if (p_ < end_ && !endsCell(*p_))
            fail(source_, QStringLiteral("line %1: text follows the closing quote of \"%2\". Inside quotes, write a "
                                         "quote as \"\".").arg(line_).arg(shown(cell)));
        return cell;
    }

    const char* p_;
    const char* end_;
    QString source_;
    int line_ = 1;
};

/// A text cell as RFC 4180 writes it: in double quotes (a quote doubled) when it holds a
/// comma, a quote or a line break.
QString quotedIfNeeded(const QString& text)
{
    static const QRegularExpression special(QStringLiteral("[,\"\r\n]"));
    if (!text.contains(special))
        return text;
    return QLatin1Char('"') + QString(text).replace(QLatin1Char('"'), QStringLiteral("\"\"")) + QLatin1Char('"');
}

bool isBlankRecord(const QList<QByteArray>& cells)
{
    return cells.size() == 1 && cells.front().trimmed().isEmpty();
}

/// "a, b, c", or the first few and how many there are in all.
QString shownList(const QStringList& names)
{
    constexpr qsizetype kShown = 6;
    QString list = names.mid(0, kShown).join(QStringLiteral(", "));
    if (names.size() > kShown)
        list += QStringLiteral(", … (%1 in all)").arg(names.size());
    return list;
}

} // namespace

QString header()
{
    QStringList cols{QStringLiteral("filename"), QStringLiteral("length")};
    for (const QString& n : featureNames())
        cols << n;
    cols << QStringLiteral("label");
    return cols.join(QLatin1Char(','));
}

QString formatRow(const FeatureRow& row)
{
    QStringList cells{quotedIfNeeded(row.filename), QString::number(row.length)};
    for (double v : row.values)
        cells << shortest(v);
    cells << quotedIfNeeded(row.label);
    return cells.join(QLatin1Char(','));
}

QByteArray write(const std::vector<FeatureRow>& rows)
{
    QByteArray out = header().toUtf8() + "\r\n";
    for (const FeatureRow& r : rows)
        out += formatRow(r).toUtf8() + "\r\n";
    return out;
}

std::vector<FeatureRow> parse(const QByteArray& bytes, const QString& source)
{
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0)
        fail(source, QStringLiteral("line %1 holds a NUL byte; this is not a text CSV file.").arg(lineAt(bytes, nul)));
    CsvRecords records(bytes, source);
    QList<QByteArray> head;
    int headLine = 1;
    while (!records.atEnd() && (head.isEmpty() || isBlankRecord(head))) {
        headLine = records.line();
        head = records.next();
    }
    if (head.isEmpty() || isBlankRecord(head))
        fail(source, QStringLiteral("the file is empty; expected a header line and feature rows."));

    int filenameCol = -1, lengthCol = -1, labelCol = -1;
    std::array<int, kFeatureCount> featureCol;
    featureCol.fill(-1);
    QStringList unknown;
    for (int c = 0; c < head.size(); ++c) {
        const QString name = QString::fromUtf8(head[c]).trimmed();
        if (name == QLatin1String("filename")) filenameCol = c;
        else if (name == QLatin1String("length")) lengthCol = c;
        else if (name == QLatin1String("label")) labelCol = c;
        else if (const int f = featureIndex(name); f >= 0) featureCol[size_t(f)] = c;
        else unknown << (name.isEmpty() ? QStringLiteral("(empty)") : shown(head[c].trimmed()));
    }
    QStringList missing;
    if (filenameCol < 0)
        missing << QStringLiteral("filename");
    for (int f = 0; f < kFeatureCount; ++f)
        if (featureCol[size_t(f)] < 0)
            missing << featureNames()[size_t(f)];
    if (!missing.isEmpty())
        fail(source, QStringLiteral("line %1: not a features CSV: missing column%2 %3. The header needs filename, "
                                    "the 57 Kaggle feature names and (optionally) length and label.")
                         .arg(headLine).arg(missing.size() == 1 ? "" : "s", shownList(missing)));
    if (!unknown.isEmpty())
        fail(source, QStringLiteral("line %1: unexpected column%2 %3. Remove %4; the header takes filename, length, "
                                    "the 57 Kaggle feature names and label.")
                         .arg(headLine).arg(unknown.size() == 1 ? "" : "s", shownList(unknown),
                                            unknown.size() == 1 ? QStringLiteral("it") : QStringLiteral("them")));

    std::vector<FeatureRow> rows;
    while (!records.atEnd()) {
        const int line = records.line();
        const QList<QByteArray> cells = records.next();
        if (isBlankRecord(cells))
            continue;
        if (cells.size() != head.size())
            fail(source, QStringLiteral("line %1: %2 cells where the header has %3.").arg(line).arg(cells.size()).arg(head.size()));
        FeatureRow row;
        row.filename = QString::fromUtf8(cells[filenameCol]).trimmed();
        if (row.filename.isEmpty())
            fail(source, QStringLiteral("line %1: empty filename.").arg(line));
        if (lengthCol >= 0) {
            bool ok = false;
            row.length = cells[lengthCol].trimmed().toLong(&ok);
            if (!ok || row.length < 0)
                fail(source, QStringLiteral("line %1: length \"%2\" is not a sample count.").arg(line).arg(shown(cells[lengthCol])));
        }
        for (int f = 0; f < kFeatureCount; ++f) {
            const QByteArray cell = cells[featureCol[size_t(f)]].trimmed();
            bool ok = false;
            const double v = cell.toDouble(&ok);
            if (!ok || !std::isfinite(v))
                fail(source, QStringLiteral("line %1: %2 is \"%3\", not a finite number.")
                                 .arg(line).arg(featureNames()[size_t(f)], shown(cell)));
            row.values[size_t(f)] = v;
        }
        if (labelCol >= 0)
            row.label = QString::fromUtf8(cells[labelCol]).trimmed();
        rows.push_back(std::move(row));
    }
    if (rows.empty())
        fail(source, QStringLiteral("the file has a header but no rows."));
    return rows;
}

std::vector<FeatureRow> read(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such file.").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    return parse(file.readAll(), path);
}

} // namespace kagglecsv
} // namespace genrescope
