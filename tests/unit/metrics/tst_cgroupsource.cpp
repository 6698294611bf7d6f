#include "fixturetree.h"
#include "metrics/cgroupsource.h"

#include <QTest>

class TestCgroupSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layouts_data();
    void layouts();
    void hostFigures();
    void vanishedContainerIsSkipped();
    void missingRootsAreErrors();
};

namespace {
const QString A = QString(64, QLatin1Char('a'));
const QString B = QString(64, QLatin1Char('b'));
}

void TestCgroupSource::layouts_data()
{
    QTest::addColumn<QString>("tree");
    QTest::addColumn<QString>("id");
    QTest::addColumn<quint64>("memory");
    QTest::addColumn<quint64>("rss");
    QTest::addColumn<quint64>("cpuNs");
    QTest::addColumn<quint64>("readBytes");
    QTest::addColumn<quint64>("writeBytes");
    QTest::addColumn<quint64>("readOps");
    QTest::addColumn<quint64>("writeOps");
    QTest::addColumn<int>("ioSource");
    QTest::addColumn<quint32>("tasks");

    // memory = usage - inactive_file (docker stats); io.stat summed over devices.
    QTest::newRow("v2 systemd") << "v2-systemd.tree" << A << quint64(104857600 - 20971520) << quint64(73400320)
                                << quint64(2500000000ull) << quint64(1010) << quint64(2020) << quint64(4)
                                << quint64(5) << int(IoSource::CgroupV2) << quint32(2);
    // Nothing charged in io.stat: /proc/<pid>/io summed over both tasks.
    QTest::newRow("v2 cgroupfs, proc io fallback")
        << "v2-cgroupfs.tree" << B << quint64(52428800 - 10485760) << quint64(41943040) << quint64(1000000)
        << quint64(4096) << quint64(12288) << quint64(6) << quint64(8) << int(IoSource::ProcIo) << quint32(2);
    // v1 controllers win over the hybrid unified hierarchy's cpu.stat; the
    // blkio "Total" lines are not double-counted.
    QTest::newRow("v1 cgroupfs (hybrid)")
        << "v1-cgroupfs.tree" << B << quint64(209715200 - 62914560) << quint64(94371840) << quint64(7000000000ull)
        << quint64(4196) << quint64(12288) << quint64(1) << quint64(3) << int(IoSource::CgroupV1) << quint32(2);
    QTest::newRow("v1 systemd, proc io fallback")
        << "v1-systemd-procio.tree" << A << quint64(209715200 - 62914560) << quint64(94371840)
        << quint64(7000000000ull) << quint64(4096) << quint64(12288) << quint64(6) << quint64(8)
        << int(IoSource::ProcIo) << quint32(2);
}

void TestCgroupSource::layouts()
{
    QFETCH(QString, tree);
    QFETCH(QString, id);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(materialiseTree(QFINDTESTDATA(QStringLiteral("fixtures/") + tree), dir.path()));

    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    RawSample sample;
    QString error;
    QVERIFY2(source.sample(sample, &error), qPrintable(error));
    QCOMPARE(sample.source, QStringLiteral("cgroup"));
    QCOMPARE(sample.containers.size(), 1); // the host's bash (pid 300) is not a container
    const RawContainer& c = sample.containers.first();
    QCOMPARE(c.id, id);
    QCOMPARE(c.pid, qint64(100)); // its parent (90) is outside the container
    QCOMPARE(c.processName, QStringLiteral("stress"));
    QCOMPARE(c.cmdline, QStringLiteral("stress --vm 2 --vm-bytes 256M"));
    QCOMPARE(categoryFromCmdline(c.cmdline), Category::Ram);
    QTEST(c.raw.memoryBytes, "memory");
    QTEST(c.raw.rssBytes, "rss");
    QTEST(c.raw.cpuNs, "cpuNs");
    QTEST(c.raw.readBytes, "readBytes");
    QTEST(c.raw.writeBytes, "writeBytes");
    QTEST(c.raw.readOps, "readOps");
    QTEST(c.raw.writeOps, "writeOps");
    QTEST(int(c.ioSource), "ioSource");
    QTEST(c.raw.tasks, "tasks");

    // A second sample reuses the cached layout and gives the same figures.
    RawSample again;
    QVERIFY(source.sample(again, &error));
    QCOMPARE(again.containers.size(), 1);
    QCOMPARE(again.containers.first().raw.cpuNs, c.raw.cpuNs);
    QVERIFY(again.monotonicNs > sample.monotonicNs);
}

void TestCgroupSource::hostFigures()
{
    QTemporaryDir dir;
    QVERIFY(materialiseTree(QFINDTESTDATA("fixtures/v2-systemd.tree"), dir.path()));
    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    RawSample sample;
    QString error;
    QVERIFY(source.sample(sample, &error));
    QCOMPARE(sample.host.memoryTotalBytes, quint64(1048576) * 1024);
    QCOMPARE(sample.host.memoryFreeBytes, quint64(524288) * 1024);
    QCOMPARE(sample.host.memoryAvailableBytes, quint64(786432) * 1024);
    QCOMPARE(sample.host.cpuCount, 2);
    QCOMPARE(sample.host.cpuTotal, quint64(1000));
    QCOMPARE(sample.host.cpuBusy, quint64(200)); // idle and iowait are not busy
}

void TestCgroupSource::vanishedContainerIsSkipped()
{
    QTemporaryDir dir;
    QVERIFY(materialiseTree(QFINDTESTDATA("fixtures/v2-systemd.tree"), dir.path()));
    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    RawSample sample;
    QString error;
    QVERIFY(source.sample(sample, &error));
    QCOMPARE(sample.containers.size(), 1);
    // The container exits between two ticks: its cgroup and tasks disappear.
    QVERIFY(QDir(dir.filePath(QStringLiteral("cgroup/system.slice"))).removeRecursively());
    QVERIFY(QDir(dir.filePath(QStringLiteral("proc/100"))).removeRecursively());
    QVERIFY(QDir(dir.filePath(QStringLiteral("proc/101"))).removeRecursively());
    QVERIFY2(source.sample(sample, &error), qPrintable(error));
    QCOMPARE(sample.containers.size(), 0);
}

void TestCgroupSource::missingRootsAreErrors()
{
    QTemporaryDir dir;
    CgroupSource source(dir.filePath(QStringLiteral("no-proc")), dir.filePath(QStringLiteral("no-cgroup")));
    RawSample sample;
    QString error;
    QVERIFY(!source.sample(sample, &error));
    QVERIFY2(error.contains(QLatin1String("no-proc/meminfo")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestCgroupSource)
#include "tst_cgroupsource.moc"
