#include "core/metrics/cgroupsource.h"

#include "core/metrics/containerid.h"
#include "core/metrics/fileutil.h"
#include "core/metrics/hostreader.h"

#include <QFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <time.h>

namespace {
qint64 monotonicNs()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

QList<qint64> parsePids(const QByteArray& text)
{
    QList<qint64> pids;
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        bool ok = false;
        const qint64 pid = QByteArray::fromRawData(text.constData() + pos, end - pos).toLongLong(&ok);
        if (ok && pid > 0)
            pids.append(pid);
        pos = end + 1;
    }
    return pids;
}

// Sums "MAJ:MIN Read N" / "MAJ:MIN Write N" lines of a v1 blkio file, per
// device (the "Total" line would count everything twice).
void sumBlkio(const QByteArray& text, quint64& read, quint64& write)
{
    for (const QByteArray& line : text.split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        if (f.size() != 3 || !f.at(0).contains(':'))
            continue;
        const quint64 v = f.at(2).toULongLong();
        if (f.at(1) == "Read")
            read += v;
        else if (f.at(1) == "Write")
            write += v;
    }
}

// Sums rbytes/wbytes/rios/wios over the devices of a v2 io.stat.
void sumIoStat(const QByteArray& text, RawCounters& raw)
{
    for (const QByteArray& line : text.split('\n')) {
        for (const QByteArray& field : line.split(' ')) {
            const qsizetype eq = field.indexOf('=');
            if (eq <= 0)
                continue;
            const QByteArray key = field.left(eq);
            const quint64 v = field.mid(eq + 1).toULongLong();
            if (key == "rbytes")
                raw.readBytes += v;
            else if (key == "wbytes")
                raw.writeBytes += v;
            else if (key == "rios")
                raw.readOps += v;
            else if (key == "wios")
                raw.writeOps += v;
        }
    }
}

// /proc/<pid>/stat: "pid (comm) state ppid ...". comm may hold spaces and
// parentheses, so split at the last ')'.
bool parseStat(const QByteArray& text, QByteArray& comm, qint64& ppid)
{
    const qsizetype open = text.indexOf('(');
    const qsizetype close = text.lastIndexOf(')');
    if (open < 0 || close < open)
        return false;
    comm = text.mid(open + 1, close - open - 1);
    const QList<QByteArray> rest = text.mid(close + 2).split(' ');
    if (rest.size() < 2)
        return false;
    ppid = rest.at(1).toLongLong();
    return true;
}
} // namespace

CgroupSource::CgroupSource(QString procRoot, QString cgroupRoot)
    : m_procRoot(std::move(procRoot))
    , m_cgroupRoot(std::move(cgroupRoot))
    , m_proc(QFile::encodeName(m_procRoot))
    , m_root(QFile::encodeName(m_cgroupRoot))
    , m_pool(FileUtil::OpenFilePool::budgetFor(FileUtil::raiseFileLimit()))
{ }

void CgroupSource::discover(QString* warning)
{
    DIR* dir = ::opendir(m_proc.constData());
    if (!dir) {
        if (warning)
            *warning = QStringLiteral("cannot list %1: %2").arg(m_procRoot, QString::fromLocal8Bit(strerror(errno)));
        return;
    }
    // Pids are stamped with this pass rather than collected in a set: a host
    // with thousands of processes costs no allocation per tick.
    const quint64 pass = ++m_pass;
    while (const dirent* e = ::readdir(dir)) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char* end = nullptr;
        const qint64 pid = std::strtoll(e->d_name, &end, 10);
        if (!end || *end != '\0')
            continue;
        const auto known = m_pidToContainer.find(pid);
        if (known != m_pidToContainer.end()) {
            known->seenPass = pass;
            continue;
        }
        // A pid seen for the first time: where does it live? (Pids are
        // remembered so a steady host costs one directory listing per tick.)
        const auto text = FileUtil::readFile(m_proc + '/' + e->d_name + "/cgroup", 64 * 1024);
        if (!text)
            continue; // exited meanwhile
        QString id;
        QByteArray v2Path;
        QHash<QByteArray, QByteArray> v1Paths;
        for (const QByteArray& line : text->split('\n')) {
            const qsizetype a = line.indexOf(':');
            const qsizetype b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0)
                continue;
            const QByteArray controllers = line.mid(a + 1, b - a - 1);
            const QByteArray path = line.mid(b + 1);
            const QString lineId = containerIdFromCgroupPath(QString::fromUtf8(path));
            if (lineId.isEmpty())
                continue;
            id = lineId;
            if (controllers.isEmpty())
                v2Path = path;
            else
                v1Paths.insert(controllers, path);
        }
        m_pidToContainer.insert(pid, PidEntry { id, pass });
        if (id.isEmpty())
            continue;
        auto& slot = m_containers[id];
        if (!slot) {
            slot = std::make_shared<Container>();
            slot->id = id;
            slot->v2Path = v2Path;
            slot->v1Paths = v1Paths;
            slot->cgroupPath = QString::fromUtf8(v2Path.isEmpty() ? v1Paths.value("memory") : v2Path);
        }
    }
    ::closedir(dir);
    for (auto it = m_pidToContainer.begin(); it != m_pidToContainer.end();) {
        if (it->seenPass != pass)
            it = m_pidToContainer.erase(it);
        else
            ++it;
    }
}

void CgroupSource::resolve(Container& c)
{
    Files& f = c.files;
    // cgroup v2: the unified hierarchy is the root itself (pure v2) or
    // mounted at <root>/unified (hybrid).
    QByteArray v2Dir;
    if (!c.v2Path.isEmpty()) {
        for (const QByteArray& base : { m_root, QByteArray(m_root + "/unified") }) {
            const QByteArray dir = base + c.v2Path;
            if (FileUtil::exists(dir + "/cgroup.procs")) {
                v2Dir = dir;
                break;
            }
        }
    }
    // cgroup v1: a controller list like "cpu,cpuacct" is mounted under that
    // name, usually with one symlink per controller; try all three.
    auto v1Dir = [&](const char* controller) -> QByteArray {
        for (auto it = c.v1Paths.cbegin(); it != c.v1Paths.cend(); ++it) {
            const QList<QByteArray> names = it.key().split(',');
            if (!names.contains(controller))
                continue;
            QList<QByteArray> candidates { it.key() };
            candidates.append(controller);
            for (const QByteArray& mount : candidates) {
                const QByteArray dir = m_root + '/' + mount + it.value();
                if (FileUtil::exists(dir + "/cgroup.procs"))
                    return dir;
            }
        }
        return {};
    };

    const QByteArray memV1 = v1Dir("memory");
    const QByteArray cpuacctV1 = v1Dir("cpuacct");
    const QByteArray blkioV1 = v1Dir("blkio");
    const QByteArray pidsV1 = v1Dir("pids");

    using FileUtil::CachedFile;
    f = Files();
    if (!v2Dir.isEmpty() && FileUtil::exists(v2Dir + "/memory.current")) {
        f.memoryCurrent = CachedFile(v2Dir + "/memory.current", false, &m_pool);
        f.memoryStat = CachedFile(v2Dir + "/memory.stat", false, &m_pool);
    } else if (!memV1.isEmpty()) {
        f.memoryCurrent = CachedFile(memV1 + "/memory.usage_in_bytes", false, &m_pool);
        f.memoryStat = CachedFile(memV1 + "/memory.stat", false, &m_pool);
        f.memoryV1 = true;
    }
    if (!cpuacctV1.isEmpty())
        f.cpuacctUsage = CachedFile(cpuacctV1 + "/cpuacct.usage", false, &m_pool);
    else if (!v2Dir.isEmpty() && FileUtil::exists(v2Dir + "/cpu.stat"))
        f.cpuStat = CachedFile(v2Dir + "/cpu.stat", false, &m_pool);
    if (!v2Dir.isEmpty() && FileUtil::exists(v2Dir + "/io.stat")) {
        f.ioStat = CachedFile(v2Dir + "/io.stat", false, &m_pool);
    } else if (!blkioV1.isEmpty()) {
        f.blkioBytes = CachedFile(blkioV1 + "/blkio.throttle.io_service_bytes", false, &m_pool);
        f.blkioOps = CachedFile(blkioV1 + "/blkio.throttle.io_serviced", false, &m_pool);
    }
    for (const QByteArray& dir : { v2Dir, memV1, cpuacctV1, pidsV1, blkioV1 }) {
        if (!dir.isEmpty()) {
            f.procs = CachedFile(dir + "/cgroup.procs", true, &m_pool);
            break;
        }
    }
    c.resolved = true;
}

void CgroupSource::readProcIo(Container& c, const QList<qint64>& pids, RawCounters& raw)
{
    for (auto it = c.procIo.begin(); it != c.procIo.end();) {
        if (!pids.contains(it->first))
            it = c.procIo.erase(it);
        else
            ++it;
    }
    for (const qint64 pid : pids) {
        auto [it, added] = c.procIo.try_emplace(pid);
        if (added)
            it->second = FileUtil::CachedFile(m_proc + '/' + QByteArray::number(pid) + "/io", false, &m_pool);
        const auto io = it->second.read();
        if (!io)
            continue; // exited, or no permission: counted as nothing
        raw.readBytes += FileUtil::keyValue(*io, "read_bytes").value_or(0);
        raw.writeBytes += FileUtil::keyValue(*io, "write_bytes").value_or(0);
        raw.readOps += FileUtil::keyValue(*io, "syscr").value_or(0);
        raw.writeOps += FileUtil::keyValue(*io, "syscw").value_or(0);
    }
}

void CgroupSource::updateMainProcess(Container& c, const QList<qint64>& pids, qint64 nowNs)
{
    // Steady state costs nothing: the main process and its command line can
    // only change when the set of processes changes, or by exec, which a
    // container's entry point does in its first moments (sh -c "exec ...").
    constexpr qint64 youngNs = 10'000'000'000;
    if (c.mainPid && pids == c.lastPids && nowNs - c.firstSeenNs > youngNs)
        return;
    c.lastPids = pids;
    // The main process is the one whose parent is outside the container
    // (the container's init); keep it while it lives.
    QByteArray comm;
    qint64 ppid = 0;
    auto statOf = [&](qint64 pid) {
        const auto text = FileUtil::readFile(m_proc + '/' + QByteArray::number(pid) + "/stat", 4096);
        return text && parseStat(*text, comm, ppid);
    };
    if (!(c.mainPid && pids.contains(c.mainPid) && statOf(c.mainPid))) {
        c.mainPid = 0;
        for (const qint64 pid : pids) {
            if (statOf(pid) && !pids.contains(ppid)) {
                c.mainPid = pid;
                break;
            }
        }
        if (!c.mainPid && !pids.isEmpty() && statOf(pids.first()))
            c.mainPid = pids.first();
        c.mainComm.clear();
    }
    // exec changes comm (sh -c "exec stress ..." becomes stress): re-read
    // the command line only then.
    if (c.mainPid && comm != c.mainComm) {
        c.mainComm = comm;
        c.processName = QString::fromUtf8(comm);
        const auto cmd = FileUtil::readFile(m_proc + '/' + QByteArray::number(c.mainPid) + "/cmdline", 64 * 1024);
        QByteArray line = cmd.value_or(QByteArray());
        line.replace('\0', ' ');
        c.cmdline = QString::fromUtf8(line.trimmed());
    }
}

bool CgroupSource::readContainer(Container& c, RawContainer& out, qint64 nowNs)
{
    if (!c.firstSeenNs)
        c.firstSeenNs = nowNs;
    if (!c.resolved)
        resolve(c);
    Files& f = c.files;
    if (f.procs.isNull())
        return false;
    const auto procsText = f.procs.read();
    if (!procsText)
        return false; // the container went away mid-read
    QList<qint64> pids = parsePids(*procsText);
    if (pids.isEmpty())
        return false;
    std::sort(pids.begin(), pids.end());

    RawCounters& raw = out.raw;
    if (!f.cpuacctUsage.isNull()) {
        raw.cpuNs = f.cpuacctUsage.read().value_or(QByteArray()).trimmed().toULongLong();
    } else if (!f.cpuStat.isNull()) {
        const auto text = f.cpuStat.read();
        raw.cpuNs = text ? FileUtil::keyValue(*text, "usage_usec").value_or(0) * 1000 : 0;
    }
    if (!f.memoryCurrent.isNull()) {
        raw.memoryUsageBytes = f.memoryCurrent.read().value_or(QByteArray()).trimmed().toULongLong();
        const auto stat = f.memoryStat.read();
        quint64 inactiveFile = 0;
        if (stat) {
            // docker stats: v1 subtracts total_inactive_file, v2 inactive_file.
            inactiveFile = FileUtil::keyValue(*stat, f.memoryV1 ? "total_inactive_file" : "inactive_file").value_or(0);
            raw.rssBytes = FileUtil::keyValue(*stat, f.memoryV1 ? "total_rss" : "anon").value_or(0);
        }
        raw.memoryBytes = raw.memoryUsageBytes > inactiveFile ? raw.memoryUsageBytes - inactiveFile : 0;
    }
    // Processes, from cgroup.procs (already read). pids.current would count
    // threads but costs one more read per container per tick.
    raw.tasks = quint32(pids.size());

    RawCounters cgroupIo;
    IoSource cgroupIoSource = IoSource::None;
    if (!c.useProcIo) {
        if (!f.ioStat.isNull()) {
            if (const auto text = f.ioStat.read())
                sumIoStat(*text, cgroupIo);
            cgroupIoSource = IoSource::CgroupV2;
        } else if (!f.blkioBytes.isNull()) {
            if (const auto text = f.blkioBytes.read())
                sumBlkio(*text, cgroupIo.readBytes, cgroupIo.writeBytes);
            if (const auto text = f.blkioOps.read())
                sumBlkio(*text, cgroupIo.readOps, cgroupIo.writeOps);
            cgroupIoSource = IoSource::CgroupV1;
        }
        const bool charged = cgroupIo.readBytes || cgroupIo.writeBytes || cgroupIo.readOps || cgroupIo.writeOps;
        if (charged)
            c.ioDecided = true;
        else if (!c.ioDecided)
            c.useProcIo = true; // nothing charged to the cgroup: count per task instead, from now on
    }
    if (c.useProcIo) {
        readProcIo(c, pids, raw);
        out.ioSource = IoSource::ProcIo;
    } else {
        raw.readBytes = cgroupIo.readBytes;
        raw.writeBytes = cgroupIo.writeBytes;
        raw.readOps = cgroupIo.readOps;
        raw.writeOps = cgroupIo.writeOps;
        out.ioSource = cgroupIoSource;
    }

    updateMainProcess(c, pids, nowNs);
    out.id = c.id;
    out.pid = c.mainPid;
    out.processName = c.processName;
    out.cmdline = c.cmdline;
    out.cgroupPath = c.cgroupPath;
    out.hasCounters = true;
    return true;
}

bool CgroupSource::sample(RawSample& out, QString* error)
{
    RawSample s;
    s.source = name();
    s.wallTime = QDateTime::currentDateTimeUtc();
    s.monotonicNs = monotonicNs();
    if (!HostReader::read(m_procRoot, s.host, error))
        return false;
    if (!FileUtil::exists(m_root)) {
        if (error)
            *error = QStringLiteral("no cgroup file system at %1").arg(m_cgroupRoot);
        return false;
    }
    m_pool.beginPass();
    QString warning;
    discover(&warning);
    if (!warning.isEmpty()) {
        if (error)
            *error = warning;
        return false;
    }
    QStringList gone;
    for (auto it = m_containers.begin(); it != m_containers.end(); ++it) {
        RawContainer rc;
        if (readContainer(*it.value(), rc, s.monotonicNs))
            s.containers.append(std::move(rc));
        else
            gone.append(it.key());
    }
    // Forget containers whose cgroup has gone (or emptied); a pid that shows
    // up in one again rediscovers it.
    for (const QString& id : gone) {
        m_containers.remove(id);
        for (auto it = m_pidToContainer.begin(); it != m_pidToContainer.end();) {
            if (it->container == id)
                it = m_pidToContainer.erase(it);
            else
                ++it;
        }
    }
    std::sort(s.containers.begin(), s.containers.end(),
              [](const RawContainer& a, const RawContainer& b) { return a.id < b.id; });
    out = std::move(s);
    return true;
}
