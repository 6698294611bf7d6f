#include "core/metrics/collector.h"
#include "core/metrics/netdev.h"
#include "core/model/snapshot.h"

#include <QFile>
#include <QTest>

class TestNetDev : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void collectorReadsEachPid();
    void ratesBetweenTicks();
};

void TestNetDev::parse_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<bool>("includeLoopback");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("rxBytes");
    QTest::addColumn<quint64>("rxPackets");
    QTest::addColumn<quint64>("txBytes");
    QTest::addColumn<quint64>("txPackets");
    QTest::addColumn<int>("interfaces");

    // docker --network none: only lo, which is left out: zeros, no error.
    QTest::newRow("network none") << "network-none.txt" << false << true << quint64(0) << quint64(0) << quint64(0)
                                  << quint64(0) << 0;
    QTest::newRow("network none, lo counted")
        << "network-none.txt" << true << true << quint64(0) << quint64(0) << quint64(0) << quint64(0) << 1;
    QTest::newRow("bridge: lo left out") << "bridge.txt" << false << true << quint64(1048576) << quint64(1200)
                                         << quint64(2097152) << quint64(1500) << 1;
    QTest::newRow("bridge: lo counted") << "bridge.txt" << true << true << quint64(1048576 + 560) << quint64(1208)
                                        << quint64(2097152 + 560) << quint64(1508) << 2;
    // A name filling its %6s field leaves no blank after the colon, and the
    // counters are 64-bit.
    QTest::newRow("two interfaces, long name glued to a 64-bit counter")
        << "two-interfaces-long-name.txt" << false << true << quint64(4294967296000ULL + 1000) << quint64(15)
        << quint64(2007) << quint64(23) << 2;
    QTest::newRow("malformed: empty") << "empty.txt" << false << false << quint64(0) << quint64(0) << quint64(0)
                                      << quint64(0) << 0;
    QTest::newRow("malformed: no header")
        << "no-header.txt" << false << false << quint64(0) << quint64(0) << quint64(0) << quint64(0) << 0;
    QTest::newRow("malformed: truncated line")
        << "truncated-line.txt" << false << false << quint64(0) << quint64(0) << quint64(0) << quint64(0) << 0;
    QTest::newRow("malformed: negative counter")
        << "negative-counter.txt" << false << false << quint64(0) << quint64(0) << quint64(0) << quint64(0) << 0;
    QTest::newRow("malformed: no colon") << "no-colon.txt" << false << false << quint64(0) << quint64(0) << quint64(0)
                                         << quint64(0) << 0;
    QTest::newRow("malformed: 17 fields")
        << "extra-field.txt" << false << false << quint64(0) << quint64(0) << quint64(0) << quint64(0) << 0;
}

void TestNetDev::parse()
{
    QFETCH(QString, fixture);
    QFETCH(bool, includeLoopback);
    QFETCH(bool, ok);
    const QString path = QFINDTESTDATA(QStringLiteral("fixtures/netdev/") + fixture);
    QVERIFY2(!path.isEmpty(), qPrintable(fixture));
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QString error;
    const std::optional<NetCounters> net = NetDev::parse(f.readAll(), includeLoopback, &error);
    QCOMPARE(net.has_value(), ok);
    if (!ok) {
        QVERIFY2(error.startsWith(QLatin1String("net/dev")), qPrintable(error));
        return;
    }
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QTEST(net->rxBytes, "rxBytes");
    QTEST(net->rxPackets, "rxPackets");
    QTEST(net->txBytes, "txBytes");
    QTEST(net->txPackets, "txPackets");
    QTEST(net->interfaces, "interfaces");
}

void TestNetDev::collectorReadsEachPid()
{
    const QString proc = QFINDTESTDATA("fixtures/netdev/proc");
    QVERIFY(!proc.isEmpty());
    RawSample s;
    RawContainer good;
    good.id = QStringLiteral("a");
    good.pid = 4242;
    RawContainer broken;
    broken.id = QStringLiteral("b");
    broken.pid = 4343;
    RawContainer gone; // exited between the sample and the read: skipped quietly
    gone.id = QStringLiteral("c");
    gone.pid = 999999;
    s.containers = { good, broken, gone };
    Collector::addNetworkCounters(s, proc, false);
    QCOMPARE(s.containers.at(0).raw.netRxBytes, quint64(1048576));
    QCOMPARE(s.containers.at(0).raw.netTxBytes, quint64(2097152));
    QCOMPARE(s.containers.at(0).raw.netRxPackets, quint64(1200));
    QCOMPARE(s.containers.at(0).raw.netTxPackets, quint64(1500));
    QCOMPARE(s.containers.at(1).raw.netRxBytes, quint64(0));
    QCOMPARE(s.containers.at(2).raw.netRxBytes, quint64(0));
    QCOMPARE(s.warnings.size(), 1);
    QVERIFY2(s.warnings.at(0).contains(QLatin1String("4343/net/dev")), qPrintable(s.warnings.at(0)));
}

void TestNetDev::ratesBetweenTicks()
{
    auto sample = [](qint64 ns, quint64 rx, quint64 tx, bool counters) {
        RawSample s;
        s.source = QStringLiteral("kmod");
        s.monotonicNs = ns;
        s.host.cpuCount = 1;
        RawContainer c;
        c.id = QStringLiteral("a");
        c.pid = 1;
        c.hasCounters = counters; // the module's original schema has none
        c.raw.netRxBytes = rx;
        c.raw.netTxBytes = tx;
        s.containers = { c };
        return s;
    };
    const RawSample first = sample(1'000'000'000, 1000, 5000, false);
    const Snapshot s0 = computeSnapshot(nullptr, first);
    QCOMPARE(s0.containers.at(0).netRxBytes, quint64(1000));
    QCOMPARE(s0.containers.at(0).netRxBytesPerSec, 0.0);
    const RawSample second = sample(3'000'000'000, 5000, 4000, false);
    const Snapshot s1 = computeSnapshot(&first, second);
    QCOMPARE(s1.containers.at(0).netRxBytesPerSec, 2000.0);
    // A counter going backwards (interface recreated) is no progress.
    QCOMPARE(s1.containers.at(0).netTxBytesPerSec, 0.0);
}

QTEST_GUILESS_MAIN(TestNetDev)
#include "tst_netdev.moc"
