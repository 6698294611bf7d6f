// WebhookSender against a real HTTP listener on loopback: order, retries of
// 503 and of a refused connection with backoff, no retry of a 4xx, and the
// bounded queue dropping the oldest document.
#include "core/alerts/webhook.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

namespace {
// Answers each request with the next status of `statuses` (then 200) and
// records the bodies it was sent.
class Listener : public QObject
{
public:
    QList<int> statuses;
    QList<QByteArray> bodies;
    Listener()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/hook").arg(m_server.serverPort())); }

private:
    void onData(QTcpSocket* s)
    {
        QByteArray& buf = m_buffers[s];
        buf += s->readAll();
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        qsizetype length = 0;
        for (const QByteArray& line : buf.left(end).split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        if (buf.size() < end + 4 + length)
            return;
        bodies.append(buf.mid(end + 4, length));
        buf.remove(0, end + 4 + length);
        const int status = statuses.isEmpty() ? 200 : statuses.takeFirst();
        s->write(QByteArray("HTTP/1.1 ") + QByteArray::number(status) + " X\r\nContent-Length: 0\r\n\r\n");
    }
    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

WebhookSettings fast()
{
    WebhookSettings s;
    s.maxAttempts = 3;
    s.initialBackoffMs = 50;
    s.maxBackoffMs = 200;
    s.timeoutMs = 3000;
    return s;
}
} // namespace

class TestWebhook : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void retriesThenDeliversInOrder()
    {
        Listener l;
        QVERIFY(l.listen());
        l.statuses = { 503, 500 };
        WebhookSender sender(fast());
        QSignalSpy delivered(&sender, &WebhookSender::delivered);
        QSignalSpy failed(&sender, &WebhookSender::failed);
        sender.post(l.url(), "{\"n\":1}");
        sender.post(l.url(), "{\"n\":2}");
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, 10000);
        QCOMPARE(failed.size(), 0);
        // Two failed attempts of the first, then the first, then the second.
        QCOMPARE(l.bodies, (QList<QByteArray> { "{\"n\":1}", "{\"n\":1}", "{\"n\":1}", "{\"n\":2}" }));
        QCOMPARE(sender.queued(), 0);
    }

    void givesUpAfterMaxAttempts()
    {
        Listener l;
        QVERIFY(l.listen());
        l.statuses = { 503, 503, 503 };
        WebhookSender sender(fast());
        QSignalSpy failed(&sender, &WebhookSender::failed);
        QSignalSpy delivered(&sender, &WebhookSender::delivered);
        sender.post(l.url(), "a");
        sender.post(l.url(), "b");
        QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, 10000);
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().at(1).toString().contains(QLatin1String("3 attempts")));
        QCOMPARE(l.bodies.size(), 4); // a three times, then b
        QCOMPARE(sender.dropped(), quint64(1));
    }

    void clientErrorIsNotRetried()
    {
        Listener l;
        QVERIFY(l.listen());
        l.statuses = { 400 };
        WebhookSender sender(fast());
        QSignalSpy failed(&sender, &WebhookSender::failed);
        sender.post(l.url(), "x");
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QTest::qWait(300);
        QCOMPARE(l.bodies.size(), 1);
    }

    void refusedConnectionIsRetried()
    {
        QTcpServer probe; // a port nobody listens on
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(probe.serverPort()));
        probe.close();
        WebhookSender sender(fast());
        QSignalSpy failed(&sender, &WebhookSender::failed);
        QElapsedTimer t;
        t.start();
        sender.post(url, "x");
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QVERIFY(t.elapsed() >= 50 + 100); // backed off between the attempts
    }

    void queueIsBounded()
    {
        WebhookSettings s = fast();
        s.maxQueue = 3;
        // Nobody answers: the first delivery stays in flight (until its timeout).
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        WebhookSender sender(s);
        QSignalSpy failed(&sender, &WebhookSender::failed);
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/").arg(silent.serverPort()));
        for (int i = 0; i < 6; ++i)
            sender.post(url, QByteArray::number(i));
        // One in flight, three queued, two oldest queued ones dropped.
        QCOMPARE(sender.queued(), 4);
        QCOMPARE(failed.size(), 2);
        QCOMPARE(sender.dropped(), quint64(2));
        QVERIFY(failed.first().at(1).toString().contains(QLatin1String("queue full")));
    }
};

QTEST_GUILESS_MAIN(TestWebhook)
#include "tst_webhook.moc"
