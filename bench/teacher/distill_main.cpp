// genrescope-distill: teaches a student CNN of ours the musicnn teacher's embedding
// (training time only; see docs/MODELS.md).
//
//   genrescope-distill windows --weights DIR --out DIR [--max-windows N] [--threads N] FILE...
//       Cuts each song into 30 s windows; for each, the Kaggle picture the app renders
//       (windows.u8: 216 x 334 colour indices per window) and the teacher's embedding and
//       tags from the window's audio (targets.csv, one row per window).
//   genrescope-distill student --windows DIR --arch SPEC --out MODEL [--epochs N] [--crop W]
//                              [--lr X] [--batch N] [--seed N] [--holdout F]
//       Trains a CNN on those pictures to predict the standardised 200-value embedding
//       (mean squared error), and saves it as an image model with 200 outputs: its layers
//       then start a genre classifier (genrescope-cli train --init MODEL --freeze-init).

#include "MusicnnTeacher.h"
#include "TeacherInput.h"

#include "audio/AudioDecoder.h"
#include "common/Error.h"
#include "common/OutputFile.h"
#include "common/Parallel.h"
#include "dsp/MelImage.h"
#include "classify/OutOfFold.h"
#include "classify/Training.h"
#include "data/Dataset.h"
#include "ml/Distillation.h"
#include "ml/ModelFile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>

#include <cmath>
#include <cstdio>
#include <mutex>
#include <optional>

using namespace genrescope;
using namespace genrescope::teacher;

namespace {

constexpr int kWindowSeconds = 30;
constexpr long kImageValues = long(kMelImageRows) * kMelImageColumns;

struct Window {
    QString song;
    int index = 0;
    MelImage image;
    TeacherOutput target;
};

QByteArray targetsHeader()
{
    return "song,window,start_seconds" + MusicnnTeacher::csvColumns() + '\n';
}

int windowsCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("weights"), QStringLiteral("Teacher weights folder."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output folder (created; must not hold windows already)."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("max-windows"), QStringLiteral("At most N windows a song (default 4), spread over it."), QStringLiteral("N"), QStringLiteral("4")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Songs at once (default 2)."), QStringLiteral("N"), QStringLiteral("2")});
    p.process(args);
    const QStringList files = p.positionalArguments();
    if (!p.isSet(QStringLiteral("weights")) || !p.isSet(QStringLiteral("out")) || files.isEmpty())
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("windows needs --weights, --out and audio files."));
    const QDir out(p.value(QStringLiteral("out")));
    if (!QDir().mkpath(out.path()))
        throw Error(ErrorCode::WriteFailed, out.path() + QStringLiteral(": cannot create."));
    const OutputTarget images = OutputTarget::check(out.filePath(QStringLiteral("windows.u8")), false);
    const OutputTarget targets = OutputTarget::check(out.filePath(QStringLiteral("targets.csv")), false);
    const MusicnnTeacher teacher(p.value(QStringLiteral("weights")));
    const int maxWindows = std::max(1, p.value(QStringLiteral("max-windows")).toInt());

    std::vector<std::vector<Window>> perSong(size_t(files.size()));
    std::vector<double> seconds(size_t(files.size()), 0.0);
    std::mutex logMutex;
    parallelFor(int(files.size()), std::max(1, p.value(QStringLiteral("threads")).toInt()), [&](int i) {
        try {
            const DecodedAudio kaggle = decodeAudio(files[i]);  // 22050 Hz, as the app renders pictures
            const DecodedAudio heard = decodeAudio(files[i], {}, kTeacherRate);
            seconds[size_t(i)] = kaggle.durationSeconds();
            const long whole = long(kaggle.samples.size()) / (long(kWindowSeconds) * kAnalysisRate);
            const int take = int(std::min<long>(whole, maxWindows));
            for (int w = 0; w < take; ++w) {
                const long index = take == whole ? w : long(double(w) * double(whole) / take);  // spread over the song
                const long start22 = index * kWindowSeconds * kAnalysisRate;
                const long start16 = index * kWindowSeconds * kTeacherRate;
                if (start16 + long(kWindowSeconds) * kTeacherRate > long(heard.samples.size()))
                    break;
                Window win;
                win.song = QFileInfo(files[i]).fileName();
                win.index = int(index);
                win.image = melImageFromAudio(kaggle.samples.data() + start22, long(kWindowSeconds) * kAnalysisRate);
                win.target = MusicnnTeacher::mean(teacher.forwardPatches(
                    logMelFromAudio(heard.samples.data() + start16, long(kWindowSeconds) * kTeacherRate)));
                perSong[size_t(i)].push_back(std::move(win));
            }
        } catch (const Error& e) {
            const std::lock_guard lock(logMutex);
            std::fprintf(stderr, "skipped %s: %s\n", qPrintable(files[i]), qPrintable(e.message()));
        }
        const std::lock_guard lock(logMutex);
        std::fprintf(stderr, "\r%d/%lld songs", i + 1, static_cast<long long>(files.size()));
    });
    QByteArray imageBytes, csv = targetsHeader();
    int windows = 0;
    for (const auto& song : perSong)
        for (const Window& w : song) {
            imageBytes.append(reinterpret_cast<const char*>(w.image.index.data()), qsizetype(w.image.index.size()));
            csv += '"' + w.song.toUtf8().replace('"', "\"\"") + "\"," + QByteArray::number(w.index) + ','
                   + QByteArray::number(w.index * kWindowSeconds);
            csv += MusicnnTeacher::csvValues(w.target) + '\n';
            ++windows;
        }
    images.write(imageBytes);
    targets.write(csv);
    double hours = 0;
    for (double s : seconds)
        hours += s / 3600.0;
    std::fprintf(stderr, "\n%d windows from %lld songs (%.2f hours of audio) in %s\n", windows,
                 static_cast<long long>(files.size()), hours, qPrintable(out.path()));
    return 0;
}

/// windows.u8 and targets.csv of a `windows` folder: images (N, 1, 216, 334) as the image
/// loader scales them (index / 255), and the 200 embedding values per window.
void loadWindows(const QString& dir, ml::Tensor& images, ml::Tensor& targets, QStringList& songs)
{
    QFile imageFile(QDir(dir).filePath(QStringLiteral("windows.u8")));
    QFile csvFile(QDir(dir).filePath(QStringLiteral("targets.csv")));
    if (!imageFile.open(QIODevice::ReadOnly) || !csvFile.open(QIODevice::ReadOnly | QIODevice::Text))
        throw Error(ErrorCode::FileNotFound, dir + QStringLiteral(": no windows.u8 and targets.csv (run 'windows' first)."));
    const QByteArray bytes = imageFile.readAll();
    QList<QByteArray> lines = csvFile.readAll().split('\n');
    lines.removeFirst();
    while (!lines.isEmpty() && lines.back().isEmpty())
        lines.removeLast();
    const int n = int(lines.size());
    if (bytes.size() != qsizetype(n) * kImageValues)
        throw Error(ErrorCode::BadHeader, dir + QStringLiteral(": windows.u8 does not hold one picture per target row."));
    images.resize({n, 1, kMelImageRows, kMelImageColumns});
    targets.resize({n, MusicnnTeacher::kEmbedding});
    for (int i = 0; i < n; ++i) {
        const auto* src = reinterpret_cast<const unsigned char*>(bytes.constData()) + size_t(i) * kImageValues;
        for (long k = 0; k < kImageValues; ++k)
            images.sample(i)[k] = float(src[k]) / 255.0f;
        // The song name is quoted and may hold commas: the numbers are the last 250 cells.
        const QByteArray& line = lines[i];
        const qsizetype close = line.lastIndexOf('"');
        const QList<QByteArray> cells = close > 0 ? line.mid(close + 2).split(',') : QList<QByteArray>{};
        if (!line.startsWith('"') || cells.size() != 2 + MusicnnTeacher::kEmbedding + MusicnnTeacher::kTags)
            throw Error(ErrorCode::BadHeader, dir + QStringLiteral("/targets.csv: line %1 is not a window's row.").arg(i + 2));
        songs << QString::fromUtf8(line.mid(1, close - 1)).replace(QStringLiteral("\"\""), QStringLiteral("\""));
        for (int k = 0; k < MusicnnTeacher::kEmbedding; ++k)
            targets.sample(i)[k] = cells[2 + k].toFloat();
    }
}

int studentCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("windows"), QStringLiteral("Folders made by 'windows' (comma-separated)."), QStringLiteral("DIRS")});
    p.addOption({QStringLiteral("arch"), QStringLiteral("The student's layers (a dense output of 200 is added)."), QStringLiteral("SPEC")});
    p.addOption({QStringLiteral("out"), QStringLiteral("The student model to write."), QStringLiteral("MODEL")});
    p.addOption({QStringLiteral("force"), QStringLiteral("Replace an existing model.")});
    p.addOption({QStringLiteral("epochs"), QStringLiteral("Epochs (default 20)."), QStringLiteral("N"), QStringLiteral("20")});
    p.addOption({QStringLiteral("crop"), QStringLiteral("Time crop width (default 128)."), QStringLiteral("W"), QStringLiteral("128")});
    p.addOption({QStringLiteral("lr"), QStringLiteral("Adam learning rate (default 0.001)."), QStringLiteral("X"), QStringLiteral("0.001")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Batch size (default 32)."), QStringLiteral("N"), QStringLiteral("32")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 7)."), QStringLiteral("N"), QStringLiteral("7")});
    p.addOption({QStringLiteral("holdout"), QStringLiteral("Songs held out to measure the fit, one in F (default 10)."), QStringLiteral("F"), QStringLiteral("10")});
    p.process(args);
    if (!p.isSet(QStringLiteral("windows")) || !p.isSet(QStringLiteral("arch")) || !p.isSet(QStringLiteral("out")))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("student needs --windows, --arch and --out."));
    const QString outPath = p.value(QStringLiteral("out"));
    OutputTarget::check(outPath, p.isSet(QStringLiteral("force")));

    ml::Tensor images, targets;
    QStringList songs;
    {
        std::vector<ml::Tensor> imageParts, targetParts;
        for (const QString& dir : p.value(QStringLiteral("windows")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            imageParts.emplace_back();
            targetParts.emplace_back();
            loadWindows(dir, imageParts.back(), targetParts.back(), songs);
        }
        int n = 0;
        for (const ml::Tensor& t : imageParts)
            n += t.batch();
        images.resize({n, 1, kMelImageRows, kMelImageColumns});
        targets.resize({n, MusicnnTeacher::kEmbedding});
        int at = 0;
        for (size_t j = 0; j < imageParts.size(); ++j) {
            std::copy(imageParts[j].data.begin(), imageParts[j].data.end(), images.sample(at));
            std::copy(targetParts[j].data.begin(), targetParts[j].data.end(), targets.sample(at));
            at += imageParts[j].batch();
        }
    }
    // Held-out songs (every F-th distinct song name) measure how well the student generalises.
    const int holdout = std::max(2, p.value(QStringLiteral("holdout")).toInt());
    QStringList distinct = songs;
    distinct.removeDuplicates();
    std::vector<int> trainRows, testRows;
    for (int i = 0; i < images.batch(); ++i)
        (distinct.indexOf(songs[i]) % holdout == holdout - 1 ? testRows : trainRows).push_back(i);

    // One mean and scale for the pictures (as the image classifiers), and a z-score per target value.
    double sum = 0, squares = 0;
    long count = 0;
    for (int i : trainRows)
        for (long k = 0; k < kImageValues; ++k) {
            const double v = images.sample(i)[k];
            sum += v;
            squares += v * v;
            ++count;
        }
    const float mean = float(sum / double(count));
    const float scale = float(1.0 / std::sqrt(std::max(1e-12, squares / double(count) - double(mean) * mean)));
    for (float& v : images.data)
        v = (v - mean) * scale;
    for (int k = 0; k < MusicnnTeacher::kEmbedding; ++k) {
        double s = 0, q = 0;
        for (int i : trainRows) {
            s += targets.sample(i)[k];
            q += double(targets.sample(i)[k]) * targets.sample(i)[k];
        }
        const double m = s / double(trainRows.size());
        const double sd = std::sqrt(std::max(1e-12, q / double(trainRows.size()) - m * m));
        for (int i = 0; i < targets.batch(); ++i)
            targets.sample(i)[k] = float((targets.sample(i)[k] - m) / sd);
    }
    auto subset = [](const ml::Tensor& t, const std::vector<int>& rows) {
        std::vector<int> shape = t.shape;
        shape[0] = int(rows.size());
        ml::Tensor s(shape);
        for (size_t i = 0; i < rows.size(); ++i)
            std::copy_n(t.sample(rows[i]), t.sampleSize(), s.sample(int(i)));
        return s;
    };
    const ml::Tensor trainImages = subset(images, trainRows), trainTargets = subset(targets, trainRows);
    const ml::Tensor testImages = subset(images, testRows), testTargets = subset(targets, testRows);
    images = {};

    ml::TrainConfig config;
    config.epochs = p.value(QStringLiteral("epochs")).toInt();
    config.batch = p.value(QStringLiteral("batch")).toInt();
    config.seed = p.value(QStringLiteral("seed")).toUInt();
    config.optimizer.learningRate = p.value(QStringLiteral("lr")).toDouble();
    config.crop.columns = p.value(QStringLiteral("crop")).toInt();
    config.crop.views = 5;
    ml::Model model;
    model.network = std::make_unique<ml::Network>(p.value(QStringLiteral("arch")),
                                                  std::vector<int>{1, kMelImageRows, config.crop.columns > 0 ? config.crop.columns : kMelImageColumns},
                                                  MusicnnTeacher::kEmbedding);
    model.network->initialise(config.seed);
    std::fprintf(stderr, "%d training windows, %d held-out windows (%lld songs); %ld parameters\n", trainImages.batch(),
                 testImages.batch(), static_cast<long long>(distinct.size()), model.network->parameterCount());
    auto heldOut = [&] {
        return testImages.batch() > 0
                   ? ml::regressionError(ml::predictOutputs(*model.network, testImages, config.crop), testTargets)
                   : std::pair<double, double>{NAN, NAN};
    };
    const ml::DistillationResult result = ml::distil(
        *model.network, {&trainImages, &trainTargets}, config, [&](int epoch, double loss) {
            const auto [mse, cosine] = epoch % 5 == 0 || epoch == config.epochs ? heldOut() : std::pair<double, double>{NAN, NAN};
            std::fprintf(stderr, "epoch %d: training MSE %.4f; held-out MSE %.4f, cosine %.3f\n", epoch, loss, mse, cosine);
        });
    if (result.diverged || result.cancelled)
        throw Error(ErrorCode::InvalidArgument, result.message);
    const auto [mse, cosine] = heldOut();
    model.inputKind = QStringLiteral("image");
    for (int k = 0; k < MusicnnTeacher::kEmbedding; ++k)
        model.classes << QStringLiteral("emb%1").arg(k);
    model.mean = {mean};
    model.scale = {scale};
    model.crop = config.crop;
    model.training = QJsonObject{
        {"kind", "distilled student of musicnn (MSD)"},
        {"windows", p.value(QStringLiteral("windows"))},
        {"trainingWindows", trainImages.batch()},
        {"epochs", config.epochs},
        {"seed", int(config.seed)},
        {"seconds", result.seconds}};
    model.metrics = QJsonObject{{"heldOutWindows", testImages.batch()}, {"heldOutMse", mse}, {"heldOutCosine", cosine}};
    ml::saveModel(model, outPath, p.isSet(QStringLiteral("force")));
    std::fprintf(stderr, "%s in %.0f s; held-out MSE %.4f (1 = predicting the mean), cosine %.3f\n",
                 qPrintable(result.message), result.seconds, mse, cosine);
    return 0;
}

/// The ceiling of the issue: softmax regression on the teacher's embeddings of the GTZAN
/// pictures (../shared/data/gtzan/teacher), cross-validated exactly as the shipped models
/// (folds following the lists, seed 7), with the out-of-fold probabilities for ensembles.
int ceilingCommand(const QStringList& args)
{
    QCommandLineParser p;
    p.addOption({QStringLiteral("embeddings"), QStringLiteral("Teacher CSV: song,label,emb0..emb199,..."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("lists"), QStringLiteral("Folder with train.txt and valid.txt."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("oof"), QStringLiteral("Out-of-fold probabilities to write."), QStringLiteral("CSV")});
    p.addOption({QStringLiteral("force"), QStringLiteral("Replace an existing --oof file.")});
    p.addOption({QStringLiteral("folds"), QStringLiteral("Folds (default 3)."), QStringLiteral("K"), QStringLiteral("3")});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Seed (default 7)."), QStringLiteral("N"), QStringLiteral("7")});
    p.process(args);
    if (!p.isSet(QStringLiteral("embeddings")) || !p.isSet(QStringLiteral("lists")))
        throw Error(ErrorCode::InvalidArgument, QStringLiteral("ceiling needs --embeddings and --lists."));
    std::optional<OutputTarget> oofTarget;
    if (p.isSet(QStringLiteral("oof")))
        oofTarget = OutputTarget::check(p.value(QStringLiteral("oof")), p.isSet(QStringLiteral("force")),
                                        {p.value(QStringLiteral("embeddings"))});
    QFile file(p.value(QStringLiteral("embeddings")));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw Error(ErrorCode::FileNotFound, file.fileName() + QStringLiteral(": cannot open."));
    QList<QByteArray> lines = file.readAll().split('\n');
    // The shared file (song,label,emb0,...) or genrescope-teacher's (song,label,window,start_seconds,emb0,...).
    const QList<QByteArray> header = lines.isEmpty() ? QList<QByteArray>{} : lines.takeFirst().trimmed().split(',');
    const qsizetype first = header.indexOf("emb0");
    if (first < 2 || header.size() < first + MusicnnTeacher::kEmbedding || header[0] != "song" || header[1] != "label")
        throw Error(ErrorCode::BadHeader, file.fileName() + QStringLiteral(": expected song,label,...,emb0..emb199."));
    auto d = std::make_shared<data::Dataset>();
    d->kind = data::InputKind::Features;
    QStringList labels;
    std::vector<float> values;
    for (const QByteArray& line : lines) {
        const QList<QByteArray> cells = line.trimmed().split(',');
        if (line.trimmed().isEmpty())
            continue;
        if (cells.size() != header.size())  // a quoted song name with a comma also lands here
            throw Error(ErrorCode::BadHeader, file.fileName() + QStringLiteral(": a row of %1 cells under a header of %2.")
                                                                    .arg(cells.size()).arg(header.size()));
        d->names << QString::fromUtf8(cells[0]);
        d->songIds << QString::fromUtf8(cells[0]);
        labels << QString::fromUtf8(cells[1]);
        for (int k = 0; k < MusicnnTeacher::kEmbedding; ++k)
            values.push_back(cells[first + k].toFloat());
    }
    d->inputs.resize({int(d->names.size()), MusicnnTeacher::kEmbedding});
    std::copy(values.begin(), values.end(), d->inputs.data.begin());
    data::setLabels(*d, labels);
    d->source = file.fileName();

    classify::TrainingRequest request;
    request.dataset = d;
    request.input = data::InputKind::Features;
    request.architecture = QStringLiteral("none");  // softmax regression
    request.split = QStringLiteral("lists:") + p.value(QStringLiteral("lists"));
    request.crossValidation = classify::CrossValidation::parse(p.value(QStringLiteral("folds")));
    request.config.seed = p.value(QStringLiteral("seed")).toUInt();
    request.config.epochs = 200;
    request.config.batch = 32;
    request.config.optimizer.learningRate = 0.001;
    request.config.optimizer.weightDecay = 0.01;  // as the linear baselines of docs/MODELS.md
    const classify::TrainingOutcome out = classify::runTraining(request);
    const classify::CrossValidationScores& cv = out.crossValidation;
    for (const classify::FoldScore& f : cv.perFold)
        std::printf("fold %d of %d: %.1f %% of %d songs\n", f.fold, cv.folds, 100 * f.songAccuracy, f.songs);
    std::printf("song accuracy over %d folds: %.1f %% +- %.1f\n", cv.folds, 100 * cv.meanSongAccuracy, 100 * cv.sdSongAccuracy);
    if (oofTarget) {
        classify::OutOfFold oof = cv.outOfFold;
        oof.input = QStringLiteral("image");  // the embeddings were computed from the pictures
        oofTarget->write(classify::outOfFoldCsv(oof));
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    const QString command = args.size() > 1 ? args.takeAt(1) : QString();
    try {
        if (command == QLatin1String("windows"))
            return windowsCommand(args);
        if (command == QLatin1String("student"))
            return studentCommand(args);
        if (command == QLatin1String("ceiling"))
            return ceilingCommand(args);
        std::fprintf(stderr, "usage: genrescope-distill windows|student ... (see the comment in bench/teacher/distill_main.cpp)\n");
        return 2;
    } catch (const Error& e) {
        std::fprintf(stderr, "genrescope-distill: %s\n", qPrintable(e.message()));
        return 1;
    }
}
