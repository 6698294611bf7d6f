#include "guardedtcpserver.h"

#include <nlohmann/json.hpp>

#include <QLoggingCategory>
#include <QTcpSocket>

#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcGuard, "stevedore.receiver.guard")

namespace {
const char* reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 417:
        return "Expectation Failed";
    case 431:
        return "Request Header Fields Too Large";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Error";
    }
}

QByteArray errorResponse(int status, const QString& message)
{
    const QByteArray body = QByteArray::fromStdString(nlohmann::json { { "error", message.toStdString() } }.dump(
                                -1, ' ', false, nlohmann::json::error_handler_t::replace))
        + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n";
    return out + body;
}

bool isToken(const QByteArray& s)
{
    if (s.isEmpty())
        return false;
    for (const char ch : s) {
        if (ch <= ' ' || ch >= 127 || ch == ':' || ch == '"' || ch == '(' || ch == ')' || ch == ',')
            return false;
    }
    return true;
}
} // namespace

// Watches one connection: sees every byte before QHttpServer does (its
// readyRead slot is connected first), frames the requests and enforces the
// limits. Lives as a child of the socket.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket* socket, GuardedTcpServer* server)
        : QObject(socket)
        , m_socket(socket)
        , m_server(server)
        , m_limits(server->limits())
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { onTimeout(); });
        QObject::connect(socket, &QIODevice::readyRead, this, [this] { onReadyRead(); });
        QObject::connect(socket, &QIODevice::bytesWritten, this, [this] { onBytesWritten(); });
        m_idle.start();
        m_timer.start(m_limits.idleTimeoutMs);
    }

    ~ConnectionGuard() override
    {
        if (m_server)
            m_server->guardGone(this);
    }

    void detach() { m_server = nullptr; }
    bool isIdle() const { return m_phase == Phase::Head && m_head.isEmpty() && !m_awaiting; }
    qint64 idleMs() const { return m_idle.elapsed(); }

    // Closes at once (no answer): idle connections and the end of a linger.
    void drop()
    {
        m_timer.stop();
        m_socket->abort();
        // QHttpServer deletes its sockets on disconnected(), unless it has
        // disconnected every signal after a parse error: delete it here too
        // (a second deleteLater is harmless).
        m_socket->deleteLater();
    }

    void reject(int status, const char* reason, const QString& message)
    {
        if (m_phase == Phase::Rejected)
            return;
        m_phase = Phase::Rejected;
        qCDebug(lcGuard).noquote() << m_socket->peerAddress().toString() << status << message;
        if (m_server)
            m_server->noteCut(status, QLatin1String(reason), message);
        // From now on QHttpServer must not see another byte of this
        // connection: disconnecting its slot also skips it in the current
        // readyRead emission, which has not reached it yet.
        QObject::disconnect(m_socket, &QIODevice::readyRead, nullptr, nullptr);
        QObject::connect(m_socket, &QIODevice::readyRead, this, [this] { discard(); });
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        discard();
        m_socket->write(errorResponse(status, message));
        m_socket->flush();
        halfCloseWhenFlushed();
        m_timer.start(m_limits.lingerMs);
    }

private:
    enum class Phase { Head, Body, Rejected };

    void onReadyRead()
    {
        if (m_phase == Phase::Rejected) {
            discard();
            return;
        }
        const qint64 n = m_socket->bytesAvailable();
        if (n <= 0)
            return;
        // QHttpServer reads everything on each readyRead, so what is
        // available now is exactly what arrived since the last emission.
        const QByteArray chunk = m_socket->peek(n);
        consume(chunk);
    }

    void onBytesWritten()
    {
        if (m_phase == Phase::Rejected) {
            halfCloseWhenFlushed();
            return;
        }
        // A response is going out: the request/idle clock starts again.
        m_awaiting = false;
        m_idle.restart();
        m_timer.start(m_limits.idleTimeoutMs);
    }

    void onTimeout()
    {
        if (m_phase == Phase::Rejected) {
            drop(); // linger over
            return;
        }
        if (m_awaiting) {
            qCWarning(lcGuard) << "no response after" << m_limits.responseTimeoutMs << "ms: closing the connection";
            if (m_server)
                m_server->noteCut(0, QStringLiteral("response"), QString());
            drop();
            return;
        }
        if (m_phase == Phase::Head && m_head.isEmpty()) {
            if (m_server)
                m_server->noteCut(0, QStringLiteral("idle"), QString());
            drop();
            return;
        }
        reject(408, "slow", QStringLiteral("request not received within %1 ms").arg(m_limits.idleTimeoutMs));
    }

    void discard()
    {
        while (m_socket->bytesAvailable() > 0) {
            if (m_socket->skip(m_socket->bytesAvailable()) <= 0)
                break;
        }
    }

    void halfCloseWhenFlushed()
    {
        // FIN after the answer, while still reading: the client reads the
        // answer instead of a reset caused by unread data at close().
        if (!m_halfClosed && m_socket->bytesToWrite() == 0 && m_socket->socketDescriptor() >= 0) {
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
            m_halfClosed = true;
        }
    }

    void consume(const QByteArray& chunk)
    {
        const qsizetype size = chunk.size();
        qsizetype i = 0;
        while (i < size && m_phase != Phase::Rejected) {
            if (m_phase == Phase::Body) {
                const qint64 take = std::min<qint64>(m_remaining, size - i);
                m_remaining -= take;
                i += qsizetype(take);
                if (m_remaining == 0)
                    requestComplete();
                continue;
            }
            if (m_head.isEmpty()) {
                // Empty lines before a request line are allowed (RFC 9112 2.2).
                while (i < size && (chunk.at(i) == '\r' || chunk.at(i) == '\n'))
                    ++i;
                if (i == size)
                    break;
            }
            const qsizetype searchFrom = std::max<qsizetype>(0, m_head.size() - 3);
            const qsizetype room = m_limits.maxHeaderBytes + 4 - m_head.size();
            const qsizetype take = std::min(size - i, room);
            m_head.append(chunk.constData() + i, take);
            const qsizetype end = m_head.indexOf("\r\n\r\n", searchFrom);
            if (end < 0) {
                i += take;
                if (m_head.size() > m_limits.maxHeaderBytes)
                    reject(431, "header",
                           QStringLiteral("request headers over the limit of %1 bytes").arg(m_limits.maxHeaderBytes));
                continue;
            }
            const qsizetype headLen = end + 4;
            i += take - (m_head.size() - headLen);
            m_head.truncate(headLen);
            if (headLen > m_limits.maxHeaderBytes) {
                reject(431, "header",
                       QStringLiteral("request headers over the limit of %1 bytes").arg(m_limits.maxHeaderBytes));
                return;
            }
            if (!parseHead())
                return;
            m_head.clear();
            if (m_remaining == 0)
                requestComplete();
            else
                m_phase = Phase::Body;
        }
    }

    void requestComplete()
    {
        m_phase = Phase::Head;
        m_awaiting = true;
        m_timer.start(m_limits.responseTimeoutMs);
    }

    bool parseHead()
    {
        QList<QByteArray> lines = m_head.left(m_head.size() - 4).split('\n');
        for (QByteArray& l : lines) {
            if (l.endsWith('\r'))
                l.chop(1);
        }
        const QList<QByteArray> parts = lines.first().split(' ');
        if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            reject(400, "bad-request", QStringLiteral("malformed request line"));
            return false;
        }
        static const QList<QByteArray> methods
            = { "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE" };
        if (!methods.contains(parts[0])) {
            reject(501, "method",
                   QStringLiteral("method %1 is not supported").arg(QString::fromLatin1(parts[0].left(16))));
            return false;
        }
        if (!parts[1].startsWith('/') && !parts[1].startsWith("http://")) {
            reject(400, "bad-request", QStringLiteral("malformed request target"));
            return false;
        }
        const QByteArray& version = parts[2];
        const bool http10 = version == "HTTP/1.0";
        if (!http10 && version != "HTTP/1.1") {
            if (version.startsWith("HTTP/"))
                reject(505, "version", QStringLiteral("only HTTP/1.0 and HTTP/1.1 are served"));
            else
                reject(400, "bad-request", QStringLiteral("malformed request line"));
            return false;
        }
        qint64 length = -1;
        bool close = false;
        bool keepAlive = false;
        bool expectContinue = false;
        for (qsizetype n = 1; n < lines.size(); ++n) {
            const QByteArray& line = lines[n];
            const qsizetype colon = line.indexOf(':');
            if (line.startsWith(' ') || line.startsWith('\t') || colon <= 0 || !isToken(line.left(colon))) {
                reject(400, "bad-request", QStringLiteral("malformed header line"));
                return false;
            }
            const QByteArray name = line.left(colon).toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length") {
                bool ok = value.size() <= 18 && !value.isEmpty();
                for (const char ch : value)
                    ok = ok && ch >= '0' && ch <= '9';
                const qint64 v = ok ? value.toLongLong(&ok) : -1;
                if (!ok || (length >= 0 && v != length)) {
                    reject(400, "bad-request", QStringLiteral("invalid Content-Length"));
                    return false;
                }
                length = v;
            } else if (name == "transfer-encoding") {
                reject(411, "length",
                       QStringLiteral("request bodies must have a Content-Length (Transfer-Encoding is not accepted)"));
                return false;
            } else if (name == "expect") {
                if (value.toLower() != "100-continue") {
                    reject(417, "bad-request", QStringLiteral("only 'Expect: 100-continue' is understood"));
                    return false;
                }
                expectContinue = true;
            } else if (name == "connection") {
                for (const QByteArray& token : value.toLower().split(',')) {
                    close = close || token.trimmed() == "close";
                    keepAlive = keepAlive || token.trimmed() == "keep-alive";
                }
            }
        }
        if (length > m_limits.maxBodyBytes) {
            reject(413, "oversize",
                   QStringLiteral("request body of %1 bytes is over the limit of %2 bytes")
                       .arg(length)
                       .arg(m_limits.maxBodyBytes));
            return false;
        }
        m_socket->setProperty(GuardedTcpServer::closeAfterResponseProperty(), close || (http10 && !keepAlive));
        m_socket->setProperty(GuardedTcpServer::http10Property(), http10);
        m_remaining = std::max<qint64>(length, 0);
        if (expectContinue && m_remaining > 0)
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
        return true;
    }

    QTcpSocket* m_socket;
    GuardedTcpServer* m_server;
    const ConnectionLimits m_limits;
    QTimer m_timer;
    QElapsedTimer m_idle;
    Phase m_phase = Phase::Head;
    QByteArray m_head;
    qint64 m_remaining = 0;
    bool m_awaiting = false;
    bool m_halfClosed = false;
};

GuardedTcpServer::GuardedTcpServer(ConnectionLimits limits, QObject* parent)
    : QTcpServer(parent)
    , m_limits(limits)
{
    // Qt's default backlog (50) drops the handshakes of a burst of clients
    // (they retry a second later): take a burst of a few hundred at once.
    setListenBacklogSize(1024);
    // QTcpServer stops accepting for good on EMFILE/ENFILE. Free a
    // descriptor if an idle connection holds one, and try again shortly.
    connect(this, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        qCWarning(lcGuard).noquote() << "accept failed:" << errorString() << "- retrying";
        evictIdle();
        QTimer::singleShot(100, this, [this] { resumeAccepting(); });
    });
}

GuardedTcpServer::~GuardedTcpServer()
{
    for (ConnectionGuard* g : std::as_const(m_guards))
        g->detach();
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    if (m_guards.size() >= m_limits.maxConnections && !evictIdle()) {
        // Full of busy connections: say so and close, without involving the
        // HTTP server.
        auto* s = new QTcpSocket(this);
        if (!s->setSocketDescriptor(descriptor)) {
            ::close(int(descriptor));
            delete s;
            return;
        }
        const QString message = QStringLiteral("too many connections (%1)").arg(m_limits.maxConnections);
        noteCut(503, QStringLiteral("capacity"), message);
        s->write(errorResponse(503, message));
        s->disconnectFromHost();
        connect(s, &QAbstractSocket::disconnected, s, &QObject::deleteLater);
        QTimer::singleShot(m_limits.lingerMs, s, [s] {
            s->abort();
            s->deleteLater();
        });
        return;
    }
    auto* socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    // The guard connects to readyRead before QHttpServer does (it connects in
    // its newConnection handler), so it runs first on every read.
    m_guards.append(new ConnectionGuard(socket, this));
    addPendingConnection(socket);
}

void GuardedTcpServer::guardGone(ConnectionGuard* guard)
{
    m_guards.removeOne(guard);
}

void GuardedTcpServer::noteCut(int status, const QString& reason, const QString& message)
{
    ++m_cut[reason];
    if (status > 0)
        Q_EMIT connectionCut(status, reason, message);
}

bool GuardedTcpServer::evictIdle()
{
    ConnectionGuard* oldest = nullptr;
    for (ConnectionGuard* g : std::as_const(m_guards)) {
        if (g->isIdle() && (!oldest || g->idleMs() > oldest->idleMs()))
            oldest = g;
    }
    if (!oldest)
        return false;
    noteCut(0, QStringLiteral("evicted"), QString());
    m_guards.removeOne(oldest);
    oldest->detach();
    oldest->drop();
    return true;
}
