// What POST /logs accepts and how it is stored: the original's LogEntry, the
// reporter's entry (LogEntry + snapshot) and Stevedore's snapshot JSON all
// become one line; every wrong shape is refused with an error naming it.
#include "core/model/logentry.h"
#include "receivertestutil.h"

#include <QtTest>

using nlohmann::json;

class TestLogEntry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepted_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("hasSnapshot");
        QTest::newRow("original LogEntry") << testutil::originalEntry(7) << "original" << false;
        QTest::newRow("reporter entry") << reportEntryBytes(testutil::makeSnapshot(7)) << "original" << true;
        QTest::newRow("stevedore snapshot") << testutil::snapshotBody(7) << "snapshot" << true;
        QTest::newRow("original sample with offset time")
            << QByteArray(R"({"timestamp":"2024-03-01T13:00:07.5+01:00","sysinfo":{"Memory":{"Total_Memory_MB":31874,
               "Free_Memory_MB":17817,"Used_Memory_MB":14057,"CPU_Usage_Percentage":16.43},"Docker_Containers":[{"PID":8,
               "Name":"stress","ContainerID":"c87b60cf51b9","Cmdline":"stress --io 1 ","MemoryUsage_percent":0.00,
               "MemoryUsage_MB":0,"CPUUsage_percent":0.00,"DiskUse_MB":0,"Write_KBytes":0,"Read_KBytes":0,
               "IOReadOps":0,"IOWriteOps":20830}]}})")
            << "original" << false;
    }

    void accepted()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, kind);
        QFETCH(bool, hasSnapshot);
        NormalisedEntry e;
        QString err;
        QVERIFY2(normaliseLogEntry(body, e, &err), qPrintable(err));
        QCOMPARE(e.kind, kind);
        QVERIFY(!e.line.contains('\n'));
        QVERIFY(e.line.startsWith("{\"timestamp\":\"2024-03-01T12:00:07"));
        const json stored = json::parse(e.line.constBegin(), e.line.constEnd());
        QCOMPARE(testutil::seqOf(stored), 7);
        QCOMPARE(stored.contains("snapshot"), hasSnapshot);
        // What the charts and /metrics read back.
        Snapshot s;
        QVERIFY2(snapshotFromLogEntry(stored, s, &err), qPrintable(err));
        QCOMPARE(s.containers.first().pid, 8);
        QCOMPARE(e.timestamp, s.timestamp);
    }

    void refused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray("  ") << "empty body";
        QTest::newRow("not JSON") << QByteArray("{\"timestamp\": ") << "malformed JSON at byte";
        QTest::newRow("trailing garbage") << QByteArray("{} x") << "malformed JSON at byte";
        QTest::newRow("array") << QByteArray("[]") << "expected a JSON object";
        QTest::newRow("unknown shape") << QByteArray("{\"hello\":1}") << "unknown entry shape";
        QTest::newRow("no timestamp") << QByteArray(R"({"sysinfo":{"Memory":{},"Docker_Containers":[]}})")
                                      << "field 'timestamp' is missing";
        QTest::newRow("numeric timestamp")
            << QByteArray(R"({"timestamp":5,"sysinfo":{}})") << "field 'timestamp' must be an RFC 3339 string";
        QTest::newRow("bad timestamp") << QByteArray(R"({"timestamp":"yesterday","sysinfo":{}})")
                                       << "not an RFC 3339 date-time";
        QTest::newRow("sysinfo not object")
            << QByteArray(R"({"timestamp":"2024-03-01T12:00:00Z","sysinfo":[]})") << "field 'sysinfo'";
        QTest::newRow("memory wrong type")
            << QByteArray(R"({"timestamp":"2024-03-01T12:00:00Z","sysinfo":{"Memory":{"Total_Memory_MB":"lots",
               "Free_Memory_MB":1,"Used_Memory_MB":1,"CPU_Usage_Percentage":1},"Docker_Containers":[]}})")
            << "Total_Memory_MB";
        QTest::newRow("bad snapshot beside sysinfo")
            << QByteArray(R"({"timestamp":"2024-03-01T12:00:00Z","sysinfo":{"Memory":{"Total_Memory_MB":1,
               "Free_Memory_MB":1,"Used_Memory_MB":1,"CPU_Usage_Percentage":1},"Docker_Containers":[]},
               "snapshot":{"timestamp":"2024-03-01T12:00:00Z"}})")
            << "field 'snapshot'";
        QTest::newRow("snapshot without containers")
            << QByteArray(R"({"timestamp":"2024-03-01T12:00:00Z","system":{"memory_total_bytes":1,
               "memory_used_bytes":1,"cpu_percent":1}})")
            << "containers";
        QTest::newRow("source not a string")
            << QByteArray(R"({"source":1,"timestamp":"2024-03-01T12:00:00Z"})") << "field 'source' must be a string";
        // Issue 10: these aborted the process (an uncaught out_of_range, a
        // stack overflow while dumping the extra field back out).
        QTest::newRow("number over a double")
            << QByteArray(R"({"timestamp":"2024-01-01T00:00:00Z","sysinfo":1e400})") << "out of range";
        QTest::newRow("extra field 120000 arrays deep")
            << QByteArray(R"({"timestamp":"2024-01-01T00:00:00Z","sysinfo":{"Memory":{},"Docker_Containers":[]},"x":)")
                + QByteArray(120000, '[') + QByteArray(120000, ']') + '}'
            << "nested deeper than 64";
        QTest::newRow("sysinfo field 120000 arrays deep")
            << QByteArray(R"({"timestamp":"2024-01-01T00:00:00Z","sysinfo":{"Memory":{},"Docker_Containers":[],"x":)")
                + QByteArray(120000, '[') + QByteArray(120000, ']') + "}}"
            << "nested deeper than 64";
        QTest::newRow("65 levels") << QByteArray(65, '[') + QByteArray(65, ']') << "nested deeper than 64";
        QTest::newRow("brackets inside strings do not count")
            << QByteArray(R"({"timestamp":"2024-01-01T00:00:00Z","sysinfo":{},"x":")") + QByteArray(200, '[') + "\"}"
            << "field 'sysinfo'";
        QTest::newRow("bad UTF-8") << QByteArray("{\"timestamp\":\"\xff\xfe\",\"sysinfo\":{}}") << "malformed JSON";
    }

    void refused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        NormalisedEntry e;
        QString err;
        QVERIFY(!normaliseLogEntry(body, e, &err));
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(e.line.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLogEntry)
#include "tst_logentry.moc"
