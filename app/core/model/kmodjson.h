#pragma once

#include "core/model/snapshot.h"

#include <nlohmann/json.hpp>

#include <QByteArray>

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
// Never throws and never recurses on the input: text nested deeper than
// kKmodJsonMaxDepth is refused before any value is built, and every
// nlohmann exception (syntax, 1e400 out of range, type) becomes an error.
// On failure returns false, leaves `out` untouched, and `error` says what is
// wrong (JSON syntax with the byte offset, nesting depth, or the path of the
// first field of the wrong type or range).
inline constexpr int kKmodJsonMaxDepth = 16;
bool parseKmodJson(const QByteArray& text, RawSample& out, QString* error);
bool parseKmodJson(const nlohmann::json& json, RawSample& out, QString* error);
