// The cgroup source against the real Docker engine: light labelled stress
// containers, one snapshot, and ground truth read independently from the
// containers' cgroup files over the same window.
#include "../dockercli.h"
#include "core/metrics/collector.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <QThread>

class TestMetricsDocker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void snapshotMatchesCgroupFiles();

private:
    QString m_runId = DockerCli::newRunId();
    QHash<QString, QString> m_ids; // kind → container id
};

namespace {
// CPU time of a container in ns, read from its cgroup (v1 cpuacct or v2
// cpu.stat) by way of its init process's /proc/<pid>/cgroup.
std::optional<quint64> groundTruthCpuNs(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/cgroup").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QString v2;
    for (const QByteArray& line : f.readAll().split('\n')) {
        const QList<QByteArray> parts = line.split(':');
        if (parts.size() < 3)
            continue;
        const QString path = QString::fromUtf8(parts.mid(2).join(':'));
        if (parts.at(1).split(',').contains("cpuacct")) {
            for (const QString& mount : { QString::fromUtf8(parts.at(1)), QStringLiteral("cpuacct") }) {
                QFile usage(QStringLiteral("/sys/fs/cgroup/") + mount + path + QStringLiteral("/cpuacct.usage"));
                if (usage.open(QIODevice::ReadOnly))
                    return usage.readAll().trimmed().toULongLong();
            }
        }
        if (parts.at(1).isEmpty())
            v2 = path;
    }
    QFile stat(QStringLiteral("/sys/fs/cgroup") + v2 + QStringLiteral("/cpu.stat"));
    if (!stat.open(QIODevice::ReadOnly))
        return std::nullopt;
    for (const QByteArray& line : stat.readAll().split('\n')) {
        if (line.startsWith("usage_usec "))
            return line.mid(11).toULongLong() * 1000;
    }
    return std::nullopt;
}
} // namespace

void TestMetricsDocker::initTestCase()
{
    const auto info = DockerCli::docker({ QStringLiteral("info"), QStringLiteral("-f"), QStringLiteral("{{.ID}}") });
    QVERIFY2(info.exitCode == 0, qPrintable(QStringLiteral("Docker engine not reachable: ") + info.err));
    const QList<QPair<QString, QString>> kinds = {
        { QStringLiteral("cpu"), QStringLiteral("--cpu 1") },
        { QStringLiteral("vm"), QStringLiteral("--vm 1 --vm-bytes 64M --vm-hang 0") },
        { QStringLiteral("io"), QStringLiteral("--io 1") },
        { QStringLiteral("hdd"), QStringLiteral("--hdd 1 --hdd-bytes 32M") },
    };
    for (const auto& [kind, args] : kinds) {
        const QString id = DockerCli::runStress(m_runId, QStringLiteral("stevedore_test_%1_%2").arg(kind, m_runId),
                                                args, { QStringLiteral("stevedore.managed=true") });
        QVERIFY2(!id.isEmpty(), qPrintable(QStringLiteral("cannot start the %1 container").arg(kind)));
        m_ids.insert(kind, id);
    }
}

void TestMetricsDocker::cleanupTestCase()
{
    DockerCli::removeRun(m_runId);
}

void TestMetricsDocker::snapshotMatchesCgroupFiles()
{
    const qint64 cpuPid
        = DockerCli::inspect(m_ids.value(QStringLiteral("cpu")), QStringLiteral("{{.State.Pid}}")).toLongLong();
    QVERIFY(cpuPid > 0);

    SourceOptions options;
    options.kind = SourceOptions::Kind::Cgroup;
    Collector collector(options);
    QString error;

    // Let the vm worker allocate and the io/hdd workers do some I/O.
    QElapsedTimer settle;
    settle.start();
    std::optional<Snapshot> first;
    while (settle.elapsed() < 20000) {
        first = collector.collect(&error);
        QVERIFY2(first, qPrintable(error));
        const ContainerMetrics* vm = first->find(m_ids.value(QStringLiteral("vm")));
        if (vm && vm->memoryBytes >= 50ull << 20)
            break;
        QThread::msleep(250);
    }

    const auto truth1 = groundTruthCpuNs(cpuPid);
    QElapsedTimer window;
    window.start();
    QThread::msleep(2000);
    const auto second = collector.collect(&error);
    const auto truth2 = groundTruthCpuNs(cpuPid);
    const double seconds = double(window.nsecsElapsed()) / 1e9;
    QVERIFY2(second, qPrintable(error));
    QVERIFY(truth1 && truth2);

    QCOMPARE(second->source, QStringLiteral("cgroup"));
    for (const auto& [kind, id] : m_ids.asKeyValueRange()) {
        const ContainerMetrics* c = second->find(id);
        QVERIFY2(c, qPrintable(QStringLiteral("%1 container %2 not in the snapshot").arg(kind, id)));
        QVERIFY(c->pid > 0);
        QCOMPARE(c->processName, QStringLiteral("stress"));
    }

    const ContainerMetrics* cpu = second->find(m_ids.value(QStringLiteral("cpu")));
    const double expected = 100.0 * double(*truth2 - *truth1) / (seconds * 1e9);
    qInfo("cpu container: %.1f %% (cgroup ground truth over the same window: %.1f %%)", cpu->cpuPercent, expected);
    QCOMPARE(cpu->category, Category::Cpu);
    QVERIFY2(qAbs(cpu->cpuPercent - expected) <= 15.0,
             qPrintable(QStringLiteral("%1 vs %2").arg(cpu->cpuPercent).arg(expected)));
    QVERIFY2(cpu->cpuPercent > 20.0, "a --cpu 1 worker should be busy");

    const ContainerMetrics* vm = second->find(m_ids.value(QStringLiteral("vm")));
    QCOMPARE(vm->category, Category::Ram);
    QVERIFY2(vm->memoryBytes >= 50ull << 20, qPrintable(QString::number(vm->memoryBytes)));

    for (const QString& kind : { QStringLiteral("io"), QStringLiteral("hdd") }) {
        const ContainerMetrics* c = second->find(m_ids.value(kind));
        qInfo("%s container: read %llu B / %llu ops, write %llu B / %llu ops (%s)", qPrintable(kind), c->readBytes,
              c->readOps, c->writeBytes, c->writeOps, qPrintable(ioSourceName(c->ioSource)));
        QVERIFY2(c->readOps + c->writeOps + c->readBytes + c->writeBytes > 0, qPrintable(kind));
    }
    const ContainerMetrics* hdd = second->find(m_ids.value(QStringLiteral("hdd")));
    QCOMPARE(hdd->category, Category::Disk);
    QVERIFY2(hdd->writeBytes > 0, "the hdd worker writes");
    QCOMPARE(second->find(m_ids.value(QStringLiteral("io")))->category, Category::Io);
}

QTEST_GUILESS_MAIN(TestMetricsDocker)
#include "tst_metrics_docker.moc"
