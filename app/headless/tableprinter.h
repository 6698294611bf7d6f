#pragma once

#include "core/model/snapshot.h"

#include <QString>
#include <QStringList>

#include <vector>

// ASCII tables in the original's style (+---+ rules between rows).
class TablePrinter
{
public:
    explicit TablePrinter(QStringList headers, std::vector<bool> rightAligned = {});
    void addRow(QStringList cells);
    QString render() const;
    bool isEmpty() const { return m_rows.empty(); }

private:
    QStringList m_headers;
    std::vector<bool> m_right;
    std::vector<QStringList> m_rows;
};

// "Información del sistema" block and one table per category, like the
// original's example run. Containers that are not stress categories go under
// OTHER.
QString formatSnapshot(const Snapshot& snapshot);
QString formatBytesMiB(quint64 bytes);
