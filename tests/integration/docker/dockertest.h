#pragma once

// Helpers for tests against the real dockerd: wait for a callback, label
// and clean up only what a test run created, and a socket proxy the test
// controls (to take "the daemon" away and bring it back without touching
// the shared dockerd).

#include "core/docker/dockerclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>
#include <optional>

namespace DockerTest {

inline QString defaultSocket()
{
    return QStringLiteral("/var/run/docker.sock");
}

// A label value unique to this test process.
inline QString newRunId(const char* prefix)
{
    return QStringLiteral("%1-%2-%3")
        .arg(QLatin1String(prefix))
        .arg(QCoreApplication::applicationPid())
        .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
}

inline QString testLabel()
{
    return QStringLiteral("stevedore.test");
}

// Runs the event loop until the callback came (or timeoutMs passed).
template<typename T>
std::optional<DockerResult<T>> await(const std::function<void(DockerClient::Callback<T>)>& start, int timeoutMs = 20000)
{
    std::optional<DockerResult<T>> out;
    QEventLoop loop;
    start([&](const DockerResult<T>& r) {
        out = r;
        loop.quit();
    });
    if (!out) {
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return out;
}

// Spins the event loop until pred() holds or timeoutMs passes.
inline bool waitUntil(const std::function<bool()>& pred, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!pred()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

// Force-removes every container carrying stevedore.test=<runId>, and only
// those. Returns how many were removed.
inline int removeRun(DockerClient& client, const QString& runId)
{
    ContainerListQuery q;
    q.all = true;
    q.labels = { testLabel() + QLatin1Char('=') + runId };
    const auto listed = await<QList<ContainerSummary>>(
        [&](DockerClient::Callback<QList<ContainerSummary>> cb) { client.listContainers(q, cb); });
    if (!listed || !listed->ok())
        return -1;
    int removed = 0;
    for (const ContainerSummary& c : listed->value) {
        if (c.labels.value(testLabel()) != runId)
            continue; // belt and braces: never someone else's
        const auto r = await<DockerNothing>(
            [&](DockerClient::Callback<DockerNothing> cb) { client.removeContainer(c.id, true, cb); });
        if (r && (r->ok() || r->error.isNotFound()))
            ++removed;
    }
    return removed;
}

// Byte pipe between a client connection and the real docker socket, with
// switches to play a daemon that is down (stop) or hangs (setHang).
class SocketProxy
{
public:
    explicit SocketProxy(QString upstream = defaultSocket())
        : m_upstream(std::move(upstream))
    {
        QObject::connect(&m_unix, &QLocalServer::newConnection, &m_unix, [this] {
            while (QLocalSocket* s = m_unix.nextPendingConnection())
                wire(s);
        });
        QObject::connect(&m_tcp, &QTcpServer::newConnection, &m_tcp, [this] {
            while (QTcpSocket* s = m_tcp.nextPendingConnection())
                wire(s);
        });
    }
    ~SocketProxy() { stop(); }

    bool listenUnix(const QString& path)
    {
        m_path = path;
        QLocalServer::removeServer(path);
        return m_unix.listen(path);
    }
    bool listenTcp() { return m_tcp.listen(QHostAddress::LocalHost); }
    quint16 tcpPort() const { return m_tcp.serverPort(); }
    // Closes the listener and every live connection: the "daemon" is gone,
    // and connecting fails at once (the socket file is removed).
    void stop()
    {
        m_unix.close();
        m_tcp.close();
        if (!m_path.isEmpty())
            QLocalServer::removeServer(m_path);
        const auto live = m_live;
        m_live.clear();
        for (const QPointer<QIODevice>& d : live) {
            if (!d)
                continue;
            if (auto* l = qobject_cast<QLocalSocket*>(d.data()))
                l->abort();
            else if (auto* t = qobject_cast<QTcpSocket*>(d.data()))
                t->abort();
            d->deleteLater();
        }
    }
    bool restart() { return listenUnix(m_path); }
    // Accept connections but never answer (a hung daemon).
    void setHang(bool hang) { m_hang = hang; }
    int accepted() const { return m_accepted; }

private:
    void wire(QIODevice* client)
    {
        ++m_accepted;
        m_live.append(client);
        if (m_hang)
            return; // read nothing, say nothing
        auto* up = new QLocalSocket(client);
        m_live.append(up);
        up->connectToServer(m_upstream);
        if (!up->waitForConnected(2000)) {
            client->close();
            return;
        }
        auto pump = [](QIODevice* from, QIODevice* to) {
            const QByteArray data = from->readAll();
            if (!data.isEmpty())
                to->write(data);
        };
        QObject::connect(client, &QIODevice::readyRead, up, [=] { pump(client, up); });
        QObject::connect(up, &QIODevice::readyRead, client, [=] { pump(up, client); });
        QObject::connect(up, &QLocalSocket::disconnected, client, [client] {
            if (auto* l = qobject_cast<QLocalSocket*>(client))
                l->disconnectFromServer();
            else if (auto* t = qobject_cast<QTcpSocket*>(client))
                t->disconnectFromHost();
        });
        auto closeUp = [up] {
            up->disconnectFromServer();
        };
        if (auto* l = qobject_cast<QLocalSocket*>(client))
            QObject::connect(l, &QLocalSocket::disconnected, up, closeUp);
        else if (auto* t = qobject_cast<QTcpSocket*>(client))
            QObject::connect(t, &QTcpSocket::disconnected, up, closeUp);
        pump(client, up); // bytes that came before the upstream was there
    }

    QString m_upstream;
    QString m_path;
    QLocalServer m_unix;
    QTcpServer m_tcp;
    QList<QPointer<QIODevice>> m_live;
    bool m_hang = false;
    int m_accepted = 0;
};

} // namespace DockerTest
