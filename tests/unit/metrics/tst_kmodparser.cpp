#include "core/metrics/kmodsource.h"
#include "core/model/kmodjson.h"

#include <QFile>
#include <QRegularExpression>
#include <QTest>

class TestKmodParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void originalSample();
    void moduleSample();
    void malformed_data();
    void malformed();
    void hostileInput_data();
    void hostileInput();
    void namesFromCgroupPath_data();
    void namesFromCgroupPath();
    void moduleAdditions();
};

namespace {
QByteArray fixture(const char* name)
{
    QFile f(QFINDTESTDATA(QString::fromLatin1("fixtures/") + QLatin1String(name)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

void TestKmodParser::originalSample()
{
    // The sample output printed in the customer's manual must parse as is.
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(fixture("original_sample.json"), s, &error), qPrintable(error));
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
    QTest::newRow("list not array") << QByteArray(
        R"({"Memory": {"Total_Memory_MB": 1, "Free_Memory_MB": 1, "Used_Memory_MB": 0,
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
    QByteArray hugePid = good;
    hugePid.replace("\"PID\": 42", "\"PID\": 1e300");
    QTest::newRow("PID beyond qint64") << hugePid << "PID is out of range";
    QByteArray hugeCount = good;
    hugeCount.replace("\"CPU_Count\": 2", "\"CPU_Count\": 4294967296");
    QTest::newRow("CPU_Count beyond int") << hugeCount << "CPU_Count is out of range";
}

// What issue 10 reproduced against the receiver, aimed at this parser: it
// must return an error, not throw (1e400 is nlohmann's out_of_range) nor
// recurse 120 000 levels deep.
void TestKmodParser::hostileInput_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("mention");
    const QByteArray good = fixture("module_sample.json");
    QByteArray inf = good;
    inf.replace("\"PID\": 42", "\"PID\": 1e400");
    QTest::newRow("1e400 in a field") << inf << "invalid JSON";
    QTest::newRow("1e400 alone") << QByteArray("1e400") << "invalid JSON";
    const int deep = 120000;
    QByteArray nested = QByteArray(deep, '[') + QByteArray(deep, ']');
    QTest::newRow("120000 nested arrays") << nested << "nested deeper than";
    QByteArray extra = good;
    const QByteArray deepField
        = QByteArray("\"Extra\": ") + QByteArray(deep, '[') + QByteArray(deep, ']') + ", \"Memory\": {";
    extra.replace(QByteArray("\"Memory\": {"), deepField);
    QTest::newRow("valid document with a deep extra field") << extra << "nested deeper than";
    QTest::newRow("unterminated deep") << QByteArray(deep, '{') << "nested deeper than";
    // Brackets inside strings do not count as nesting.
    QByteArray brackets = good;
    const QByteArray bracketed = QByteArray("\"Cmdline\": \"") + QByteArray(100, '[') + "\\\"";
    brackets.replace(QByteArray("\"Cmdline\": \""), bracketed);
    QTest::newRow("brackets in a string are fine") << brackets << QString();
}

void TestKmodParser::hostileInput()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, mention);
    RawSample s;
    QString error;
    const bool ok = parseKmodJson(text, s, &error);
    if (mention.isEmpty()) {
        QVERIFY2(ok, qPrintable(error));
        return;
    }
    QVERIFY(!ok);
    QVERIFY2(error.contains(mention), qPrintable(error));
}

void TestKmodParser::namesFromCgroupPath_data()
{
    const QString id = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    QTest::addColumn<QString>("cgroup");
    QTest::addColumn<QString>("expected");
    QTest::newRow("kubelet cgroupfs") << QStringLiteral("/kubepods/burstable/pod1c2d3e4f-aaaa-bbbb-cccc-0123456789ab/")
            + id << id;
    QTest::newRow("nerdctl cgroupfs") << QStringLiteral("/default/") + id << id;
    QTest::newRow("nerdctl systemd") << QStringLiteral("/system.slice/nerdctl-") + id + QStringLiteral(".scope") << id;
    QTest::newRow("--cgroup-parent") << QStringLiteral("/my-parent/") + id << id;
    // A reader in a cgroup namespace rooted at the container sees "/": the
    // module's own id stays.
    QTest::newRow("cgroup namespace root") << QStringLiteral("/") << QStringLiteral("c0ffee");
}

// The module reports the cgroup path; KmodSource names the container from it.
void TestKmodParser::namesFromCgroupPath()
{
    QFETCH(QString, cgroup);
    QFETCH(QString, expected);
    QByteArray text = fixture("module_sample.json");
    const qsizetype at = text.indexOf("\"Cgroup\": \"");
    QVERIFY(at > 0);
    const qsizetype end = text.indexOf('"', at + 11);
    text.replace(at + 11, end - at - 11, cgroup.toUtf8());
    const qsizetype idAt = text.indexOf("\"ContainerID\": \"");
    QVERIFY(idAt > 0);
    const qsizetype idEnd = text.indexOf('"', idAt + 16);
    text.replace(idAt + 16, idEnd - idAt - 16, "c0ffee");
    RawSample s;
    QString error;
    QVERIFY2(KmodSource::parse(text, s, &error), qPrintable(error));
    QCOMPARE(s.containers.size(), 1);
    QCOMPARE(s.containers.first().cgroupPath, cgroup);
    QCOMPARE(s.containers.first().id, expected);
}

// Fields the periodic-snapshot module adds: a hidden argv is null, the
// sources of CPU and I/O figures are strings.
void TestKmodParser::moduleAdditions()
{
    QByteArray text = fixture("module_sample.json");
    text.replace(QByteArray("\"Cgroup\""),
                 QByteArray("\"CPU_Source\": \"cgroup\", \"IO_Source\": \"tasks\", \"Cgroup\""));
    const qsizetype at = text.indexOf("\"Cmdline\": \"");
    QVERIFY(at > 0);
    const qsizetype end = text.indexOf("\",", at + 12);
    text.replace(at + 11, end + 1 - at - 11, "null");
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(text, s, &error), qPrintable(error));
    QVERIFY(s.containers.first().cmdline.isEmpty());
    text.replace("\"CPU_Source\": \"cgroup\"", "\"CPU_Source\": 1");
    QVERIFY(!parseKmodJson(text, s, &error));
    QVERIFY2(error.contains(QStringLiteral("CPU_Source must be a string")), qPrintable(error));
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
