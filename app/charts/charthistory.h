#pragma once

#include "core/model/snapshot.h"

#include <QList>
#include <QString>

#include <array>
#include <deque>

// What the charts plot, reduced from snapshots to one row per snapshot.
//
// Per category (cpu, ram, io, disk) a row holds the SUM over the category's
// containers in that snapshot: the category's total load at that instant. The
// manager keeps one container per category, so in steady state the sum is
// that container's figures; between a spawn and the next cleanup several are
// running and the sum shows their combined load (which is what the host
// bears). A category with no container in a snapshot plots 0 and counts 0.
// I/O bytes and ops are the containers' cumulative counters (what the original's
// log carries); the donut and the bars show them for the newest snapshot in
// which the category had at least one container.
struct CategoryPoint
{
    double ramPercent = 0; // of host memory
    double cpuPercent = 0; // 100 = one core, as docker stats shows it
    quint64 readBytes = 0;
    quint64 writeBytes = 0;
    quint64 readOps = 0;
    quint64 writeOps = 0;
    int containers = 0;
};

struct ChartRow
{
    qint64 msecs = 0; // UTC, since the epoch
    double hostCpuPercent = 0; // 0..100 of the whole host
    double memoryUsedMb = 0; // total - available
    double memoryFreeMb = 0; // available (the original's Free_Memory_MB)
    std::array<CategoryPoint, 4> categories; // indexed like managedCategories()

    static ChartRow fromSnapshot(const Snapshot& snapshot);
};

// Index of a managed category in ChartRow::categories; -1 for Other.
int categoryIndex(Category category);

// The rows the charts are drawn from, oldest first. With a capacity the
// oldest rows are dropped (the GUI's rolling window keeps memory flat); 0
// keeps everything (export of a stored log).
class ChartHistory
{
public:
    explicit ChartHistory(qsizetype capacity = 0);

    static ChartHistory fromSnapshots(const QList<Snapshot>& snapshots);

    void append(const Snapshot& snapshot);
    void append(const ChartRow& row);
    void clear();
    void setCapacity(qsizetype capacity);

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return qsizetype(m_rows.size()); }
    bool isEmpty() const { return m_rows.empty(); }
    const ChartRow& at(qsizetype i) const { return m_rows[size_t(i)]; }
    const ChartRow& last() const { return m_rows.back(); }

    // The newest row in which `categoryIdx` had containers, or null.
    const ChartRow* lastWith(int categoryIdx) const;

    // Runs: the store keeps every execution, one after the other. A gap
    // longer than kRunGapIntervals typical intervals (the median time between
    // rows, and never less than kMinRunGapMs) ends a run: lines break there,
    // and an export draws the latest run unless asked for a time range.
    static constexpr int kRunGapIntervals = 5;
    static constexpr qint64 kMinRunGapMs = 3000;
    qint64 runGapMs() const;
    ChartHistory latestRun() const;
    // Rows with since <= time <= until (an invalid bound is open).
    ChartHistory between(const QDateTime& since, const QDateTime& until) const;
    int runCount() const;

    // All rows as CSV (RFC 4180, '.' decimals, header line first):
    // timestamp,host_cpu_percent,memory_used_mb,memory_free_mb, then for each
    // category <cat>_containers,<cat>_ram_percent,<cat>_cpu_percent,
    // <cat>_read_bytes,<cat>_write_bytes,<cat>_read_ops,<cat>_write_ops.
    QByteArray toCsv() const;
    static QStringList csvHeader();

private:
    std::deque<ChartRow> m_rows;
    qsizetype m_capacity = 0;
};
