#include "charthistory.h"

#include <QDateTime>

#include <algorithm>
#include <vector>

namespace {
constexpr double kMiB = 1024.0 * 1024.0;

QByteArray number(double v)
{
    // Two decimals are what the charts label; more is noise from rounding.
    return QByteArray::number(v, 'f', 2);
}
} // namespace

int categoryIndex(Category category)
{
    const auto cats = managedCategories();
    for (size_t i = 0; i < cats.size(); ++i) {
        if (cats[i] == category)
            return int(i);
    }
    return -1;
}

ChartRow ChartRow::fromSnapshot(const Snapshot& s)
{
    ChartRow row;
    row.msecs = s.timestamp.toMSecsSinceEpoch();
    row.hostCpuPercent = s.system.cpuPercent;
    row.memoryUsedMb = double(s.system.memoryUsedBytes) / kMiB;
    row.memoryFreeMb = double(s.system.memoryAvailableBytes) / kMiB;
    for (const auto& c : s.containers) {
        const int i = categoryIndex(c.category);
        if (i < 0)
            continue;
        CategoryPoint& p = row.categories[size_t(i)];
        p.ramPercent += c.memoryPercent;
        p.cpuPercent += c.cpuPercent;
        p.readBytes += c.readBytes;
        p.writeBytes += c.writeBytes;
        p.readOps += c.readOps;
        p.writeOps += c.writeOps;
        ++p.containers;
    }
    return row;
}

ChartHistory::ChartHistory(qsizetype capacity)
    : m_capacity(capacity)
{ }

ChartHistory ChartHistory::fromSnapshots(const QList<Snapshot>& snapshots)
{
    // A central receiver can get entries from several agents slightly out of
    // order; a line that goes back in time is unreadable, so plot by time.
    std::vector<ChartRow> rows;
    rows.reserve(size_t(snapshots.size()));
    for (const auto& s : snapshots)
        rows.push_back(ChartRow::fromSnapshot(s));
    std::stable_sort(rows.begin(), rows.end(), [](const ChartRow& a, const ChartRow& b) { return a.msecs < b.msecs; });
    ChartHistory h;
    h.m_rows.assign(rows.begin(), rows.end());
    return h;
}

void ChartHistory::append(const Snapshot& snapshot)
{
    append(ChartRow::fromSnapshot(snapshot));
}

void ChartHistory::append(const ChartRow& row)
{
    m_rows.push_back(row);
    if (m_capacity > 0) {
        while (qsizetype(m_rows.size()) > m_capacity)
            m_rows.pop_front();
    }
}

void ChartHistory::clear()
{
    m_rows.clear();
}

void ChartHistory::setCapacity(qsizetype capacity)
{
    m_capacity = capacity;
    if (m_capacity > 0) {
        while (qsizetype(m_rows.size()) > m_capacity)
            m_rows.pop_front();
    }
}

const ChartRow* ChartHistory::lastWith(int categoryIdx) const
{
    if (categoryIdx < 0 || categoryIdx >= 4)
        return nullptr;
    for (auto it = m_rows.rbegin(); it != m_rows.rend(); ++it) {
        if (it->categories[size_t(categoryIdx)].containers > 0)
            return &*it;
    }
    return nullptr;
}

QStringList ChartHistory::csvHeader()
{
    QStringList h = { QStringLiteral("timestamp"), QStringLiteral("host_cpu_percent"), QStringLiteral("memory_used_mb"),
                      QStringLiteral("memory_free_mb") };
    for (Category c : managedCategories()) {
        const QString n = categoryName(c);
        for (const char* f :
             { "containers", "ram_percent", "cpu_percent", "read_bytes", "write_bytes", "read_ops", "write_ops" })
            h.append(n + QLatin1Char('_') + QLatin1String(f));
    }
    return h;
}

QByteArray ChartHistory::toCsv() const
{
    QByteArray out = csvHeader().join(QLatin1Char(',')).toUtf8();
    out += '\n';
    out.reserve(out.size() + qsizetype(m_rows.size()) * 200);
    for (const auto& r : m_rows) {
        out += QDateTime::fromMSecsSinceEpoch(r.msecs, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
        out += ',' + number(r.hostCpuPercent) + ',' + number(r.memoryUsedMb) + ',' + number(r.memoryFreeMb);
        for (const auto& p : r.categories) {
            out += ',' + QByteArray::number(p.containers) + ',' + number(p.ramPercent) + ',' + number(p.cpuPercent)
                + ',' + QByteArray::number(p.readBytes) + ',' + QByteArray::number(p.writeBytes) + ','
                + QByteArray::number(p.readOps) + ',' + QByteArray::number(p.writeOps);
        }
        out += '\n';
    }
    return out;
}
