// readContainerHistory on stores written by LogStore: ranges inside and
// outside the data, one point, an empty store, a container that appears and
// disappears, hosts, the per-file index (built, used, extended, rebuilt when
// missing, damaged or stale after a torn tail), seeking past files outside
// the range; and thinMinMax on its own.
#include "core/model/logentry.h"
#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"
#include "core/store/history.h"
#include "core/store/logstore.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

namespace {
QDateTime t0()
{
    return QDateTime(QDate(2024, 3, 1), QTime(12, 0, 0), QTimeZone::utc());
}

QString idOf(char c)
{
    return QString(64, QLatin1Char(c));
}

// Tick `tick` of a host: container A ('a' ids) always, B ('b') only for
// ticks 30..59. A's cpu % is the tick number, its memory tick MiB; B's cpu
// is 1000 + tick.
QByteArray entryAt(int tick, const QString& hostName = QStringLiteral("alpha"), bool withB = true)
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.host = { hostName, QStringLiteral("id-") + hostName };
    s.timestamp = t0().addSecs(tick);
    s.intervalSeconds = 1;
    s.system.memoryTotalBytes = 8ull << 30;
    s.system.memoryAvailableBytes = 4ull << 30;
    s.system.memoryUsedBytes = 4ull << 30;
    ContainerMetrics a;
    a.id = idOf('a');
    a.name = QStringLiteral("alpha_a");
    a.cpuPercent = tick;
    a.memoryBytes = quint64(tick) << 20;
    a.readBytesPerSec = 10.0 * tick;
    a.writeBytesPerSec = 20.0 * tick;
    a.netRxBytesPerSec = 30.0 * tick;
    a.netTxBytesPerSec = 40.0 * tick;
    s.containers.append(a);
    if (withB && tick >= 30 && tick < 60) {
        ContainerMetrics b;
        b.id = idOf('b');
        b.name = QStringLiteral("alpha_b");
        b.cpuPercent = 1000 + tick;
        s.containers.append(b);
    }
    NormalisedEntry e;
    QString err;
    if (!normaliseLogEntry(reportEntryBytes(s), e, &err))
        qFatal("fixture entry rejected: %s", qPrintable(err));
    return e.line;
}

// 100 ticks, 1 s apart, written by the real store with small files so the
// store has several (about ten entries each).
bool writeStore(const QString& dir, int ticks = 100, qint64 maxFileBytes = 0)
{
    StoreSettings settings;
    settings.dataDir = dir;
    settings.retainedFiles = 100;
    settings.syncIntervalMs = 0;
    settings.maxFileBytes = maxFileBytes > 0 ? maxFileBytes : entryAt(0).size() * 10 + 200;
    LogStore store(settings);
    QString err;
    if (!store.open(&err))
        return false;
    for (int i = 0; i < ticks; ++i) {
        if (store.append(entryAt(i), &err) != StoreStatus::Ok)
            return false;
    }
    return true;
}

ContainerHistory query(const QString& dir, const QString& id, qint64 fromTick, qint64 toTick, int maxPoints = 0,
                       const QString& host = {})
{
    HistoryQuery q;
    q.containerId = id;
    q.host = host;
    if (fromTick > -1000)
        q.from = t0().addSecs(fromTick);
    if (toTick > -1000)
        q.to = t0().addSecs(toTick);
    q.maxPoints = maxPoints;
    ContainerHistory h;
    QString err;
    if (!readContainerHistory(dir, q, &h, &err))
        qWarning("readContainerHistory: %s", qPrintable(err));
    return h;
}

QList<double> values(const QList<HistoryPoint>& points)
{
    QList<double> out;
    for (const HistoryPoint& p : points)
        out.append(p.value);
    return out;
}
} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ranges_data()
    {
        QTest::addColumn<char>("container");
        QTest::addColumn<int>("from"); // tick; -1000: open
        QTest::addColumn<int>("to");
        QTest::addColumn<int>("samples");
        QTest::addColumn<int>("first"); // cpu % of the first and last point
        QTest::addColumn<int>("last");
        QTest::newRow("all stored") << 'a' << -1000 << -1000 << 100 << 0 << 99;
        QTest::newRow("inside") << 'a' << 20 << 44 << 25 << 20 << 44;
        QTest::newRow("overlaps the start") << 'a' << -50 << 4 << 5 << 0 << 4;
        QTest::newRow("overlaps the end") << 'a' << 95 << 500 << 5 << 95 << 99;
        QTest::newRow("before the data") << 'a' << -500 << -1 << 0 << 0 << 0;
        QTest::newRow("after the data") << 'a' << 100 << 900 << 0 << 0 << 0;
        QTest::newRow("one point") << 'a' << 57 << 57 << 1 << 57 << 57;
        QTest::newRow("appears and disappears") << 'b' << -1000 << -1000 << 30 << 1030 << 1059;
        QTest::newRow("disappeared in the range") << 'b' << 50 << 80 << 10 << 1050 << 1059;
        QTest::newRow("not there yet") << 'b' << 0 << 29 << 0 << 0 << 0;
        QTest::newRow("unknown container") << 'c' << -1000 << -1000 << 0 << 0 << 0;
    }

    void ranges()
    {
        QFETCH(char, container);
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(int, samples);
        QFETCH(int, first);
        QFETCH(int, last);
        QTemporaryDir dir;
        QVERIFY(writeStore(dir.path()));
        QVERIFY(LogStore::files(dir.path()).size() >= 8);
        // Twice: the first read builds the indexes, the second reads them.
        for (int pass = 0; pass < 2; ++pass) {
            const ContainerHistory h = query(dir.path(), idOf(container), from, to);
            QCOMPARE(h.samples, samples);
            const QList<HistoryPoint>& cpu = h[HistorySeries::CpuPercent];
            QCOMPARE(cpu.size(), samples);
            if (samples == 0)
                continue;
            QCOMPARE(cpu.first().value, double(first));
            QCOMPARE(cpu.last().value, double(last));
            QCOMPARE(cpu.first().msecs, t0().addSecs(first % 1000).toMSecsSinceEpoch());
            if (container == 'a') {
                QCOMPARE(h[HistorySeries::MemoryBytes].last().value, double(quint64(last) << 20));
                QCOMPARE(h[HistorySeries::ReadBytesPerSec].last().value, 10.0 * last);
                QCOMPARE(h[HistorySeries::WriteBytesPerSec].last().value, 20.0 * last);
                QCOMPARE(h[HistorySeries::NetRxBytesPerSec].last().value, 30.0 * last);
                QCOMPARE(h[HistorySeries::NetTxBytesPerSec].last().value, 40.0 * last);
            }
            if (pass == 1) {
                QCOMPARE(h.stats.indexesBuilt, 0);
                QCOMPARE(h.stats.bytesParsed, 0);
            }
        }
    }

    void seeksByTime()
    {
        QTemporaryDir dir;
        QVERIFY(writeStore(dir.path()));
        const ContainerHistory all = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(all.stats.filesSkipped, 0);
        QCOMPARE(all.stats.indexesBuilt, all.stats.filesInStore);
        // The last 10 s (and the minute of slack before them) lie in the
        // files that start after tick 30: the first ones are not opened.
        QVERIFY(QDir(historyIndexDir(dir.path())).removeRecursively());
        const ContainerHistory end = query(dir.path(), idOf('a'), 90, 99);
        QCOMPARE(end.samples, 10);
        QVERIFY2(end.stats.filesSkipped >= 2, qPrintable(QString::number(end.stats.filesSkipped)));
        QCOMPARE(end.stats.indexesBuilt, end.stats.filesInStore - end.stats.filesSkipped);
    }

    void shortIdAndHosts()
    {
        QTemporaryDir dir;
        StoreSettings settings;
        settings.dataDir = dir.path();
        settings.syncIntervalMs = 0;
        LogStore store(settings);
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(store.append(entryAt(i, QStringLiteral("alpha"), false), &err), StoreStatus::Ok);
            QCOMPARE(store.append(entryAt(100 + i, QStringLiteral("beta"), false), &err), StoreStatus::Ok);
        }
        store.close();
        QCOMPARE(query(dir.path(), idOf('a').left(12), -1000, -1000).samples, 20);
        QCOMPARE(query(dir.path(), idOf('a').left(11), -1000, -1000).samples, 0); // too short to be an id
        const ContainerHistory beta = query(dir.path(), idOf('a'), -1000, -1000, 0, QStringLiteral("beta"));
        QCOMPARE(beta.samples, 10);
        QCOMPARE(beta[HistorySeries::CpuPercent].first().value, 100.0);
        QCOMPARE(query(dir.path(), idOf('a'), -1000, -1000, 0, QStringLiteral("gamma")).samples, 0);
    }

    // Entries in the original's shape (sysinfo only, no "snapshot"): read
    // through the one converter, as the charts read them.
    void originalEntries()
    {
        QTemporaryDir dir;
        StoreSettings settings;
        settings.dataDir = dir.path();
        settings.syncIntervalMs = 0;
        LogStore store(settings);
        QString err;
        QVERIFY(store.open(&err));
        for (int i = 0; i < 5; ++i) {
            Snapshot s;
            s.source = QStringLiteral("kmod");
            s.timestamp = t0().addSecs(i);
            s.system.memoryTotalBytes = 8ull << 30;
            ContainerMetrics c;
            c.id = idOf('a');
            c.pid = 100;
            c.cpuPercent = 10 + i;
            s.containers.append(c);
            NormalisedEntry e;
            QVERIFY2(normaliseLogEntry(QByteArray::fromStdString(snapshotToLogEntry(s).dump()), e, &err),
                     qPrintable(err));
            QVERIFY(!e.line.contains("\"snapshot\""));
            QCOMPARE(store.append(e.line, &err), StoreStatus::Ok);
        }
        store.close();
        const ContainerHistory h = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(values(h[HistorySeries::CpuPercent]), QList<double>({ 10, 11, 12, 13, 14 }));
    }

    void emptyAndMissingStore()
    {
        QTemporaryDir dir;
        HistoryQuery q;
        q.containerId = idOf('a');
        ContainerHistory h;
        QString err;
        QVERIFY(readContainerHistory(dir.path(), q, &h, &err));
        QCOMPARE(h.samples, 0);
        QCOMPARE(h.stats.filesInStore, 0);
        // An active file with nothing in it yet.
        QFile empty(QDir(dir.path()).filePath(LogStore::fileName()));
        QVERIFY(empty.open(QIODevice::WriteOnly));
        empty.close();
        QVERIFY(readContainerHistory(dir.path(), q, &h, &err));
        QCOMPARE(h.samples, 0);
        QVERIFY(!readContainerHistory(dir.filePath(QStringLiteral("missing")), q, &h, &err));
        QVERIFY(err.contains(QLatin1String("missing")));
    }

    // A write in progress (no newline yet) is not read; after a crash
    // LogStore::open() cuts it and new entries follow: the index of the
    // active file is extended, and rebuilt where the cut went below it.
    void tornTail()
    {
        QTemporaryDir dir;
        QVERIFY(writeStore(dir.path(), 10, 1 << 20)); // one file
        const QString active = QDir(dir.path()).filePath(LogStore::fileName());
        QCOMPARE(query(dir.path(), idOf('a'), -1000, -1000).samples, 10);
        {
            QFile f(active);
            QVERIFY(f.open(QIODevice::Append));
            f.write(entryAt(10).left(300)); // torn: no newline
        }
        ContainerHistory h = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(h.samples, 10);
        QCOMPARE(h.stats.indexesUsed, 0); // the file grew: looked at again
        StoreSettings settings;
        settings.dataDir = dir.path();
        settings.syncIntervalMs = 0;
        {
            LogStore store(settings);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            QCOMPARE(store.recoveryNotes().size(), 1);
            for (int i = 10; i < 15; ++i)
                QCOMPARE(store.append(entryAt(i), &err), StoreStatus::Ok);
        }
        h = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(h.samples, 15);
        QCOMPARE(h.stats.indexesExtended, 1);
        QCOMPARE(h.stats.indexesBuilt, 0);
        QCOMPARE(values(h[HistorySeries::CpuPercent]).last(), 14.0);

        // Cut below what the index covers (a torn tail of indexed entries
        // is impossible, but a file restored from a backup is not), then
        // written again: the index no longer matches and is rebuilt.
        {
            QFile f(active);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const QByteArray all = f.readAll();
            int cut = 0;
            for (int n = 0; n < 12; ++n)
                cut = int(all.indexOf('\n', cut)) + 1;
            QVERIFY(f.resize(cut));
            QVERIFY(f.seek(cut));
            f.write(entryAt(50) + '\n' + entryAt(51) + '\n' + entryAt(52) + '\n' + entryAt(53) + '\n');
        }
        h = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(h.stats.indexesBuilt, 1);
        QCOMPARE(h.samples, 16);
        QCOMPARE(values(h[HistorySeries::CpuPercent]).mid(10), QList<double>({ 10, 11, 50, 51, 52, 53 }));
    }

    void indexMissingOrDamaged_data()
    {
        QTest::addColumn<QByteArray>("damage"); // written over each index; empty: removed
        QTest::newRow("missing") << QByteArray();
        QTest::newRow("garbage") << QByteArray("not an index at all");
        QTest::newRow("cut short") << QByteArray("cut");
    }

    void indexMissingOrDamaged()
    {
        QFETCH(QByteArray, damage);
        QTemporaryDir dir;
        QVERIFY(writeStore(dir.path()));
        const ContainerHistory before = query(dir.path(), idOf('a'), 10, 80, 20);
        QDir indexes(historyIndexDir(dir.path()));
        const QStringList names = indexes.entryList(QDir::Files);
        QCOMPARE(names.size(), before.stats.filesInStore);
        for (const QString& name : names) {
            if (damage.isEmpty()) {
                QVERIFY(indexes.remove(name));
                continue;
            }
            QFile f(indexes.filePath(name));
            if (damage == "cut") {
                QVERIFY(f.open(QIODevice::ReadWrite));
                QVERIFY(f.resize(f.size() - 20));
            } else {
                QVERIFY(f.open(QIODevice::WriteOnly));
                f.write(damage);
            }
        }
        const ContainerHistory after = query(dir.path(), idOf('a'), 10, 80, 20);
        QVERIFY(after.stats.indexesBuilt > 0);
        for (int s = 0; s < kHistorySeriesCount; ++s)
            QCOMPARE(after.series[size_t(s)], before.series[size_t(s)]);
        const ContainerHistory again = query(dir.path(), idOf('a'), 10, 80, 20);
        QCOMPARE(again.stats.indexesBuilt, 0);
        QCOMPARE(again[HistorySeries::CpuPercent], before[HistorySeries::CpuPercent]);
    }

    // Rotation renames the files (the inode stays: so does the index);
    // a file dropped by the retention takes its index with it.
    void indexFollowsRotation()
    {
        QTemporaryDir dir;
        StoreSettings settings;
        settings.dataDir = dir.path();
        settings.syncIntervalMs = 0;
        settings.retainedFiles = 2;
        settings.maxFileBytes = entryAt(0).size() * 10 + 200;
        LogStore store(settings);
        QString err;
        QVERIFY(store.open(&err));
        for (int i = 0; i < 25; ++i)
            QCOMPARE(store.append(entryAt(i), &err), StoreStatus::Ok);
        ContainerHistory h = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(h.samples, 25);
        for (int i = 25; i < 45; ++i)
            QCOMPARE(store.append(entryAt(i), &err), StoreStatus::Ok);
        h = query(dir.path(), idOf('a'), -1000, -1000);
        QCOMPARE(h.stats.filesInStore, 3);
        // What the retention left: the oldest files are gone.
        const QList<Snapshot> kept = readSnapshots(dir.path(), {}, &err);
        QVERIFY(kept.size() < 45);
        QCOMPARE(h.samples, kept.size());
        QCOMPARE(h[HistorySeries::CpuPercent].first().value, kept.first().containers.first().cpuPercent);
        QCOMPARE(h[HistorySeries::CpuPercent].last().value, 44.0);
        QCOMPARE(QDir(historyIndexDir(dir.path())).entryList(QDir::Files).size(), 3);
    }

    // An hour at 1 Hz of 8 containers: once indexed, a read parses nothing,
    // reads a small part of the store and takes little time (a generous
    // bound for a loaded machine; the benchmark measures 24 h of 100).
    void readsLittle()
    {
        QTemporaryDir dir;
        StoreSettings settings;
        settings.dataDir = dir.path();
        settings.maxFileBytes = 4 << 20;
        settings.retainedFiles = 1000;
        LogStore store(settings);
        QString err;
        QVERIFY(store.open(&err));
        Snapshot s;
        s.source = QStringLiteral("cgroup");
        s.intervalSeconds = 1;
        for (int i = 0; i < 8; ++i) {
            ContainerMetrics c;
            c.id = idOf(char('a' + i));
            c.name = QStringLiteral("c%1").arg(i);
            s.containers.append(c);
        }
        for (int t = 0; t < 3600; ++t) {
            s.timestamp = t0().addSecs(t);
            for (int i = 0; i < 8; ++i)
                s.containers[i].cpuPercent = (t * 7 + i) % 100;
            NormalisedEntry e;
            QVERIFY(normaliseLogEntry(reportEntryBytes(s), e, &err));
            QCOMPARE(store.append(e.line, &err), StoreStatus::Ok);
        }
        store.close();
        qint64 storeBytes = 0;
        for (const QString& f : LogStore::files(dir.path()))
            storeBytes += QFileInfo(f).size();
        QVERIFY(LogStore::files(dir.path()).size() > 2);
        query(dir.path(), idOf('c'), -1000, -1000); // builds the indexes
        QElapsedTimer clock;
        clock.start();
        const ContainerHistory h = query(dir.path(), idOf('c'), 0, 3599, 500);
        const qint64 ms = clock.elapsed();
        QCOMPARE(h.samples, 3600);
        QVERIFY(h[HistorySeries::CpuPercent].size() <= 1000);
        QCOMPARE(h.stats.bytesParsed, 0);
        QVERIFY2(h.stats.indexBytesRead * 20 < storeBytes,
                 qPrintable(QStringLiteral("%1 of %2 bytes").arg(h.stats.indexBytesRead).arg(storeBytes)));
        QVERIFY2(ms < 2000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
        qInfo("1 h of 8 containers (%lld bytes): %lld ms, %lld index bytes read", storeBytes, ms,
              h.stats.indexBytesRead);
    }

    // A read stopped from outside (the window closing) returns "cancelled"
    // and leaves no partial index behind; the next read builds it whole.
    void cancelled()
    {
        QTemporaryDir dir;
        QVERIFY(writeStore(dir.path()));
        const std::atomic<bool> stop { true };
        HistoryQuery q;
        q.containerId = idOf('a');
        q.cancel = &stop;
        ContainerHistory h;
        QString err;
        QVERIFY(!readContainerHistory(dir.path(), q, &h, &err));
        QCOMPARE(err, QStringLiteral("cancelled"));
        QVERIFY(QDir(historyIndexDir(dir.path())).entryList(QDir::Files).isEmpty());
        QCOMPARE(query(dir.path(), idOf('a'), -1000, -1000).samples, 100);
    }

    void thinning_data()
    {
        QTest::addColumn<QList<double>>("input"); // one point a second from 0
        QTest::addColumn<int>("buckets");
        QTest::addColumn<QList<double>>("expected");
        QTest::newRow("fewer points than buckets") << QList<double> { 1, 2, 3 } << 10 << QList<double> { 1, 2, 3 };
        QTest::newRow("spike survives") << QList<double> { 1, 1, 1, 90, 1, 1, 1, 1, 1, 1 } << 2
                                        << QList<double> { 1, 90, 1 };
        QTest::newRow("dip survives") << QList<double> { 5, 5, 5, 5, 5, 5, 0, 5, 5, 5 } << 2
                                      << QList<double> { 5, 5, 0 };
        QTest::newRow("max before min") << QList<double> { 9, 1, 4, 4 } << 1 << QList<double> { 9, 1 };
        QTest::newRow("flat") << QList<double> { 3, 3, 3, 3 } << 2 << QList<double> { 3, 3 };
        QTest::newRow("one point") << QList<double> { 7 } << 100 << QList<double> { 7 };
        QTest::newRow("empty") << QList<double> {} << 5 << QList<double> {};
        QTest::newRow("no thinning") << QList<double> { 1, 9, 1, 9 } << 0 << QList<double> { 1, 9, 1, 9 };
    }

    void thinning()
    {
        QFETCH(QList<double>, input);
        QFETCH(int, buckets);
        QFETCH(QList<double>, expected);
        QList<HistoryPoint> points;
        for (int i = 0; i < input.size(); ++i)
            points.append({ qint64(i) * 1000, input.at(i) });
        const qint64 to = input.isEmpty() ? 0 : qint64(input.size() - 1) * 1000;
        const QList<HistoryPoint> out = thinMinMax(points, 0, to, buckets);
        QCOMPARE(values(out), expected);
        QVERIFY(buckets <= 0 || out.size() <= 2 * buckets);
        for (int i = 1; i < out.size(); ++i)
            QVERIFY(out.at(i - 1).msecs < out.at(i).msecs);
    }

    // A day at 1 Hz thinned to 800 buckets: at most 1600 points, and the
    // global min and max are among them.
    void thinningBound()
    {
        QList<HistoryPoint> points;
        for (qint64 i = 0; i < 86400; ++i)
            points.append({ i * 1000, double((i * 7919) % 1000) + (i == 43210 ? 5000 : 0) });
        const QList<HistoryPoint> out = thinMinMax(points, 0, 86399 * 1000, 800);
        QVERIFY(out.size() <= 1600);
        QVERIFY(out.size() >= 800);
        const auto [lo, hi] = std::minmax_element(
            out.cbegin(), out.cend(), [](const HistoryPoint& a, const HistoryPoint& b) { return a.value < b.value; });
        QCOMPARE(lo->value, 0.0);
        QCOMPARE(hi->value, 5000 + double((43210 * 7919) % 1000));
    }
};

QTEST_GUILESS_MAIN(TestHistory)
#include "tst_storehistory.moc"
