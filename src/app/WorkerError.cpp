#include "WorkerError.h"

#include "common/Error.h"

#include <QCoreApplication>

namespace genrescope::app {

QString workerErrorMessage(const QUnhandledException& wrapped)
{
    try {
        std::rethrow_exception(wrapped.exception());
    } catch (const Error& e) {
        return e.message();
    } catch (const std::exception& e) {
        return QCoreApplication::translate("WorkerError", "Internal error: %1").arg(QString::fromUtf8(e.what()));
    } catch (...) {
        return QCoreApplication::translate("WorkerError", "The work failed for an unknown reason.");
    }
}

} // namespace genrescope::app
