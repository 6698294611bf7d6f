#include "charts/charthistory.h"

#include <QDateTime>

#include <algorithm>
#include <limits>
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

qint64 ChartHistory::runGapMs() const
{
    if (m_rows.size() < 2)
        return kMinRunGapMs;
    std::vector<qint64> gaps;
    gaps.reserve(m_rows.size() - 1);
    for (size_t i = 1; i < m_rows.size(); ++i)
        gaps.push_back(m_rows[i].msecs - m_rows[i - 1].msecs);
    auto middle = gaps.begin() + std::ptrdiff_t(gaps.size() / 2);
    std::nth_element(gaps.begin(), middle, gaps.end());
    return std::max(kMinRunGapMs, *middle * kRunGapIntervals);
}

int ChartHistory::runCount() const
{
    if (m_rows.empty())
        return 0;
    const qint64 gap = runGapMs();
    int runs = 1;
    for (size_t i = 1; i < m_rows.size(); ++i) {
        if (m_rows[i].msecs - m_rows[i - 1].msecs > gap)
            ++runs;
    }
    return runs;
}

ChartHistory ChartHistory::latestRun() const
{
    ChartHistory h(m_capacity);
    if (m_rows.empty())
        return h;
    const qint64 gap = runGapMs();
    size_t start = m_rows.size() - 1;
    while (start > 0 && m_rows[start].msecs - m_rows[start - 1].msecs <= gap)
        --start;
    h.m_rows.assign(m_rows.begin() + std::ptrdiff_t(start), m_rows.end());
    return h;
}

ChartHistory ChartHistory::between(const QDateTime& since, const QDateTime& until) const
{
    const qint64 from = since.isValid() ? since.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
    const qint64 to = until.isValid() ? until.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
    ChartHistory h(m_capacity);
    for (const ChartRow& r : m_rows) {
        if (r.msecs >= from && r.msecs <= to)
            h.m_rows.push_back(r);
    }
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
