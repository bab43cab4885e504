#include "common/Versions.h"

#include <Eigen/Core>
#include <fftw3.h>
#include <samplerate.h>
#include <sndfile.h>

namespace genrescope {

QStringList versionLines()
{
    return {
        QStringLiteral("Genrescope %1").arg(QStringLiteral(GENRESCOPE_VERSION)),
        QStringLiteral("Qt %1 (built with %2)").arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR)),
        QString::fromLatin1(fftw_version),
        QString::fromLatin1(sf_version_string()),
        QString::fromLatin1(src_get_version()),
        QStringLiteral("Eigen %1.%2.%3").arg(EIGEN_WORLD_VERSION).arg(EIGEN_MAJOR_VERSION).arg(EIGEN_MINOR_VERSION),
    };
}

} // namespace genrescope
