#pragma once

// The kernel module's document (the original's schema, no Raw counters) for
// N generated containers, as the window benchmarks (bench_gui,
// bench_workbench) feed the window through --proc-file.
#include <QByteArray>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>

// tweak(i, record), when given, may change container i's fields: a real
// container among the generated ones, for instance.
inline QByteArray kmodBenchDocument(int containers, const std::function<void(int, nlohmann::json&)>& tweak = {})
{
    static const char* const cmds[]
        = { "stress --cpu 1", "stress --vm 2 --vm-bytes 256M", "stress --io 1", "stress --hdd 1 --hdd-bytes 1G" };
    nlohmann::json list = nlohmann::json::array();
    for (int i = 0; i < containers; ++i) {
        char id[65];
        std::snprintf(id, sizeof id, "%064x", 0xbe0000 + i);
        nlohmann::json record = { { "PID", 100000 + i },
                                  { "Name", "stress" },
                                  { "ContainerID", id },
                                  { "Cmdline", cmds[i % 4] },
                                  { "MemoryUsage_percent", 0.1 * (i % 10) },
                                  { "MemoryUsage_MB", 16 * (i % 16) },
                                  { "CPUUsage_percent", double(i % 100) },
                                  { "DiskUse_MB", i },
                                  { "Write_KBytes", 1024 * i },
                                  { "Read_KBytes", 16 * i },
                                  { "IOReadOps", 3 * i },
                                  { "IOWriteOps", 70 * i } };
        if (tweak)
            tweak(i, record);
        list.push_back(std::move(record));
    }
    const nlohmann::json doc = { { "Memory",
                                   { { "Total_Memory_MB", 24000 },
                                     { "Free_Memory_MB", 20000 },
                                     { "Used_Memory_MB", 4000 },
                                     { "CPU_Usage_Percentage", 12.5 } } },
                                 { "Docker_Containers", list } };
    return QByteArray::fromStdString(doc.dump());
}
