#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTimer>

class QTcpSocket;
class ConnectionGuard;

struct ConnectionLimits
{
    // A request (headers and body) must arrive within this time from the
    // connection's start or the end of the previous response, and an idle
    // keep-alive connection is closed after it. Progress does not extend it:
    // a client dribbling one byte a second is cut like a silent one.
    int idleTimeoutMs = 10000;
    qint64 maxBodyBytes = 1024 * 1024;
    int maxHeaderBytes = 32 * 1024;
    // Past either bound the connection that has waited longest for its next
    // byte (idle, or in the middle of a request; never one whose response is
    // due) is closed to admit the newcomer; if every one is busy the
    // newcomer gets 503. The per-address bound keeps one host (one local
    // user's script) from taking every slot.
    int maxConnections = 1000;
    int maxConnectionsPerAddress = 256;
    // Request bodies QHttpServer holds in memory, all connections together
    // (it buffers each body twice until the request is complete). A request
    // whose Content-Length does not fit gets 503 with Retry-After.
    qint64 maxBodyBytesInFlight = 48 * 1024 * 1024;
    // A handler that has not started its response after this is given up on.
    int responseTimeoutMs = 300000;
    // After an error answer, the rest of the request is read and discarded
    // for this long (so the client sees the answer instead of a reset), then
    // the connection is closed.
    int lingerMs = 1000;
};

// QHttpServer 6.4 has no idle timeout, buffers any body whole before looking
// at it, and on a parse error disconnects the socket's signals without
// closing it. This QTcpServer sits under it (QAbstractHttpServer::bind) and
// gives every accepted socket a ConnectionGuard that sees each byte before the
// HTTP server does: it frames requests itself (request line, headers,
// Content-Length), answers 413/431/411/400/408/503 and closes the connection
// without buffering a body over the limit, closes idle and slow connections,
// answers "Expect: 100-continue", keeps the connection count under a bound and
// recovers from running out of file descriptors.
//
// With a TLS configuration every connection is a QSslSocket: the guard looks
// at the first byte (a TLS record starts with 0x16; anything else is a
// plain-HTTP client, answered in plain text with 400 and closed), runs the
// handshake and hands the socket to QHttpServer only once it is encrypted.
// The handshake is part of the connection's first request: it runs on the
// same idle clock, counts against the same connection bounds and may be
// evicted like an idle connection, so unfinished handshakes cannot hold the
// server.
class GuardedTcpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(ConnectionLimits limits, QObject* parent = nullptr);
    ~GuardedTcpServer() override;

    const ConnectionLimits& limits() const { return m_limits; }
    // Serve HTTPS with this configuration (certificate chain and key set);
    // call before listen(). A null configuration: plain HTTP.
    void setTlsConfiguration(const QSslConfiguration& configuration);
    bool isTls() const { return !m_tls.isNull(); }
    // Call once after QAbstractHttpServer::bind(this): the guard then also
    // sees what QHttpServer left unread after each readyRead, which is how
    // it frames each byte exactly once.
    void attachAfterHttpServer();
    // While held, requests pipelined behind the one being answered are read
    // and kept by the guard (QHttpServer does not see them), so a response
    // written over several event-loop turns (GET /logs streaming, a chart
    // rendering) is not interleaved with the next one. Releasing hands them
    // back in order.
    static void holdRequests(QTcpSocket* socket, bool hold);
    qint64 bodyBytesInFlight() const { return m_bodyBytes; }
    int openConnections() const { return int(m_guards.size()); }
    // Connections closed by the guard, by reason: idle, slow, oversize,
    // header, length, method, version, bad-request, capacity, evicted,
    // budget; with TLS also handshake (not finished in time), tls (failed)
    // and plain-http (a plain request to the HTTPS port).
    QMap<QString, quint64> cutCounts() const { return m_cut; }

    // Name of the dynamic property the guard sets on a socket while a request
    // that asked for "Connection: close" (or HTTP/1.0 without keep-alive) is
    // answered: the responder should close after writing.
    static const char* closeAfterResponseProperty() { return "stevedoreCloseAfterResponse"; }
    // Set while an HTTP/1.0 request is answered (no chunked encoding then).
    static const char* http10Property() { return "stevedoreHttp10"; }

Q_SIGNALS:
    // The guard answered a request itself (status >= 400) and is closing.
    void connectionCut(int status, const QString& reason, const QString& message);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    friend class ConnectionGuard;
    void guardGone(ConnectionGuard* guard);
    // A TLS connection finished its handshake: QHttpServer takes it now.
    void handOver(ConnectionGuard* guard, QTcpSocket* socket);
    void noteCut(int status, const QString& reason, const QString& message);
    // Closes the connection (of `address`, when given) that has waited
    // longest for its next byte. False when every one is busy.
    bool evictIdlest(const QString& address = QString());
    // Closes idle keep-alive connections still holding a body until `need`
    // more bytes fit in the body budget. False when they cannot be made to.
    bool reserveBody(ConnectionGuard* guard, qint64 need);
    void releaseBody(qint64 bytes) { m_bodyBytes -= bytes; }

    ConnectionLimits m_limits;
    QList<ConnectionGuard*> m_guards;
    QMap<QString, quint64> m_cut;
    qint64 m_bodyBytes = 0;
    bool m_attached = false;
    QSslConfiguration m_tls;
};
