// Where a service tick's CPU goes, stage by stage, measured with the thread's
// CPU clock around each stage of what `stevedore --no-gui` does per tick:
//   sample     the cgroup source reads every container's files
//   rates      computeSnapshot turns two samples into rates
//   enrich     the manager copies the snapshot and adds Docker metadata
//   console    the console text (tables, or the summary line)
//   write      that text written to stdout's file
// On a generated fixture tree of N containers (no Docker needed, the same
// files and layout as cgroup v2) or on this host's real /proc and cgroups.
//   bench_tick [--real] [--containers N] [--ticks T] [--tables]
//   bench_tick --make-tree DIR --containers N   (only writes the tree, for
//     running the service itself on it: --proc-root DIR/proc --cgroup-root DIR/cgroup)
#include "core/manager/manager.h"
#include "core/metrics/cgroupsource.h"
#include "headless/consoleoutput.h"
#include "headless/tableprinter.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <time.h>
#include <vector>

namespace {
double threadCpuUs()
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e6 + double(ts.tv_nsec) / 1e3;
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath()) || !f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
    }
    return f.write(data) == data.size();
}

// The same layout as the unit tests' hosts: cgroup v2, cgroupfs driver, one
// sleeping process per container.
bool makeHost(const QString& root, int count)
{
    bool ok = writeFile(root + QLatin1String("/proc/meminfo"),
                        "MemTotal: 1048576 kB\nMemFree: 524288 kB\nMemAvailable: 786432 kB\n")
        && writeFile(root + QLatin1String("/proc/stat"),
                     "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 0 1 7 1 0 0 0 0 0\n");
    for (int k = 0; ok && k < count; ++k) {
        const QByteArray pid = QByteArray::number(1000 + k);
        const QString id = QStringLiteral("%1").arg(k + 1, 64, 16, QLatin1Char('0'));
        const QString proc = root + QLatin1String("/proc/") + QString::fromLatin1(pid);
        const QString cg = root + QLatin1String("/cgroup/docker/") + id;
        ok = writeFile(proc + QLatin1String("/cgroup"), "0::/docker/" + id.toLatin1() + '\n')
            && writeFile(proc + QLatin1String("/stat"), pid + " (sleep) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1\n")
            && writeFile(proc + QLatin1String("/cmdline"),
                         QByteArray("sleep\0"
                                    "1000\0",
                                    11))
            && writeFile(cg + QLatin1String("/cgroup.procs"), pid + '\n')
            && writeFile(cg + QLatin1String("/cpu.stat"), "usage_usec " + QByteArray::number(k) + "\n")
            && writeFile(cg + QLatin1String("/memory.current"), "1048576\n")
            && writeFile(cg + QLatin1String("/memory.stat"), "anon 4096\ninactive_file 0\n")
            && writeFile(cg + QLatin1String("/io.stat"), "8:0 rbytes=4096 wbytes=0 rios=1 wios=0\n");
    }
    return ok;
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    bool real = false;
    bool tables = false;
    int count = 1000;
    int ticks = 200;
    QString treeOnly;
    for (int i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--real"))
            real = true;
        else if (args[i] == QLatin1String("--tables"))
            tables = true;
        else if (args[i] == QLatin1String("--containers") && i + 1 < args.size())
            count = args[++i].toInt();
        else if (args[i] == QLatin1String("--make-tree") && i + 1 < args.size())
            treeOnly = args[++i];
        else if (args[i] == QLatin1String("--ticks") && i + 1 < args.size())
            ticks = std::max(2, args[++i].toInt());
        else {
            std::fprintf(stderr,
                         "usage: bench_tick [--real] [--containers N] [--ticks T] [--tables] [--make-tree DIR]\n");
            return 2;
        }
    }
    if (!treeOnly.isEmpty())
        return makeHost(treeOnly, count) ? 0 : 1;
    QTemporaryDir dir(QFileInfo(QStringLiteral("/dev/shm")).isWritable()
                          ? QStringLiteral("/dev/shm/stevedore-bench-XXXXXX")
                          : QDir::tempPath() + QStringLiteral("/stevedore-bench-XXXXXX"));
    if (!real && !makeHost(dir.path(), count)) {
        std::fprintf(stderr, "bench_tick: cannot write the fixture tree in %s\n", qPrintable(dir.path()));
        return 1;
    }
    CgroupSource source(real ? QStringLiteral("/proc") : dir.path() + QLatin1String("/proc"),
                        real ? QStringLiteral("/sys/fs/cgroup") : dir.path() + QLatin1String("/cgroup"));
    Manager manager(nullptr, ManagerSettings {});
    // The console as the service would pick it: tables for few containers,
    // a summary line otherwise (--tables: the tables every tick regardless).
    ConsoleOutput console;
    FILE* sink = std::fopen("/dev/null", "w");

    enum Stage { Sample, Rates, Enrich, Console, Write, Stages };
    const char* names[Stages] = { "sample", "rates", "enrich", "console", "write" };
    std::vector<double> total(Stages, 0);
    std::optional<RawSample> previous;
    int measured = 0;
    int seen = 0;
    for (int tick = 0; tick < ticks; ++tick) {
        if (tick == 1) {
            // A container's main process is re-checked every tick for its
            // first 10 s (an entry point's exec); the service's steady state
            // comes after that.
            QThread::sleep(11);
        }
        double t0 = threadCpuUs();
        RawSample raw;
        QString error;
        if (!source.sample(raw, &error)) {
            std::fprintf(stderr, "bench_tick: %s\n", qPrintable(error));
            return 1;
        }
        double t1 = threadCpuUs();
        const Snapshot snapshot = computeSnapshot(previous ? &*previous : nullptr, raw);
        previous = std::move(raw);
        double t2 = threadCpuUs();
        const Snapshot enriched = manager.enrich(snapshot);
        double t3 = threadCpuUs();
        const QString text = tables ? formatSnapshot(enriched) + QLatin1Char('\n') : console.render(enriched);
        double t4 = threadCpuUs();
        const QByteArray bytes = text.toLocal8Bit();
        std::fwrite(bytes.constData(), 1, size_t(bytes.size()), sink);
        std::fflush(sink);
        double t5 = threadCpuUs();
        seen = int(enriched.containers.size());
        if (tick < 2)
            continue; // the first ticks resolve every container's files
        ++measured;
        total[Sample] += t1 - t0;
        total[Rates] += t2 - t1;
        total[Enrich] += t3 - t2;
        total[Console] += t4 - t3;
        total[Write] += t5 - t4;
    }
    std::fclose(sink);
    double sum = 0;
    for (double t : total)
        sum += t;
    std::printf("%d containers (%s), %d ticks, console %s, open files kept %d of a budget of %d\n", seen,
                real ? "this host" : "fixture tree", measured, tables ? "tables every tick" : "as the service",
                source.filePool().openCount(), source.filePool().capacity());
    for (int s = 0; s < Stages; ++s)
        std::printf("  %-8s %9.1f us/tick  %5.1f %%\n", names[s], total[s] / measured, 100.0 * total[s] / sum);
    std::printf("  %-8s %9.1f us/tick  (%.1f us per container)\n", "total", sum / measured,
                seen ? sum / measured / seen : 0.0);
    return 0;
}
