// genrescope: the desktop app. Opens any files or folders given as arguments.

#include "MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    // Qt 6.4's ffmpeg media backend crashes without an audio device; gstreamer does not.
    if (qEnvironmentVariableIsEmpty("QT_MEDIA_BACKEND"))
        qputenv("QT_MEDIA_BACKEND", "gstreamer");

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Genrescope"));
    QApplication::setOrganizationName(QStringLiteral("Genrescope"));
    QApplication::setApplicationVersion(QStringLiteral(GENRESCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("genrescope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Genrescope, a music-genre explorer."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Songs or folders to open."),
                                 QStringLiteral("[PATH...]"));
    parser.process(app);

    genrescope::app::MainWindow window;
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openPaths(parser.positionalArguments());
    return app.exec();
}
