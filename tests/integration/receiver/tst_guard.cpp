// The connection guard against a receiver in its own process (so its memory
// can be measured and its event loop is not the test's): idle and slow
// connections are closed after the timeout, a body far over the limit is cut
// off without being buffered, and 500 idle connections do not keep a normal
// client from being served.
#include "rawhttp.h"
#include "receivertestutil.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

namespace {
class Server
{
public:
    bool start(const QString& dataDir, int idleMs, qint64 maxBody = 1024 * 1024)
    {
        m_proc.setProgram(QStringLiteral(RECEIVER_HELPER));
        m_proc.setArguments({ QStringLiteral("serve"), dataDir, QString::number(idleMs), QString::number(maxBody) });
        m_proc.setProcessChannelMode(QProcess::SeparateChannels);
        m_proc.start();
        if (!m_proc.waitForStarted(5000))
            return false;
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (t.elapsed() < 10000 && !out.contains('\n')) {
            m_proc.waitForReadyRead(200);
            out += m_proc.readAllStandardOutput();
        }
        const auto m = QRegularExpression(QStringLiteral("PORT (\\d+)")).match(QString::fromLatin1(out));
        m_port = m.hasMatch() ? quint16(m.captured(1).toUInt()) : 0;
        return m_port != 0;
    }
    ~Server()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.kill();
            m_proc.waitForFinished(5000);
        }
    }
    quint16 port() const { return m_port; }
    // Peak resident memory of the server process, in KiB.
    qint64 peakKb() const { return status("VmHWM:"); }
    qint64 rssKb() const { return status("VmRSS:"); }
    bool running() const { return m_proc.state() == QProcess::Running; }

private:
    qint64 status(const char* key) const { return testutil::procStatusKb(m_proc.processId(), key); }
    QProcess m_proc;
    quint16 m_port = 0;
};

QByteArray postHead(qint64 length)
{
    return "POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(length) + "\r\n\r\n";
}

// Pushes `total` bytes after `head` as fast as the server takes them, reading
// what it answers, until everything is sent or the server closes.
struct Flood
{
    QByteArray answer;
    qint64 sent = 0;
    bool closed = false;
    qint64 ms = 0;
};

Flood flood(quint16 port, const QByteArray& head, qint64 total, int maxMs)
{
    Flood f;
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(3000))
        return f;
    QElapsedTimer t;
    t.start();
    s.write(head);
    const QByteArray piece(64 * 1024, 'x');
    while (t.elapsed() < maxMs) {
        if (f.sent < total && s.bytesToWrite() < 4 * piece.size()) {
            s.write(piece.constData(), std::min<qint64>(piece.size(), total - f.sent));
            f.sent += std::min<qint64>(piece.size(), total - f.sent);
        }
        s.waitForBytesWritten(5);
        if (s.bytesAvailable() > 0 || s.waitForReadyRead(1))
            f.answer += s.readAll();
        if (s.state() != QAbstractSocket::ConnectedState) {
            f.answer += s.readAll();
            f.closed = true;
            break;
        }
    }
    f.ms = t.elapsed();
    return f;
}
} // namespace

class TestGuard : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        // 500 client sockets live in this process too.
        struct rlimit rl = {};
        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = std::min<rlim_t>(rl.rlim_max, 8192);
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    void silentConnectionIsClosed()
    {
        QTemporaryDir tmp;
        Server server;
        QVERIFY(server.start(tmp.path(), 1000));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        QElapsedTimer t;
        t.start();
        QVERIFY(s.waitForDisconnected(5000) || s.state() == QAbstractSocket::UnconnectedState);
        QVERIFY2(t.elapsed() >= 800 && t.elapsed() < 4000, qPrintable(QString::number(t.elapsed())));
    }

    void idleKeepAliveIsClosed()
    {
        QTemporaryDir tmp;
        Server server;
        QVERIFY(server.start(tmp.path(), 1000));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        s.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray answer;
        while (!answer.contains("\"ok\"") && s.waitForReadyRead(3000))
            answer += s.readAll();
        QVERIFY(answer.startsWith("HTTP/1.1 200"));
        QElapsedTimer t;
        t.start();
        QVERIFY(s.waitForDisconnected(5000) || s.state() == QAbstractSocket::UnconnectedState);
        QVERIFY2(t.elapsed() >= 800 && t.elapsed() < 4000, qPrintable(QString::number(t.elapsed())));
    }

    void slowClientIsCut()
    {
        // Progress does not buy time: one header byte every 100 ms.
        QTemporaryDir tmp;
        Server server;
        QVERIFY(server.start(tmp.path(), 1000));
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(s.waitForConnected(3000));
        QElapsedTimer t;
        t.start();
        s.write("POST /logs HTTP/1.1\r\nX-Slow: ");
        QByteArray answer;
        while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < 5000) {
            s.write("a");
            s.waitForBytesWritten(100);
            if (s.waitForReadyRead(100))
                answer += s.readAll();
        }
        answer += s.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 408"), answer.constData());
        QVERIFY(s.state() != QAbstractSocket::ConnectedState);
        QVERIFY2(t.elapsed() < 4000, qPrintable(QString::number(t.elapsed())));
    }

    void oversizedBodyIsCutOff_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QByteArray>("status");
        // Announced: refused at the headers, before the body.
        QTest::newRow("64 MiB announced") << postHead(64ll << 20) << QByteArray("HTTP/1.1 413");
        // Lying: 100 bytes announced, 64 MiB sent. The excess is a "next
        // request" whose headers never end: cut at the header limit.
        QTest::newRow("64 MiB behind a small Content-Length") << postHead(100) << QByteArray("HTTP/1.1 431");
    }

    void oversizedBodyIsCutOff()
    {
        QFETCH(QByteArray, head);
        QFETCH(QByteArray, status);
        QTemporaryDir tmp;
        Server server;
        QVERIFY(server.start(tmp.path(), 10000));
        // Warm up: one normal request, so the baseline includes a served one.
        QCOMPARE(
            rawhttp::exchange(server.port(), postHead(testutil::originalEntry(0).size()) + testutil::originalEntry(0))
                .status,
            201);
        const qint64 before = server.peakKb();
        QVERIFY(before > 0);
        const Flood f = flood(server.port(), head, 64ll << 20, 10000);
        QVERIFY2(f.answer.contains(status), f.answer.left(400).constData());
        QVERIFY2(f.closed, "the server kept the connection open");
        QVERIFY2(f.ms < 4000, qPrintable(QString::number(f.ms)));
        const qint64 grown = server.peakKb() - before;
        qInfo("sent %lld KiB before the close, in %lld ms; server peak memory grew %lld KiB", f.sent >> 10, f.ms,
              grown);
        QVERIFY2(grown < 16 * 1024, qPrintable(QStringLiteral("server grew %1 KiB").arg(grown)));
        QVERIFY(server.running());
        QCOMPARE(rawhttp::exchange(server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 200);
    }

    // 500 connections from one address, half of them stopped inside a
    // request: past the per-address bound (256) the idlest are closed, and a
    // normal client is served at once.
    void fiveHundredIdleConnectionsDoNotBlockOthers()
    {
        QTemporaryDir tmp;
        Server server;
        QVERIFY(server.start(tmp.path(), 10000));
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 500; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QHostAddress::LocalHost, server.port());
            idle.push_back(std::move(s));
        }
        for (auto& s : idle)
            QVERIFY(s->state() == QAbstractSocket::ConnectedState || s->waitForConnected(5000));
        // Half of them have started a request and stopped.
        for (size_t i = 0; i < idle.size(); i += 2) {
            if (idle[i]->state() != QAbstractSocket::ConnectedState)
                continue;
            idle[i]->write("POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{");
            idle[i]->waitForBytesWritten(1000);
        }
        QElapsedTimer t;
        t.start();
        const QByteArray body = testutil::originalEntry(1);
        const auto r = rawhttp::exchange(server.port(), postHead(body.size()) + body, 5000);
        QCOMPARE(r.status, 201);
        // Milliseconds when the machine is quiet; a loaded CI box gets slack.
        QVERIFY2(r.elapsedMs < 2000, qPrintable(QString::number(r.elapsedMs)));
        const auto metrics = rawhttp::exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QCOMPARE(metrics.status, 200);
        const auto m = QRegularExpression(QStringLiteral("stevedore_receiver_connections (\\d+)"))
                           .match(QString::fromUtf8(metrics.body));
        QVERIFY(m.hasMatch());
        QVERIFY2(m.captured(1).toInt() <= 256 + 1, qPrintable(m.captured(1)));
        QVERIFY(QString::fromUtf8(metrics.body).contains(QLatin1String("reason=\"evicted\"")));
    }
};

QTEST_GUILESS_MAIN(TestGuard)
#include "tst_guard.moc"
