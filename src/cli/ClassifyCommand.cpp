// genrescope-cli classify [--model-features FILE] [--model-image FILE] [--timeline] [--json] FILE...

#include "CliSupport.h"

#include "audio/AudioDecoder.h"
#include "classify/GenreClassifier.h"
#include "common/Error.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace genrescope::cli {

namespace {

QJsonArray toJson(const std::vector<float>& v)
{
    QJsonArray a;
    for (float x : v)
        a.append(double(x));
    return a;
}

QString best(const std::vector<float>& p, const QStringList& classes)
{
    if (p.empty())
        return QStringLiteral("-");
    const auto it = std::max_element(p.begin(), p.end());
    return QStringLiteral("%1 %2 %").arg(classes[int(it - p.begin())]).arg(int(std::lround(100.0 * *it)));
}

} // namespace

int runClassify(const QStringList& args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Genre probabilities for songs of any length: 30 s windows with a 15 s hop (songs of 10-30 s are one\n"
        "window); the MLP sees each window's 57 features, the CNN its mel image; the ensemble averages both.\n"
        "Without --model-* the models built into this binary are used."));
    parser.addOptions({
        {QStringLiteral("model-features"), QStringLiteral("An MLP model file (features input)."), QStringLiteral("FILE")},
        {QStringLiteral("model-image"), QStringLiteral("A CNN model file (image input)."), QStringLiteral("FILE")},
        {QStringLiteral("timeline"), QStringLiteral("Also print each window's prediction.")},
        {QStringLiteral("json"), QStringLiteral("Print JSON.")},
    });
    parser.addPositionalArgument(QStringLiteral("files"), QStringLiteral("Audio files."), QStringLiteral("FILE..."));
    if (!parseOrReport(parser, args))
        return kBadInput;
    if (parser.positionalArguments().isEmpty()) {
        printError(QStringLiteral("classify: give at least one FILE."));
        return kBadInput;
    }
    const auto mlp = classify::loadModelOrEmbedded(parser.value(QStringLiteral("model-features")), QStringLiteral("mlp-features.gsm"));
    const auto cnn = classify::loadModelOrEmbedded(parser.value(QStringLiteral("model-image")), QStringLiteral("cnn-melimage.gsm"));
    if (!mlp && !cnn) {
        printError(QStringLiteral("classify: this build has no embedded models; pass --model-features and/or --model-image."));
        return kBadInput;
    }
    const classify::GenreClassifier classifier(mlp, cnn);
    const bool json = parser.isSet(QStringLiteral("json"));
    QJsonArray results;
    bool anyFailed = false;
    for (const QString& file : parser.positionalArguments()) {
        try {
            const DecodedAudio audio = decodeAudio(file);
            const classify::SongPrediction p = classifier.classify(audio.samples);
            if (json) {
                QJsonArray windows;
                for (const auto& w : p.windows)
                    windows.append(QJsonObject{{"start", w.start}, {"end", w.end}, {"mlp", toJson(w.mlp)},
                                               {"cnn", toJson(w.cnn)}, {"ensemble", toJson(w.ensemble)}});
                results.append(QJsonObject{{"path", file}, {"seconds", p.seconds}, {"classes", QJsonArray::fromStringList(p.classes)},
                                           {"mlp", toJson(p.mlp)}, {"cnn", toJson(p.cnn)}, {"ensemble", toJson(p.ensemble)},
                                           {"windows", windows}});
                continue;
            }
            out() << QStringLiteral("%1: %2  (MLP %3, CNN %4; %5 window%6)")
                         .arg(QFileInfo(file).fileName(), best(p.ensemble, p.classes), best(p.mlp, p.classes),
                              best(p.cnn, p.classes))
                         .arg(p.windows.size()).arg(p.windows.size() == 1 ? "" : "s")
                  << Qt::endl;
            if (parser.isSet(QStringLiteral("timeline")))
                for (const auto& w : p.windows)
                    out() << QStringLiteral("  %1-%2 s: %3").arg(w.start, 0, 'f', 0).arg(w.end, 0, 'f', 0).arg(best(w.ensemble, p.classes))
                          << Qt::endl;
        } catch (const Error& e) {
            anyFailed = true;
            printError(e.message());  // messages name the file already
            if (json)
                results.append(QJsonObject{{"path", file}, {"error", QJsonObject{{"code", errorCodeName(e.code())},
                                                                                 {"message", e.message()}}}});
        }
    }
    if (json)
        out() << QJsonDocument(results).toJson(QJsonDocument::Indented);
    out().flush();
    return anyFailed ? kBadInput : kOk;
}

} // namespace genrescope::cli
