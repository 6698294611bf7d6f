#include "core/model/snapshotjson.h"

#include <QTest>

class TestSnapshotJson : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip();
    void originalShape();
    void logEntryBack();
    void rejects_data();
    void rejects();
    void rfc3339_data();
    void rfc3339();
};

namespace {
Snapshot example()
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.timestamp = QDateTime(QDate(2026, 11, 29), QTime(1, 2, 3, 456), Qt::UTC);
    s.system.memoryTotalBytes = 8ull << 30;
    s.system.memoryAvailableBytes = 6ull << 30;
    s.system.memoryUsedBytes = 2ull << 30;
    s.system.cpuPercent = 12.34;
    s.system.cpuCount = 2;
    ContainerMetrics c;
    c.id = QString(64, QLatin1Char('e'));
    c.name = QStringLiteral("stress_vm_ab12cd34");
    c.processName = QStringLiteral("stress");
    c.pid = 4242;
    c.category = Category::Ram;
    c.cmdline = QStringLiteral("stress --vm 2 --vm-bytes 256M");
    c.cpuPercent = 199.09;
    c.memoryBytes = 256ull << 20;
    c.memoryPercent = 3.13;
    c.writeBytes = 3 << 20;
    c.readBytes = 1 << 20;
    c.writeOps = 30;
    c.readOps = 10;
    c.netRxBytes = 5000000000ull; // past 32 bits
    c.netTxBytes = 1234;
    c.netRxPackets = 4000000;
    c.netTxPackets = 20;
    c.netRxBytesPerSec = 1048576;
    c.netTxBytesPerSec = 17;
    c.managed = true;
    c.labels.insert(QStringLiteral("stevedore.managed"), QStringLiteral("true"));
    c.created = QDateTime(QDate(2026, 11, 29), QTime(1, 0, 0), Qt::UTC);
    s.containers.append(c);
    return s;
}
} // namespace

void TestSnapshotJson::roundTrip()
{
    const Snapshot s = example();
    Snapshot back;
    QString error;
    QVERIFY2(snapshotFromJson(snapshotToJson(s), back, &error), qPrintable(error));
    QCOMPARE(back.source, s.source);
    QCOMPARE(back.timestamp, s.timestamp);
    QCOMPARE(back.system.memoryUsedBytes, s.system.memoryUsedBytes);
    QCOMPARE(back.containers.size(), 1);
    const auto& c = back.containers.first();
    QCOMPARE(c.id, s.containers.first().id);
    QCOMPARE(c.name, s.containers.first().name);
    QCOMPARE(c.category, Category::Ram);
    QCOMPARE(c.cpuPercent, 199.09);
    QCOMPARE(c.memoryBytes, s.containers.first().memoryBytes);
    QCOMPARE(c.created, s.containers.first().created);
    QCOMPARE(c.netRxBytes, 5000000000ull);
    QCOMPARE(c.netTxBytes, quint64(1234));
    QCOMPARE(c.netRxPackets, quint64(4000000));
    QCOMPARE(c.netTxPackets, quint64(20));
    QCOMPARE(c.netRxBytesPerSec, 1048576.0);
    QCOMPARE(c.netTxBytesPerSec, 17.0);
    const QByteArray json = snapshotToJsonBytes(s);
    for (const char* field : { "\"net_rx_bytes\"", "\"net_tx_bytes\"", "\"net_rx_packets\"", "\"net_tx_packets\"",
                               "\"net_rx_bytes_per_sec\"", "\"net_tx_bytes_per_sec\"" })
        QVERIFY2(json.contains(field), field);
    // Snapshots written before the network fields existed still read (as 0).
    auto old = snapshotToJson(s);
    for (const char* field : { "net_rx_bytes", "net_tx_bytes", "net_rx_packets", "net_tx_packets",
                               "net_rx_bytes_per_sec", "net_tx_bytes_per_sec" })
        old["containers"][0].erase(field);
    Snapshot oldBack;
    QVERIFY2(snapshotFromJson(old, oldBack, &error), qPrintable(error));
    QCOMPARE(oldBack.containers.first().netRxBytes, quint64(0));
    QVERIFY(c.managed);
    QCOMPARE(c.labels.value(QStringLiteral("stevedore.managed")), QStringLiteral("true"));
}

void TestSnapshotJson::originalShape()
{
    const auto j = snapshotToOriginalSysinfo(example());
    const auto& mem = j.at("Memory");
    QCOMPARE(mem.at("Total_Memory_MB").get<quint64>(), quint64(8192));
    QCOMPARE(mem.at("Free_Memory_MB").get<quint64>(), quint64(6144));
    QCOMPARE(mem.at("Used_Memory_MB").get<quint64>(), quint64(2048));
    const auto& c = j.at("Docker_Containers").at(0);
    for (const char* key :
         { "PID", "Name", "ContainerID", "Cmdline", "MemoryUsage_percent", "MemoryUsage_MB", "CPUUsage_percent",
           "DiskUse_MB", "Write_KBytes", "Read_KBytes", "IOReadOps", "IOWriteOps" })
        QVERIFY2(c.contains(key), key);
    QCOMPARE(c.at("Name").get<std::string>(), std::string("stress"));
    QCOMPARE(c.at("Write_KBytes").get<quint64>(), quint64(3072));
    QCOMPARE(c.at("DiskUse_MB").get<quint64>(), quint64(4));
    QCOMPARE(c.at("MemoryUsage_MB").get<quint64>(), quint64(256));
}

void TestSnapshotJson::logEntryBack()
{
    const auto entry = snapshotToLogEntry(example());
    Snapshot back;
    QString error;
    QVERIFY2(snapshotFromLogEntry(entry, back, &error), qPrintable(error));
    QCOMPARE(back.timestamp, example().timestamp);
    QCOMPARE(back.system.cpuPercent, 12.34);
    const auto& c = back.containers.first();
    QCOMPARE(c.cpuPercent, 199.09);
    QCOMPARE(c.memoryPercent, 3.13);
    QCOMPARE(c.name, QStringLiteral("stress_vm_ab12cd34"));
    QCOMPARE(c.category, Category::Ram);
    QCOMPARE(c.writeOps, quint64(30));
    QCOMPARE(c.writeBytes, quint64(3 << 20));
}

void TestSnapshotJson::rejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("mention");
    QTest::newRow("no timestamp") << QByteArray(R"({"system": {}, "containers": []})") << "timestamp";
    QTest::newRow("bad timestamp") << QByteArray(R"({"timestamp": "yesterday", "system": {}, "containers": []})")
                                   << "RFC 3339";
    QTest::newRow("system not object") << QByteArray(
        R"({"timestamp": "2026-01-01T00:00:00Z", "system": 1, "containers": []})")
                                       << "system";
    QTest::newRow("container pid string") << QByteArray(
        R"({"timestamp": "2026-01-01T00:00:00Z", "system": {"memory_total_bytes": 1, "memory_used_bytes": 1,
        "cpu_percent": 1}, "containers": [{"id": "x", "pid": "1", "cpu_percent": 0, "memory_bytes": 0,
        "memory_percent": 0, "read_bytes": 0, "write_bytes": 0, "read_ops": 0, "write_ops": 0}]})")
                                          << "containers[0].pid";
}

void TestSnapshotJson::rejects()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, mention);
    Snapshot s;
    QString error;
    QVERIFY(!snapshotFromJson(nlohmann::json::parse(json.toStdString()), s, &error));
    QVERIFY2(error.contains(mention), qPrintable(error));
}

void TestSnapshotJson::rfc3339_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("msecs");
    QTest::newRow("Z") << "2023-01-01T00:00:00Z" << true << qint64(1672531200000);
    QTest::newRow("ms") << "2023-01-01T00:00:00.250Z" << true << qint64(1672531200250);
    QTest::newRow("ns (Rust chrono)") << "2023-01-01T00:00:00.123456789Z" << true << qint64(1672531200123);
    QTest::newRow("offset") << "2023-01-01T01:00:00+01:00" << true << qint64(1672531200000);
    QTest::newRow("garbage") << "2023-13-45" << false << qint64(0);
}

void TestSnapshotJson::rfc3339()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const QDateTime t = fromRfc3339(text.toStdString());
    QCOMPARE(t.isValid(), valid);
    if (valid)
        QTEST(t.toMSecsSinceEpoch(), "msecs");
}

QTEST_GUILESS_MAIN(TestSnapshotJson)
#include "tst_snapshotjson.moc"
