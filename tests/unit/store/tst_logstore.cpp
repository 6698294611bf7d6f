// LogStore and LogReader on real files: append, torn-tail recovery from
// fixtures, rotation and retention, since/limit queries, export, the lock,
// and the errors an unusable directory gives.
#include "core/model/logentry.h"
#include "core/store/logstore.h"
#include "receivertestutil.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using nlohmann::json;

namespace {
QByteArray storedLine(qint64 seq, QDateTime when = {})
{
    NormalisedEntry e;
    QString err;
    if (!normaliseLogEntry(testutil::originalEntry(seq, when), e, &err))
        qFatal("fixture entry rejected: %s", qPrintable(err));
    return e.line;
}

QList<QByteArray> readAll(const QString& dir, LogQuery q = {})
{
    LogReader reader(dir, q);
    QString err;
    if (!reader.open(&err))
        return {};
    QList<QByteArray> out;
    QByteArray line;
    while (reader.next(line))
        out.append(line);
    return out;
}

// A rotated store of four files of five entries, 10 s apart: logs.jsonl.3
// holds entries 0-4, .2 5-9, .1 10-14 and the active file 15-19.
bool writeFourFiles(const QString& dir)
{
    const char* names[] = { "logs.jsonl.3", "logs.jsonl.2", "logs.jsonl.1", "logs.jsonl" };
    for (int f = 0; f < 4; ++f) {
        QFile file(QDir(dir).filePath(QLatin1String(names[f])));
        if (!file.open(QIODevice::WriteOnly))
            return false;
        for (int i = 5 * f; i < 5 * f + 5; ++i)
            file.write(storedLine(i, testutil::baseTime().addSecs(10 * i)) + '\n');
    }
    return true;
}

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestLogStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Issue 10 item 6: another user who could write the data directory could
    // swap the log for a link to a file the service would then append to.
    void symbolicLinksAreNotFollowed()
    {
        QTemporaryDir tmp;
        QFile victim(tmp.filePath(QStringLiteral("victim")));
        QVERIFY(victim.open(QIODevice::WriteOnly));
        victim.write("precious\n");
        victim.close();
        const QString dir = tmp.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::link(victim.fileName(), dir + QStringLiteral("/logs.jsonl")));
        StoreSettings so;
        so.dataDir = dir;
        LogStore store(so);
        QString err;
        QVERIFY(!store.open(&err));
        QVERIFY2(err.contains(QLatin1String("logs.jsonl")), qPrintable(err));
        QVERIFY(victim.open(QIODevice::ReadOnly));
        QCOMPARE(victim.readAll(), QByteArray("precious\n"));
    }

    void unsafeDataDirIsRefused()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::setPermissions(dir,
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadOther
                                          | QFile::WriteOther | QFile::ExeOther));
        StoreSettings so;
        so.dataDir = dir;
        LogStore store(so);
        QString err;
        QVERIFY(!store.open(&err));
        QVERIFY2(err.contains(QLatin1String("others can write")) && err.contains(QLatin1String("chmod go-w")),
                 qPrintable(err));
        // A link to a good directory is refused too (its target is not ours
        // to vouch for).
        const QString good = tmp.filePath(QStringLiteral("good"));
        QVERIFY(QDir().mkpath(good));
        QVERIFY(QFile::link(good, tmp.filePath(QStringLiteral("link"))));
        QVERIFY(!dataDirSafe(tmp.filePath(QStringLiteral("link")), &err));
        QVERIFY(dataDirSafe(good, &err));
    }

    void appendAndReadBack()
    {
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.path() + QStringLiteral("/sub/dir"); // created on open
        LogStore store(o);
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        QVERIFY(store.recoveryNotes().isEmpty());
        for (int i = 0; i < 25; ++i)
            QCOMPARE(store.append(storedLine(i), &err), StoreStatus::Ok);
        QCOMPARE(store.appendedEntries(), quint64(25));
        const auto lines = readAll(o.dataDir);
        QCOMPARE(lines.size(), 25);
        for (int i = 0; i < 25; ++i) {
            QCOMPARE(testutil::seqOf(lines[i]), i);
            // Stored shape: timestamp first (fixed width), then the original's sysinfo.
            QVERIFY(lines[i].startsWith("{\"timestamp\":\""));
            const json j = json::parse(lines[i].constBegin(), lines[i].constEnd());
            QVERIFY(j.contains("sysinfo") && j.contains("received"));
        }
        // One line per entry, nothing else in the file.
        QCOMPARE(fileBytes(store.activePath()).count('\n'), 25);
        // A line with a newline in it would break the format: refused.
        QCOMPARE(store.append("{\"a\":\n1}", &err), StoreStatus::Unavailable);
        QCOMPARE(readAll(o.dataDir).size(), 25);
    }

    void tornTailIsCut_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("kept");
        QTest::addColumn<QByteArray>("keptSeqs");
        QTest::newRow("partial last line") << "torn_tail.jsonl" << 3 << QByteArray("0,1,2");
        QTest::newRow("zero-filled tail") << "nul_tail.jsonl" << 2 << QByteArray("0,1");
        QTest::newRow("junk line at the end") << "junk_line.jsonl" << 2 << QByteArray("0,1");
        QTest::newRow("only a torn line") << "only_torn.jsonl" << 0 << QByteArray();
        QTest::newRow("clean file") << "clean.jsonl" << 3 << QByteArray("0,1,2");
    }

    void tornTailIsCut()
    {
        QFETCH(QString, fixture);
        QFETCH(int, kept);
        QFETCH(QByteArray, keptSeqs);
        const QString src = QFINDTESTDATA(QStringLiteral("fixtures/") + fixture);
        QVERIFY(!src.isEmpty());
        QTemporaryDir tmp;
        QVERIFY(QFile::copy(src, tmp.filePath(LogStore::fileName())));
        const QByteArray before = fileBytes(tmp.filePath(LogStore::fileName()));
        StoreSettings o;
        o.dataDir = tmp.path();
        {
            LogStore store(o);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            const bool clean = fixture == QLatin1String("clean.jsonl");
            QCOMPARE(store.recoveryNotes().isEmpty(), clean);
            const QByteArray after = fileBytes(store.activePath());
            // Only the tail was cut: what is kept is a prefix of the file.
            QVERIFY(before.startsWith(after));
            QVERIFY(after.isEmpty() || after.endsWith('\n'));
            // And appending continues on a clean line boundary.
            QCOMPARE(store.append(storedLine(99), &err), StoreStatus::Ok);
        }
        const auto lines = readAll(tmp.path());
        QCOMPARE(lines.size(), kept + 1);
        QByteArrayList seqs;
        for (int i = 0; i < kept; ++i)
            seqs.append(QByteArray::number(testutil::seqOf(lines[i])));
        QCOMPARE(seqs.join(','), keptSeqs);
        QCOMPARE(testutil::seqOf(lines.last()), 99);
        for (const auto& l : lines)
            QVERIFY(json::accept(l.constBegin(), l.constEnd()));
    }

    void rotationKeepsTheNewest()
    {
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.path();
        o.maxFileBytes = 8 * 1024;
        o.retainedFiles = 3;
        const qint64 lineSize = storedLine(0).size() + 1;
        LogStore store(o);
        QString err;
        QVERIFY(store.open(&err));
        for (int i = 0; i < 200; ++i)
            QCOMPARE(store.append(storedLine(i), &err), StoreStatus::Ok);
        QVERIFY(store.rotations() > 3);
        const QStringList files = LogStore::files(tmp.path());
        QCOMPARE(files.size(), 4);
        QVERIFY(files.last().endsWith(QLatin1String("logs.jsonl")));
        QVERIFY(files.first().endsWith(QLatin1String("logs.jsonl.3")));
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("logs.jsonl.4"))));
        for (const QString& f : files)
            QVERIFY(QFileInfo(f).size() <= o.maxFileBytes);
        const auto lines = readAll(tmp.path());
        const qint64 perFile = o.maxFileBytes / lineSize;
        QVERIFY(lines.size() > 3 * perFile);
        QCOMPARE(testutil::seqOf(lines.last()), 199);
        // Chronological across files, no gap.
        for (int i = 1; i < lines.size(); ++i)
            QCOMPARE(testutil::seqOf(lines[i]), testutil::seqOf(lines[i - 1]) + 1);
    }

    void gapInRotatedNumbersIsHarmless()
    {
        // A crash between renames can leave .1 missing; readers and the next
        // rotation cope.
        QTemporaryDir tmp;
        QFile f3(tmp.filePath(QStringLiteral("logs.jsonl.3")));
        QVERIFY(f3.open(QIODevice::WriteOnly));
        f3.write(storedLine(0) + '\n');
        f3.close();
        QFile f2(tmp.filePath(QStringLiteral("logs.jsonl.2")));
        QVERIFY(f2.open(QIODevice::WriteOnly));
        f2.write(storedLine(1) + '\n');
        f2.close();
        StoreSettings o;
        o.dataDir = tmp.path();
        o.maxFileBytes = storedLine(0).size() + 10;
        LogStore store(o);
        QString err;
        QVERIFY(store.open(&err));
        QCOMPARE(store.append(storedLine(2), &err), StoreStatus::Ok);
        QCOMPARE(store.append(storedLine(3), &err), StoreStatus::Ok); // rotates
        const auto lines = readAll(tmp.path());
        QCOMPARE(lines.size(), 4);
        for (int i = 0; i < 4; ++i)
            QCOMPARE(testutil::seqOf(lines[i]), i);
    }

    void sinceAndLimit_data()
    {
        QTest::addColumn<QString>("since");
        QTest::addColumn<qint64>("limit");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("first");
        QTest::newRow("all") << QString() << qint64(-1) << 100 << 0;
        QTest::newRow("since inclusive") << "2024-03-01T12:00:50Z" << qint64(-1) << 50 << 50;
        QTest::newRow("since with offset") << "2024-03-01T13:00:50+01:00" << qint64(-1) << 50 << 50;
        QTest::newRow("since fractional") << "2024-03-01T12:00:49.5Z" << qint64(-1) << 50 << 50;
        QTest::newRow("limit takes the newest") << QString() << qint64(10) << 10 << 90;
        QTest::newRow("since and limit") << "2024-03-01T12:00:20Z" << qint64(5) << 5 << 95;
        QTest::newRow("limit over count") << "2024-03-01T12:01:35Z" << qint64(50) << 5 << 95;
        QTest::newRow("limit zero") << QString() << qint64(0) << 0 << 0;
        QTest::newRow("since after all") << "2030-01-01T00:00:00Z" << qint64(-1) << 0 << 0;
    }

    void sinceAndLimit()
    {
        QFETCH(QString, since);
        QFETCH(qint64, limit);
        QFETCH(int, count);
        QFETCH(int, first);
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.path();
        o.maxFileBytes = 16 * 1024; // spread over rotated files too
        o.retainedFiles = 100;
        {
            LogStore store(o);
            QString err;
            QVERIFY(store.open(&err));
            for (int i = 0; i < 100; ++i)
                QCOMPARE(store.append(storedLine(i), &err), StoreStatus::Ok);
        }
        LogQuery q;
        q.since = since.isEmpty() ? QDateTime() : fromRfc3339(since.toStdString());
        QVERIFY(since.isEmpty() || q.since.isValid());
        q.limit = limit;
        const auto lines = readAll(tmp.path(), q);
        QCOMPARE(lines.size(), count);
        if (count > 0) {
            QCOMPARE(testutil::seqOf(lines.first()), first);
            QCOMPARE(testutil::seqOf(lines.last()), first + count - 1);
        }
        const auto snaps = readSnapshots(tmp.path(), q, nullptr);
        QCOMPARE(snaps.size(), count);
        if (count > 0)
            QCOMPARE(snaps.first().timestamp, testutil::baseTime().addSecs(first));
    }

    void readerSeesASnapshotOfTheStore()
    {
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.path();
        LogStore store(o);
        QString err;
        QVERIFY(store.open(&err));
        for (int i = 0; i < 5; ++i)
            store.append(storedLine(i), &err);
        LogReader reader(tmp.path());
        QVERIFY(reader.open(&err));
        for (int i = 5; i < 10; ++i)
            store.append(storedLine(i), &err);
        int n = 0;
        QByteArray line;
        while (reader.next(line))
            ++n;
        QCOMPARE(n, 5);
    }

    void readerSkipsDamagedLinesInTheMiddle()
    {
        QTemporaryDir tmp;
        QFile f(tmp.filePath(LogStore::fileName()));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(storedLine(0) + "\n{not json\n" + storedLine(1) + "\n");
        f.close();
        LogReader reader(tmp.path());
        QString err;
        QVERIFY(reader.open(&err));
        QByteArray line;
        QList<qint64> seqs;
        while (reader.next(line))
            seqs.append(testutil::seqOf(line));
        QCOMPARE(seqs, QList<qint64>({ 0, 1 }));
        QCOMPARE(reader.skippedLines(), 1);
    }

    void timestampKey()
    {
        const QByteArray line = storedLine(3);
        QCOMPARE(LogReader::timestampKey(line), QByteArray("2024-03-01T12:00:03.000Z"));
        // Written by something else: parsed.
        QCOMPARE(LogReader::timestampKey(R"({"sysinfo":{},"timestamp":"2024-03-01T13:00:03+01:00"})"),
                 QByteArray("2024-03-01T12:00:03.000Z"));
        QCOMPARE(LogReader::timestampKey("{\"sysinfo\":{}}"), QByteArray());
        QCOMPARE(LogReader::timestampKey("nonsense"), QByteArray());
    }

    // The charts (and /generate_graphs) read the end of the store only:
    // newest file first, stopping at `since`, skipping files after `until`.
    // Four files of five entries, 10 s apart: .3 holds 0-4 .. the active 15-19.
    void recentReadReadsOnlyTheFilesNeeded_data()
    {
        QTest::addColumn<int>("since"); // entry number, -1: none
        QTest::addColumn<int>("until");
        QTest::addColumn<int>("filesRead");
        QTest::addColumn<int>("filesSkipped");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("last");
        QTest::newRow("no bound: everything") << -1 << -1 << 4 << 0 << 0 << 19;
        QTest::newRow("since in .2 stops there") << 7 << -1 << 3 << 0 << 7 << 19;
        QTest::newRow("since in the active file") << 17 << -1 << 1 << 0 << 17 << 19;
        // An older file could end with the same instant: read it too.
        QTest::newRow("since at a file's first entry") << 5 << -1 << 4 << 0 << 5 << 19;
        QTest::newRow("until skips newer files") << -1 << 12 << 3 << 1 << 0 << 12;
        QTest::newRow("since and until") << 6 << 11 << 2 << 1 << 6 << 11;
        QTest::newRow("until before everything") << -1 << -2 << 0 << 4 << -1 << -1;
    }

    void recentReadReadsOnlyTheFilesNeeded()
    {
        QFETCH(int, since);
        QFETCH(int, until);
        QFETCH(int, filesRead);
        QFETCH(int, filesSkipped);
        QFETCH(int, first);
        QFETCH(int, last);
        QTemporaryDir tmp;
        const auto at = [](int seq) {
            return testutil::baseTime().addSecs(10 * seq);
        };
        QVERIFY(writeFourFiles(tmp.path()));
        LogQuery q;
        if (since >= 0)
            q.since = at(since);
        if (until != -1)
            q.until = at(until);
        QList<Snapshot> out;
        QString err;
        StoreReadStats stats;
        QVERIFY2(readRecentSnapshots(tmp.path(), q, nullptr, &out, &err, &stats), qPrintable(err));
        QCOMPARE(stats.filesInStore, 4);
        QCOMPARE(stats.filesRead, filesRead);
        QCOMPARE(stats.filesSkipped, filesSkipped);
        const int count = first < 0 ? 0 : last - first + 1;
        QCOMPARE(out.size(), count);
        QCOMPARE(stats.entries, qint64(count));
        // In stored order, nothing missing or repeated.
        for (int i = 0; i < count; ++i)
            QCOMPARE(out[i].timestamp, at(first + i));
    }

    void recentReadStopsWhenTheCallerHasEnough()
    {
        QTemporaryDir tmp;
        QVERIFY(writeFourFiles(tmp.path()));
        int asked = 0;
        QList<Snapshot> out;
        QString err;
        StoreReadStats stats;
        QVERIFY2(readRecentSnapshots(
                     tmp.path(), LogQuery(),
                     [&](const QList<Snapshot>& soFar) {
                         ++asked;
                         return soFar.size() >= 8;
                     },
                     &out, &err, &stats),
                 qPrintable(err));
        QCOMPARE(asked, 2);
        QCOMPARE(stats.filesRead, 2);
        QCOMPARE(out.size(), 10);
        QCOMPARE(out.first().timestamp, testutil::baseTime().addSecs(100));
        QCOMPARE(out.last().timestamp, testutil::baseTime().addSecs(190));

        QVERIFY(!readRecentSnapshots(tmp.filePath(QStringLiteral("none")), LogQuery(), nullptr, &out, &err));
        QVERIFY2(err.contains(QLatin1String("no log store")), qPrintable(err));
    }

    void exportWritesTheOriginalArray()
    {
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.filePath(QStringLiteral("data"));
        o.maxFileBytes = 8 * 1024;
        o.retainedFiles = 50;
        {
            LogStore store(o);
            QString err;
            QVERIFY(store.open(&err));
            for (int i = 0; i < 40; ++i)
                store.append(storedLine(i), &err);
        }
        const QString out = tmp.filePath(QStringLiteral("logs.json"));
        QString err;
        qint64 count = 0;
        QVERIFY2(exportLogs(o.dataDir, out, &err, &count), qPrintable(err));
        QCOMPARE(count, 40);
        const QByteArray bytes = fileBytes(out);
        const json arr = json::parse(bytes.constBegin(), bytes.constEnd());
        QVERIFY(arr.is_array());
        QCOMPARE(int(arr.size()), 40);
        for (int i = 0; i < 40; ++i) {
            // The original's LogEntry fields, as its consumers read them.
            QVERIFY(arr[i]["timestamp"].is_string());
            QVERIFY(arr[i]["sysinfo"]["Memory"]["Total_Memory_MB"].is_number());
            QCOMPARE(testutil::seqOf(arr[i]), i);
        }
        // Atomic: nothing but the result in the folder.
        QCOMPARE(QDir(tmp.path()).entryList(QDir::Files), QStringList { QStringLiteral("logs.json") });

        // An empty store exports an empty array.
        QTemporaryDir empty;
        QVERIFY(exportLogs(empty.path(), out, &err, &count));
        QCOMPARE(count, 0);
        QCOMPARE(json::parse(fileBytes(out).toStdString()), json::array());

        // Errors are clear and leave the old file alone.
        QVERIFY(!exportLogs(tmp.filePath(QStringLiteral("missing")), out, &err));
        QVERIFY2(err.contains(QLatin1String("missing")), qPrintable(err));
        QVERIFY(!exportLogs(o.dataDir, tmp.filePath(QStringLiteral("logs.json/sub.json")), &err));
        QVERIFY(!err.isEmpty());
        QCOMPARE(json::parse(fileBytes(out).toStdString()), json::array());
    }

    void secondWriterIsRefused()
    {
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.path();
        LogStore a(o);
        LogStore b(o);
        QString err;
        QVERIFY(a.open(&err));
        QVERIFY(!b.open(&err));
        QVERIFY2(err.contains(QLatin1String("another process")), qPrintable(err));
        a.close();
        QVERIFY2(b.open(&err), qPrintable(err));
    }

    void unusableDirectory()
    {
        QTemporaryDir tmp;
        QFile file(tmp.filePath(QStringLiteral("a-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        StoreSettings o;
        o.dataDir = tmp.filePath(QStringLiteral("a-file/logs")); // ENOTDIR, even for root
        LogStore store(o);
        QString err;
        QVERIFY(!store.open(&err));
        QVERIFY2(err.contains(QLatin1String("cannot create data directory")) && err.contains(o.dataDir),
                 qPrintable(err));
        QCOMPARE(store.append(storedLine(0), &err), StoreStatus::Unavailable);
        QVERIFY(!err.isEmpty());
    }

    void syncEveryAppend()
    {
        QTemporaryDir tmp;
        StoreSettings o;
        o.dataDir = tmp.path();
        o.syncIntervalMs = 0;
        LogStore store(o);
        QString err;
        QVERIFY(store.open(&err));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(store.append(storedLine(i), &err), StoreStatus::Ok);
        QVERIFY(store.sync(&err));
        QVERIFY(store.lastSyncError().isEmpty());
        QCOMPARE(readAll(tmp.path()).size(), 5);
    }
};

QTEST_GUILESS_MAIN(TestLogStore)
#include "tst_logstore.moc"
