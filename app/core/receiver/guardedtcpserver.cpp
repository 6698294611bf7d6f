#include "core/receiver/guardedtcpserver.h"

#include "core/receiver/httpframer.h"

#include <nlohmann/json.hpp>

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>

#include <deque>
#include <optional>

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
    case 421:
        return "Misdirected Request";
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

QByteArray errorResponse(int status, const QString& message, int retryAfter = 0)
{
    const QByteArray body = QByteArray::fromStdString(nlohmann::json { { "error", message.toStdString() } }.dump(
                                -1, ' ', false, nlohmann::json::error_handler_t::replace))
        + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    out += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n";
    if (retryAfter > 0)
        out += "Retry-After: " + QByteArray::number(retryAfter) + "\r\n";
    out += "\r\n";
    return out + body;
}

} // namespace

// Watches one connection: sees every byte before QHttpServer does (its
// readyRead slot is connected first), frames the requests with HttpFramer and
// enforces the limits. A second slot, connected after QHttpServer's, notes
// how much QHttpServer left unread: the next emission frames only what
// arrived since (QHttpServer takes one request per emission and re-emits
// readyRead itself for the rest). Lives as a child of the socket.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket* socket, GuardedTcpServer* server)
        : QObject(socket)
        , m_socket(socket)
        , m_server(server)
        , m_limits(server->limits())
        , m_framer(FramerLimits { server->limits().maxHeaderBytes, server->limits().maxBodyBytes })
        , m_address(socket->peerAddress().toString())
    {
        setObjectName(QStringLiteral("stevedoreConnectionGuard"));
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { onTimeout(); });
        QObject::connect(socket, &QIODevice::readyRead, this, [this] { onReadyRead(); });
        QObject::connect(socket, &QIODevice::bytesWritten, this, [this] { onBytesWritten(); });
        if (auto* tls = qobject_cast<QSslSocket*>(socket)) {
            // Nothing reaches QHttpServer before the handshake is over; the
            // handshake runs on the first request's clock.
            m_phase = Phase::Handshake;
            QObject::connect(tls, &QSslSocket::encrypted, this, [this] { onEncrypted(); });
            QObject::connect(tls, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
                if (m_phase != Phase::Handshake)
                    return;
                qCDebug(lcGuard).noquote() << m_address << "TLS handshake failed:" << m_socket->errorString();
                if (m_server)
                    m_server->noteCut(0, QStringLiteral("tls"), QString());
                drop();
            });
            // Not QHttpServer's yet, so nobody else deletes it.
            QObject::connect(tls, &QAbstractSocket::disconnected, tls, &QObject::deleteLater);
            // An error answer is out only once its encrypted bytes are.
            QObject::connect(tls, &QSslSocket::encryptedBytesWritten, this, [this] {
                if (m_phase == Phase::Rejected)
                    halfCloseWhenFlushed(true);
            });
        }
        m_activity.start();
        m_timer.start(m_limits.idleTimeoutMs);
    }

    ~ConnectionGuard() override
    {
        if (m_server) {
            m_server->releaseBody(m_reserved);
            m_server->guardGone(this);
        }
    }

    void connectTail()
    {
        if (m_tail || m_phase == Phase::Handshake) // QHttpServer has not connected yet
            return;
        m_tail = true;
        QObject::connect(m_socket, &QIODevice::readyRead, this, [this] { afterHttpServer(); });
    }
    bool hasTail() const { return m_tail; }

    void detach()
    {
        if (m_server)
            m_server->releaseBody(m_reserved);
        m_reserved = 0;
        m_server = nullptr;
    }
    const QString& address() const { return m_address; }
    qint64 idleMs() const { return m_activity.elapsed(); }
    // Waiting for the client (between requests or within one), not for us.
    bool evictable() const
    {
        if (m_phase == Phase::Handshake)
            return true; // waiting for the client's next handshake message
        if (m_phase != Phase::Open || m_holding || m_awaiting)
            return false;
        // A complete request not yet answered is ours to serve.
        for (const Pending& p : m_pending) {
            if (p.end <= m_framer.fed())
                return false;
        }
        return true;
    }
    bool idleHoldingBody() const { return evictable() && m_framer.idle() && m_reserved > 0; }

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

    void reject(int status, const char* reason, const QString& message, int retryAfter = 0)
    {
        if (m_phase == Phase::Rejected)
            return;
        m_phase = Phase::Rejected;
        qCDebug(lcGuard).noquote() << m_address << status << message;
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
        m_held.clear();
        m_socket->write(errorResponse(status, message, retryAfter));
        m_socket->flush();
        halfCloseWhenFlushed();
        m_timer.start(m_limits.lingerMs);
    }

    void setHolding(bool hold)
    {
        if (hold == m_holding || m_phase == Phase::Rejected)
            return;
        m_holding = hold;
        if (hold)
            return;
        // Hand the held bytes back in front of anything newer, then let
        // QHttpServer read on.
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction();
        for (qsizetype i = m_held.size() - 1; i >= 0; --i)
            m_socket->ungetChar(m_held.at(i));
        m_unread += m_held.size();
        m_held.clear();
        if (m_socket->bytesAvailable() > 0 || m_error)
            QMetaObject::invokeMethod(m_socket, &QIODevice::readyRead, Qt::QueuedConnection);
    }

private:
    enum class Phase { Handshake, Open, Rejected };
    struct Pending
    {
        qint64 end; // stream offset just past the request (body included)
        qint64 body;
        FramedHead head;
    };

    // Bytes of the stream QHttpServer has taken so far.
    qint64 consumed() const { return m_framer.fed() - m_unread - m_held.size(); }

    void onReadyRead()
    {
        if (m_phase == Phase::Rejected) {
            discard();
            return;
        }
        if (m_phase == Phase::Handshake) {
            auto* tls = static_cast<QSslSocket*>(m_socket);
            if (!tls->isEncrypted()) {
                sniff(tls);
                return;
            }
            onEncrypted(); // decrypted data before encrypted() reached us
        }
        const qint64 available = m_socket->bytesAvailable();
        if (available < m_unread) // something else read: nothing is framed twice
            m_unread = available;
        if (available > m_unread) {
            const QByteArray fresh = m_socket->peek(available).mid(m_unread);
            m_unread = available;
            m_activity.restart();
            std::vector<FramerEvent> events;
            m_framer.feed(QByteArrayView(fresh), events);
            for (FramerEvent& e : events) {
                handle(e);
                if (m_phase == Phase::Rejected)
                    return;
            }
        }
        settle();
        if (m_phase == Phase::Rejected)
            return;
        if (m_holding && m_socket->bytesAvailable() > 0) {
            // Keep what QHttpServer would read now until the response in
            // progress ends; a client pipelining more than a request's worth
            // meanwhile is not one to wait for.
            if (m_socket->isTransactionStarted())
                m_socket->commitTransaction();
            m_held += m_socket->readAll();
            m_unread = 0;
            if (m_held.size() > 2 * (m_limits.maxHeaderBytes + m_limits.maxBodyBytes)) {
                qCDebug(lcGuard).noquote() << m_address << "pipelined too much behind a streamed response";
                drop();
            }
            return;
        }
        // The request QHttpServer is about to take, if complete: its
        // connection handling is what the responder must follow.
        if (!m_pending.empty()) {
            const FramedHead& next = m_pending.front().head;
            m_socket->setProperty(GuardedTcpServer::closeAfterResponseProperty(), next.close);
            m_socket->setProperty(GuardedTcpServer::http10Property(), next.http10);
        }
    }

    // Before the handshake: what is the client speaking? A TLS record
    // (ClientHello) starts with 0x16; a plain-HTTP client that got the scheme
    // wrong is told so in its own protocol instead of a TLS alert it shows as
    // garbage.
    void sniff(QSslSocket* tls)
    {
        if (tls->mode() != QSslSocket::UnencryptedMode)
            return; // the handshake is running: Qt reads the socket
        char first = 0;
        if (tls->peek(&first, 1) != 1)
            return;
        m_activity.restart();
        if (first == 0x16) {
            tls->startServerEncryption(); // takes the bytes peeked at
            return;
        }
        reject(400, "plain-http", QStringLiteral("this port serves HTTPS: use an https:// URL"));
    }

    void onEncrypted()
    {
        if (m_phase != Phase::Handshake)
            return;
        m_phase = Phase::Open;
        m_activity.restart();
        if (m_server)
            m_server->handOver(this, m_socket);
    }

    void afterHttpServer()
    {
        if (m_phase == Phase::Rejected)
            return;
        // Whatever is still in the buffer has been framed (a handler that
        // started holding leaves the pipelined rest there until the next
        // emission takes it out).
        m_unread = m_socket->bytesAvailable();
        settle();
    }

    // Retires the requests QHttpServer has taken and answers a framing error
    // once every good request before it has been taken and answered.
    void settle()
    {
        const qint64 taken = consumed();
        while (!m_pending.empty() && m_pending.front().end <= taken) {
            // QHttpServer keeps the last body until the next request starts.
            const qint64 freed = m_lastBody;
            m_lastBody = m_pending.front().body;
            m_pending.pop_front();
            m_reserved -= freed;
            if (m_server)
                m_server->releaseBody(freed);
            m_awaiting = true;
            m_timer.start(m_limits.responseTimeoutMs);
        }
        if (m_error && !m_holding && m_pending.empty() && taken >= m_errorAt) {
            const FramerEvent e = *m_error;
            m_error.reset();
            reject(e.status, e.reason, e.message, e.status == 503 ? 5 : 0);
        }
    }

    void handle(FramerEvent& e)
    {
        if (m_error)
            return; // nothing after a refused request reaches QHttpServer
        switch (e.kind) {
        case FramerEvent::Kind::Head: {
            const qint64 body = e.head.contentLength;
            if (body > 0 && (!m_server || !m_server->reserveBody(this, body))) {
                FramerEvent busy;
                busy.kind = FramerEvent::Kind::Error;
                busy.status = 503;
                busy.reason = "budget";
                busy.message = QStringLiteral("too many request bodies in flight; retry later");
                fail(busy, e.offset - e.head.headBytes);
                return;
            }
            m_reserved += body;
            if (e.head.expectContinue && body > 0)
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            m_pending.push_back(Pending { e.offset + body, body, std::move(e.head) });
            return;
        }
        case FramerEvent::Kind::Complete:
            return;
        case FramerEvent::Kind::Error:
            fail(e, m_pending.empty() ? 0 : m_pending.back().end);
            return;
        }
    }

    // The stream is bad from `at` on: serve what came before, then answer.
    void fail(const FramerEvent& e, qint64 at)
    {
        // A request whose head was framed but whose body has not all come is
        // abandoned with the rest.
        while (!m_pending.empty() && m_pending.back().end > m_framer.fed()) {
            m_reserved -= m_pending.back().body;
            if (m_server)
                m_server->releaseBody(m_pending.back().body);
            m_pending.pop_back();
        }
        m_error = e;
        m_errorAt = std::max<qint64>(at, m_pending.empty() ? 0 : m_pending.back().end);
        if (m_pending.empty() || consumed() >= m_errorAt) {
            m_error.reset();
            reject(e.status, e.reason, e.message, e.status == 503 ? 5 : 0);
        }
    }

    void onBytesWritten()
    {
        if (m_phase == Phase::Handshake)
            return;
        if (m_phase == Phase::Rejected) {
            halfCloseWhenFlushed();
            return;
        }
        // A response is going out: the request/idle clock starts again.
        m_awaiting = false;
        m_activity.restart();
        m_timer.start(m_limits.idleTimeoutMs);
    }

    void onTimeout()
    {
        if (m_phase == Phase::Rejected) {
            drop(); // linger over
            return;
        }
        if (m_phase == Phase::Handshake) {
            qCDebug(lcGuard).noquote() << m_address << "TLS handshake not finished within" << m_limits.idleTimeoutMs
                                       << "ms";
            if (m_server)
                m_server->noteCut(0, QStringLiteral("handshake"), QString());
            drop();
            return;
        }
        if (m_awaiting || m_holding) {
            qCWarning(lcGuard) << "no response after" << m_limits.responseTimeoutMs << "ms: closing the connection";
            if (m_server)
                m_server->noteCut(0, QStringLiteral("response"), QString());
            drop();
            return;
        }
        if (m_framer.idle() && m_pending.empty()) {
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

    // `sent`: called because encrypted bytes reached the kernel.
    void halfCloseWhenFlushed(bool sent = false)
    {
        // FIN after the answer, while still reading: the client reads the
        // answer instead of a reset caused by unread data at close().
        // Over TLS bytesToWrite() is the plain text not yet encrypted, and
        // bytesWritten() comes when it is encrypted but not yet handed to the
        // TCP socket below: only encryptedBytesWritten() says it is out.
        const auto* tls = qobject_cast<const QSslSocket*>(m_socket);
        if (tls && tls->mode() != QSslSocket::UnencryptedMode && !sent)
            return;
        const qint64 unsent = m_socket->bytesToWrite() + (tls ? tls->encryptedBytesToWrite() : 0);
        if (!m_halfClosed && unsent == 0 && m_socket->socketDescriptor() >= 0) {
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
            m_halfClosed = true;
        }
    }

    QTcpSocket* m_socket;
    GuardedTcpServer* m_server;
    const ConnectionLimits m_limits;
    HttpFramer m_framer;
    const QString m_address;
    QTimer m_timer;
    QElapsedTimer m_activity;
    Phase m_phase = Phase::Open;
    // Framed bytes still in the socket's buffer (QHttpServer has not read
    // them), and framed bytes the guard took out of it while holding.
    qint64 m_unread = 0;
    QByteArray m_held;
    std::deque<Pending> m_pending; // framed, not yet taken by QHttpServer
    std::optional<FramerEvent> m_error;
    qint64 m_errorAt = 0;
    qint64 m_reserved = 0; // body bytes counted against the server's budget
    qint64 m_lastBody = 0;
    bool m_awaiting = false;
    bool m_holding = false;
    bool m_halfClosed = false;
    bool m_tail = false;
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
        evictIdlest();
        QTimer::singleShot(100, this, [this] { resumeAccepting(); });
    });
}

GuardedTcpServer::~GuardedTcpServer()
{
    for (ConnectionGuard* g : std::as_const(m_guards))
        g->detach();
}

void GuardedTcpServer::setTlsConfiguration(const QSslConfiguration& configuration)
{
    m_tls = configuration;
}

void GuardedTcpServer::attachAfterHttpServer()
{
    if (m_attached)
        return;
    m_attached = true;
    // Connected after QAbstractHttpServer::bind's own newConnection
    // handler, so QHttpServer's readyRead slot is already in place and the
    // tail slot runs after it.
    connect(this, &QTcpServer::newConnection, this, [this] {
        for (ConnectionGuard* g : std::as_const(m_guards))
            g->connectTail();
    });
}

void GuardedTcpServer::holdRequests(QTcpSocket* socket, bool hold)
{
    if (!socket)
        return;
    if (auto* guard
        = socket->findChild<ConnectionGuard*>(QStringLiteral("stevedoreConnectionGuard"), Qt::FindDirectChildrenOnly))
        guard->setHolding(hold);
}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket* socket = nullptr;
    if (isTls()) {
        auto* tls = new QSslSocket(this);
        tls->setSslConfiguration(m_tls);
        socket = tls;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    const QString address = socket->peerAddress().toString();
    qsizetype fromAddress = 0;
    for (ConnectionGuard* g : std::as_const(m_guards))
        fromAddress += g->address() == address ? 1 : 0;
    const bool admitted = (fromAddress < m_limits.maxConnectionsPerAddress || evictIdlest(address))
        && (m_guards.size() < m_limits.maxConnections || evictIdlest());
    if (!admitted) {
        // Full of busy connections: say so and close, without involving the
        // HTTP server.
        const QString message = QStringLiteral("too many connections");
        noteCut(503, QStringLiteral("capacity"), message);
        if (isTls()) {
            // A plain-text answer would be garbage to a TLS client, and a
            // handshake costs more than the refusal is worth.
            socket->abort();
            socket->deleteLater();
            return;
        }
        socket->write(errorResponse(503, message, 1));
        socket->disconnectFromHost();
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(m_limits.lingerMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        return;
    }
    // The guard connects to readyRead before QHttpServer does (it connects in
    // its newConnection handler), so it runs first on every read.
    m_guards.append(new ConnectionGuard(socket, this));
    if (!isTls())
        addPendingConnection(socket);
    // TLS: handOver() once the handshake is done.
}

void GuardedTcpServer::handOver(ConnectionGuard* guard, QTcpSocket* socket)
{
    // addPendingConnection() emits pendingConnectionAvailable, on which
    // QHttpServer takes the socket and connects its readyRead slot: the
    // guard's tail slot goes after it.
    addPendingConnection(socket);
    if (m_attached)
        guard->connectTail();
    if (socket->bytesAvailable() > 0) // the first request came with the handshake's end
        QMetaObject::invokeMethod(socket, &QIODevice::readyRead, Qt::QueuedConnection);
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

bool GuardedTcpServer::evictIdlest(const QString& address)
{
    ConnectionGuard* idlest = nullptr;
    for (ConnectionGuard* g : std::as_const(m_guards)) {
        if ((address.isEmpty() || g->address() == address) && g->evictable()
            && (!idlest || g->idleMs() > idlest->idleMs()))
            idlest = g;
    }
    if (!idlest)
        return false;
    noteCut(0, QStringLiteral("evicted"), QString());
    m_guards.removeOne(idlest);
    idlest->detach();
    idlest->drop();
    return true;
}

bool GuardedTcpServer::reserveBody(ConnectionGuard* guard, qint64 need)
{
    while (m_bodyBytes + need > m_limits.maxBodyBytesInFlight) {
        ConnectionGuard* idlest = nullptr;
        for (ConnectionGuard* g : std::as_const(m_guards)) {
            if (g != guard && g->idleHoldingBody() && (!idlest || g->idleMs() > idlest->idleMs()))
                idlest = g;
        }
        if (!idlest)
            return false;
        noteCut(0, QStringLiteral("evicted"), QString());
        m_guards.removeOne(idlest);
        idlest->detach();
        idlest->drop();
    }
    m_bodyBytes += need;
    return true;
}
