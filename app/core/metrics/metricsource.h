#pragma once

#include "core/model/snapshot.h"

#include <QString>

// One way of reading container metrics. Implementations never sleep: rates
// are derived by the Collector from two samples.
class MetricSource
{
public:
    virtual ~MetricSource() = default;
    // "kmod" or "cgroup": shown to the user and written in every snapshot.
    virtual QString name() const = 0;
    // Human-readable origin ("/proc/container_sysinfo", "/sys/fs/cgroup").
    virtual QString location() const = 0;
    // Fills `out` with one sample. Returns false with a message naming the
    // file when the source as a whole is unusable (missing or malformed file);
    // a container vanishing mid-read is not an error, only skipped.
    virtual bool sample(RawSample& out, QString* error) = 0;
};
