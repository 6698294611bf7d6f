// Host identity (issue 14, item 1): the "host" object through the snapshot
// JSON, the stored entry, the store's ?host= filter and the /metrics label.
#include "core/model/logentry.h"
#include "core/model/snapshotjson.h"
#include "core/receiver/prometheus.h"
#include "core/store/logstore.h"

#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

using nlohmann::json;

namespace {
Snapshot sample(const QString& host, const QString& id, int minute)
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.timestamp = QDateTime(QDate(2026, 11, 30), QTime(12, minute), Qt::UTC);
    s.host = { host, id };
    s.system.memoryTotalBytes = 8ull << 30;
    s.system.memoryUsedBytes = 2ull << 30;
    ContainerMetrics c;
    c.id = QStringLiteral("c1");
    c.name = QStringLiteral("stress-1");
    c.pid = 42;
    c.cpuPercent = 50;
    s.containers.append(c);
    return s;
}
} // namespace

class TstHostIdentity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void snapshotRoundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("id");
        QTest::newRow("both") << QStringLiteral("node-a") << QStringLiteral("0123456789abcdef0123456789abcdef");
        QTest::newRow("no machine-id") << QStringLiteral("node-b") << QString();
        QTest::newRow("unicode name") << QStringLiteral("nodo-ñ \"x\"") << QStringLiteral("ff");
        QTest::newRow("none") << QString() << QString();
    }
    void snapshotRoundTrip()
    {
        QFETCH(QString, name);
        QFETCH(QString, id);
        const Snapshot s = sample(name, id, 0);
        const json j = snapshotToJson(s);
        QCOMPARE(j.contains("host"), !name.isEmpty() || !id.isEmpty());
        Snapshot back;
        QString err;
        QVERIFY2(snapshotFromJson(j, back, &err), qPrintable(err));
        QCOMPARE(back.host.name, name);
        QCOMPARE(back.host.id, id);
        // The reported entry keeps it at the top and inside the snapshot;
        // the stored line too, and it reads back as the same host.
        NormalisedEntry e;
        QVERIFY2(normaliseLogEntry(reportEntryBytes(s), e, &err), qPrintable(err));
        const json line = json::parse(e.line.constBegin(), e.line.constEnd());
        QCOMPARE(line.contains("host"), !name.isEmpty() || !id.isEmpty());
        Snapshot stored;
        QVERIFY2(snapshotFromLogEntry(line, stored, &err), qPrintable(err));
        QCOMPARE(stored.host.name, name);
        QCOMPARE(stored.host.id, id);
        QVERIFY(e.line.startsWith("{\"timestamp\":\""));
    }

    void postedShapes_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("storedName"); // when accepted
        QTest::addColumn<QString>("errorPart"); // when refused
        const QByteArray sysinfo
            = R"("sysinfo":{"Memory":{"Total_Memory_MB":1,"Free_Memory_MB":1,"Used_Memory_MB":0,"CPU_Usage_Percentage":1},"Docker_Containers":[]})";
        const QByteArray ts = R"("timestamp":"2026-11-30T12:00:00.000Z")";
        QTest::newRow("original entry with host") << "{" + ts + "," + sysinfo + R"(,"host":{"name":"a","id":"1"}})"
                                                  << true << QStringLiteral("a") << QString();
        QTest::newRow("original entry without host (the original's sender)")
            << "{" + ts + "," + sysinfo + "}" << true << QStringLiteral("") << QString();
        QTest::newRow("host only inside the snapshot") << "{" + ts + "," + sysinfo + R"(,"snapshot":)"
                + snapshotToJsonBytes(sample(QStringLiteral("b"), QStringLiteral("2"), 0), false)
                + "}" << true << QStringLiteral("b") << QString();
        QTest::newRow("snapshot posted alone")
            << snapshotToJsonBytes(sample(QStringLiteral("c"), QStringLiteral("3"), 0), false) << true
            << QStringLiteral("c") << QString();
        QTest::newRow("host not an object")
            << "{" + ts + "," + sysinfo + R"(,"host":"a"})" << false << QString() << QStringLiteral("host");
        QTest::newRow("host name not a string")
            << "{" + ts + "," + sysinfo + R"(,"host":{"name":5}})" << false << QString() << QStringLiteral("host.name");
        QTest::newRow("host id not a string") << "{" + ts + "," + sysinfo + R"(,"host":{"name":"a","id":[]}})" << false
                                              << QString() << QStringLiteral("host.id");
    }
    void postedShapes()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, accepted);
        QFETCH(QString, storedName);
        QFETCH(QString, errorPart);
        NormalisedEntry e;
        QString err;
        QCOMPARE(normaliseLogEntry(body, e, &err), accepted);
        if (!accepted) {
            QVERIFY2(err.contains(errorPart), qPrintable(err));
            return;
        }
        const json line = json::parse(e.line.constBegin(), e.line.constEnd());
        const QString name = line.contains("host") ? QString::fromStdString(line["host"].value("name", "")) : QString();
        QCOMPARE(name, storedName);
    }

    void storeFiltersByHost_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<QList<int>>("minutes");
        QTest::newRow("all") << QString() << qint64(-1) << QList<int> { 0, 1, 2, 3, 4 };
        QTest::newRow("a") << QStringLiteral("a") << qint64(-1) << QList<int> { 0, 2, 4 };
        QTest::newRow("b") << QStringLiteral("b") << qint64(-1) << QList<int> { 1, 3 };
        QTest::newRow("a, limit 2: the 2 latest of a") << QStringLiteral("a") << qint64(2) << QList<int> { 2, 4 };
        QTest::newRow("unknown host") << QStringLiteral("zzz") << qint64(-1) << QList<int> {};
    }
    void storeFiltersByHost()
    {
        QFETCH(QString, host);
        QFETCH(qint64, limit);
        QFETCH(QList<int>, minutes);
        QTemporaryDir tmp;
        StoreSettings so;
        so.dataDir = tmp.path();
        {
            LogStore store(so);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            for (int m = 0; m < 5; ++m) {
                // Host "a" on even minutes, "b" on odd ones whose snapshot
                // names "a" inside: the entry's own host is what counts.
                Snapshot s = sample(m % 2 ? QStringLiteral("b") : QStringLiteral("a"), QStringLiteral("id"), m);
                json entry = reportEntry(s);
                if (m % 2)
                    entry["snapshot"]["host"]["name"] = "a";
                NormalisedEntry e;
                QVERIFY2(normaliseLogEntry(entry, e, &err), qPrintable(err));
                QCOMPARE(store.append(e.line, &err), StoreStatus::Ok);
            }
        }
        LogQuery q;
        q.host = host;
        q.limit = limit;
        LogReader reader(tmp.path(), q);
        QString err;
        QVERIFY2(reader.open(&err), qPrintable(err));
        QList<int> got;
        QByteArray line;
        while (reader.next(line)) {
            const json j = json::parse(line.constBegin(), line.constEnd());
            got.append(fromRfc3339(j["timestamp"].get<std::string>()).time().minute());
        }
        QCOMPARE(got, minutes);
    }

    void prometheusHostLabel_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QStringLiteral("node-a")
                               << QByteArray("stevedore_container_cpu_percent{host=\"node-a\",id=\"c1\"");
        QTest::newRow("escaped") << QStringLiteral("a\"b")
                                 << QByteArray("stevedore_container_cpu_percent{host=\"a\\\"b\",id=\"c1\"");
    }
    void prometheusHostLabel()
    {
        QFETCH(QString, host);
        QFETCH(QByteArray, expected);
        const Snapshot s = sample(host, QString(), 0);
        const QByteArray text = formatPrometheus(&s, ReceiverCounters {});
        QVERIFY2(text.contains(expected), text.constData());
        // Every series of the snapshot carries it, those without other
        // labels too; the receiver's own counters do not (they are this
        // process's, whichever host posted last).
        int labelled = 0;
        for (const QByteArray& l : text.split('\n')) {
            if (l.startsWith("stevedore_host_") || l.startsWith("stevedore_container")
                || l.startsWith("stevedore_snapshot")) {
                QVERIFY2(l.contains("{host=\""), l.constData());
                ++labelled;
            } else if (l.startsWith("stevedore_receiver_") || l.startsWith("stevedore_build_info")) {
                QVERIFY2(!l.contains("host="), l.constData());
            }
        }
        QVERIFY(labelled > 10);
    }

    void prometheusWithoutHost()
    {
        // An entry from a sender that names no host: no empty label.
        const Snapshot s = sample(QString(), QString(), 0);
        const QByteArray text = formatPrometheus(&s, ReceiverCounters {});
        QVERIFY(!text.contains("host="));
        QVERIFY(text.contains("stevedore_container_cpu_percent{id=\"c1\""));
    }
};

QTEST_GUILESS_MAIN(TstHostIdentity)
#include "tst_hostidentity.moc"
