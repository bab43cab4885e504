#pragma once
// What went wrong in a QtConcurrent worker, for people: QtConcurrent wraps what
// a worker throws in QUnhandledException; this unwraps genrescope::Error's message.

#include <QString>
#include <QUnhandledException>

namespace genrescope::app {

QString workerErrorMessage(const QUnhandledException& wrapped);

} // namespace genrescope::app
