// The guard's request framing without sockets: where each request ends, fed
// whole or split at every byte, and what is refused with which status.
#include "core/receiver/httpframer.h"

#include <QtTest>

namespace {
struct Framed
{
    QList<qint64> completes; // stream offsets where requests end
    int error = 0;
    QByteArray lastHost;
};

Framed frame(const QByteArray& stream, qsizetype step)
{
    HttpFramer framer(FramerLimits { 1024, 4096 });
    std::vector<FramerEvent> events;
    for (qsizetype i = 0; i < stream.size(); i += step)
        framer.feed(QByteArrayView(stream).sliced(i, std::min(step, stream.size() - i)), events);
    Framed f;
    for (const FramerEvent& e : events) {
        if (e.kind == FramerEvent::Kind::Complete)
            f.completes.append(e.offset);
        else if (e.kind == FramerEvent::Kind::Error)
            f.error = e.status;
        else
            f.lastHost = e.head.host;
    }
    return f;
}

const QByteArray kPost = "POST /logs HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
} // namespace

class TestHttpFramer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void framing_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QList<qint64>>("completes");
        QTest::addColumn<int>("error");
        const qint64 n = kPost.size();
        QTest::newRow("one post") << kPost << QList<qint64> { n } << 0;
        QTest::newRow("two pipelined posts") << kPost + kPost << QList<qint64> { n, 2 * n } << 0;
        QTest::newRow("three pipelined") << kPost + kPost + kPost << QList<qint64> { n, 2 * n, 3 * n } << 0;
        const QByteArray lf = "GET /healthz HTTP/1.1\nHost: a\n\n";
        QTest::newRow("bare LF head") << lf << QList<qint64> { lf.size() } << 0;
        const QByteArray mixed = "GET /healthz HTTP/1.1\r\nHost: a\n\r\n";
        QTest::newRow("LF then CRLF") << mixed << QList<qint64> { mixed.size() } << 0;
        QTest::newRow("blank lines before") << "\r\n\r\n" + kPost << QList<qint64> { n + 4 } << 0;
        const QByteArray http10 = "GET /healthz HTTP/1.0\r\n\r\n";
        QTest::newRow("http/1.0 without headers") << http10 << QList<qint64> { http10.size() } << 0;
        QTest::newRow("good then chunked") << kPost + "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                                           << QList<qint64> { n } << 411;
        QTest::newRow("conflicting lengths")
            << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
            << QList<qint64> {} << 400;
        QTest::newRow("signed length") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\na")
                                       << QList<qint64> {} << 400;
        QTest::newRow("body over limit") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4097\r\n\r\n")
                                         << QList<qint64> {} << 413;
        QTest::newRow("head over limit") << "GET / HTTP/1.1\r\nHost: a\r\nX: " + QByteArray(2000, 'x')
                                         << QList<qint64> {} << 431;
        QTest::newRow("no host in 1.1") << QByteArray("GET / HTTP/1.1\r\n\r\n") << QList<qint64> {} << 400;
        QTest::newRow("two hosts") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n") << QList<qint64> {}
                                   << 400;
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n") << QList<qint64> {} << 505;
        QTest::newRow("unknown method") << QByteArray("BREW / HTTP/1.1\r\nHost: a\r\n\r\n") << QList<qint64> {} << 501;
        QTest::newRow("folded header") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n") << QList<qint64> {}
                                       << 400;
    }

    void framing()
    {
        QFETCH(QByteArray, stream);
        QFETCH(QList<qint64>, completes);
        QFETCH(int, error);
        // The same answer whatever the packets: whole, and split at every
        // size from one byte up.
        for (qsizetype step :
             { stream.size(), qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(7), qsizetype(64) }) {
            const Framed f = frame(stream, std::max<qsizetype>(step, 1));
            QCOMPARE(f.completes, completes);
            QCOMPARE(f.error, error);
        }
    }

    void headFields()
    {
        HttpFramer framer;
        std::vector<FramerEvent> events;
        framer.feed("POST /logs HTTP/1.0\r\nHost: localhost:5000\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
                    events);
        QCOMPARE(events.size(), size_t(1));
        const FramedHead& h = events[0].head;
        QCOMPARE(h.method, QByteArray("POST"));
        QCOMPARE(h.target, QByteArray("/logs"));
        QCOMPARE(h.host, QByteArray("localhost:5000"));
        QVERIFY(h.http10);
        QVERIFY(h.close); // HTTP/1.0 without keep-alive
        QVERIFY(h.expectContinue);
        QCOMPARE(h.contentLength, 2);
        QVERIFY(!framer.idle());
        framer.feed("{}", events);
        QVERIFY(framer.idle());
        QCOMPARE(events.back().kind, FramerEvent::Kind::Complete);
    }

    void nothingAfterError()
    {
        HttpFramer framer;
        std::vector<FramerEvent> events;
        framer.feed("GET / HTTP/9.9\r\nHost: a\r\n\r\n", events);
        QVERIFY(framer.failed());
        const size_t n = events.size();
        framer.feed(kPost, events);
        QCOMPARE(events.size(), n);
    }

    // The corpus of the fuzz target is made of these reproductions; they
    // must keep framing as the issue describes.
    void fuzzSeeds()
    {
        const QString dir = QFINDTESTDATA("../../fuzz/corpus/framing");
        QVERIFY(!dir.isEmpty());
        QFile f(dir + QStringLiteral("/pipelined-split-body"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray stream = f.readAll().mid(3); // cut-count byte and two cut bytes
        const Framed framed = frame(stream, 13);
        QCOMPARE(framed.completes.size(), 2);
        QCOMPARE(framed.error, 0);
    }
};

QTEST_GUILESS_MAIN(TestHttpFramer)
#include "tst_httpframer.moc"
