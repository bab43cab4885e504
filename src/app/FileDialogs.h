#pragma once
// File dialogs that start where the user last was, and Browse buttons for typed paths.

#include <QString>

class QLineEdit;
class QWidget;

namespace genrescope::app {

/// The folder of the last path chosen in any dialog (kept across runs), or the home folder.
QString lastFolder();
/// Remembers the folder of a chosen path (a file's folder, or the folder itself).
void rememberFolder(const QString& path);

enum class BrowseFor { File, Folder, FileOrFolder };

/// A row holding `edit` and a Browse… button (object name: the edit's plus "Browse") that
/// opens a dialog at the field's path or lastFolder(), and fills the field with the choice.
/// `filter` is a file dialog filter, e.g. "Genrescope models (*.gsm)".
QWidget* withBrowseButton(QLineEdit* edit, BrowseFor what, const QString& title, const QString& filter = {});

} // namespace genrescope::app
