#pragma once

#include "core/metrics/fileutil.h"
#include "core/metrics/metricsource.h"

#include <QByteArray>
#include <QHash>
#include <QSet>

#include <memory>
#include <unordered_map>

// Reads container metrics straight from cgroup files: no Docker API call per
// tick. Containers are discovered from /proc/<pid>/cgroup (so no cgroup
// driver layout is hard-coded), then each container's cgroup directories are
// resolved once and its files read every tick:
//   cgroup v2: memory.current, memory.stat, cpu.stat, io.stat, cgroup.procs
//   cgroup v1: memory.usage_in_bytes, memory.stat, cpuacct.usage,
//              blkio.throttle.io_service_bytes / io_serviced, cgroup.procs
// On hybrid hosts each controller is read where it is attached (v2 when the
// unified hierarchy has it, else v1). When the cgroup charges no block I/O at
// all (writes that only reach overlayfs/page cache), /proc/<pid>/io summed
// over the container's processes is used instead, and the choice is recorded
// per container (IoSource) and kept, so the counters never switch meaning.
// Both roots are injectable so the tests run on fixture trees.
class CgroupSource : public MetricSource
{
public:
    explicit CgroupSource(QString procRoot = QStringLiteral("/proc"),
                          QString cgroupRoot = QStringLiteral("/sys/fs/cgroup"));

    QString name() const override { return QStringLiteral("cgroup"); }
    QString location() const override { return m_cgroupRoot; }
    bool sample(RawSample& out, QString* error) override;

    // The descriptors kept open for per-container files are bounded by a
    // budget derived from RLIMIT_NOFILE (OpenFilePool::budgetFor); the rest
    // are reopened on every read. Exposed for tests and benchmarks.
    const FileUtil::OpenFilePool& filePool() const { return m_pool; }
    void setFileBudget(int descriptors) { m_pool.setCapacity(descriptors); }
    int containerCount() const { return int(m_containers.size()); }

private:
    struct Files
    {
        FileUtil::CachedFile procs; // cgroup.procs of the container's cgroup
        FileUtil::CachedFile cpuacctUsage; // v1, ns
        FileUtil::CachedFile cpuStat; // v2, usage_usec
        FileUtil::CachedFile memoryCurrent; // v2 memory.current or v1 memory.usage_in_bytes
        FileUtil::CachedFile memoryStat;
        bool memoryV1 = false;
        FileUtil::CachedFile ioStat; // v2
        FileUtil::CachedFile blkioBytes; // v1
        FileUtil::CachedFile blkioOps; // v1
    };
    struct Container
    {
        QString id;
        QByteArray v2Path; // "0::" path
        QHash<QByteArray, QByteArray> v1Paths; // controller list → path
        QString cgroupPath; // shown to the user: the v2 path, else the v1 memory one
        Files files;
        bool resolved = false;
        bool useProcIo = false;
        bool ioDecided = false;
        qint64 mainPid = 0;
        QByteArray mainComm;
        QString cmdline;
        QString processName;
        QList<qint64> lastPids; // cgroup.procs at the previous tick
        qint64 firstSeenNs = 0;
        std::unordered_map<qint64, FileUtil::CachedFile> procIo; // /proc/<pid>/io per process
    };

    void discover(QString* warning);
    void resolve(Container& c);
    bool readContainer(Container& c, RawContainer& out, qint64 nowNs);
    void readProcIo(Container& c, const QList<qint64>& pids, RawCounters& raw);
    void updateMainProcess(Container& c, const QList<qint64>& pids, qint64 nowNs);

    QString m_procRoot;
    QString m_cgroupRoot;
    QByteArray m_proc;
    QByteArray m_root;
    // Declared before the containers: their files unlink from it on destruction.
    FileUtil::OpenFilePool m_pool;
    struct PidEntry
    {
        QString container; // empty: not in a container
        quint64 seenPass = 0; // the last discovery that listed this pid
    };
    QHash<qint64, PidEntry> m_pidToContainer;
    quint64 m_pass = 0;
    // Containers hold open files, so they live behind pointers.
    QHash<QString, std::shared_ptr<Container>> m_containers;
};
