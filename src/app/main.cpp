// genrescope: the desktop app. Opens any files or folders given as arguments.

#include "MainWindow.h"
#include "common/Memory.h"
#include "common/Versions.h"
#include "SongLibraryModel.h"
#include "TimeAxis.h"
#include "ComparePanel.h"
#include "TrainPanel.h"

#include "ExplorePanel.h"

#include <QApplication>
#include <QScreen>
#include <QCommandLineParser>
#include <QSettings>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <optional>

int main(int argc, char** argv)
{
    // Qt 6.4's ffmpeg media backend crashes without an audio device; gstreamer does not.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "gstreamer");

    genrescope::tuneAllocatorForInteractiveUse();
    // --version answers without a display (it is run from scripts and package tests).
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "--version") == 0 || std::strcmp(argv[i], "-v") == 0) {
            for (const QString& line : genrescope::versionLines())
                std::printf("%s\n", qPrintable(line));
            return 0;
        }
    // --help too: the help is printed by the parser of a QApplication, which needs no screen offscreen.
    for (int i = 1; i < argc; ++i)
        if ((std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help-all") == 0) &&
            qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Genrescope"));
    QApplication::setOrganizationName(QStringLiteral("Genrescope"));
    QApplication::setApplicationVersion(QStringLiteral(GENRESCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("genrescope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Genrescope, a music-genre explorer."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
        QStringLiteral("Once every given file is analysed, save the window to FILE.png and quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption seek(QStringLiteral("seek"), QStringLiteral("Put the playhead at SECONDS."),
                                  QStringLiteral("SECONDS"));
    const QCommandLineOption featureModel(QStringLiteral("model-features"),
        QStringLiteral("Use this MLP model file instead of the built-in one."), QStringLiteral("FILE"));
    const QCommandLineOption imageModel(QStringLiteral("model-image"),
        QStringLiteral("Use this CNN model file instead of the built-in one."), QStringLiteral("FILE"));
    const QCommandLineOption select(QStringLiteral("select"),
        QStringLiteral("Select the region START,END (seconds) once the songs are analysed."), QStringLiteral("START,END"));
    const QCommandLineOption showSettings(QStringLiteral("spectrogram-settings"),
        QStringLiteral("Open the spectrogram settings once the songs are analysed (with --screenshot: the window and "
                       "the dialog are shot from the screen)."));
    parser.addOption(screenshot);
    parser.addOption(seek);
    parser.addOption(select);
    parser.addOption(showSettings);
    const QCommandLineOption train(QStringLiteral("train"),
        QStringLiteral("Open the Train tab on DATA and start a run (with --screenshot: shot when it ends)."), QStringLiteral("DATA"));
    const QCommandLineOption trainPreset(QStringLiteral("train-preset"),
                                         QStringLiteral("Training recipe for --train: shipped-mlp, shipped-cnn, report-mlp, "
                                                        "report-cnn or linear-image."),
                                         QStringLiteral("ID"), QStringLiteral("shipped-mlp"));
    const QCommandLineOption trainLists(QStringLiteral("train-lists"), QStringLiteral("Split --train by the list files in DIR."),
                                        QStringLiteral("DIR"));
    const QCommandLineOption trainEpochs(QStringLiteral("train-epochs"), QStringLiteral("Epochs for --train."), QStringLiteral("N"));
    const QCommandLineOption trainPair(QStringLiteral("train-pair"),
        QStringLiteral("With --train on a folder of genre folders of songs: Train Pair (the MLP and the CNN) instead of Start."));
    const QCommandLineOption shotAfter(QStringLiteral("screenshot-after"),
        QStringLiteral("With --train: take the screenshot after SECONDS, mid-run."), QStringLiteral("SECONDS"));
    parser.addOption(featureModel);
    parser.addOption(imageModel);
    const QCommandLineOption compare(QStringLiteral("compare"),
        QStringLiteral("Open the Compare tab on a features CSV and run it (with --compare-images; --screenshot: shot when done)."),
        QStringLiteral("CSV"));
    const QCommandLineOption compareImages(QStringLiteral("compare-images"), QStringLiteral("The images folder for --compare."),
                                           QStringLiteral("DIR"));
    const QCommandLineOption compareList(QStringLiteral("compare-list"), QStringLiteral("Only the songs of this list for --compare."),
                                         QStringLiteral("FILE"));
    const QCommandLineOption tab(QStringLiteral("tab"), QStringLiteral("Start on this tab: explore, train, compare or live."),
                                 QStringLiteral("NAME"));
    parser.addOptions({train, trainPreset, trainLists, trainEpochs, trainPair, shotAfter, compare, compareImages, compareList, tab});
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Songs or folders to open."),
                                 QStringLiteral("[PATH...]"));
    parser.process(app);

    genrescope::app::applyTheme(QSettings().value(QStringLiteral("view/theme"), QStringLiteral("system")).toString());
    using genrescope::app::MainWindow;
    MainWindow window;
    window.show();
    if (!parser.isSet(screenshot))  // screenshots show exactly the files given
        window.restoreLibrary();
    if (parser.isSet(featureModel) || parser.isSet(imageModel)) {
        const QString error = window.loadModels(parser.value(featureModel), parser.value(imageModel));
        if (!error.isEmpty()) {
            std::fprintf(stderr, "genrescope: %s\n", qPrintable(error));
            return 2;
        }
    }
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());

    const QString shotPath = parser.value(screenshot);
    auto saveShot = [&window, shotPath] {
        // A dialog is a window of its own: then the screen under the window and its dialogs.
        QRect area = window.frameGeometry();
        bool dialogs = false;
        for (QWidget* top : QApplication::topLevelWidgets())
            if (top != &window && top->isVisible() && top->inherits("QDialog")) {
                area = area.united(top->frameGeometry());
                dialogs = true;
            }
        const QPixmap shot = dialogs ? window.screen()->grabWindow(0, area.x(), area.y(), area.width(), area.height())
                                     : window.grab();
        const bool ok = shot.save(shotPath, "PNG");  // PNG whatever the name ends with
        std::fprintf(stderr, ok ? "genrescope: saved %s\n" : "genrescope: cannot write %s\n", qPrintable(shotPath));
        QApplication::exit(ok ? 0 : 2);
    };
    if (parser.isSet(tab)) {
        const std::optional<MainWindow::Tab> chosen = MainWindow::tabNamed(parser.value(tab));
        if (!chosen) {
            std::fprintf(stderr, "genrescope: --tab takes explore, train, compare or live\n");
            return 2;
        }
        window.showTab(*chosen);
    }
    if (parser.isSet(train)) {
        genrescope::app::TrainPanel* panel = window.trainPanel();
        window.showTab(MainWindow::Tab::Train);
        panel->setPreset(parser.value(trainPreset));
        panel->setDataPath(parser.value(train));
        if (parser.isSet(trainLists))
            panel->setListSplit(parser.value(trainLists));
        if (parser.isSet(trainEpochs))
            panel->setEpochs(parser.value(trainEpochs).toInt());
        if (parser.isSet(trainPair))
            panel->startPair();
        else
            panel->start();
        if (!shotPath.isEmpty()) {
            if (parser.isSet(shotAfter))
                QTimer::singleShot(int(1000 * parser.value(shotAfter).toDouble()), &window, saveShot);
            else
                QObject::connect(panel, &genrescope::app::TrainPanel::runFinished, &window,
                                 [&] { QTimer::singleShot(400, &window, saveShot); });
        }
        return app.exec();
    }

    if (parser.isSet(compare)) {
        genrescope::app::ComparePanel* panel = window.comparePanel();
        window.showTab(MainWindow::Tab::Compare);
        panel->setInputs(parser.value(compare), parser.value(compareImages), parser.value(compareList));
        if (!shotPath.isEmpty())
            QObject::connect(panel, &genrescope::app::ComparePanel::compared, &window,
                             [&] { QTimer::singleShot(400, &window, saveShot); });
        panel->compare();
        return app.exec();
    }

    // When all songs are analysed: optionally seek, then optionally save a screenshot and quit.
    const double seekTo = parser.value(seek).toDouble();
    QTimer idle;
    idle.setInterval(100);
    QObject::connect(&idle, &QTimer::timeout, &window, [&] {
        auto* library = window.library();
        for (int row = 0; row < library->rowCount(); ++row)
            if (library->state(row) == genrescope::app::SongLibraryModel::State::Loading)
                return;
        idle.stop();
        if (seekTo > 0)
            window.timeAxis()->setPlayhead(seekTo);
        const QStringList region = parser.value(select).split(QLatin1Char(','));
        if (region.size() == 2)
            window.timeAxis()->setSelection(region[0].toDouble(), region[1].toDouble());
        if (parser.isSet(showSettings))
            window.explorePanel()->showSpectrogramSettings();
        if (shotPath.isEmpty())
            return;
        QTimer::singleShot(region.size() == 2 ? 2500 : 400, &window, saveShot);  // the region's features take a moment
    });
    idle.start();
    return app.exec();
}
