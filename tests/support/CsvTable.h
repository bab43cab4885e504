#pragma once
// A CSV with a header, read as text cells (for reference tables with names).

#include <QHash>
#include <QString>
#include <QStringList>

#include <vector>

namespace testaudio {

struct CsvTable {
    QStringList header;
    std::vector<QStringList> rows;

    int column(const QString& name) const { return int(header.indexOf(name)); }
    /// Row whose first cell equals key, or nullptr.
    const QStringList* find(const QString& key) const;
};

CsvTable readCsvTable(const QString& path);

} // namespace testaudio
