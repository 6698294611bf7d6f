#pragma once

#include "core/model/category.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

// Where a container's block I/O figures came from. cgroup accounting misses
// writes that only reach overlayfs/page cache (this is common: blkio reads 0),
// so the cgroup source falls back to summing /proc/<pid>/io and says so.
enum class IoSource {
    None,
    CgroupV2, // io.stat
    CgroupV1, // blkio.throttle.io_service_bytes / io_serviced
    ProcIo, // sum of /proc/<pid>/io over the container's tasks
    Kmod, // the kernel module's task-accounting counters
    Reported, // only the original-schema KB/ops figures were available
};
QString ioSourceName(IoSource source);

// Cumulative counters of one container at one instant. Rates are derived from
// two of these (see computeSnapshot), never by sleeping inside a read.
struct RawCounters
{
    quint64 cpuNs = 0; // CPU time used by all tasks, ever
    quint64 memoryBytes = 0; // working set: usage - inactive_file (docker stats rule)
    quint64 memoryUsageBytes = 0; // raw cgroup usage, page cache included
    quint64 rssBytes = 0; // sum of the tasks' resident sets, when known
    quint64 readBytes = 0;
    quint64 writeBytes = 0;
    quint64 readOps = 0;
    quint64 writeOps = 0;
    quint32 tasks = 0;
    // The container's network namespace, every interface but lo (see NetDev).
    quint64 netRxBytes = 0;
    quint64 netTxBytes = 0;
    quint64 netRxPackets = 0;
    quint64 netTxPackets = 0;
};

// One container as a source sees it in one sample.
struct RawContainer
{
    QString id; // full 64-hex id when the source knows it
    QString processName; // comm of the main process ("stress")
    QString cmdline; // NUL-separated argv joined by spaces
    qint64 pid = 0; // main process (lowest pid in the container)
    QString cgroupPath; // as seen in /proc/<pid>/cgroup, for diagnostics
    RawCounters raw;
    bool hasCounters = true; // false: only the reported* figures below are valid
    IoSource ioSource = IoSource::None;
    // Figures a source computed itself (the kernel module's original-schema
    // fields). Used when there are no counters or no previous sample.
    std::optional<double> reportedCpuPercent;
    std::optional<double> reportedMemoryPercent;
};

struct RawHost
{
    quint64 memoryTotalBytes = 0;
    quint64 memoryFreeBytes = 0;
    quint64 memoryAvailableBytes = 0;
    // Host CPU time over all CPUs, in any unit (both in the same one).
    quint64 cpuBusy = 0;
    quint64 cpuTotal = 0;
    bool hasCpuCounters = false;
    std::optional<double> reportedCpuPercent;
    int cpuCount = 0;
};

struct RawSample
{
    QString source; // "kmod" or "cgroup"
    qint64 monotonicNs = 0; // when it was taken (CLOCK_MONOTONIC or the module's clock)
    QDateTime wallTime;
    RawHost host;
    QList<RawContainer> containers;
    QStringList warnings; // non-fatal problems met while sampling
};

struct SystemMetrics
{
    quint64 memoryTotalBytes = 0;
    quint64 memoryUsedBytes = 0; // total - available
    quint64 memoryAvailableBytes = 0;
    quint64 memoryFreeBytes = 0;
    double cpuPercent = 0; // whole host, 0..100 over all CPUs
    int cpuCount = 0;
};

struct ContainerMetrics
{
    QString id;
    QString name; // container name when known (Docker), else process name
    QString processName;
    qint64 pid = 0;
    Category category = Category::Other;
    QString cmdline;
    double cpuPercent = 0; // 100 = one core, as docker stats and top show it
    double cpuPercentHost = 0; // share of the whole host, 0..100
    quint64 memoryBytes = 0;
    double memoryPercent = 0; // of host memory
    quint64 readBytes = 0; // cumulative
    quint64 writeBytes = 0;
    quint64 readOps = 0;
    quint64 writeOps = 0;
    double readBytesPerSec = 0;
    double writeBytesPerSec = 0;
    quint64 netRxBytes = 0; // cumulative, the container's network namespace
    quint64 netTxBytes = 0;
    quint64 netRxPackets = 0;
    quint64 netTxPackets = 0;
    double netRxBytesPerSec = 0;
    double netTxBytesPerSec = 0;
    IoSource ioSource = IoSource::None;
    RawCounters raw;
    // Filled from Docker metadata when available.
    QDateTime created;
    QString state;
    QHash<QString, QString> labels;
    bool managed = false; // label stevedore.managed=true
};

// Which machine a snapshot (and the log entry made from it) describes:
// the hostname (or --host-name) and /etc/machine-id. Empty on entries from
// senders that predate it.
struct HostIdentity
{
    QString name;
    QString id;
    bool isEmpty() const { return name.isEmpty() && id.isEmpty(); }
};

struct Snapshot
{
    QString source;
    HostIdentity host;
    QDateTime timestamp;
    double intervalSeconds = 0; // between the two samples the rates came from; 0 = first sample
    SystemMetrics system;
    QList<ContainerMetrics> containers;
    QStringList warnings;

    const ContainerMetrics* find(const QString& id) const;
};

// Rates from two consecutive samples of the same source. `previous` may be
// null (first sample): rates are then the source's own figures if it gave any,
// otherwise 0. Counters that go backwards (a task exited, a container was
// recreated under the same id) are clamped to no progress, never negative.
Snapshot computeSnapshot(const RawSample* previous, const RawSample& current);

Q_DECLARE_METATYPE(Snapshot)
