#pragma once
// The versions of Genrescope and of the libraries it runs with, for --version
// and the About dialog.

#include <QStringList>

namespace genrescope {

/// "Genrescope 0.1.0", then one line per library: Qt, FFTW, libsndfile, libsamplerate, Eigen.
QStringList versionLines();

} // namespace genrescope
