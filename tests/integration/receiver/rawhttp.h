#pragma once

// A small HTTP/1.1 client on a plain QTcpSocket, driven by a local event loop
// (so an in-process server keeps running): the receiver tests need to send
// what QNetworkAccessManager will not (wrong framing, huge or slow bodies,
// odd methods) and to see exactly what comes back and when the server closes.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QMap>
#include <QTcpSocket>
#include <QTimer>

namespace rawhttp {

struct Response
{
    int status = 0; // 0: no complete response
    QList<int> interim; // 1xx answers seen before it
    QMap<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    bool closedByServer = false; // the server closed the connection
    qint64 elapsedMs = 0;
};

// Parses one response from the front of `buf` (removes it). Returns false
// while incomplete. `eof`: the connection is closed (ends a body without
// length).
inline bool parseResponse(QByteArray& buf, Response& r, bool eof)
{
    while (true) {
        const qsizetype end = buf.indexOf("\r\n\r\n");
        if (end < 0)
            return false;
        const QList<QByteArray> lines = buf.left(end).split('\n');
        const QList<QByteArray> status = lines.first().trimmed().split(' ');
        const int code = status.size() > 1 ? status[1].toInt() : 0;
        QMap<QByteArray, QByteArray> headers;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        if (code >= 100 && code < 200) {
            r.interim.append(code);
            buf.remove(0, end + 4);
            continue;
        }
        QByteArray rest = buf.mid(end + 4);
        QByteArray body;
        qsizetype used = 0;
        if (headers.contains("content-length")) {
            const qsizetype len = headers.value("content-length").toLongLong();
            if (rest.size() < len)
                return false;
            body = rest.left(len);
            used = len;
        } else if (headers.value("transfer-encoding").toLower() == "chunked") {
            qsizetype pos = 0;
            while (true) {
                const qsizetype nl = rest.indexOf("\r\n", pos);
                if (nl < 0)
                    return false;
                bool ok = false;
                const qsizetype size = rest.mid(pos, nl - pos).trimmed().toLongLong(&ok, 16);
                if (!ok)
                    return false;
                if (size == 0) {
                    if (rest.size() < nl + 4)
                        return false;
                    used = nl + 4;
                    break;
                }
                if (rest.size() < nl + 2 + size + 2)
                    return false;
                body += rest.mid(nl + 2, size);
                pos = nl + 2 + size + 2;
            }
        } else {
            if (!eof)
                return false;
            body = rest;
            used = rest.size();
        }
        r.status = code;
        r.headers = headers;
        r.body = body;
        buf.remove(0, end + 4 + used);
        return true;
    }
}

// Sends `request` (all of it, or `bodyGenerator` chunks after it) on a new
// connection and reads one response, then waits up to `waitCloseMs` for the
// server to close.
inline Response exchange(quint16 port, const QByteArray& request, int timeoutMs = 5000, int waitCloseMs = 0)
{
    Response r;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    QByteArray buf;
    bool done = false;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    // Declared last, destroyed first: its last signals must not reach the
    // locals above (they are disconnected before that anyway).
    QTcpSocket socket;
    QObject::connect(&socket, &QTcpSocket::connected, [&] { socket.write(request); });
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] {
        buf += socket.readAll();
        if (!done && parseResponse(buf, r, false)) {
            done = true;
            r.elapsedMs = clock.elapsed();
            if (waitCloseMs <= 0)
                loop.quit();
            else
                deadline.start(waitCloseMs);
        }
    });
    QObject::connect(&socket, &QTcpSocket::disconnected, [&] {
        if (socket.isOpen())
            buf += socket.readAll();
        if (!done && parseResponse(buf, r, true)) {
            done = true;
            r.elapsedMs = clock.elapsed();
        }
        r.closedByServer = true;
        loop.quit();
    });
    QObject::connect(&socket, &QTcpSocket::errorOccurred, [&](QAbstractSocket::SocketError e) {
        if (e == QAbstractSocket::RemoteHostClosedError)
            return; // disconnected() follows
        r.closedByServer = e == QAbstractSocket::NetworkError;
        loop.quit();
    });
    socket.connectToHost(QHostAddress::LocalHost, port);
    deadline.start(timeoutMs);
    loop.exec();
    if (!done)
        r.elapsedMs = clock.elapsed();
    QObject::disconnect(&socket, nullptr, nullptr, nullptr);
    socket.abort();
    return r;
}

// One connection for several exchanges (keep-alive, Expect: 100-continue).
class Session
{
public:
    bool open(quint16 port, int timeoutMs = 3000)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        return wait([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, timeoutMs);
    }
    void send(const QByteArray& bytes) { m_socket.write(bytes); }
    // The next complete response (1xx ones are returned on their own when
    // `interim` is set).
    Response read(int timeoutMs = 5000, bool interim = false)
    {
        Response r;
        wait(
            [&] {
                m_buf += m_socket.readAll();
                if (interim) {
                    const qsizetype end = m_buf.indexOf("\r\n\r\n");
                    if (end >= 0 && m_buf.startsWith("HTTP/1.1 1")) {
                        r.status = m_buf.mid(9, 3).toInt();
                        m_buf.remove(0, end + 4);
                        return true;
                    }
                }
                return parseResponse(m_buf, r, m_socket.state() != QAbstractSocket::ConnectedState);
            },
            timeoutMs);
        r.closedByServer = m_socket.state() != QAbstractSocket::ConnectedState;
        return r;
    }
    bool waitClosed(int timeoutMs)
    {
        return wait([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }
    QTcpSocket& socket() { return m_socket; }

private:
    template<typename F> bool wait(F ready, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (!ready()) {
            if (t.elapsed() > timeoutMs)
                return false;
            QEventLoop loop;
            QTimer::singleShot(20, &loop, &QEventLoop::quit);
            QObject::connect(&m_socket, &QIODevice::readyRead, &loop, &QEventLoop::quit);
            QObject::connect(&m_socket, &QAbstractSocket::stateChanged, &loop, &QEventLoop::quit);
            loop.exec();
        }
        return true;
    }

    QTcpSocket m_socket;
    QByteArray m_buf;
};

} // namespace rawhttp
