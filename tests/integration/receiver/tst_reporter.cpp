// The reporter against a real receiver that is down, then up: entries wait
// in order, the bound drops the oldest (counted and logged), refused entries
// are not retried forever, and the original's shutdown sequence (final entry,
// flush, then /generate_graphs) happens in that order. Every entry carries its
// entry_id, and a resent one is stored once (issue 14).
#include "core/model/logentry.h"
#include "core/receiver/logreceiver.h"
#include "core/reporter/reporter.h"
#include "receivertestutil.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

namespace {
using testutil::freePort;

ReporterSettings to(quint16 port, int maxQueue = 10000, const QString& token = {})
{
    ReporterSettings o;
    o.url = QUrl(QStringLiteral("http://127.0.0.1:%1/logs").arg(port));
    o.maxQueue = maxQueue;
    o.minBackoffMs = 50;
    o.maxBackoffMs = 200;
    o.token = token;
    return o;
}

QList<qint64> storedSeqs(const QString& dir)
{
    QList<qint64> out;
    LogReader reader(dir);
    if (!reader.open(nullptr))
        return out;
    QByteArray line;
    while (reader.next(line))
        out.append(testutil::seqOf(line));
    return out;
}

// The stored entries' entry_id, in stored order.
QList<EntryId> storedIds(const QString& dir)
{
    QList<EntryId> out;
    LogReader reader(dir);
    if (!reader.open(nullptr))
        return out;
    QByteArray line;
    EntryId id;
    while (reader.next(line))
        if (entryIdFromStoredLine(line, id))
            out.append(id);
    return out;
}

// POSTs `body` to /logs and waits for the answer: the HTTP status.
int post(quint16 port, const QByteArray& body)
{
    QNetworkAccessManager nam;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/logs").arg(port)));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QNetworkReply* reply = nam.post(request, body);
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(5000))
        return -1;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

QList<qint64> range(qint64 from, qint64 to)
{
    QList<qint64> out;
    for (qint64 i = from; i < to; ++i)
        out.append(i);
    return out;
}
} // namespace

class TestReporter : public QObject
{
    Q_OBJECT
    std::unique_ptr<LogReceiver> startReceiver(quint16 port, const QString& dir, const QString& token = {})
    {
        ReceiverSettings ro;
        ro.port = port;
        ro.token = token;
        StoreSettings so;
        so.dataDir = dir;
        auto rx = std::make_unique<LogReceiver>(ro, so);
        QString err;
        if (!rx->start(&err))
            qWarning("%s", qPrintable(err));
        return rx;
    }

private Q_SLOTS:
    void deliveredInOrderAfterAnOutage()
    {
        QTemporaryDir tmp;
        const quint16 port = freePort();
        Reporter reporter(to(port));
        QSignalSpy failing(&reporter, &Reporter::deliveryFailing);
        for (int i = 0; i < 50; ++i)
            reporter.report(testutil::makeSnapshot(i));
        QTRY_VERIFY(reporter.failing());
        QTest::qWait(300);
        QCOMPARE(reporter.queued(), 50);
        QCOMPARE(reporter.delivered(), quint64(0));
        QCOMPARE(failing.size(), 1); // said once, not per retry
        auto rx = startReceiver(port, tmp.path());
        QTRY_COMPARE_WITH_TIMEOUT(reporter.delivered(), quint64(50), 10000);
        QCOMPARE(reporter.queued(), 0);
        QVERIFY(!reporter.failing());
        QCOMPARE(storedSeqs(tmp.path()), range(0, 50));
        // The stored entries carry the snapshot (names, bytes) for /metrics.
        QCOMPARE(rx->latestSnapshot()->containers.first().name, QStringLiteral("stress_0"));
    }

    void boundDropsTheOldestAndSaysSo()
    {
        QTemporaryDir tmp;
        const quint16 port = freePort();
        Reporter reporter(to(port, 20));
        QSignalSpy overflow(&reporter, &Reporter::queueOverflow);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot report to")));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("report queue full \\(20 entries")));
        for (int i = 0; i < 30; ++i)
            reporter.report(testutil::makeSnapshot(i));
        QCOMPARE(reporter.queued(), 20);
        QCOMPARE(reporter.dropped(), quint64(10));
        QCOMPARE(overflow.size(), 10);
        QTRY_VERIFY(reporter.failing());
        auto rx = startReceiver(port, tmp.path());
        QTRY_COMPARE_WITH_TIMEOUT(reporter.delivered(), quint64(20), 10000);
        const QList<qint64> seqs = storedSeqs(tmp.path());
        // The one on the wire when the bound was hit is kept; then the newest.
        QCOMPARE(seqs.size(), 20);
        QCOMPARE(seqs.last(), 29);
        QVERIFY(std::is_sorted(seqs.begin(), seqs.end()));
        QCOMPARE(seqs.mid(1), range(11, 30));
    }

    void refusedEntriesAreNotRetried()
    {
        QTemporaryDir tmp;
        const quint16 port = freePort();
        auto rx = startReceiver(port, tmp.path());
        Reporter reporter(to(port));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("refused an entry with 400")));
        reporter.enqueue("{\"not\": \"an entry\"}");
        reporter.report(testutil::makeSnapshot(1));
        QTRY_COMPARE(reporter.delivered(), quint64(1));
        QCOMPARE(reporter.rejected(), quint64(1));
        QCOMPARE(reporter.queued(), 0);
        QCOMPARE(storedSeqs(tmp.path()), QList<qint64>({ 1 }));
    }

    void tokenIsSentAndAWrongOneKeepsEntries()
    {
        QTemporaryDir tmp;
        const quint16 port = freePort();
        auto rx = startReceiver(port, tmp.path(), QStringLiteral("tok"));
        Reporter good(to(port, 100, QStringLiteral("tok")));
        good.report(testutil::makeSnapshot(1));
        QTRY_COMPARE(good.delivered(), quint64(1));
        Reporter bad(to(port, 100, QStringLiteral("nope")));
        bad.report(testutil::makeSnapshot(2));
        QTRY_VERIFY(bad.failing());
        QVERIFY2(bad.lastError().contains(QLatin1String("401")), qPrintable(bad.lastError()));
        QCOMPARE(bad.queued(), 1); // a configuration error: kept, not dropped
        QCOMPARE(storedSeqs(tmp.path()), QList<qint64>({ 1 }));
    }

    void shutdownSequence()
    {
        QTemporaryDir tmp;
        const quint16 port = freePort();
        auto rx = startReceiver(port, tmp.path());
        // The renderer records what the store held when it ran.
        QList<qint64> seenAtRender;
        rx->setChartRenderer(std::make_shared<FunctionChartRenderer>([&](const QString& out, QString*) {
            seenAtRender = storedSeqs(tmp.path());
            QFile f(out + QStringLiteral("/system_metrics.png"));
            f.open(QIODevice::WriteOnly);
            f.write("png");
            return QStringList { f.fileName() };
        }));
        Reporter reporter(to(port));
        for (int i = 0; i < 3; ++i)
            reporter.report(testutil::makeSnapshot(i));
        const Snapshot last = testutil::makeSnapshot(99);
        QString err;
        const QStringList files = reporter.shutdownBlocking(&last, 5000, 10000, &err);
        QVERIFY2(err.isEmpty(), qPrintable(err));
        QCOMPARE(files, QStringList { rx->chartsDir() + QStringLiteral("/system_metrics.png") });
        QCOMPARE(seenAtRender, QList<qint64>({ 0, 1, 2, 99 }));
        QCOMPARE(reporter.generateGraphsUrl().path(), QStringLiteral("/generate_graphs"));
    }

    // Issue 14: every entry the reporter makes carries its identity, numbered
    // 1, 2, ... in its run; a new reporter (a restarted agent) is a new run.
    void entriesCarryTheirIdentity()
    {
        QTemporaryDir tmp;
        const quint16 port = freePort();
        auto rx = startReceiver(port, tmp.path());
        Reporter reporter(to(port));
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$")).match(reporter.runId()).hasMatch());
        for (int i = 0; i < 5; ++i) {
            Snapshot s = testutil::makeSnapshot(i);
            s.host.name = QStringLiteral("fleet-a");
            s.host.id = QStringLiteral("0123456789abcdef0123456789abcdef\n"); // /etc/machine-id's newline: cleaned
            reporter.report(s);
        }
        QCOMPARE(reporter.produced(), qint64(5));
        QVERIFY(reporter.flushBlocking(5000));
        QCOMPARE(reporter.peakQueued(), 5);
        QVERIFY(reporter.peakQueuedBytes() > 5 * 1000);
        QCOMPARE(reporter.queuedBytes(), qint64(0));
        const QList<EntryId> ids = storedIds(tmp.path());
        QCOMPARE(ids.size(), 5);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(ids[i].seq, qint64(i + 1));
            QCOMPARE(ids[i].run, reporter.runId());
            QCOMPARE(ids[i].hostId, QStringLiteral("0123456789abcdef0123456789abcdef"));
        }
        Reporter restarted(to(port));
        QVERIFY(restarted.runId() != reporter.runId());
        restarted.report(testutil::makeSnapshot(9));
        QVERIFY(restarted.flushBlocking(5000));
        QCOMPARE(storedIds(tmp.path()).constLast().seq, qint64(1));
        QCOMPARE(storedIds(tmp.path()).constLast().run, restarted.runId());
    }

    // An entry the receiver stored whose 201 the agent never saw is sent
    // again: answered 200 "duplicate", stored once, also after the receiver
    // restarted on the same store. Posts: "run:seq", a "restart" between.
    void resentEntryIsStoredOnce_data()
    {
        QTest::addColumn<QString>("posts");
        QTest::addColumn<QString>("statuses");
        QTest::addColumn<int>("stored");
        QTest::newRow("resent at once") << QStringLiteral("r1:1 r1:2 r1:2 r1:3") << QStringLiteral("201 201 200 201")
                                        << 3;
        QTest::newRow("resent after a receiver restart")
            << QStringLiteral("r1:1 r1:2 restart r1:2 r1:3") << QStringLiteral("201 201 200 201") << 3;
        QTest::newRow("agent restarted: its new run from 1")
            << QStringLiteral("r1:1 r1:2 restart r2:1 r1:2") << QStringLiteral("201 201 201 200") << 3;
        QTest::newRow("entries without entry_id are all stored")
            << QStringLiteral("-:0 -:0 restart -:0") << QStringLiteral("201 201 201") << 3;
    }
    void resentEntryIsStoredOnce()
    {
        QFETCH(QString, posts);
        QFETCH(QString, statuses);
        QFETCH(int, stored);
        QTemporaryDir tmp;
        const quint16 port = freePort();
        auto rx = startReceiver(port, tmp.path());
        QStringList got;
        for (const QString& post_ : posts.split(QLatin1Char(' '))) {
            if (post_ == QLatin1String("restart")) {
                rx.reset();
                rx = startReceiver(port, tmp.path());
                QVERIFY(rx->isListening());
                continue;
            }
            const QStringList parts = post_.split(QLatin1Char(':'));
            Snapshot s = testutil::makeSnapshot(parts[1].toLongLong());
            std::optional<EntryId> id;
            if (parts[0] != QLatin1String("-"))
                id = EntryId { QStringLiteral("host1"), parts[0], parts[1].toLongLong() };
            got.append(QString::number(post(port, reportEntryBytes(s, id))));
        }
        QCOMPARE(got.join(QLatin1Char(' ')), statuses);
        QCOMPARE(int(storedSeqs(tmp.path()).size()), stored);
        QCOMPARE(rx->counters().entriesDuplicate, quint64(statuses.count(QLatin1String("200"))));
    }

    void shutdownWithTheReceiverDownEndsAtTheDeadline()
    {
        Reporter reporter(to(freePort()));
        const Snapshot last = testutil::makeSnapshot(1);
        QElapsedTimer t;
        t.start();
        QString err;
        const QStringList files = reporter.shutdownBlocking(&last, 300, 1000, &err);
        QVERIFY(files.isEmpty());
        QVERIFY2(err.contains(QLatin1String("1 entries not delivered")), qPrintable(err));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }
};

QTEST_GUILESS_MAIN(TestReporter)
#include "tst_reporter.moc"
