#include "FileDialogs.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>

namespace genrescope::app {

namespace {
constexpr auto kLastFolderKey = "dialogs/lastFolder";
}

QString lastFolder()
{
    const QString folder = QSettings().value(QLatin1String(kLastFolderKey)).toString();
    return !folder.isEmpty() && QFileInfo(folder).isDir() ? folder : QDir::homePath();
}

void rememberFolder(const QString& path)
{
    if (path.isEmpty())
        return;
    const QFileInfo info(path);
    QSettings().setValue(QLatin1String(kLastFolderKey), info.isDir() ? info.absoluteFilePath() : info.absolutePath());
}

QWidget* withBrowseButton(QLineEdit* edit, BrowseFor what, const QString& title, const QString& filter)
{
    auto* row = new QWidget(edit->parentWidget());
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* browse = new QPushButton(QObject::tr("Browse…"), row);
    browse->setObjectName(edit->objectName() + QStringLiteral("Browse"));
    edit->setParent(row);
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, what, title, filter] {
        const QString typed = edit->text().trimmed();
        const QString start = typed.isEmpty() ? lastFolder() : typed;
        QString chosen;
        if (what != BrowseFor::Folder)
            chosen = QFileDialog::getOpenFileName(edit, what == BrowseFor::FileOrFolder ? title + QObject::tr(" (cancel to pick a folder)") : title,
                                                  start, filter);
        if (chosen.isEmpty() && what != BrowseFor::File)
            chosen = QFileDialog::getExistingDirectory(edit, title, start);
        if (chosen.isEmpty())
            return;
        rememberFolder(chosen);
        edit->setText(chosen);
        Q_EMIT edit->editingFinished();
    });
    return row;
}

} // namespace genrescope::app
