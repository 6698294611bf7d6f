// HostLatest (the window's host selector, issue 14): each host's newest
// snapshot from arriving entries in any order, and the seed from the end of
// a store written by LogStore (only the newest files are read).
#include "core/model/logentry.h"
#include "core/store/hostlatest.h"
#include "core/store/logstore.h"
#include "receivertestutil.h"

#include <QTemporaryDir>
#include <QTest>

using namespace testutil;

namespace {
Snapshot hostSnapshot(const QString& host, qint64 seq)
{
    Snapshot s = makeSnapshot(seq, 2);
    s.host = { host, host + QStringLiteral("-id") };
    s.system.cpuPercent = double(seq);
    return s;
}
} // namespace

class TestHostLatest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void newestWins_data();
    void newestWins();
    void historyIsBounded();
    void seedReadsOnlyTheNewestFiles();
    void seedOfNothing();
};

void TestHostLatest::newestWins_data()
{
    QTest::addColumn<QList<int>>("order"); // seconds of alpha's entries, in arrival order
    QTest::addColumn<int>("latest");
    QTest::addColumn<int>("kept");
    QTest::newRow("in order") << QList<int> { 1, 2, 3 } << 3 << 3;
    QTest::newRow("late arrival ignored") << QList<int> { 1, 3, 2 } << 3 << 2;
    QTest::newRow("same time replaces") << QList<int> { 5, 5 } << 5 << 2;
}

void TestHostLatest::newestWins()
{
    QFETCH(QList<int>, order);
    QFETCH(int, latest);
    QFETCH(int, kept);
    HostLatest h;
    for (int seq : order)
        h.update(hostSnapshot(QStringLiteral("alpha"), seq));
    QVERIFY(h.update(hostSnapshot(QStringLiteral("beta"), 1)));
    QCOMPARE(h.hosts(), (QStringList { QStringLiteral("alpha"), QStringLiteral("beta") }));
    QVERIFY(h.latest(QStringLiteral("alpha")));
    QCOMPARE(h.latest(QStringLiteral("alpha"))->system.cpuPercent, double(latest));
    QCOMPARE(h.history(QStringLiteral("alpha")).size(), kept);
    QVERIFY(!h.latest(QStringLiteral("gamma")));
    // An entry from a sender with no host identity is no host.
    QVERIFY(!h.update(makeSnapshot(9, 1)));
    QCOMPARE(h.hosts().size(), 2);
}

void TestHostLatest::historyIsBounded()
{
    HostLatest h;
    h.setMaxHistory(5);
    for (int i = 0; i < 20; ++i)
        h.update(hostSnapshot(QStringLiteral("alpha"), i));
    const QList<Snapshot> kept = h.history(QStringLiteral("alpha"));
    QCOMPARE(kept.size(), 5);
    QCOMPARE(kept.first().system.cpuPercent, 15.0);
    QCOMPARE(kept.last().system.cpuPercent, 19.0);
}

void TestHostLatest::seedReadsOnlyTheNewestFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    StoreSettings settings;
    settings.dataDir = dir.path();
    settings.maxFileBytes = 16 * 1024; // a few entries per file: several files
    settings.retainedFiles = 1000; // nothing dropped
    settings.syncIntervalMs = 0;
    {
        LogStore store(settings);
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        // "old" reports early only; alpha and beta throughout.
        for (int i = 0; i < 60; ++i) {
            for (const QString& host : { QStringLiteral("alpha"), QStringLiteral("beta"), QStringLiteral("old") }) {
                if (host == QLatin1String("old") && i >= 5)
                    continue;
                NormalisedEntry e;
                QVERIFY2(normaliseLogEntry(reportEntryBytes(hostSnapshot(host, i)), e, &err), qPrintable(err));
                QCOMPARE(store.append(e.line, &err), StoreStatus::Ok);
            }
        }
        QVERIFY(LogStore::files(dir.path()).size() > 3);
    }
    HostLatest h;
    QString err;
    QVERIFY2(h.seedFromStore(dir.path(), 1, &err), qPrintable(err));
    // The newest file only: "old" is not in it, and much less than the
    // whole store was read.
    QCOMPARE(h.hosts(), (QStringList { QStringLiteral("alpha"), QStringLiteral("beta") }));
    QCOMPARE(h.latest(QStringLiteral("alpha"))->system.cpuPercent, 59.0);
    QCOMPARE(h.latest(QStringLiteral("beta"))->host.id, QStringLiteral("beta-id"));
    QVERIFY(h.history(QStringLiteral("alpha")).size() < 60);

    // Since a time: only what was stored from then on (baseTime() + 50 s).
    HostLatest recent;
    QVERIFY2(recent.seedFromStore(dir.path(), 100, &err, baseTime().addSecs(50)), qPrintable(err));
    QCOMPARE(recent.hosts(), (QStringList { QStringLiteral("alpha"), QStringLiteral("beta") }));
    QCOMPARE(recent.history(QStringLiteral("alpha")).size(), 10);

    HostLatest all;
    QVERIFY2(all.seedFromStore(dir.path(), 100, &err), qPrintable(err));
    QVERIFY(all.contains(QStringLiteral("old")));
    QCOMPARE(all.latest(QStringLiteral("old"))->system.cpuPercent, 4.0);
}

void TestHostLatest::seedOfNothing()
{
    QTemporaryDir dir;
    HostLatest h;
    QString err;
    QVERIFY(h.seedFromStore(dir.path() + QStringLiteral("/missing"), 1, &err));
    QVERIFY(h.seedFromStore(dir.path(), 1, &err));
    QVERIFY(h.hosts().isEmpty());
}

QTEST_GUILESS_MAIN(TestHostLatest)
#include "tst_hostlatest.moc"
