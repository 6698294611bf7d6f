#include "core/model/kmodjson.h"

#include "core/util/jsondepth.h"

#include <QDateTime>

#include <cmath>
#include <exception>
#include <limits>

using nlohmann::json;

namespace {
constexpr quint64 kMiB = 1024 * 1024;

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// Reads a numeric field; negative, non-numeric or out-of-range values are
// errors, a missing optional field leaves `out` untouched.
template<typename T>
bool num(const json& obj, const char* key, const QString& where, T& out, bool required, QString* error)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required)
            return fail(error, QStringLiteral("%1.%2 is missing").arg(where, QLatin1String(key)));
        return true;
    }
    if (!it->is_number())
        return fail(error, QStringLiteral("%1.%2 must be a number").arg(where, QLatin1String(key)));
    // Built only on failure: this runs for every field of every container.
    const auto outOfRange = [&] {
        return fail(error, QStringLiteral("%1.%2 is out of range").arg(where, QLatin1String(key)));
    };
    if (it->is_number_float()) {
        const double d = it->get<double>();
        if (!std::isfinite(d))
            return outOfRange();
        if (d < 0)
            return fail(error, QStringLiteral("%1.%2 must not be negative").arg(where, QLatin1String(key)));
        // Converting a double beyond T's range is undefined behaviour.
        if (d >= double(std::numeric_limits<T>::max()))
            return outOfRange();
        out = T(d);
        return true;
    }
    if (it->is_number_integer() && !it->is_number_unsigned()) {
        const qint64 v = it->get<qint64>();
        if (v < 0)
            return fail(error, QStringLiteral("%1.%2 must not be negative").arg(where, QLatin1String(key)));
        if constexpr (std::is_integral_v<T>) {
            if (quint64(v) > quint64(std::numeric_limits<T>::max()))
                return outOfRange();
        }
        out = T(v);
        return true;
    }
    const quint64 v = it->get<quint64>();
    if constexpr (std::is_integral_v<T>) {
        if (v > quint64(std::numeric_limits<T>::max()))
            return outOfRange();
    }
    out = T(v);
    return true;
}

bool parseDocument(const json& doc, RawSample& out, QString* error);

bool str(const json& obj, const char* key, const QString& where, QString& out, bool required, QString* error)
{
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
        if (required)
            return fail(error, QStringLiteral("%1.%2 is missing").arg(where, QLatin1String(key)));
        return true;
    }
    if (!it->is_string())
        return fail(error, QStringLiteral("%1.%2 must be a string").arg(where, QLatin1String(key)));
    out = QString::fromStdString(it->get<std::string>());
    return true;
}
} // namespace

bool parseKmodJson(const QByteArray& text, RawSample& out, QString* error)
{
    if (jsonTextDepth(text, kKmodJsonMaxDepth) > kKmodJsonMaxDepth)
        return fail(error, QStringLiteral("JSON nested deeper than %1 levels").arg(kKmodJsonMaxDepth));
    try {
        const json doc = json::parse(text.constBegin(), text.constEnd());
        return parseDocument(doc, out, error);
    } catch (const json::parse_error& e) {
        return fail(error,
                    QStringLiteral("malformed JSON at byte %1: %2").arg(e.byte).arg(QString::fromUtf8(e.what())));
    } catch (const json::exception& e) {
        // out_of_range (1e400), type_error, ...: the text is not a document.
        return fail(error, QStringLiteral("invalid JSON: %1").arg(QString::fromUtf8(e.what())));
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("cannot parse: %1").arg(QString::fromUtf8(e.what())));
    }
}

bool parseKmodJson(const json& doc, RawSample& out, QString* error)
{
    try {
        return parseDocument(doc, out, error);
    } catch (const std::exception& e) {
        return fail(error, QStringLiteral("invalid document: %1").arg(QString::fromUtf8(e.what())));
    }
}

namespace {
bool parseDocument(const json& doc, RawSample& out, QString* error)
{
    if (!doc.is_object())
        return fail(error, QStringLiteral("top level must be an object with Memory and Docker_Containers"));
    const auto memIt = doc.find("Memory");
    if (memIt == doc.end() || !memIt->is_object())
        return fail(error, QStringLiteral("Memory must be an object"));
    const json& mem = *memIt;
    const QString m = QStringLiteral("Memory");

    RawSample s;
    s.source = QStringLiteral("kmod");
    s.wallTime = QDateTime::currentDateTimeUtc();

    quint64 totalMb = 0, freeMb = 0, usedMb = 0, availMb = 0;
    double cpu = 0;
    if (!num(mem, "Total_Memory_MB", m, totalMb, true, error) || !num(mem, "Free_Memory_MB", m, freeMb, true, error)
        || !num(mem, "Used_Memory_MB", m, usedMb, true, error) || !num(mem, "CPU_Usage_Percentage", m, cpu, true, error)
        || !num(mem, "Available_Memory_MB", m, availMb, false, error))
        return false;
    RawHost& h = s.host;
    h.memoryTotalBytes = totalMb * kMiB;
    h.memoryFreeBytes = freeMb * kMiB;
    // In the original's schema "free" is what is left for programs: used + free = total.
    h.memoryAvailableBytes = (availMb ? availMb : freeMb) * kMiB;
    h.reportedCpuPercent = cpu;
    if (!num(mem, "Total_Memory_Bytes", m, h.memoryTotalBytes, false, error)
        || !num(mem, "Free_Memory_Bytes", m, h.memoryFreeBytes, false, error)
        || !num(mem, "Available_Memory_Bytes", m, h.memoryAvailableBytes, false, error)
        || !num(mem, "CPU_Count", m, h.cpuCount, false, error))
        return false;
    if (mem.contains("CPU_Busy_ns") && mem.contains("CPU_Total_ns")) {
        if (!num(mem, "CPU_Busy_ns", m, h.cpuBusy, true, error)
            || !num(mem, "CPU_Total_ns", m, h.cpuTotal, true, error))
            return false;
        h.hasCpuCounters = true;
    }
    if (!num(doc, "Timestamp_ns", QStringLiteral("(root)"), s.monotonicNs, false, error))
        return false;

    const auto listIt = doc.find("Docker_Containers");
    if (listIt == doc.end() || !listIt->is_array())
        return fail(error, QStringLiteral("Docker_Containers must be an array"));
    int index = 0;
    for (const json& item : *listIt) {
        const QString w = QStringLiteral("Docker_Containers[%1]").arg(index++);
        if (!item.is_object())
            return fail(error, w + QLatin1String(" must be an object"));
        RawContainer c;
        quint64 memMb = 0, writeKb = 0, readKb = 0, diskMb = 0;
        double cpuPct = 0, memPct = 0;
        if (!num(item, "PID", w, c.pid, true, error) || !str(item, "Name", w, c.processName, true, error)
            || !str(item, "ContainerID", w, c.id, true, error) || !str(item, "Cmdline", w, c.cmdline, false, error)
            || !num(item, "MemoryUsage_percent", w, memPct, true, error)
            || !num(item, "MemoryUsage_MB", w, memMb, true, error)
            || !num(item, "CPUUsage_percent", w, cpuPct, true, error)
            || !num(item, "DiskUse_MB", w, diskMb, false, error) || !num(item, "Write_KBytes", w, writeKb, true, error)
            || !num(item, "Read_KBytes", w, readKb, true, error)
            || !num(item, "IOReadOps", w, c.raw.readOps, true, error)
            || !num(item, "IOWriteOps", w, c.raw.writeOps, true, error)
            || !str(item, "Cgroup", w, c.cgroupPath, false, error))
            return false;
        if (c.id.isEmpty())
            return fail(error, w + QLatin1String(".ContainerID must not be empty"));
        c.cmdline = c.cmdline.trimmed();
        // The module's additions: where CPU time comes from ("cgroup": the
        // container cgroup's own counter, exited tasks included; "tasks":
        // live tasks only) is not needed to compute figures, so only checked.
        QString cpuSource;
        if (!str(item, "CPU_Source", w, cpuSource, false, error))
            return false;
        c.reportedCpuPercent = cpuPct;
        c.reportedMemoryPercent = memPct;
        const auto rawIt = item.find("Raw");
        if (rawIt != item.end() && rawIt->is_object()) {
            const json& r = *rawIt;
            const QString rw = w + QLatin1String(".Raw");
            quint64 memcg = 0;
            if (!num(r, "cpu_ns", rw, c.raw.cpuNs, true, error)
                || !num(r, "rss_bytes", rw, c.raw.rssBytes, false, error)
                || !num(r, "memcg_bytes", rw, memcg, false, error)
                || !num(r, "read_bytes", rw, c.raw.readBytes, true, error)
                || !num(r, "write_bytes", rw, c.raw.writeBytes, true, error)
                || !num(r, "syscr", rw, c.raw.readOps, false, error)
                || !num(r, "syscw", rw, c.raw.writeOps, false, error)
                || !num(r, "tasks", rw, c.raw.tasks, false, error))
                return false;
            c.raw.memoryUsageBytes = memcg;
            c.raw.memoryBytes = memcg ? memcg : c.raw.rssBytes;
            c.hasCounters = true;
            c.ioSource = IoSource::Kmod;
        } else if (rawIt != item.end() && !rawIt->is_null()) {
            return fail(error, w + QLatin1String(".Raw must be an object"));
        } else {
            // The original's module: only rounded figures, no counters to diff.
            c.hasCounters = false;
            c.raw.memoryBytes = memMb * kMiB;
            c.raw.readBytes = readKb * 1024;
            c.raw.writeBytes = writeKb * 1024;
            c.ioSource = IoSource::Reported;
        }
        s.containers.append(std::move(c));
    }
    out = std::move(s);
    return true;
}
} // namespace
