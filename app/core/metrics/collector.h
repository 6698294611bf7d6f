#pragma once

#include "core/metrics/metricsource.h"

#include <memory>
#include <optional>

struct SourceOptions
{
    enum class Kind { Auto, Kmod, Cgroup };
    Kind kind = Kind::Auto;
    QString procFile; // explicit module file (--proc-file); empty = detect
    QString procRoot = QStringLiteral("/proc");
    QString cgroupRoot = QStringLiteral("/sys/fs/cgroup");
    // Network counters: also count the loopback `lo` (--net-all-interfaces).
    bool netAllInterfaces = false;

    // The one mapping between kinds and their names ("auto", "kmod",
    // "cgroup"): the command line, saved settings and every front end use it.
    static QString kindName(Kind kind);
    static std::optional<Kind> kindFromName(const QString& name);
};

// Owns the active MetricSource and the previous sample, and turns each new
// sample into a Snapshot with rates. In Auto mode it uses the kernel module's
// file when present and valid and falls back to cgroup files otherwise,
// recording why in the snapshot's warnings (the user always sees which source
// is active). An explicit kmod source never falls back: its errors are
// reported as they are.
class Collector
{
public:
    explicit Collector(SourceOptions options);
    ~Collector();

    // Takes one sample. Returns nullopt with `error` set only when no source
    // can deliver (explicit kmod with a missing or malformed file, no /proc).
    std::optional<Snapshot> collect(QString* error);

    QString sourceName() const;
    QString sourceLocation() const;
    const SourceOptions& options() const { return m_options; }

    // Chooses the source once, as Auto would now. Exposed for tests.
    static std::unique_ptr<MetricSource> chooseSource(const SourceOptions& options, QString* note);

    // Fills every container's network counters from <procRoot>/<pid>/net/dev
    // (its own network namespace), whichever source took the sample: the
    // kernel module does not report network figures, so they are read in
    // user space for the pid it reports. A process that exited meanwhile is
    // skipped; a malformed file becomes a warning. Exposed for tests.
    static void addNetworkCounters(RawSample& sample, const QString& procRoot, bool includeLoopback);

private:
    SourceOptions m_options;
    std::unique_ptr<MetricSource> m_source;
    std::optional<RawSample> m_previous;
    QString m_note;
};
