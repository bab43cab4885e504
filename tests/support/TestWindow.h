#pragma once
// What the GUI tests do before they drive a window: keep the app's settings and data in
// the test's own folder, and show a window sized as the test wants, exposed offscreen.
// Header-only: only the GUI tests (which link Qt Widgets) include it.

#include <QByteArray>
#include <QCoreApplication>
#include <QDir>
#include <QSize>
#include <QString>
#include <QTest>
#include <QWidget>

namespace testwindow {

/// Settings (recent files, window layout, theme) and data (run history, the library
/// store's default place) go under `folder`, not the user's. Call it first, in
/// initTestCase: Qt reads these places once.
inline void isolateSettings(const QString& folder)
{
    QCoreApplication::setOrganizationName(QStringLiteral("GenrescopeTest"));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(QDir(folder).filePath(QStringLiteral("config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(QDir(folder).filePath(QStringLiteral("data"))));
}

/// Resizes `window` (unless `size` is invalid), shows it and waits until it is exposed.
/// False when it never is: QVERIFY(testwindow::show(w, {1000, 650})).
[[nodiscard]] inline bool show(QWidget& window, QSize size = {})
{
    if (size.isValid())
        window.resize(size);
    window.show();
    return QTest::qWaitForWindowExposed(&window);
}

} // namespace testwindow
