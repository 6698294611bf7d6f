#include "core/model/snapshot.h"

#include <algorithm>

QString ioSourceName(IoSource source)
{
    switch (source) {
    case IoSource::None:
        return QStringLiteral("none");
    case IoSource::CgroupV2:
        return QStringLiteral("io.stat");
    case IoSource::CgroupV1:
        return QStringLiteral("blkio");
    case IoSource::ProcIo:
        return QStringLiteral("proc-io");
    case IoSource::Kmod:
        return QStringLiteral("kmod");
    case IoSource::Reported:
        return QStringLiteral("reported");
    }
    return QStringLiteral("none");
}

const ContainerMetrics* Snapshot::find(const QString& id) const
{
    for (const auto& c : containers) {
        if (c.id == id)
            return &c;
    }
    return nullptr;
}

namespace {
quint64 delta(quint64 now, quint64 before)
{
    return now > before ? now - before : 0;
}

double percent(double part, double whole)
{
    return whole > 0 ? 100.0 * part / whole : 0.0;
}
} // namespace

Snapshot computeSnapshot(const RawSample* previous, const RawSample& current)
{
    Snapshot s;
    s.source = current.source;
    s.timestamp = current.wallTime.isValid() ? current.wallTime : QDateTime::currentDateTimeUtc();
    s.warnings = current.warnings;

    const RawHost& h = current.host;
    s.system.memoryTotalBytes = h.memoryTotalBytes;
    s.system.memoryAvailableBytes = h.memoryAvailableBytes;
    s.system.memoryFreeBytes = h.memoryFreeBytes;
    s.system.memoryUsedBytes = delta(h.memoryTotalBytes, h.memoryAvailableBytes);
    s.system.cpuCount = std::max(1, h.cpuCount);

    const bool havePrevious
        = previous && previous->source == current.source && current.monotonicNs > previous->monotonicNs;
    const double wallNs = havePrevious ? double(current.monotonicNs - previous->monotonicNs) : 0.0;
    s.intervalSeconds = wallNs / 1e9;

    if (havePrevious && h.hasCpuCounters && previous->host.hasCpuCounters) {
        s.system.cpuPercent = std::clamp(percent(double(delta(h.cpuBusy, previous->host.cpuBusy)),
                                                 double(delta(h.cpuTotal, previous->host.cpuTotal))),
                                         0.0, 100.0);
    } else if (h.reportedCpuPercent) {
        s.system.cpuPercent = *h.reportedCpuPercent;
    }

    QHash<QString, const RawContainer*> before;
    if (havePrevious) {
        for (const auto& c : previous->containers)
            before.insert(c.id, &c);
    }

    s.containers.reserve(current.containers.size());
    for (const RawContainer& rc : current.containers) {
        ContainerMetrics m;
        m.id = rc.id;
        m.processName = rc.processName;
        m.name = rc.processName;
        m.pid = rc.pid;
        m.cmdline = rc.cmdline;
        m.category = categoryFromCmdline(rc.cmdline);
        m.raw = rc.raw;
        m.ioSource = rc.ioSource;
        m.memoryBytes = rc.raw.memoryBytes;
        m.readBytes = rc.raw.readBytes;
        m.writeBytes = rc.raw.writeBytes;
        m.readOps = rc.raw.readOps;
        m.writeOps = rc.raw.writeOps;
        m.netRxBytes = rc.raw.netRxBytes;
        m.netTxBytes = rc.raw.netTxBytes;
        m.netRxPackets = rc.raw.netRxPackets;
        m.netTxPackets = rc.raw.netTxPackets;
        if (h.memoryTotalBytes > 0 && rc.hasCounters)
            m.memoryPercent = percent(double(m.memoryBytes), double(h.memoryTotalBytes));
        else if (rc.reportedMemoryPercent)
            m.memoryPercent = *rc.reportedMemoryPercent;

        const RawContainer* prev = before.value(rc.id, nullptr);
        // Network counters come from net/dev for both sources (also the
        // module's, whose counters may be missing), so they get their own rule.
        if (prev && wallNs > 0) {
            const double seconds = wallNs / 1e9;
            m.netRxBytesPerSec = double(delta(rc.raw.netRxBytes, prev->raw.netRxBytes)) / seconds;
            m.netTxBytesPerSec = double(delta(rc.raw.netTxBytes, prev->raw.netTxBytes)) / seconds;
        }
        if (prev && rc.hasCounters && prev->hasCounters && wallNs > 0) {
            const double seconds = wallNs / 1e9;
            m.cpuPercent = percent(double(delta(rc.raw.cpuNs, prev->raw.cpuNs)), wallNs);
            m.readBytesPerSec = double(delta(rc.raw.readBytes, prev->raw.readBytes)) / seconds;
            m.writeBytesPerSec = double(delta(rc.raw.writeBytes, prev->raw.writeBytes)) / seconds;
        } else if (rc.reportedCpuPercent) {
            m.cpuPercent = *rc.reportedCpuPercent;
        }
        m.cpuPercentHost = m.cpuPercent / s.system.cpuCount;
        s.containers.append(std::move(m));
    }
    return s;
}
