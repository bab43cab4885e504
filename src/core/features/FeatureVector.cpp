#include "features/FeatureVector.h"

#include "common/Error.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

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
namespace {

QString shortest(double v)
{
    char buf[32];
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    return QString::fromLatin1(buf, int(result.ptr - buf));
}

[[noreturn]] void fail(const QString& source, int line, const QString& what)
{
    throw Error(ErrorCode::InvalidArgument,
                line > 0 ? QStringLiteral("%1, line %2: %3").arg(source).arg(line).arg(what)
                         : QStringLiteral("%1: %2").arg(source, what));
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
    QStringList cells{row.filename, QString::number(row.length)};
    for (double v : row.values)
        cells << shortest(v);
    cells << row.label;
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
    QList<QByteArray> lines = bytes.split('\n');
    for (QByteArray& l : lines)
        if (l.endsWith('\r'))
            l.chop(1);
    while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
        lines.removeLast();
    if (lines.isEmpty())
        fail(source, 0, QStringLiteral("the file is empty; expected a header line and feature rows."));

    const QList<QByteArray> head = lines.front().split(',');
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
        else unknown << (name.isEmpty() ? QStringLiteral("(empty)") : name);
    }
    QStringList missing;
    if (filenameCol < 0)
        missing << QStringLiteral("filename");
    for (int f = 0; f < kFeatureCount; ++f)
        if (featureCol[size_t(f)] < 0)
            missing << featureNames()[size_t(f)];
    if (!missing.isEmpty())
        fail(source, 1, QStringLiteral("not a features CSV: missing column%1 %2.")
                            .arg(missing.size() == 1 ? "" : "s", missing.mid(0, 6).join(QStringLiteral(", ")) +
                                                                     (missing.size() > 6 ? QStringLiteral(", ...") : QString())));
    if (!unknown.isEmpty())
        fail(source, 1, QStringLiteral("unexpected column%1 %2.").arg(unknown.size() == 1 ? "" : "s",
                                                                       unknown.join(QStringLiteral(", "))));

    std::vector<FeatureRow> rows;
    rows.reserve(size_t(lines.size()));
    for (int li = 1; li < lines.size(); ++li) {
        const QByteArray& line = lines[li];
        if (line.trimmed().isEmpty())
            continue;
        const QList<QByteArray> cells = line.split(',');
        if (cells.size() != head.size())
            fail(source, li + 1, QStringLiteral("%1 cells where the header has %2.").arg(cells.size()).arg(head.size()));
        FeatureRow row;
        row.filename = QString::fromUtf8(cells[filenameCol]).trimmed();
        if (row.filename.isEmpty())
            fail(source, li + 1, QStringLiteral("empty filename."));
        if (lengthCol >= 0) {
            bool ok = false;
            row.length = cells[lengthCol].trimmed().toLong(&ok);
            if (!ok || row.length < 0)
                fail(source, li + 1, QStringLiteral("length \"%1\" is not a sample count.")
                                         .arg(QString::fromUtf8(cells[lengthCol])));
        }
        for (int f = 0; f < kFeatureCount; ++f) {
            const QByteArray cell = cells[featureCol[size_t(f)]].trimmed();
            bool ok = false;
            const double v = cell.toDouble(&ok);
            if (!ok || !std::isfinite(v))
                fail(source, li + 1, QStringLiteral("%1 is \"%2\", not a finite number.")
                                         .arg(featureNames()[size_t(f)], QString::fromUtf8(cell)));
            row.values[size_t(f)] = v;
        }
        if (labelCol >= 0)
            row.label = QString::fromUtf8(cells[labelCol]).trimmed();
        rows.push_back(std::move(row));
    }
    if (rows.empty())
        fail(source, 0, QStringLiteral("the file has a header but no rows."));
    return rows;
}

std::vector<FeatureRow> read(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        throw Error(ErrorCode::FileNotFound, QStringLiteral("%1: no such file.").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        throw Error(ErrorCode::FileUnreadable, QStringLiteral("%1 cannot be read: %2").arg(path, file.errorString()));
    return parse(file.readAll(), QFileInfo(path).fileName());
}

} // namespace kagglecsv
} // namespace genrescope
