// The idempotency of reported entries (issue 14): "entry_id" parsed and
// refused, kept in the stored line where entryIdFromStoredLine finds it,
// SeenEntries deciding what a receiver already holds (per run, the highest
// sequence stored), rebuilt from a store's files, and bounded in memory.
#include "core/model/entryid.h"
#include "core/model/logentry.h"
#include "core/store/logstore.h"
#include "core/store/seenentries.h"
#include "receivertestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using nlohmann::json;

namespace {
// JSON written with single quotes, so the rows read without escapes.
QByteArray js(const char* text)
{
    return QByteArray(text).replace('\'', '"');
}

EntryId id(const QString& run, qint64 seq, const QString& host = QStringLiteral("0123456789abcdef"))
{
    EntryId e;
    e.hostId = host;
    e.run = run;
    e.seq = seq;
    return e;
}

// What the reporter posts for entry `seq` of `run`, as the store keeps it.
QByteArray storedLine(const EntryId& entry)
{
    Snapshot s = testutil::makeSnapshot(entry.seq);
    s.host.name = QStringLiteral("fleet-a");
    s.host.id = entry.hostId;
    NormalisedEntry e;
    QString err;
    if (!normaliseLogEntry(reportEntryBytes(s, entry), e, &err))
        qFatal("fixture entry rejected: %s", qPrintable(err));
    return e.line;
}
} // namespace

Q_DECLARE_METATYPE(EntryId)

class TestSeenEntries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("entryId");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("errorNames");
        QTest::newRow("reporter's") << js("{'host_id':'ab12','run':'9f8e','seq':1}") << true << QStringLiteral("");
        QTest::newRow("no host id") << js("{'run':'9f8e','seq':7}") << true << QStringLiteral("");
        QTest::newRow("empty host id") << js("{'host_id':'','run':'r-1.x:y_z','seq':7}") << true << QStringLiteral("");
        QTest::newRow("largest seq") << js("{'run':'r','seq':9007199254740992}") << true << QStringLiteral("");
        QTest::newRow("not an object") << js("'ab12/9f8e/1'") << false << QStringLiteral("entry_id");
        QTest::newRow("no run") << js("{'host_id':'ab12','seq':1}") << false << QStringLiteral("entry_id.run");
        QTest::newRow("empty run") << js("{'run':'','seq':1}") << false << QStringLiteral("entry_id.run");
        QTest::newRow("run not a string") << js("{'run':5,'seq':1}") << false << QStringLiteral("entry_id.run");
        QTest::newRow("no seq") << js("{'run':'r'}") << false << QStringLiteral("entry_id.seq");
        QTest::newRow("seq 0") << js("{'run':'r','seq':0}") << false << QStringLiteral("entry_id.seq");
        QTest::newRow("negative seq") << js("{'run':'r','seq':-3}") << false << QStringLiteral("entry_id.seq");
        QTest::newRow("fractional seq") << js("{'run':'r','seq':1.5}") << false << QStringLiteral("entry_id.seq");
        QTest::newRow("seq as text") << js("{'run':'r','seq':'1'}") << false << QStringLiteral("entry_id.seq");
        QTest::newRow("seq past 2^53") << js("{'run':'r','seq':9007199254740993}") << false
                                       << QStringLiteral("entry_id.seq");
        QTest::newRow("quote in run") << js("{'run':'a\\'b','seq':1}") << false << QStringLiteral("entry_id.run");
        QTest::newRow("brace in host") << js("{'host_id':'a}b','run':'r','seq':1}") << false
                                       << QStringLiteral("entry_id.host_id");
        QTest::newRow("host id not a string")
            << js("{'host_id':1,'run':'r','seq':1}") << false << QStringLiteral("entry_id.host_id");
        QTest::newRow("run too long") << js("{'run':'") + QByteArray(129, 'a') + js("','seq':1}") << false
                                      << QStringLiteral("entry_id.run");
    }
    void parse()
    {
        QFETCH(QByteArray, entryId);
        QFETCH(bool, valid);
        QFETCH(QString, errorNames);
        // Through the receiver's normaliser, as a POSTed entry.
        json body = json::parse(testutil::originalEntry(1).toStdString());
        body["entry_id"] = json::parse(entryId.toStdString());
        NormalisedEntry e;
        QString error;
        QCOMPARE(normaliseLogEntry(QByteArray::fromStdString(body.dump()), e, &error), valid);
        if (!valid) {
            QVERIFY2(error.contains(errorNames), qPrintable(error));
            return;
        }
        QVERIFY(e.id.has_value());
        // Kept in the stored line, found there without parsing it.
        EntryId back;
        QVERIFY(entryIdFromStoredLine(e.line, back));
        QCOMPARE(back, *e.id);
        QCOMPARE(back.seq, body["entry_id"]["seq"].get<qint64>());
    }

    void withoutEntryIdNothingChanges()
    {
        NormalisedEntry e;
        QVERIFY(normaliseLogEntry(testutil::originalEntry(3), e, nullptr));
        QVERIFY(!e.id.has_value());
        QVERIFY(!e.line.contains("entry_id"));
        EntryId back;
        QVERIFY(!entryIdFromStoredLine(e.line, back));
    }

    void storedLineIgnoresLookalikes_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("inside sysinfo") << js(
            "{'timestamp':'2024-03-01T12:00:00.000Z','sysinfo':{'a':1,'entry_id':{'run':'r','seq':1}}}");
        // A source string holding the key's text, escaped as JSON does.
        QTest::newRow("escaped in a string")
            << js("{'timestamp':'2024-03-01T12:00:00.000Z','source':'a,\\'entry_id\\':{\\'run\\':\\'r\\',"
                  "\\'seq\\':1}','sysinfo':{}}");
        QTest::newRow("torn") << js("{'timestamp':'2024-03-01T12:00:00.000Z','entry_id':{'run':'r','se");
        QTest::newRow("junk") << QByteArray("\x01\x02 not json");
    }
    void storedLineIgnoresLookalikes()
    {
        QFETCH(QByteArray, line);
        EntryId back;
        QVERIFY(!entryIdFromStoredLine(line, back));
    }

    // A receiver's decisions for a sequence of arrivals: (run, seq) and
    // whether it is already held; recorded when it is not.
    void holds_data()
    {
        QTest::addColumn<QString>("arrivals"); // "run:seq ..."
        QTest::addColumn<QString>("held"); // one 0/1 per arrival
        QTest::newRow("in order") << QStringLiteral("r1:1 r1:2 r1:3") << QStringLiteral("000");
        QTest::newRow("resent after a lost 201") << QStringLiteral("r1:1 r1:2 r1:2 r1:3") << QStringLiteral("0010");
        QTest::newRow("an older one resent") << QStringLiteral("r1:1 r1:2 r1:3 r1:1") << QStringLiteral("0001");
        QTest::newRow("gap from a drop at the bound")
            << QStringLiteral("r1:1 r1:5 r1:6 r1:5") << QStringLiteral("0001");
        QTest::newRow("agent restarted: new run from 1")
            << QStringLiteral("r1:1 r1:2 r2:1 r2:2 r1:2") << QStringLiteral("00001");
        QTest::newRow("two agents interleaved")
            << QStringLiteral("a:1 b:1 a:2 b:2 a:2 b:3") << QStringLiteral("000010");
    }
    void holds()
    {
        QFETCH(QString, arrivals);
        const QStringList each = arrivals.split(QLatin1Char(' '));
        QFETCH(QString, held);
        SeenEntries seen;
        QCOMPARE(each.size(), held.size());
        for (qsizetype i = 0; i < each.size(); ++i) {
            const QStringList parts = each[i].split(QLatin1Char(':'));
            const EntryId e = id(parts[0], parts[1].toLongLong());
            const bool expected = held[i] == QLatin1Char('1');
            QVERIFY2(seen.holds(e) == expected, qPrintable(each[i]));
            if (!expected)
                seen.record(e);
        }
    }

    void hostIdIsPartOfTheKey()
    {
        SeenEntries seen;
        seen.record(id(QStringLiteral("r"), 5, QStringLiteral("host1")));
        QVERIFY(seen.holds(id(QStringLiteral("r"), 5, QStringLiteral("host1"))));
        QVERIFY(!seen.holds(id(QStringLiteral("r"), 5, QStringLiteral("host2"))));
    }

    void boundedByRuns()
    {
        SeenEntries seen(3);
        for (const char* run : { "a", "b", "c" })
            seen.record(id(QString::fromLatin1(run), 1));
        seen.record(id(QStringLiteral("a"), 2)); // a is the most recent now
        seen.record(id(QStringLiteral("d"), 1)); // forgets b, the quietest
        QCOMPARE(seen.runs(), 3);
        QVERIFY(!seen.holds(id(QStringLiteral("b"), 1)));
        QVERIFY(seen.holds(id(QStringLiteral("a"), 2)));
        QVERIFY(seen.holds(id(QStringLiteral("c"), 1)));
        QVERIFY(seen.holds(id(QStringLiteral("d"), 1)));
    }

    // The receiver's restart: what the store holds is what was acknowledged.
    void rebuiltFromTheStore()
    {
        QTemporaryDir tmp;
        StoreSettings so;
        so.dataDir = tmp.path();
        so.maxFileBytes = 16 * 1024; // a few entries a file: rotated files too
        {
            LogStore store(so);
            QVERIFY(store.open(nullptr));
            for (int i = 1; i <= 30; ++i)
                QCOMPARE(store.append(storedLine(id(QStringLiteral("run1"), i)), nullptr), StoreStatus::Ok);
            for (int i = 1; i <= 4; ++i)
                QCOMPARE(store.append(storedLine(id(QStringLiteral("run2"), i)), nullptr), StoreStatus::Ok);
            QVERIFY(store.rotations() > 0);
            // The original's entries have no identity: passed over.
            NormalisedEntry plain;
            QVERIFY(normaliseLogEntry(testutil::originalEntry(99), plain, nullptr));
            QCOMPARE(store.append(plain.line, nullptr), StoreStatus::Ok);
        }
        // A torn last line (a crash mid-write, before open() repairs it).
        {
            QFile active(QDir(tmp.path()).filePath(LogStore::fileName()));
            QVERIFY(active.open(QIODevice::Append));
            active.write(storedLine(id(QStringLiteral("run2"), 5)).left(120));
        }
        SeenEntries seen;
        QString error;
        QVERIFY2(seen.rebuild(tmp.path(), &error), qPrintable(error));
        QCOMPARE(seen.runs(), 2);
        QCOMPARE(seen.linesScanned(), qint64(36));
        QCOMPARE(seen.lastSeq(QStringLiteral("0123456789abcdef"), QStringLiteral("run1")), qint64(30));
        QCOMPARE(seen.lastSeq(QStringLiteral("0123456789abcdef"), QStringLiteral("run2")), qint64(4));
        QVERIFY(seen.holds(id(QStringLiteral("run1"), 30)));
        QVERIFY(seen.holds(id(QStringLiteral("run2"), 4)));
        QVERIFY(!seen.holds(id(QStringLiteral("run2"), 5))); // torn: never acknowledged
        QVERIFY(!seen.holds(id(QStringLiteral("run3"), 1)));
    }

    void rebuildOfAnEmptyDirectory()
    {
        QTemporaryDir tmp;
        SeenEntries seen;
        seen.record(id(QStringLiteral("x"), 1));
        QVERIFY(seen.rebuild(tmp.path(), nullptr));
        QCOMPARE(seen.runs(), 0);
    }

    void hostIdTextIsCleaned()
    {
        QCOMPARE(entryIdText(QStringLiteral("0123abcd\n")), QStringLiteral("0123abcd"));
        QCOMPARE(entryIdText(QStringLiteral("a b\"c}d/é")), QStringLiteral("abcd"));
        QCOMPARE(entryIdText(QString(300, QLatin1Char('f'))).size(), kMaxEntryIdText);
    }
};

QTEST_GUILESS_MAIN(TestSeenEntries)
#include "tst_seenentries.moc"
