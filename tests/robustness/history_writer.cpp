// Helper for tst_datasafety: appends large runs to a run-history file forever,
// so the test can SIGKILL it in the middle of a save.
// Usage: history_writer FILE

#include "RunHistory.h"

#include <QCoreApplication>
#include <QJsonArray>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc != 2)
        return 2;
    genrescope::app::RunHistory history(QString::fromLocal8Bit(argv[1]));
    history.load();
    QJsonArray curve;
    for (int e = 0; e < 2000; ++e)
        curve.append(QJsonObject{{"epoch", e}, {"trainLoss", 1.0 / (e + 1)}, {"validAccuracy", 0.5}});
    for (int i = 0;; ++i)
        if (!history.append(QJsonObject{{"writer", i}, {"history", curve}}))
            return 1;
}
