// Runs inside the benchmark VM (see run-bench.sh): with N containers already
// running, times
//   kmod        one open + read of the module's /proc file,
//   kmod+parse  the same plus the parse as KmodSource runs it every tick (steady
//               state: one KmodJsonReader, which does not parse again a
//               record that is the previous snapshot's, byte for byte),
//   kmod+parse_cold the same with every record parsed (KmodSource::parse),
//   cgroup      one CgroupSource::sample() over the same containers as the
//               service runs it (steady state: memory.stat re-read only when
//               a container's usage moved or every 10 s; the first,
//               discovering sample is shown apart),
//   kmod+dom    the read plus the parse as it was before the SAX parser:
//               nlohmann's DOM of the whole document, then the fields,
//   cgroup_fresh the same with memory.stat read every time, which is what
//               the module's file gives on every read,
// repeats each R times and prints medians and the ratio, one "@@BENCH" line
// per figure.
//
//   kmod_bench PROC_FILE EXPECTED_CONTAINERS [ROUNDS]
#include "core/metrics/cgroupsource.h"
#include "core/metrics/kmodsource.h"
#include "core/model/kmodjson.h"
#include "core/model/snapshot.h"

#include <QCoreApplication>
#include <QList>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace {
qint64 nowNs()
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

bool readAll(const char* path, QByteArray& out)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    out.resize(0);
    char buf[65536];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return n == 0;
        }
        out.append(buf, n);
    }
}

double medianUs(QList<qint64> ns)
{
    std::sort(ns.begin(), ns.end());
    const qsizetype n = ns.size();
    const double mid = n % 2 ? double(ns.at(n / 2)) : (double(ns.at(n / 2 - 1)) + double(ns.at(n / 2))) / 2;
    return mid / 1000.0;
}

double minUs(const QList<qint64>& ns)
{
    return double(*std::min_element(ns.begin(), ns.end())) / 1000.0;
}

int fail(const char* what)
{
    std::printf("@@BENCH error %s\n", what);
    std::fflush(stdout);
    return 1;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 3)
        return fail("usage: kmod_bench PROC_FILE EXPECTED_CONTAINERS [ROUNDS]");
    const char* proc = argv[1];
    const int expected = std::atoi(argv[2]);
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 15;
    // CgroupSource keeps about five files open per container: 1000
    // containers need more than the default 1024 descriptors.
    struct rlimit files = { 65536, 65536 };
    if (setrlimit(RLIMIT_NOFILE, &files) != 0 && getrlimit(RLIMIT_NOFILE, &files) == 0) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }

    QList<qint64> kmodRead, kmodParse, kmodCold, kmodDom, cgroup, cgroupFresh;
    KmodJsonReader reader(&KmodSource::nameFromCgroup);
    int reused = 0;
    QByteArray text;
    RawSample sample;
    QString error;
    int kmodContainers = 0, cgroupContainers = 0;
    quint64 kmodTasks = 0;
    qsizetype bytes = 0;

    CgroupSource source;
    const qint64 c0 = nowNs();
    if (!source.sample(sample, &error))
        return fail(qPrintable(error));
    const qint64 firstCgroup = nowNs() - c0;
    CgroupSource fresh;
    fresh.setMemoryStatMaxAge(0);
    if (!fresh.sample(sample, &error))
        return fail(qPrintable(error));

    // Warm up both paths once (page cache of the binaries, slab caches); the
    // reader's first document is the service's first tick.
    if (!readAll(proc, text))
        return fail(qPrintable(
            QStringLiteral("cannot read the module's file: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
    {
        RawSample first;
        if (!reader.parse(text, first, &error))
            return fail(qPrintable(error));
    }
    for (int i = 0; i < rounds; ++i) {
        qint64 t0 = nowNs();
        if (!readAll(proc, text))
            return fail(qPrintable(
                QStringLiteral("cannot read the module's file: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
        const qint64 t1 = nowNs();
        RawSample k;
        if (!reader.parse(text, k, &error))
            return fail(qPrintable(error));
        const qint64 t2 = nowNs();
        kmodRead.append(t1 - t0);
        kmodParse.append(t2 - t0);
        reused = reader.reusedLastTime();
        {
            const qint64 d0 = nowNs();
            QByteArray again;
            if (!readAll(proc, again))
                return fail("cannot read the module's file again");
            RawSample cold;
            if (!KmodSource::parse(again, cold, &error))
                return fail(qPrintable(error));
            kmodCold.append(nowNs() - d0);
        }
        {
            const qint64 d0 = nowNs();
            QByteArray again;
            if (!readAll(proc, again))
                return fail("cannot read the module's file again");
            RawSample viaDom;
            const nlohmann::json doc = nlohmann::json::parse(again.constBegin(), again.constEnd(), nullptr, false);
            if (doc.is_discarded() || !parseKmodJson(doc, viaDom, &error))
                return fail("the DOM parse failed");
            kmodDom.append(nowNs() - d0);
        }
        kmodContainers = int(k.containers.size());
        kmodTasks = 0;
        for (const RawContainer& c : std::as_const(k.containers))
            kmodTasks += c.raw.tasks;
        bytes = text.size();

        t0 = nowNs();
        RawSample c;
        if (!source.sample(c, &error))
            return fail(qPrintable(error));
        cgroup.append(nowNs() - t0);
        cgroupContainers = int(c.containers.size());

        t0 = nowNs();
        RawSample f;
        if (!fresh.sample(f, &error))
            return fail(qPrintable(error));
        cgroupFresh.append(nowNs() - t0);
        if (f.containers.size() != c.containers.size())
            return fail("the two cgroup sources disagree");
    }

    std::printf("@@BENCH containers kmod=%d cgroup=%d expected=%d tasks=%llu json_bytes=%lld rounds=%d\n",
                kmodContainers, cgroupContainers, expected, static_cast<unsigned long long>(kmodTasks),
                static_cast<long long>(bytes), rounds);
    std::printf("@@BENCH kmod_read_us median=%.1f min=%.1f\n", medianUs(kmodRead), minUs(kmodRead));
    std::printf("@@BENCH kmod_read_parse_us median=%.1f min=%.1f records_reused=%d\n", medianUs(kmodParse),
                minUs(kmodParse), reused);
    std::printf("@@BENCH kmod_read_parse_cold_us median=%.1f min=%.1f\n", medianUs(kmodCold), minUs(kmodCold));
    std::printf("@@BENCH kmod_read_domparse_us median=%.1f min=%.1f\n", medianUs(kmodDom), minUs(kmodDom));
    std::printf("@@BENCH cgroup_sample_us median=%.1f min=%.1f first=%.1f\n", medianUs(cgroup), minUs(cgroup),
                double(firstCgroup) / 1000.0);
    std::printf("@@BENCH cgroup_fresh_sample_us median=%.1f min=%.1f\n", medianUs(cgroupFresh), minUs(cgroupFresh));
    std::printf(
        "@@BENCH ratio cgroup/kmod_read=%.1f cgroup/kmod_read_parse=%.1f cgroup_fresh/kmod_read_parse_cold=%.1f\n",
        medianUs(cgroup) / medianUs(kmodRead), medianUs(cgroup) / medianUs(kmodParse),
        medianUs(cgroupFresh) / medianUs(kmodCold));
    std::fflush(stdout);
    return kmodContainers == expected && cgroupContainers == expected ? 0 : 2;
}
