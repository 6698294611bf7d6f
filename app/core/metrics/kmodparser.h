#pragma once

#include "model/snapshot.h"

#include <nlohmann/json.hpp>

#include <QByteArray>

// Parses the kernel module's /proc file: the seed's schema
//   {"Memory": {Total_Memory_MB, Free_Memory_MB, Used_Memory_MB, CPU_Usage_Percentage},
//    "Docker_Containers": [{PID, Name, ContainerID, Cmdline, MemoryUsage_percent,
//      MemoryUsage_MB, CPUUsage_percent, DiskUse_MB, Write_KBytes, Read_KBytes,
//      IOReadOps, IOWriteOps}]}
// plus Stevedore's module additions (Timestamp_ns, byte-exact Memory fields,
// CPU_Busy_ns/CPU_Total_ns, per-container "Raw" cumulative counters). Unknown
// fields are ignored. Without "Raw", the reported percentages are used as they
// are and the KB/MB figures become byte counters.
// On failure returns false and `error` says what is wrong (JSON syntax with
// the byte offset, or the path of the first field of the wrong type).
bool parseKmodJson(const QByteArray& text, RawSample& out, QString* error);
bool parseKmodJson(const nlohmann::json& json, RawSample& out, QString* error);
