#include "core/model/snapshotjson.h"

#include "core/model/kmodjson.h"

#include <QTimeZone>

#include <cmath>

using nlohmann::json;

namespace {
std::string utf8(const QString& s)
{
    return s.toStdString();
}

QString qstr(const json& j)
{
    return QString::fromStdString(j.get<std::string>());
}

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

constexpr double kMiB = 1024.0 * 1024.0;

// Typed field access that reports the JSON path of the first bad field.
class Reader
{
public:
    explicit Reader(QString* error)
        : m_error(error)
    { }

    bool fail(const QString& path, const char* what)
    {
        if (m_error)
            *m_error = QStringLiteral("field '%1' %2").arg(path, QLatin1String(what));
        return false;
    }

    template<typename T> bool number(const json& obj, const char* key, const QString& path, T& out, bool required)
    {
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null())
            return required ? fail(path + QLatin1String(key), "is missing") : true;
        if (!it->is_number())
            return fail(path + QLatin1String(key), "must be a number");
        if constexpr (std::is_unsigned_v<T>) {
            if (it->is_number_float() ? it->get<double>() < 0 : (it->is_number_integer() && it->get<qint64>() < 0))
                return fail(path + QLatin1String(key), "must not be negative");
        }
        out = it->is_number_float() ? T(it->get<double>()) : it->get<T>();
        return true;
    }

    bool string(const json& obj, const char* key, const QString& path, QString& out, bool required)
    {
        const auto it = obj.find(key);
        if (it == obj.end() || it->is_null())
            return required ? fail(path + QLatin1String(key), "is missing") : true;
        if (!it->is_string())
            return fail(path + QLatin1String(key), "must be a string");
        out = qstr(*it);
        return true;
    }

private:
    QString* m_error;
};
} // namespace

QString toRfc3339(const QDateTime& time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromRfc3339(const std::string& text)
{
    QDateTime t = QDateTime::fromString(QString::fromStdString(text), Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(QString::fromStdString(text), Qt::ISODate);
    // RFC 3339 allows more than millisecond precision; Qt stops at ms.
    if (!t.isValid()) {
        const QString s = QString::fromStdString(text);
        const int dot = s.indexOf(QLatin1Char('.'));
        if (dot > 0) {
            int end = dot + 1;
            while (end < s.size() && s.at(end).isDigit())
                ++end;
            QString trimmed = s.left(std::min(end, dot + 4)) + s.mid(end);
            t = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
        }
    }
    return t;
}

json hostToJson(const HostIdentity& host)
{
    return { { "name", utf8(host.name) }, { "id", utf8(host.id) } };
}

bool hostFromJson(const json& parent, HostIdentity& out, QString* error)
{
    Reader r(error);
    const auto it = parent.find("host");
    if (it == parent.end() || it->is_null())
        return true;
    if (!it->is_object())
        return r.fail(QStringLiteral("host"), "must be an object");
    HostIdentity h;
    if (!r.string(*it, "name", QStringLiteral("host."), h.name, false)
        || !r.string(*it, "id", QStringLiteral("host."), h.id, false))
        return false;
    out = std::move(h);
    return true;
}

json snapshotToJson(const Snapshot& s)
{
    json containers = json::array();
    for (const auto& c : s.containers) {
        json labels = json::object();
        for (auto it = c.labels.cbegin(); it != c.labels.cend(); ++it)
            labels[utf8(it.key())] = utf8(it.value());
        json entry = {
            { "id", utf8(c.id) },
            { "name", utf8(c.name) },
            { "process_name", utf8(c.processName) },
            { "pid", c.pid },
            { "category", utf8(categoryName(c.category)) },
            { "cmdline", utf8(c.cmdline) },
            { "cpu_percent", round2(c.cpuPercent) },
            { "cpu_percent_host", round2(c.cpuPercentHost) },
            { "memory_bytes", c.memoryBytes },
            { "memory_percent", round2(c.memoryPercent) },
            { "read_bytes", c.readBytes },
            { "write_bytes", c.writeBytes },
            { "read_ops", c.readOps },
            { "write_ops", c.writeOps },
            { "read_bytes_per_sec", std::round(c.readBytesPerSec) },
            { "write_bytes_per_sec", std::round(c.writeBytesPerSec) },
            { "net_rx_bytes", c.netRxBytes },
            { "net_tx_bytes", c.netTxBytes },
            { "net_rx_packets", c.netRxPackets },
            { "net_tx_packets", c.netTxPackets },
            { "net_rx_bytes_per_sec", std::round(c.netRxBytesPerSec) },
            { "net_tx_bytes_per_sec", std::round(c.netTxBytesPerSec) },
            { "io_source", utf8(ioSourceName(c.ioSource)) },
            { "managed", c.managed },
            { "raw",
              { { "cpu_ns", c.raw.cpuNs },
                { "memory_usage_bytes", c.raw.memoryUsageBytes },
                { "rss_bytes", c.raw.rssBytes },
                { "tasks", c.raw.tasks } } },
        };
        if (c.created.isValid())
            entry["created"] = utf8(toRfc3339(c.created));
        if (!c.state.isEmpty())
            entry["state"] = utf8(c.state);
        if (!labels.empty())
            entry["labels"] = labels;
        containers.push_back(std::move(entry));
    }
    json warnings = json::array();
    for (const auto& w : s.warnings)
        warnings.push_back(utf8(w));
    json out = {
        { "source", utf8(s.source) },
        { "timestamp", utf8(toRfc3339(s.timestamp)) },
        { "interval_seconds", round2(s.intervalSeconds) },
        { "system",
          { { "memory_total_bytes", s.system.memoryTotalBytes },
            { "memory_used_bytes", s.system.memoryUsedBytes },
            { "memory_available_bytes", s.system.memoryAvailableBytes },
            { "memory_free_bytes", s.system.memoryFreeBytes },
            { "cpu_percent", round2(s.system.cpuPercent) },
            { "cpu_count", s.system.cpuCount } } },
        { "containers", std::move(containers) },
        { "warnings", std::move(warnings) },
    };
    if (!s.host.isEmpty())
        out["host"] = hostToJson(s.host);
    return out;
}

QByteArray snapshotToJsonBytes(const Snapshot& snapshot, bool indented)
{
    const std::string text = snapshotToJson(snapshot).dump(indented ? 2 : -1);
    return QByteArray::fromStdString(text);
}

bool snapshotFromJson(const json& j, Snapshot& out, QString* error)
{
    Reader r(error);
    if (!j.is_object())
        return r.fail(QStringLiteral("(root)"), "must be an object");
    Snapshot s;
    QString ts;
    if (!r.string(j, "source", QString(), s.source, false) || !r.string(j, "timestamp", QString(), ts, true))
        return false;
    s.timestamp = fromRfc3339(ts.toStdString());
    if (!s.timestamp.isValid())
        return r.fail(QStringLiteral("timestamp"), "is not an RFC 3339 date-time");
    if (!hostFromJson(j, s.host, error))
        return false;
    const auto sys = j.find("system");
    if (sys == j.end() || !sys->is_object())
        return r.fail(QStringLiteral("system"), "must be an object");
    const QString sp = QStringLiteral("system.");
    if (!r.number(*sys, "memory_total_bytes", sp, s.system.memoryTotalBytes, true)
        || !r.number(*sys, "memory_used_bytes", sp, s.system.memoryUsedBytes, true)
        || !r.number(*sys, "memory_available_bytes", sp, s.system.memoryAvailableBytes, false)
        || !r.number(*sys, "memory_free_bytes", sp, s.system.memoryFreeBytes, false)
        || !r.number(*sys, "cpu_percent", sp, s.system.cpuPercent, true)
        || !r.number(*sys, "cpu_count", sp, s.system.cpuCount, false))
        return false;
    if (!r.number(j, "interval_seconds", QString(), s.intervalSeconds, false))
        return false;
    const auto list = j.find("containers");
    if (list == j.end() || !list->is_array())
        return r.fail(QStringLiteral("containers"), "must be an array");
    int index = 0;
    for (const auto& item : *list) {
        const QString p = QStringLiteral("containers[%1].").arg(index++);
        if (!item.is_object())
            return r.fail(p.chopped(1), "must be an object");
        ContainerMetrics c;
        QString category, created, ioSource;
        if (!r.string(item, "id", p, c.id, true) || !r.string(item, "name", p, c.name, false)
            || !r.string(item, "process_name", p, c.processName, false) || !r.number(item, "pid", p, c.pid, true)
            || !r.string(item, "category", p, category, false) || !r.string(item, "cmdline", p, c.cmdline, false)
            || !r.number(item, "cpu_percent", p, c.cpuPercent, true)
            || !r.number(item, "cpu_percent_host", p, c.cpuPercentHost, false)
            || !r.number(item, "memory_bytes", p, c.memoryBytes, true)
            || !r.number(item, "memory_percent", p, c.memoryPercent, true)
            || !r.number(item, "read_bytes", p, c.readBytes, true)
            || !r.number(item, "write_bytes", p, c.writeBytes, true) || !r.number(item, "read_ops", p, c.readOps, true)
            || !r.number(item, "write_ops", p, c.writeOps, true)
            || !r.number(item, "read_bytes_per_sec", p, c.readBytesPerSec, false)
            || !r.number(item, "write_bytes_per_sec", p, c.writeBytesPerSec, false)
            // Optional: snapshots written before network counters existed.
            || !r.number(item, "net_rx_bytes", p, c.netRxBytes, false)
            || !r.number(item, "net_tx_bytes", p, c.netTxBytes, false)
            || !r.number(item, "net_rx_packets", p, c.netRxPackets, false)
            || !r.number(item, "net_tx_packets", p, c.netTxPackets, false)
            || !r.number(item, "net_rx_bytes_per_sec", p, c.netRxBytesPerSec, false)
            || !r.number(item, "net_tx_bytes_per_sec", p, c.netTxBytesPerSec, false)
            || !r.string(item, "created", p, created, false) || !r.string(item, "state", p, c.state, false))
            return false;
        c.category = category.isEmpty() ? categoryFromCmdline(c.cmdline)
                                        : categoryFromName(category).value_or(Category::Other);
        if (!created.isEmpty())
            c.created = fromRfc3339(created.toStdString());
        if (const auto m = item.find("managed"); m != item.end() && m->is_boolean())
            c.managed = m->get<bool>();
        if (const auto l = item.find("labels"); l != item.end() && l->is_object()) {
            for (auto it = l->begin(); it != l->end(); ++it) {
                if (it->is_string())
                    c.labels.insert(QString::fromStdString(it.key()), qstr(*it));
            }
        }
        s.containers.append(std::move(c));
    }
    out = std::move(s);
    return true;
}

json snapshotToOriginalSysinfo(const Snapshot& s)
{
    json containers = json::array();
    for (const auto& c : s.containers) {
        const double readKb = double(c.readBytes) / 1024.0;
        const double writeKb = double(c.writeBytes) / 1024.0;
        containers.push_back({
            { "PID", c.pid },
            { "Name", utf8(c.processName.isEmpty() ? c.name : c.processName) },
            { "ContainerID", utf8(c.id) },
            { "Cmdline", utf8(c.cmdline) },
            { "MemoryUsage_percent", round2(c.memoryPercent) },
            { "MemoryUsage_MB", quint64(double(c.memoryBytes) / kMiB) },
            { "CPUUsage_percent", round2(c.cpuPercent) },
            { "DiskUse_MB", quint64(double(c.readBytes + c.writeBytes) / kMiB) },
            { "Write_KBytes", quint64(writeKb) },
            { "Read_KBytes", quint64(readKb) },
            { "IOReadOps", c.readOps },
            { "IOWriteOps", c.writeOps },
            // Stevedore's additions; the original's consumers ignore unknown keys.
            { "ContainerName", utf8(c.name) },
            { "Category", utf8(categoryName(c.category)) },
            { "Managed", c.managed },
        });
    }
    return {
        { "Memory",
          { { "Total_Memory_MB", quint64(double(s.system.memoryTotalBytes) / kMiB) },
            { "Free_Memory_MB", quint64(double(s.system.memoryAvailableBytes) / kMiB) },
            { "Used_Memory_MB", quint64(double(s.system.memoryUsedBytes) / kMiB) },
            { "CPU_Usage_Percentage", round2(s.system.cpuPercent) } } },
        { "Docker_Containers", std::move(containers) },
    };
}

json snapshotToLogEntry(const Snapshot& snapshot)
{
    json entry = {
        { "timestamp", utf8(toRfc3339(snapshot.timestamp)) },
        { "source", utf8(snapshot.source) },
        { "sysinfo", snapshotToOriginalSysinfo(snapshot) },
    };
    if (!snapshot.host.isEmpty())
        entry["host"] = hostToJson(snapshot.host);
    return entry;
}

bool snapshotFromLogEntry(const json& entry, Snapshot& out, QString* error)
{
    if (!entry.is_object()) {
        if (error)
            *error = QStringLiteral("log entry must be an object");
        return false;
    }
    HostIdentity host;
    if (!hostFromJson(entry, host, error))
        return false;
    if (const auto own = entry.find("snapshot"); own != entry.end() && own->is_object()) {
        if (!snapshotFromJson(*own, out, error))
            return false;
        // The entry's own "host" is what the store filters on: it wins.
        if (!host.isEmpty())
            out.host = host;
        return true;
    }
    const auto ts = entry.find("timestamp");
    if (ts == entry.end() || !ts->is_string()) {
        if (error)
            *error = QStringLiteral("field 'timestamp' must be an RFC 3339 string");
        return false;
    }
    const QDateTime when = fromRfc3339(ts->get<std::string>());
    if (!when.isValid()) {
        if (error)
            *error = QStringLiteral("field 'timestamp' is not an RFC 3339 date-time");
        return false;
    }
    const auto sysinfo = entry.find("sysinfo");
    if (sysinfo == entry.end()) {
        if (error)
            *error = QStringLiteral("field 'sysinfo' is missing");
        return false;
    }
    RawSample raw;
    QString why;
    if (!parseKmodJson(*sysinfo, raw, &why)) {
        if (error)
            *error = QStringLiteral("sysinfo: %1").arg(why);
        return false;
    }
    // A log entry carries figures, not counters: take them as reported.
    for (auto& c : raw.containers) {
        if (c.hasCounters) {
            c.hasCounters = false;
            if (!c.reportedCpuPercent)
                c.reportedCpuPercent = 0.0;
        }
    }
    raw.wallTime = when;
    if (const auto src = entry.find("source"); src != entry.end() && src->is_string())
        raw.source = QString::fromStdString(src->get<std::string>());
    Snapshot s = computeSnapshot(nullptr, raw);
    s.host = host;
    // Restore Stevedore's extra per-container fields when present.
    const auto& list = (*sysinfo)["Docker_Containers"];
    for (qsizetype i = 0; i < s.containers.size() && i < qsizetype(list.size()); ++i) {
        const json& item = list[size_t(i)];
        ContainerMetrics& c = s.containers[i];
        if (const auto n = item.find("ContainerName"); n != item.end() && n->is_string())
            c.name = QString::fromStdString(n->get<std::string>());
        if (const auto cat = item.find("Category"); cat != item.end() && cat->is_string())
            c.category = categoryFromName(QString::fromStdString(cat->get<std::string>())).value_or(c.category);
        if (const auto m = item.find("Managed"); m != item.end() && m->is_boolean())
            c.managed = m->get<bool>();
    }
    out = std::move(s);
    return true;
}
