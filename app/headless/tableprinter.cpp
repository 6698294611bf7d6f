#include "headless/tableprinter.h"

#include <QTextStream>

#include <algorithm>

TablePrinter::TablePrinter(QStringList headers, std::vector<bool> rightAligned)
    : m_headers(std::move(headers))
    , m_right(std::move(rightAligned))
{
    m_right.resize(size_t(m_headers.size()), false);
}

void TablePrinter::addRow(QStringList cells)
{
    while (cells.size() < m_headers.size())
        cells.append(QString());
    m_rows.push_back(std::move(cells));
}

QString TablePrinter::render() const
{
    std::vector<qsizetype> width(size_t(m_headers.size()));
    for (qsizetype i = 0; i < m_headers.size(); ++i)
        width[size_t(i)] = m_headers.at(i).size();
    for (const auto& row : m_rows) {
        for (qsizetype i = 0; i < m_headers.size(); ++i)
            width[size_t(i)] = std::max(width[size_t(i)], row.at(i).size());
    }
    QString rule = QStringLiteral("+");
    for (const auto w : width)
        rule += QString(w + 2, QLatin1Char('-')) + QLatin1Char('+');
    rule += QLatin1Char('\n');

    auto line = [&](const QStringList& cells, bool header) -> QString {
        QString out = QStringLiteral("|");
        for (qsizetype i = 0; i < cells.size() && i < qsizetype(width.size()); ++i) {
            const int w = int(width[size_t(i)]);
            const QString cell
                = (!header && m_right[size_t(i)]) ? cells.at(i).rightJustified(w) : cells.at(i).leftJustified(w);
            out += QLatin1Char(' ') + cell + QStringLiteral(" |");
        }
        return out + QLatin1Char('\n');
    };

    QString out = rule + line(m_headers, true) + rule;
    for (const auto& row : m_rows)
        out += line(row, false) + rule;
    return out;
}

QString formatBytesMiB(quint64 bytes)
{
    return QString::number(bytes / (1024 * 1024));
}

QString formatSnapshot(const Snapshot& s)
{
    QString out;
    QTextStream ts(&out);
    ts << "[INFO] System (" << s.timestamp.toLocalTime().toString(Qt::ISODate) << ", source: " << s.source << ")\n"
       << "Total memory: " << formatBytesMiB(s.system.memoryTotalBytes) << " MB\n"
       << "Free memory: " << formatBytesMiB(s.system.memoryAvailableBytes) << " MB\n"
       << "Used memory: " << formatBytesMiB(s.system.memoryUsedBytes) << " MB\n"
       << "CPU usage: " << QString::number(s.system.cpuPercent, 'f', 2) << "%\n";
    for (const auto& w : s.warnings)
        ts << "[WARN] " << w << '\n';
    ts << "\n[INFO] Containers by category:\n";
    if (s.containers.isEmpty())
        ts << "(no containers)\n";

    const QStringList headers
        = { QStringLiteral("PID"),     QStringLiteral("Name"),        QStringLiteral("Container ID"),
            QStringLiteral("CPU %"),   QStringLiteral("RAM %"),       QStringLiteral("RAM MB"),
            QStringLiteral("Disk MB"), QStringLiteral("IO Read Ops"), QStringLiteral("IO Write Ops") };
    const std::vector<bool> right = { true, false, false, true, true, true, true, true, true };
    constexpr auto managed = managedCategories();
    QList<Category> order(managed.begin(), managed.end());
    order.append(Category::Other);
    for (const Category cat : order) {
        TablePrinter table(headers, right);
        for (const auto& c : s.containers) {
            if (c.category != cat)
                continue;
            table.addRow({ QString::number(c.pid), c.name, c.id.left(12), QString::number(c.cpuPercent, 'f', 2),
                           QString::number(c.memoryPercent, 'f', 2), formatBytesMiB(c.memoryBytes),
                           formatBytesMiB(c.readBytes + c.writeBytes), QString::number(c.readOps),
                           QString::number(c.writeOps) });
        }
        if (table.isEmpty())
            continue;
        ts << categoryName(cat).toUpper() << ":\n" << table.render() << '\n';
    }
    ts.flush();
    return out;
}
