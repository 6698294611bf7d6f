#include "core/model/snapshot.h"

#include <QTest>

class TestSnapshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rates_data();
    void rates();
    void firstSampleUsesReportedFigures();
    void newContainerHasNoRateYet();
};

namespace {
RawSample sample(qint64 ns, quint64 cpuNs, quint64 busy, quint64 total)
{
    RawSample s;
    s.source = QStringLiteral("cgroup");
    s.monotonicNs = ns;
    s.host.memoryTotalBytes = 1000;
    s.host.memoryAvailableBytes = 600;
    s.host.cpuBusy = busy;
    s.host.cpuTotal = total;
    s.host.hasCpuCounters = true;
    s.host.cpuCount = 2;
    RawContainer c;
    c.id = QStringLiteral("c1");
    c.cmdline = QStringLiteral("stress --cpu 1");
    c.raw.cpuNs = cpuNs;
    c.raw.memoryBytes = 250;
    c.raw.writeBytes = cpuNs; // any growing counter
    s.containers.append(c);
    return s;
}
} // namespace

void TestSnapshot::rates_data()
{
    QTest::addColumn<qint64>("wallNs");
    QTest::addColumn<quint64>("cpuBefore");
    QTest::addColumn<quint64>("cpuAfter");
    QTest::addColumn<double>("cpuPercent");
    QTest::addColumn<double>("cpuPercentHost");
    QTest::addColumn<double>("writeRate");
    QTest::newRow("one core for 1 s") << qint64(1000000000) << quint64(0) << quint64(1000000000) << 100.0 << 50.0
                                      << 1e9;
    QTest::newRow("two cores for 2 s") << qint64(2000000000) << quint64(0) << quint64(4000000000) << 200.0 << 100.0
                                       << 2e9;
    QTest::newRow("quarter core") << qint64(4000000000) << quint64(1000) << quint64(1000000000 + 1000) << 25.0 << 12.5
                                  << 0.25e9;
    // A counter that goes backwards (task exited, container recreated) is
    // clamped to no progress, never a negative or huge unsigned rate.
    QTest::newRow("backwards") << qint64(1000000000) << quint64(5000) << quint64(10) << 0.0 << 0.0 << 0.0;
}

void TestSnapshot::rates()
{
    QFETCH(qint64, wallNs);
    QFETCH(quint64, cpuBefore);
    QFETCH(quint64, cpuAfter);
    const RawSample a = sample(1000, cpuBefore, 100, 1000);
    const RawSample b = sample(1000 + wallNs, cpuAfter, 150, 1100);
    const Snapshot s = computeSnapshot(&a, b);
    QCOMPARE(s.containers.size(), 1);
    const ContainerMetrics& c = s.containers.first();
    QTEST(c.cpuPercent, "cpuPercent");
    QTEST(c.cpuPercentHost, "cpuPercentHost");
    QTEST(c.writeBytesPerSec, "writeRate");
    QCOMPARE(c.category, Category::Cpu);
    QCOMPARE(c.memoryPercent, 25.0);
    QCOMPARE(s.system.cpuPercent, 50.0); // 50 busy of 100 ticks
    QCOMPARE(s.system.memoryUsedBytes, quint64(400));
    QCOMPARE(s.intervalSeconds, double(wallNs) / 1e9);
}

void TestSnapshot::firstSampleUsesReportedFigures()
{
    RawSample s = sample(1000, 123, 1, 2);
    s.host.reportedCpuPercent = 33.0;
    s.containers[0].reportedCpuPercent = 77.0;
    const Snapshot snap = computeSnapshot(nullptr, s);
    QCOMPARE(snap.system.cpuPercent, 33.0);
    QCOMPARE(snap.containers.first().cpuPercent, 77.0);
    QCOMPARE(snap.intervalSeconds, 0.0);

    const Snapshot noReport = computeSnapshot(nullptr, sample(1000, 123, 1, 2));
    QCOMPARE(noReport.containers.first().cpuPercent, 0.0);
}

void TestSnapshot::newContainerHasNoRateYet()
{
    const RawSample a = sample(0, 0, 0, 0);
    RawSample b = sample(1000000000, 1000000000, 1, 2);
    b.containers[0].id = QStringLiteral("c2"); // a different container appeared
    const Snapshot s = computeSnapshot(&a, b);
    QCOMPARE(s.containers.first().cpuPercent, 0.0);
}

QTEST_GUILESS_MAIN(TestSnapshot)
#include "tst_snapshot.moc"
