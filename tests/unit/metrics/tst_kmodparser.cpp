#include "metrics/kmodparser.h"

#include <QFile>
#include <QTest>

class TestKmodParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void seedSample();
    void moduleSample();
    void malformed_data();
    void malformed();
};

namespace {
QByteArray fixture(const char* name)
{
    QFile f(QFINDTESTDATA(QString::fromLatin1("fixtures/") + QLatin1String(name)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
}

void TestKmodParser::seedSample()
{
    // The sample output printed in the customer's manual must parse as is.
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(fixture("seed_sample.json"), s, &error), qPrintable(error));
    QCOMPARE(s.source, QStringLiteral("kmod"));
    QCOMPARE(s.host.memoryTotalBytes, quint64(31874) * 1024 * 1024);
    QCOMPARE(s.host.memoryAvailableBytes, quint64(17817) * 1024 * 1024);
    QCOMPARE(*s.host.reportedCpuPercent, 16.43);
    QVERIFY(!s.host.hasCpuCounters);
    QCOMPARE(s.containers.size(), 1);
    const RawContainer& c = s.containers.first();
    QCOMPARE(c.pid, qint64(52643));
    QCOMPARE(c.processName, QStringLiteral("stress"));
    QCOMPARE(c.id, QStringLiteral("c87b60cf51b9"));
    QCOMPARE(c.cmdline, QStringLiteral("stress --io 1"));
    QCOMPARE(categoryFromCmdline(c.cmdline), Category::Io);
    QCOMPARE(c.raw.writeOps, quint64(20830));
    QVERIFY(!c.hasCounters);
    QCOMPARE(c.ioSource, IoSource::Reported);

    const Snapshot snap = computeSnapshot(nullptr, s);
    QCOMPARE(snap.system.cpuPercent, 16.43);
    QCOMPARE(snap.containers.first().writeOps, quint64(20830));
}

void TestKmodParser::moduleSample()
{
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(fixture("module_sample.json"), s, &error), qPrintable(error));
    QCOMPARE(s.monotonicNs, qint64(123456789000));
    QCOMPARE(s.host.memoryTotalBytes, quint64(536870912));
    QCOMPARE(s.host.memoryAvailableBytes, quint64(419430400));
    QVERIFY(s.host.hasCpuCounters);
    QCOMPARE(s.host.cpuBusy, quint64(1000000000));
    QCOMPARE(s.host.cpuCount, 2);
    const RawContainer& c = s.containers.first();
    QCOMPARE(c.processName, QStringLiteral("we\"ird\\name")); // escaped in JSON, exact here
    QCOMPARE(c.id.size(), 64);
    QVERIFY(c.hasCounters);
    QCOMPARE(c.raw.cpuNs, quint64(5000000000));
    QCOMPARE(c.raw.memoryBytes, quint64(68157440)); // memcg preferred over RSS
    QCOMPARE(c.raw.rssBytes, quint64(67108864));
    QCOMPARE(c.raw.writeBytes, quint64(1048576));
    QCOMPARE(c.raw.tasks, quint32(2));
    QCOMPARE(c.ioSource, IoSource::Kmod);

    // Rates from two reads of the module: 1 s apart, 0.5 s of CPU = 50 %.
    RawSample later = s;
    later.monotonicNs += 1000000000;
    later.containers[0].raw.cpuNs += 500000000;
    later.host.cpuBusy += 1000000000;
    later.host.cpuTotal += 2000000000;
    const Snapshot snap = computeSnapshot(&s, later);
    QCOMPARE(snap.containers.first().cpuPercent, 50.0);
    QCOMPARE(snap.system.cpuPercent, 50.0);
}

void TestKmodParser::malformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("mention");

    const QByteArray good = fixture("module_sample.json");
    QTest::newRow("empty") << QByteArray() << "malformed JSON";
    QTest::newRow("truncated") << good.left(good.size() / 2) << "malformed JSON at byte";
    QTest::newRow("not an object") << QByteArray("[1,2]") << "top level";
    QTest::newRow("no Memory") << QByteArray(R"({"Docker_Containers": []})") << "Memory";
    QTest::newRow("list not array")
        << QByteArray(R"({"Memory": {"Total_Memory_MB": 1, "Free_Memory_MB": 1, "Used_Memory_MB": 0,
                      "CPU_Usage_Percentage": 0}, "Docker_Containers": {}})")
        << "Docker_Containers must be an array";
    QByteArray wrongType = good;
    wrongType.replace("\"PID\": 42", "\"PID\": \"42\"");
    QTest::newRow("PID is a string") << wrongType << "Docker_Containers[0].PID must be a number";
    QByteArray negative = good;
    negative.replace("\"MemoryUsage_MB\": 64", "\"MemoryUsage_MB\": -64");
    QTest::newRow("negative") << negative << "MemoryUsage_MB must not be negative";
    QByteArray noId = good;
    noId.replace("\"ContainerID\"", "\"ContainerId\"");
    QTest::newRow("missing ContainerID") << noId << "ContainerID is missing";
    QByteArray badRaw = good;
    badRaw.replace("\"cpu_ns\": 5000000000", "\"cpu_ns\": null");
    QTest::newRow("raw counter missing") << badRaw << "Raw.cpu_ns is missing";
}

void TestKmodParser::malformed()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, mention);
    RawSample s;
    s.source = QStringLiteral("untouched");
    QString error;
    QVERIFY(!parseKmodJson(text, s, &error));
    QVERIFY2(error.contains(mention), qPrintable(error));
    QCOMPARE(s.source, QStringLiteral("untouched")); // nothing half-filled on failure
}

QTEST_GUILESS_MAIN(TestKmodParser)
#include "tst_kmodparser.moc"
