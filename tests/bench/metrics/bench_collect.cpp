// One collection tick of Stevedore's cgroup source vs `docker stats
// --no-stream` on the same containers, in the same run. CPU time counts
// everything each approach makes busy: for Stevedore its own process; for
// docker stats the CLI plus dockerd, containerd and the shims.
//   bench_collect TICKS ID...
#include "core/metrics/collector.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>

#include <algorithm>
#include <cstdio>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace {
double processCpuMs()
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double childrenCpuMs()
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3
        + double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

// utime + stime of the Docker daemons, in ms.
double daemonsCpuMs()
{
    static const long ticks = sysconf(_SC_CLK_TCK);
    double total = 0;
    const QStringList pids = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& pid : pids) {
        if (!pid.at(0).isDigit())
            continue;
        QFile f(QStringLiteral("/proc/") + pid + QStringLiteral("/stat"));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray s = f.readAll();
        const qsizetype open = s.indexOf('('), close = s.lastIndexOf(')');
        if (open < 0 || close < 0)
            continue;
        const QByteArray comm = s.mid(open + 1, close - open - 1);
        if (comm != "dockerd" && comm != "containerd" && !comm.startsWith("containerd-shim"))
            continue;
        const QList<QByteArray> f2 = s.mid(close + 2).split(' ');
        if (f2.size() > 12)
            total += double(f2.at(11).toLongLong() + f2.at(12).toLongLong()) * 1000.0 / double(ticks);
    }
    return total;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}
} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: bench_collect TICKS CONTAINER-ID...\n");
        return 2;
    }
    const int ticks = std::max(2, args.first().toInt());
    const QStringList ids = args.mid(1);

    SourceOptions options;
    options.kind = SourceOptions::Kind::Cgroup;
    Collector collector(options);
    QString error;
    if (!collector.collect(&error)) { // warm-up: discovers the containers
        std::fprintf(stderr, "collect failed: %s\n", qPrintable(error));
        return 1;
    }
    std::vector<double> cpu, wall;
    int seen = 0;
    const double daemons0 = daemonsCpuMs();
    for (int i = 0; i < ticks; ++i) {
        const double c0 = processCpuMs();
        QElapsedTimer t;
        t.start();
        const auto s = collector.collect(&error);
        wall.push_back(double(t.nsecsElapsed()) / 1e6);
        cpu.push_back(processCpuMs() - c0);
        if (!s) {
            std::fprintf(stderr, "collect failed: %s\n", qPrintable(error));
            return 1;
        }
        seen = 0;
        for (const QString& id : ids)
            seen += s->find(id) ? 1 : 0;
        usleep(50000);
    }
    const double daemonsDuringOurs = (daemonsCpuMs() - daemons0) / ticks;
    if (seen != ids.size()) {
        std::fprintf(stderr, "only %d of %lld containers seen\n", seen, qlonglong(ids.size()));
        return 1;
    }

    // docker stats --no-stream on the same containers, 3 runs.
    std::vector<double> dsCpu, dsWall;
    for (int i = 0; i < 3; ++i) {
        const double ch0 = childrenCpuMs(), d0 = daemonsCpuMs();
        QElapsedTimer t;
        t.start();
        QProcess p;
        p.start(QStringLiteral("docker"), QStringList { QStringLiteral("stats"), QStringLiteral("--no-stream") } + ids);
        if (!p.waitForFinished(120000) || p.exitCode() != 0) {
            std::fprintf(stderr, "docker stats failed: %s\n", p.readAllStandardError().constData());
            return 1;
        }
        dsWall.push_back(double(t.nsecsElapsed()) / 1e6);
        dsCpu.push_back((childrenCpuMs() - ch0) + (daemonsCpuMs() - d0));
    }

    const double ourCpu = median(cpu) + daemonsDuringOurs;
    std::printf("containers: %lld\n", qlonglong(ids.size()));
    std::printf("  stevedore cgroup tick : cpu %8.3f ms  wall %8.3f ms  (median of %d; daemons %.3f ms/tick)\n",
                median(cpu), median(wall), ticks, daemonsDuringOurs);
    std::printf("  docker stats --no-stream: cpu %8.1f ms  wall %8.1f ms  (median of 3, CLI + dockerd + "
                "containerd + shims)\n",
                median(dsCpu), median(dsWall));
    const double ratio = median(dsCpu) / std::max(median(cpu), 1e-3);
    std::printf("  ratio docker stats / stevedore: cpu %.0fx (%.0fx if the daemons' background CPU during our ticks "
                "is charged to us)  wall %.0fx\n",
                ratio, median(dsCpu) / std::max(ourCpu, 1e-3), median(dsWall) / std::max(median(wall), 1e-3));
    std::printf("  target: >= 100x less CPU, <= 5 ms CPU per tick at 100 containers: %s\n",
                (ratio >= 100 && (ids.size() < 100 || median(cpu) <= 5.0)) ? "met" : "NOT met");
    return 0;
}
