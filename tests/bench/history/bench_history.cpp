// History benchmark (not a test). One command:
//
//   build/tests/bench/history/bench_history [--containers 100] [--hours 24]
//       [--width 1200] [--dir DIR] [--no-comparator]
//
// 1. Builds a store of --hours at 1 Hz of --containers containers with the
//    real LogStore (64 MiB files, as the receiver writes them). One entry is
//    made by the real code (reportEntryBytes, normaliseLogEntry: what a
//    reporter sends and the receiver stores); each tick puts its own
//    timestamp and figures into it (see Template). With --dir an existing
//    store there is reused.
// 2. Reads one container's last 24 h with readContainerHistory, thinned to
//    --width buckets: once cold (no index: every file parsed and indexed),
//    then warm (the indexes are there, as for every read after the first).
// 3. Draws it: the window's HistoryView, --width wide, grab()ed (every
//    chart painted), timed.
// 4. The comparator: reading the whole store for that container without the
//    index (every line parsed, the container picked out), the way a reader
//    of the store does it otherwise.
//
// Target (issue 12, item 3): warm query + draw under 300 ms.
#include "core/model/logentry.h"
#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"
#include "core/store/history.h"
#include "core/store/logstore.h"
#include "gui/historyview.h"

#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QTimeZone>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace {
const QDateTime kStart(QDate(2026, 1, 1), QTime(0, 0), QTimeZone::utc());

QString containerId(int i)
{
    return QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('c'));
}

// The figures of container i at tick t: a daily wave with a spike once an
// hour (thinning must keep it), memory and rates that move.
double cpuAt(qint64 t, int i)
{
    return std::round((50 + 40 * std::sin(double(t + i * 60) / 3600.0) + (t % 3600 == i ? 50 : 0)) * 100) / 100;
}
quint64 memoryAt(qint64 t, int i)
{
    return (quint64(64 + i) << 20) + quint64(t % 600) * 4096;
}
double writeRateAt(qint64 t, int i)
{
    return double(8192 + (t + i) % 60 * 100);
}

// One tick as the real code makes it (reportEntryBytes, then what the
// receiver stores: normaliseLogEntry), with sentinel figures that the
// generator replaces tick by tick (see Template).
Snapshot templateTick(int containers)
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.host = { QStringLiteral("bench-host"), QStringLiteral("0123456789abcdef0123456789abcdef") };
    s.timestamp = kStart;
    s.intervalSeconds = 1;
    s.system.memoryTotalBytes = 24ull << 30;
    s.system.memoryUsedBytes = 4ull << 30;
    s.system.memoryAvailableBytes = s.system.memoryTotalBytes - s.system.memoryUsedBytes;
    s.system.memoryFreeBytes = s.system.memoryAvailableBytes / 2;
    s.system.cpuPercent = 33;
    s.system.cpuCount = 2;
    s.containers.reserve(containers);
    for (int i = 0; i < containers; ++i) {
        ContainerMetrics c;
        c.id = containerId(i);
        c.name = QStringLiteral("stress_cpu_%1").arg(i);
        c.processName = QStringLiteral("stress");
        c.pid = 100000 + i;
        c.category = managedCategories()[size_t(i % 4)];
        c.cmdline = QStringLiteral("stress --cpu 1");
        c.cpuPercent = 7000000 + i; // sentinels, unique per container and field
        c.cpuPercentHost = 25;
        c.memoryBytes = 7100000 + i;
        c.memoryPercent = 0.3;
        c.readBytes = 4096ull * 1000;
        c.writeBytes = 8192ull * 1000;
        c.readOps = 1000;
        c.writeOps = 2000;
        c.readBytesPerSec = 4096;
        c.writeBytesPerSec = 7200000 + i;
        c.netRxBytes = 1500ull * 1000;
        c.netTxBytes = 700ull * 1000;
        c.netRxPackets = 1000;
        c.netTxPackets = 1000;
        c.netRxBytesPerSec = 1500;
        c.netTxBytesPerSec = 700;
        c.ioSource = IoSource::CgroupV1;
        c.state = QStringLiteral("running");
        c.managed = true;
        c.labels.insert(QStringLiteral("stevedore.managed"), QStringLiteral("true"));
        c.labels.insert(QStringLiteral("stevedore.category"), QStringLiteral("cpu"));
        s.containers.append(c);
    }
    return s;
}

// Formatting 100 containers' JSON 86400 times (and parsing it again, as the
// receiver does) takes the better part of an hour on a loaded machine. The
// entry's shape does not change from tick to tick, only its figures: so one
// entry is made by the real code, cut at the timestamps and at the
// sentinels of each container's CPU %, memory and write rate (in the
// "snapshot" part, which the readers prefer), and each tick puts its own
// figures in. What is written is what the real code would write for those
// figures (the benchmark checks the values it reads back).
class Template
{
public:
    bool build(int containers, QString* error)
    {
        m_containers = containers;
        NormalisedEntry entry;
        if (!normaliseLogEntry(reportEntryBytes(templateTick(containers)), entry, error))
            return false;
        const QByteArray line = entry.line;
        struct Hole
        {
            qsizetype at;
            qsizetype len;
            int kind; // 0 timestamp, 1 cpu, 2 memory, 3 write rate
            int container;
        };
        QList<Hole> holes;
        const QByteArray stamp = toRfc3339(kStart).toUtf8();
        for (qsizetype at = line.indexOf(stamp); at >= 0; at = line.indexOf(stamp, at + 1))
            holes.append({ at, stamp.size(), 0, -1 });
        const qsizetype snapshotAt = line.indexOf("\"snapshot\":");
        for (int i = 0; i < containers; ++i) {
            const QByteArray cpu = "\"cpu_percent\":" + QByteArray::number(7000000 + i) + ".0";
            const QByteArray mem = "\"memory_bytes\":" + QByteArray::number(7100000 + i);
            const QByteArray wr = "\"write_bytes_per_sec\":" + QByteArray::number(7200000 + i) + ".0";
            for (const auto& [text, kind] : { std::pair { cpu, 1 }, std::pair { mem, 2 }, std::pair { wr, 3 } }) {
                const qsizetype at = line.indexOf(text, snapshotAt);
                if (snapshotAt < 0 || at < 0) {
                    *error = QStringLiteral("template: %1 not found").arg(QString::fromLatin1(text));
                    return false;
                }
                const qsizetype colon = text.indexOf(':') + 1;
                holes.append({ at + colon, text.size() - colon, kind, i });
            }
        }
        std::sort(holes.begin(), holes.end(), [](const Hole& a, const Hole& b) { return a.at < b.at; });
        qsizetype pos = 0;
        for (const Hole& h : holes) {
            m_pieces.append(line.mid(pos, h.at - pos));
            m_kinds.append({ h.kind, h.container });
            pos = h.at + h.len;
        }
        m_pieces.append(line.mid(pos));
        m_size = line.size();
        return true;
    }

    QByteArray at(qint64 t) const
    {
        QByteArray out;
        out.reserve(m_size + 32 * m_kinds.size());
        const QByteArray stamp = toRfc3339(kStart.addSecs(t)).toUtf8();
        char num[32];
        for (qsizetype k = 0; k < m_kinds.size(); ++k) {
            out.append(m_pieces.at(k));
            const auto [kind, i] = m_kinds.at(k);
            switch (kind) {
            case 0:
                out.append(stamp);
                break;
            case 1:
                out.append(num, std::snprintf(num, sizeof num, "%.2f", cpuAt(t, i)));
                break;
            case 2:
                out.append(num,
                           std::snprintf(num, sizeof num, "%llu", static_cast<unsigned long long>(memoryAt(t, i))));
                break;
            default:
                out.append(num, std::snprintf(num, sizeof num, "%.1f", writeRateAt(t, i)));
                break;
            }
        }
        out.append(m_pieces.last());
        return out;
    }

private:
    int m_containers = 0;
    qsizetype m_size = 0;
    QList<QByteArray> m_pieces;
    QList<QPair<int, int>> m_kinds;
};

qint64 storeBytes(const QString& dir)
{
    qint64 total = 0;
    for (const QString& f : LogStore::files(dir))
        total += QFileInfo(f).size();
    return total;
}

qint64 indexBytes(const QString& dir)
{
    qint64 total = 0;
    QDirIterator it(historyIndexDir(dir), QDir::Files);
    while (it.hasNext())
        total += QFileInfo(it.next()).size();
    return total;
}

bool generate(const QString& dir, int containers, qint64 ticks)
{
    Template line;
    QString error;
    if (!line.build(containers, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    StoreSettings settings;
    settings.dataDir = dir;
    settings.retainedFiles = 100000; // keep it all: the benchmark reads a whole day
    LogStore store(settings);
    if (!store.open(&error)) {
        std::fprintf(stderr, "store: %s\n", qPrintable(error));
        return false;
    }
    QElapsedTimer clock;
    clock.start();
    for (qint64 t = 0; t < ticks; ++t) {
        if (store.append(line.at(t), &error) != StoreStatus::Ok) {
            std::fprintf(stderr, "tick %lld: %s\n", static_cast<long long>(t), qPrintable(error));
            return false;
        }
        if (t % 3600 == 3599) {
            std::fprintf(stderr, "  generated %lld h of %lld (%.0f s)\n", static_cast<long long>((t + 1) / 3600),
                         static_cast<long long>(ticks / 3600), double(clock.elapsed()) / 1000);
        }
    }
    return true;
}

// What a reader without the index does: every line, parsed, the container
// picked out of it.
qint64 readWhole(const QString& dir, const QString& id, qint64* lines)
{
    LogReader reader(dir);
    QString error;
    if (!reader.open(&error))
        return -1;
    qint64 found = 0;
    QByteArray line;
    *lines = 0;
    while (reader.next(line)) {
        ++*lines;
        const auto json = nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
        Snapshot s;
        if (snapshotFromLogEntry(json, s, nullptr) && s.find(id))
            ++found;
    }
    return found;
}

double ms(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}
} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures as they come, also into a file
    int containers = 100;
    double hours = 24;
    int width = 1200;
    QString dir;
    bool comparator = true;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        const QString a = args.at(i);
        const QString v = i + 1 < args.size() ? args.at(i + 1) : QString();
        if (a == QLatin1String("--containers")) {
            containers = v.toInt();
            ++i;
        } else if (a == QLatin1String("--hours")) {
            hours = v.toDouble();
            ++i;
        } else if (a == QLatin1String("--width")) {
            width = v.toInt();
            ++i;
        } else if (a == QLatin1String("--dir")) {
            dir = v;
            ++i;
        } else if (a == QLatin1String("--no-comparator")) {
            comparator = false;
        } else {
            std::fprintf(stderr,
                         "usage: bench_history [--containers N] [--hours H] [--width PX] [--dir DIR] "
                         "[--no-comparator]\n");
            return 2;
        }
    }
    std::unique_ptr<QTemporaryDir> temp;
    if (dir.isEmpty()) {
        temp = std::make_unique<QTemporaryDir>();
        dir = temp->path();
    }
    const qint64 ticks = qint64(hours * 3600);
    std::printf("History benchmark: %d containers, %.1f h at 1 Hz (%lld ticks), store in %s\n", containers, hours,
                static_cast<long long>(ticks), qPrintable(dir));
    if (LogStore::files(dir).isEmpty()) {
        QElapsedTimer gen;
        gen.start();
        if (!generate(dir, containers, ticks))
            return 1;
        std::printf("generated in %.0f s\n", ms(gen) / 1000);
    } else {
        std::printf("reusing the store there\n");
    }
    QDir(historyIndexDir(dir)).removeRecursively(); // the cold read builds them
    const qint64 bytes = storeBytes(dir);
    std::printf("store: %.1f MiB in %lld files\n", double(bytes) / (1 << 20),
                static_cast<long long>(LogStore::files(dir).size()));

    // The last 24 h (or the whole store when shorter) of container 42.
    const QString id = containerId(std::min(42, containers - 1));
    HistoryQuery query;
    query.containerId = id;
    query.to = kStart.addSecs(ticks);
    query.from = query.to.addSecs(-24 * 3600);
    query.maxPoints = width;

    ContainerHistory h;
    QString error;
    QElapsedTimer t;
    t.start();
    if (!readContainerHistory(dir, query, &h, &error)) {
        std::fprintf(stderr, "query: %s\n", qPrintable(error));
        return 1;
    }
    const double cold = ms(t);
    std::printf("cold query (indexes built): %.0f ms, %lld samples, %d files indexed, %.1f MiB parsed; "
                "index %.1f MiB (%.2f %% of the store)\n",
                cold, static_cast<long long>(h.samples), h.stats.indexesBuilt, double(h.stats.bytesParsed) / (1 << 20),
                double(indexBytes(dir)) / (1 << 20),
                100.0 * double(indexBytes(dir)) / double(std::max<qint64>(1, bytes)));

    double warm = 1e9;
    for (int i = 0; i < 5; ++i) {
        t.restart();
        readContainerHistory(dir, query, &h, &error);
        warm = std::min(warm, ms(t));
    }
    std::printf("warm query: %.1f ms (best of 5), %lld samples -> %lld points per series, %d files read through "
                "their index, %.2f MiB of index read, %lld bytes parsed\n",
                warm, static_cast<long long>(h.samples), static_cast<long long>(h.series[0].size()),
                h.stats.indexesUsed, double(h.stats.indexBytesRead) / (1 << 20),
                static_cast<long long>(h.stats.bytesParsed));

    // What was read is what was written: the last 10 minutes, unthinned.
    {
        HistoryQuery exact = query;
        exact.from = query.to.addSecs(-600);
        exact.maxPoints = 0;
        ContainerHistory e;
        const int idx = std::min(42, containers - 1);
        if (!readContainerHistory(dir, exact, &e, &error) || e.samples < std::min<qint64>(600, ticks)) {
            std::fprintf(stderr, "check: %lld samples: %s\n", static_cast<long long>(e.samples), qPrintable(error));
            return 1;
        }
        for (qsizetype k = 0; k < e.series[0].size(); ++k) {
            const qint64 t = (e.series[0].at(k).msecs - kStart.toMSecsSinceEpoch()) / 1000;
            if (e.series[0].at(k).value != cpuAt(t, idx) || e.series[1].at(k).value != double(memoryAt(t, idx))
                || e.series[3].at(k).value != writeRateAt(t, idx)) {
                std::fprintf(stderr, "check: tick %lld reads back wrong\n", static_cast<long long>(t));
                return 1;
            }
        }
        std::printf("check: the last %lld samples read back as generated\n", static_cast<long long>(e.samples));
    }

    HistoryView view;
    view.resize(width, 700);
    view.show();
    QApplication::processEvents();
    double draw = 1e9;
    for (int i = 0; i < 5; ++i) {
        t.restart();
        view.showHistory(h, query.from.toMSecsSinceEpoch(), query.to.toMSecsSinceEpoch());
        const QImage shot = view.grab().toImage(); // every chart painted
        draw = std::min(draw, ms(t));
        if (shot.isNull())
            return 1;
    }
    std::printf("draw: %.1f ms (best of 5, %d px wide, 4 charts, %d points)\n", draw, width,
                view.pointCount(HistorySeries::CpuPercent));
    std::printf("query + draw: %.1f ms (target < 300 ms): %s\n", warm + draw, warm + draw < 300 ? "PASS" : "FAIL");

    if (comparator) {
        t.restart();
        qint64 lines = 0;
        const qint64 found = readWhole(dir, id, &lines);
        const double whole = ms(t);
        std::printf("comparator, the whole store read for that container (no index): %.0f ms, %lld lines, "
                    "%lld samples\n",
                    whole, static_cast<long long>(lines), static_cast<long long>(found));
        std::printf("ratio to the comparator: the warm query takes 1/%.0f of its time; the cold query (the first "
                    "read, which builds the indexes) %.2f times its time\n",
                    whole / warm, cold / whole);
    }
    return 0;
}
