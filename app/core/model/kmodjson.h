#pragma once

#include "core/model/snapshot.h"

#include <nlohmann/json.hpp>

#include <QByteArray>

#include <functional>
#include <vector>

// Parses the kernel module's /proc file: the original's schema
//   {"Memory": {Total_Memory_MB, Free_Memory_MB, Used_Memory_MB, CPU_Usage_Percentage},
//    "Docker_Containers": [{PID, Name, ContainerID, Cmdline, MemoryUsage_percent,
//      MemoryUsage_MB, CPUUsage_percent, DiskUse_MB, Write_KBytes, Read_KBytes,
//      IOReadOps, IOWriteOps}]}
// plus Stevedore's module additions (Timestamp_ns, byte-exact Memory fields,
// CPU_Busy_ns/CPU_Total_ns, per-container "Raw" cumulative counters). Unknown
// fields are ignored. Without "Raw", the reported percentages are used as they
// are and the KB/MB figures become byte counters.
// Also read: "Cgroup" (the container's cgroup path; naming the runtime from it
// is the metric source's business, see KmodSource), "Cmdline": null (the
// reader may not see that argv), "CPU_Source"/"IO_Source", Raw.cpu_ns_interval.
//
// Never throws and never recurses on the input: the text is read by a strict
// scanner of Stevedore's own (iterative) into the fields the schema knows,
// without building a DOM; nesting deeper than kKmodJsonMaxDepth stops the read with an
// error, and every nlohmann error (syntax, 1e400 out of range) becomes one.
// On failure returns false, leaves `out` untouched, and `error` says what is
// wrong (JSON syntax with the byte offset, nesting depth, or the path of the
// first field of the wrong type or range).
inline constexpr int kKmodJsonMaxDepth = 16;
bool parseKmodJson(const QByteArray& text, RawSample& out, QString* error);
bool parseKmodJson(const nlohmann::json& json, RawSample& out, QString* error);

// Parses successive documents of the same module file, as a metric source
// reads it every tick. An idle container's record is the same bytes from one
// snapshot to the next (the module writes no time into a record), so a
// record that is byte for byte one of the previous document's is not scanned,
// checked and converted again: its RawContainer is reused. The result is the
// one parseKmodJson() gives (tst_kmodparser compares them on mutated
// document sequences). This is the module's side of what the cgroup source
// does by not re-reading memory.stat of a container whose usage did not move.
class KmodJsonReader
{
public:
    // Runs on each freshly parsed container before it is kept (for example
    // naming it from its cgroup path), so a reused one is not finished again.
    using Finish = std::function<void(RawContainer&)>;
    explicit KmodJsonReader(Finish finish = {});

    // As parseKmodJson(text, ...); on failure the previous document's
    // records stay for the next call.
    bool parse(const QByteArray& text, RawSample& out, QString* error);

    int reusedLastTime() const { return m_reused; } // records not parsed again

    struct Record
    {
        QByteArray bytes; // '{' to '}'
        RawContainer container; // finished
    };

private:
    Finish m_finish;
    std::vector<Record> m_previous;
    int m_reused = 0;
};
