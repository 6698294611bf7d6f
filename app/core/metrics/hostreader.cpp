#include "core/metrics/hostreader.h"

#include "core/metrics/fileutil.h"

#include <QList>

namespace HostReader {

bool parseMeminfo(const QByteArray& text, RawHost& host)
{
    const auto total = FileUtil::keyValue(text, "MemTotal");
    const auto free = FileUtil::keyValue(text, "MemFree");
    if (!total || !free)
        return false;
    // MemAvailable exists since Linux 3.14; fall back to MemFree before that.
    const auto available = FileUtil::keyValue(text, "MemAvailable");
    host.memoryTotalBytes = *total * 1024;
    host.memoryFreeBytes = *free * 1024;
    host.memoryAvailableBytes = (available ? *available : *free) * 1024;
    return true;
}

bool parseStat(const QByteArray& text, RawHost& host)
{
    bool sawTotal = false;
    int cpus = 0;
    for (const QByteArray& line : text.split('\n')) {
        if (!line.startsWith("cpu"))
            continue;
        if (line.size() > 3 && line.at(3) != ' ') {
            ++cpus;
            continue;
        }
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 5)
            return false;
        quint64 all = 0;
        quint64 idle = 0;
        // user nice system idle iowait irq softirq steal [guest guest_nice]:
        // guest time is already included in user/nice, so stop at steal.
        for (int i = 1; i < f.size() && i <= 8; ++i) {
            bool ok = false;
            const quint64 v = f.at(i).toULongLong(&ok);
            if (!ok)
                return false;
            all += v;
            if (i == 4 || i == 5)
                idle += v;
        }
        host.cpuTotal = all;
        host.cpuBusy = all - idle;
        host.hasCpuCounters = true;
        sawTotal = true;
    }
    host.cpuCount = cpus;
    return sawTotal;
}

bool read(const QString& procRoot, RawHost& host, QString* error)
{
    const QString meminfo = procRoot + QLatin1String("/meminfo");
    const auto mem = FileUtil::readFile(meminfo);
    if (!mem || !parseMeminfo(*mem, host)) {
        if (error)
            *error = QStringLiteral("cannot read host memory from %1").arg(meminfo);
        return false;
    }
    const QString statPath = procRoot + QLatin1String("/stat");
    const auto stat = FileUtil::readFile(statPath);
    if (!stat || !parseStat(*stat, host)) {
        if (error)
            *error = QStringLiteral("cannot read host CPU time from %1").arg(statPath);
        return false;
    }
    return true;
}

} // namespace HostReader
