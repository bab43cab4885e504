// genrescope-teacher: the musicnn teacher's targets for distillation (training time only).
//
//   genrescope-teacher --weights DIR --images DIR [--band-map CSV] --out CSV
//       one row per Kaggle picture (<genre>/<genre>000NN.png): the mean over its patches
//   genrescope-teacher --weights DIR --audio FILE... --out CSV [--patches]
//       one row per 30 s window of each file (or per 3 s patch)
//
// Rows: song,label,window,start_seconds,emb0..emb199,tag_<name>... The weights are read
// from DIR at run time; nothing of them is written except these outputs.

#include "MusicnnTeacher.h"
#include "TeacherInput.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "common/Parallel.h"
#include "data/Dataset.h"
#include "dsp/MelImage.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QTextStream>

#include <cstdio>
#include <mutex>

using namespace genrescope;
using namespace genrescope::teacher;

namespace {

struct Row {
    QString song, label;
    int window = 0;
    double start = 0.0;
    TeacherOutput output;
};

QByteArray header()
{
    return "song,label,window,start_seconds" + MusicnnTeacher::csvColumns() + '\n';
}

QByteArray format(const Row& row)
{
    auto quoted = [](const QString& text) {  // CSV: quotes only where a comma or a quote needs them
        QByteArray t = text.toUtf8();
        return t.contains(',') || t.contains('"') ? '"' + t.replace('"', "\"\"") + '"' : t;
    };
    QByteArray line = quoted(row.song) + ',' + row.label.toUtf8() + ',' + QByteArray::number(row.window) + ','
                      + QByteArray::number(row.start, 'f', 3);
    return line + MusicnnTeacher::csvValues(row.output) + '\n';
}

QStringList imagesUnder(const QString& dir)
{
    QStringList files;
    QDirIterator it(dir, {QStringLiteral("*.png")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    files.sort();
    return files;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The musicnn teacher's embeddings and tags (training time only)."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("weights"), QStringLiteral("Folder of the teacher's .npy tensors."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("images"), QStringLiteral("Kaggle images_original folder."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("band-map"), QStringLiteral("The 96x128 band map CSV (for --images)."), QStringLiteral("CSV")});
    parser.addOption({QStringLiteral("floor-db"), QStringLiteral("dB standing for pixels at the picture's floor (default -90)."), QStringLiteral("DB"), QStringLiteral("-90")});
    parser.addOption({QStringLiteral("level"), QStringLiteral("Relative power x this stands for the absolute level (default 1000)."), QStringLiteral("X"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Output CSV ('-' for standard output)."), QStringLiteral("CSV")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Replace an existing output file.")});
    parser.addOption({QStringLiteral("patches"), QStringLiteral("One row per 3 s patch instead of per 30 s window.")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    parser.addPositionalArgument(QStringLiteral("audio"), QStringLiteral("Audio files (instead of --images)."), QStringLiteral("[FILE...]"));
    parser.process(app);
    try {
        if (!parser.isSet(QStringLiteral("weights")) || !parser.isSet(QStringLiteral("out")))
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("--weights and --out are required."));
        const bool fromImages = parser.isSet(QStringLiteral("images"));
        const QStringList audio = parser.positionalArguments();
        if (fromImages == !audio.isEmpty())
            throw Error(ErrorCode::InvalidArgument, QStringLiteral("Give either --images DIR or audio files."));
        const OutputTarget target = OutputTarget::check(parser.value(QStringLiteral("out")),
                                                        parser.isSet(QStringLiteral("force")), audio);
        const MusicnnTeacher teacher(parser.value(QStringLiteral("weights")));
        const int threads = std::max(1, parser.value(QStringLiteral("threads")).toInt());
        const bool perPatch = parser.isSet(QStringLiteral("patches"));

        std::vector<std::vector<Row>> rows;
        std::mutex progressMutex;
        int done = 0;
        auto progress = [&](int total) {
            const std::lock_guard lock(progressMutex);
            if (++done % 20 == 0 || done == total)
                std::fprintf(stderr, "\r%d/%d", done, total);
        };
        if (fromImages) {
            if (!parser.isSet(QStringLiteral("band-map")))
                throw Error(ErrorCode::InvalidArgument, QStringLiteral("--images needs --band-map."));
            const Matrix bandMap = readBandMap(parser.value(QStringLiteral("band-map")));
            ImageReconstruction how;
            how.floorDb = parser.value(QStringLiteral("floor-db")).toDouble();
            how.levelScale = parser.value(QStringLiteral("level")).toDouble();
            const QStringList files = imagesUnder(parser.value(QStringLiteral("images")));
            if (files.isEmpty())
                throw Error(ErrorCode::FileNotFound, QStringLiteral("No PNG images found."));
            rows.resize(size_t(files.size()));
            parallelFor(int(files.size()), threads, [&](int i) {
                QFile f(files[i]);
                if (!f.open(QIODevice::ReadOnly))
                    throw Error(ErrorCode::FileUnreadable, files[i] + QStringLiteral(": cannot open."));
                const MelImage image = melImageFromPng(f.readAll(), files[i]);
                const auto outputs = teacher.forwardPatches(logMelFromImage(image, bandMap, how));
                const QString song = data::songIdFromImageName(QFileInfo(files[i]).fileName());
                const QString label = QFileInfo(files[i]).dir().dirName();
                if (perPatch)
                    for (size_t p = 0; p < outputs.size(); ++p)
                        rows[size_t(i)].push_back({song, label, int(p), double(p) * 187 * 256 / kTeacherRate, outputs[p]});
                else
                    rows[size_t(i)].push_back({song, label, 0, 0.0, MusicnnTeacher::mean(outputs)});
                progress(int(files.size()));
            });
        } else {
            rows.resize(size_t(audio.size()));
            parallelFor(int(audio.size()), threads, [&](int i) {
                const DecodedAudio decoded = decodeAudio(audio[i], {}, kTeacherRate);
                const Matrix logMel = logMelFromAudio(decoded.samples.data(), long(decoded.samples.size()));
                const auto outputs = teacher.forwardPatches(logMel);
                const QString song = QFileInfo(audio[i]).fileName();
                constexpr size_t kPatchesPerWindow = 10;  // 10 x 187 frames: a 30 s window
                for (size_t p = 0; p < outputs.size(); ++p) {
                    const double start = double(p) * 187 * 256 / kTeacherRate;
                    if (perPatch)
                        rows[size_t(i)].push_back({song, QString(), int(p), start, outputs[p]});
                    else if (p % kPatchesPerWindow == 0 && p + kPatchesPerWindow <= outputs.size())
                        rows[size_t(i)].push_back(
                            {song, QString(), int(p / kPatchesPerWindow), start,
                             MusicnnTeacher::mean({outputs.begin() + long(p), outputs.begin() + long(p + kPatchesPerWindow)})});
                }
                if (!perPatch && outputs.size() < kPatchesPerWindow && !outputs.empty())  // a clip under 30 s
                    rows[size_t(i)].push_back({song, QString(), 0, 0.0, MusicnnTeacher::mean(outputs)});
                progress(int(audio.size()));
            });
        }
        std::fprintf(stderr, "\n");
        QByteArray bytes = header();
        for (const auto& group : rows)
            for (const Row& row : group)
                bytes += format(row);
        target.write(bytes);
        return 0;
    } catch (const Error& e) {
        std::fprintf(stderr, "genrescope-teacher: %s\n", qPrintable(e.message()));
        return 1;
    }
}
