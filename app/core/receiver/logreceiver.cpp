#include "core/receiver/logreceiver.h"

#include "core/model/logentry.h"
#include "core/model/snapshotjson.h"
#include "core/receiver/tlsfiles.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFileInfo>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>
#include <QMetaMethod>
#include <QSslSocket>
#include <QTcpSocket>
#include <QUrlQuery>

#include <QRandomGenerator>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcReceiver, "stevedore.receiver")

using nlohmann::json;

namespace {
QByteArray jsonBytes(const json& j)
{
    return QByteArray::fromStdString(j.dump(-1, ' ', false, json::error_handler_t::replace)) + '\n';
}

std::string utf8(const QString& s)
{
    return s.toStdString();
}

// A receiver keeps one descriptor per connection; systemd's default soft
// limit (1024) is low for a server. Raise it towards the hard limit.
int raiseDescriptorLimit()
{
    struct rlimit rl = {};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    const rlim_t want = std::min<rlim_t>(rl.rlim_max, 16384);
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want;
        ::setrlimit(RLIMIT_NOFILE, &rl);
        ::getrlimit(RLIMIT_NOFILE, &rl);
    }
    return rl.rlim_cur == RLIM_INFINITY ? 1 << 20 : int(std::min<rlim_t>(rl.rlim_cur, 1 << 20));
}

bool constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    const qsizetype n = std::min(a.size(), b.size());
    for (qsizetype i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

// Streams GET /logs as a chunked JSON array straight from the store files,
// writing the next piece only when the socket has sent most of the previous
// one: memory stays flat whatever the log's size or the client's speed.
class LogsStream : public QObject
{
public:
    LogsStream(QTcpSocket* socket, std::unique_ptr<LogReader> reader, bool close, bool http10)
        : QObject(socket)
        , m_socket(socket)
        , m_reader(std::move(reader))
        , m_close(close || http10)
        , m_chunked(!http10)
    { }

    void start()
    {
        QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
        if (m_chunked)
            head += "Transfer-Encoding: chunked\r\n";
        if (m_close)
            head += "Connection: close\r\n";
        head += "\r\n";
        // A request pipelined behind this one waits until the last chunk
        // is out (its answer would land in the middle of the body).
        GuardedTcpServer::holdRequests(m_socket, true);
        m_socket->write(head);
        QObject::connect(m_socket, &QIODevice::bytesWritten, this, [this] { pump(); });
        // Over TLS bytesWritten comes when a piece is encrypted, not sent:
        // the encrypted bytes still queued are what a slow client holds.
        if (auto* tls = qobject_cast<QSslSocket*>(m_socket))
            QObject::connect(tls, &QSslSocket::encryptedBytesWritten, this, [this] { pump(); });
        pump();
    }

private:
    void pump()
    {
        constexpr qint64 highWater = 512 * 1024;
        constexpr qsizetype piece = 64 * 1024;
        while (!m_done && queued() < highWater) {
            QByteArray chunk;
            chunk.reserve(piece + 4096);
            if (m_count == 0 && !m_started)
                chunk.append('[');
            m_started = true;
            QByteArray line;
            while (chunk.size() < piece) {
                if (!m_reader->next(line)) {
                    m_done = true;
                    break;
                }
                chunk.append(m_count++ == 0 ? "\n" : ",\n").append(line);
            }
            if (m_done)
                chunk.append(m_count == 0 ? "]\n" : "\n]\n");
            write(chunk);
        }
        if (m_done && !m_finished) {
            m_finished = true;
            if (m_chunked)
                m_socket->write("0\r\n\r\n");
            if (m_close)
                m_socket->disconnectFromHost();
            else
                GuardedTcpServer::holdRequests(m_socket, false);
            deleteLater();
        }
    }

    qint64 queued() const
    {
        const auto* tls = qobject_cast<const QSslSocket*>(m_socket);
        return m_socket->bytesToWrite() + (tls ? tls->encryptedBytesToWrite() : 0);
    }

    void write(const QByteArray& data)
    {
        if (data.isEmpty())
            return;
        if (m_chunked)
            m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
        else
            m_socket->write(data);
    }

    QTcpSocket* m_socket;
    std::unique_ptr<LogReader> m_reader;
    bool m_close;
    bool m_chunked;
    bool m_started = false;
    bool m_done = false;
    bool m_finished = false;
    qint64 m_count = 0;
};
} // namespace

bool readTokenFile(const QString& path, QString& token, QString* error)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("cannot read the token file %1: %2")
                         .arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    QByteArray data(4096, Qt::Uninitialized);
    const ssize_t n = ::read(fd, data.data(), size_t(data.size()));
    ::close(fd);
    data.truncate(n > 0 ? qsizetype(n) : 0);
    token = QString::fromUtf8(data.split('\n').constFirst()).trimmed();
    if (token.isEmpty()) {
        if (error)
            *error = QStringLiteral("the token file %1 is empty").arg(path);
        return false;
    }
    return true;
}

bool loadOrCreateToken(const QString& path, QString& token, QString* error)
{
    const QByteArray name = QFile::encodeName(path);
    struct stat st = {};
    if (::lstat(name.constData(), &st) == 0) {
        if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0) {
            if (error)
                *error = QStringLiteral("refusing the token file %1: it must be a regular file owned by this user "
                                        "and readable by no one else (chmod 600)")
                             .arg(path);
            return false;
        }
        return readTokenFile(path, token, error);
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (errno == EEXIST) // another Stevedore created it meanwhile
            return readTokenFile(path, token, error);
        if (error)
            *error = QStringLiteral("cannot create the token file %1: %2")
                         .arg(path, QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray random = QByteArray(reinterpret_cast<const char*>(words), sizeof(words)).toHex();
    const QByteArray line = random + '\n';
    const bool ok = ::write(fd, line.constData(), size_t(line.size())) == line.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        ::unlink(name.constData());
        if (error)
            *error = QStringLiteral("cannot write the token file %1").arg(path);
        return false;
    }
    token = QString::fromLatin1(random);
    return true;
}

LogReceiver::LogReceiver(ReceiverSettings options, StoreSettings storeOptions, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_store(std::make_unique<LogStore>(std::move(storeOptions)))
{
    m_liveTimer.setInterval(m_options.liveChartsIntervalMs);
    m_liveStop.setSingleShot(true);
    connect(&m_liveStop, &QTimer::timeout, this, [this] {
        qCInfo(lcReceiver) << "live charts stopped: no GET /show_graphs for" << m_options.liveChartsIdleStopMs / 60000
                           << "minutes";
        setLiveCharts(false);
    });
    connect(&m_liveTimer, &QTimer::timeout, this, [this] {
        // Re-render only when something new arrived: a rendering is a child
        // process in headless mode.
        if (!m_rendering && m_stored != m_storedAtLastRender)
            generateCharts();
    });
}

LogReceiver::~LogReceiver()
{
    stop();
}

bool LogReceiver::start(QString* error)
{
    if (!ensureStore())
        qCWarning(lcReceiver).noquote() << "log store unavailable:" << m_storeError
                                        << "- POST /logs answers 503 until it can open";
    if (m_options.token.isEmpty() && !m_options.tokenFile.isEmpty()) {
        // Fail closed: without its token the receiver does not listen.
        QString why;
        const QString tokenDir = QFileInfo(m_options.tokenFile).absolutePath();
        QDir().mkpath(tokenDir);
        if (!dataDirSafe(tokenDir, &why) || !loadOrCreateToken(m_options.tokenFile, m_options.token, &why)) {
            if (error)
                *error = why;
            return false;
        }
    }
    const int fdLimit = raiseDescriptorLimit();
    ConnectionLimits limits = m_options.limits;
    limits.maxConnections = std::max(1, std::min(limits.maxConnections, fdLimit - 64));

    std::optional<QSslConfiguration> tls;
    if (isTls()) {
        QString why;
        tls = serverTlsConfiguration(m_options.tlsCertFile, m_options.tlsKeyFile, &why);
        if (!tls) {
            if (error)
                *error = why;
            return false;
        }
    }

    m_http = new QHttpServer(this);
    setupRoutes();
    auto* tcp = new GuardedTcpServer(limits, this);
    if (tls)
        tcp->setTlsConfiguration(*tls);
    connect(tcp, &GuardedTcpServer::connectionCut, this, [this](int status, const QString&, const QString& message) {
        ++m_rejected[status];
        Q_EMIT requestRejected(status, message);
    });
    const QHostAddress address = m_options.host == QLatin1String("localhost") ? QHostAddress(QHostAddress::LocalHost)
                                                                              : QHostAddress(m_options.host);
    if (address.isNull() || !tcp->listen(address, m_options.port)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(m_options.host)
                         .arg(m_options.port)
                         .arg(address.isNull() ? QStringLiteral("not an IP address") : tcp->errorString());
        delete tcp;
        delete m_http;
        m_http = nullptr;
        return false;
    }
    m_tcp = tcp;
    m_http->bind(tcp);
    tcp->attachAfterHttpServer();
    qCInfo(lcReceiver).noquote() << "log receiver on" << baseUrl().toString() << "storing in" << dataDir();
    return true;
}

void LogReceiver::stop()
{
    m_liveTimer.stop();
    m_liveStop.stop();
    if (m_http) {
        if (m_tcp)
            m_tcp->close();
        delete m_http; // and the guarded server with its connections
        m_http = nullptr;
    }
    QString err;
    m_store->sync(&err);
}

bool LogReceiver::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

quint16 LogReceiver::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

QUrl LogReceiver::baseUrl() const
{
    QHostAddress address(m_options.host);
    QString host = m_options.host;
    // A wildcard address is reached through loopback from this host.
    if (address == QHostAddress::AnyIPv4 || host == QLatin1String("0.0.0.0"))
        host = QStringLiteral("127.0.0.1");
    else if (address == QHostAddress::AnyIPv6 || address == QHostAddress::Any)
        host = QStringLiteral("::1");
    QUrl url;
    url.setScheme(isTls() ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(host);
    url.setPort(port() ? port() : m_options.port);
    return url;
}

QUrl LogReceiver::logsUrl() const
{
    QUrl url = baseUrl();
    url.setPath(QStringLiteral("/logs"));
    return url;
}

QString LogReceiver::chartsDir() const
{
    return m_options.chartsDir.isEmpty() ? QDir(dataDir()).filePath(QStringLiteral("charts")) : m_options.chartsDir;
}

void LogReceiver::setChartRenderer(std::shared_ptr<ChartRenderer> renderer)
{
    m_renderer = std::move(renderer);
}

bool LogReceiver::ensureStore()
{
    if (m_store->isOpen())
        return true;
    // Retry at most once a second: an unwritable directory stays unwritable
    // for a while, and each try is a few system calls.
    if (m_lastOpenAttempt.isValid() && m_lastOpenAttempt.elapsed() < 1000)
        return false;
    m_lastOpenAttempt.start();
    QString err;
    if (!m_store->open(&err)) {
        if (err != m_storeError)
            Q_EMIT storeFailed(err);
        m_storeError = err;
        return false;
    }
    m_storeError.clear();
    m_latestStale = true;
    // The store is the record of what was acknowledged: rebuilt from it, the
    // seen set survives a restart (kill -9 included), so an entry resent
    // after a lost 201 is still recognised.
    QString why;
    if (!m_seen.rebuild(dataDir(), &why))
        qCWarning(lcReceiver).noquote() << "entry ids: " << why;
    return true;
}

std::optional<Snapshot> LogReceiver::latestSnapshot() const
{
    if (m_latestStale) {
        m_latestStale = false;
        m_latest.reset();
        const QByteArray line = m_store->lastLine();
        if (!line.isEmpty()) {
            const auto doc = json::parse(line.constBegin(), line.constEnd(), nullptr, false);
            Snapshot s;
            if (snapshotFromLogEntry(doc, s, nullptr))
                m_latest = std::move(s);
        }
    }
    return m_latest;
}

ReceiverCounters LogReceiver::counters() const
{
    ReceiverCounters k;
    k.entriesStored = m_stored;
    k.entriesDuplicate = m_duplicates;
    k.rejectedByStatus = m_rejected;
    k.storeErrors = m_storeErrors;
    k.storeActiveBytes = m_store->activeBytes();
    k.storeRotations = m_store->rotations();
    if (m_tcp) {
        k.openConnections = m_tcp->openConnections();
        k.connectionsCut = m_tcp->cutCounts();
    }
    k.chartRenders = m_renders;
    k.chartRenderErrors = m_renderErrors;
    return k;
}

// --- HTTP plumbing ----------------------------------------------------------

void LogReceiver::setupRoutes()
{
    using Method = QHttpServerRequest::Method;
    // Every method is routed to our handlers, which answer 405 with Allow
    // themselves: QHttpServer 6.4 would say 404 for a known path.
    m_http->route(QStringLiteral("/logs"), Method::AnyKnown,
                  [this](const QHttpServerRequest& r, Responder&& resp) { handleLogs(r, std::move(resp)); });
    m_http->route(QStringLiteral("/metrics"), Method::AnyKnown,
                  [this](const QHttpServerRequest& r, Responder&& resp) { handleMetrics(r, std::move(resp)); });
    m_http->route(QStringLiteral("/healthz"), Method::AnyKnown,
                  [this](const QHttpServerRequest& r, Responder&& resp) { handleHealth(r, std::move(resp)); });
    m_http->route(QStringLiteral("/generate_graphs"), Method::AnyKnown,
                  [this](const QHttpServerRequest& r, Responder&& resp) { handleGenerate(r, std::move(resp)); });
    m_http->route(QStringLiteral("/show_graphs"), Method::AnyKnown,
                  [this](const QHttpServerRequest& r, Responder&& resp) { handleShow(r, std::move(resp)); });
    for (const auto& [path, handler] : m_jsonRoutes)
        routeJson(path, handler);
    m_http->setMissingHandler([this](const QHttpServerRequest& r, Responder&& resp) {
        if (admit(r, resp))
            replyError(resp, 404, QStringLiteral("no such route"));
    });
}

void LogReceiver::addJsonRoute(const QString& path, JsonRoute handler)
{
    m_jsonRoutes.append({ path, handler });
    if (m_http)
        routeJson(path, handler);
}

void LogReceiver::routeJson(const QString& path, const JsonRoute& handler)
{
    m_http->route(path, QHttpServerRequest::Method::AnyKnown,
                  [this, path, handler](const QHttpServerRequest& r, Responder&& resp) {
                      if (!admit(r, resp))
                          return;
                      if (r.method() != QHttpServerRequest::Method::Get) {
                          replyError(resp, 405, QStringLiteral("%1 takes GET").arg(path), { { "Allow", "GET" } });
                          return;
                      }
                      int status = 200;
                      const QByteArray body = handler(r.query(), &status);
                      if (status == 200)
                          replyJson(resp, 200, body);
                      else
                          replyError(resp, status, QString::fromUtf8(body));
                  });
}

bool LogReceiver::authorised(const QHttpServerRequest& request) const
{
    if (m_options.token.isEmpty())
        return true;
    return constantTimeEquals(request.value(QByteArrayLiteral("authorization")).trimmed(),
                              QByteArrayLiteral("Bearer ") + m_options.token.toUtf8());
}

bool LogReceiver::hostAllowed(const QHttpServerRequest& request, const QTcpSocket* socket) const
{
    QByteArray host = request.value(QByteArrayLiteral("host")).trimmed().toLower();
    if (host.isEmpty()) // HTTP/1.0 (the guard refuses an HTTP/1.1 request without one)
        return true;
    // Strip the port: "[::1]:5000", "127.0.0.1:5000", "name:5000".
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        if (close < 0)
            return false;
        host = host.mid(1, close - 1);
    } else if (const qsizetype colon = host.lastIndexOf(':'); colon >= 0) {
        host.truncate(colon);
    }
    if (host.endsWith('.'))
        host.chop(1);
    const QString name = QString::fromLatin1(host);
    if (name == QLatin1String("localhost") || name.compare(m_options.host, Qt::CaseInsensitive) == 0)
        return true;
    for (const QString& allowed : m_options.allowedHosts) {
        if (name.compare(allowed, Qt::CaseInsensitive) == 0)
            return true;
    }
    // An address literal naming the address the connection came in on: the
    // client typed this host's address, no name was resolved.
    const QHostAddress literal(name);
    if (!literal.isNull() && socket && literal.isEqual(socket->localAddress(), QHostAddress::TolerantConversion))
        return true;
    return false;
}

bool LogReceiver::admit(const QHttpServerRequest& request, Responder& responder, bool needToken)
{
    if (!hostAllowed(request, responder.socket())) {
        replyError(responder, 421,
                   QStringLiteral("Host '%1' is not served here (start with --allow-host NAME to accept it)")
                       .arg(QString::fromLatin1(request.value(QByteArrayLiteral("host")).left(100)).toHtmlEscaped()));
        return false;
    }
    if (needToken && !authorised(request)) {
        replyError(responder, 401, QStringLiteral("missing or wrong bearer token"),
                   { { "WWW-Authenticate", "Bearer realm=\"stevedore\"" } });
        return false;
    }
    return true;
}

void LogReceiver::reply(Responder& r, int status, const QByteArray& contentType, const QByteArray& body,
                        const QList<QPair<QByteArray, QByteArray>>& headers)
{
    QTcpSocket* socket = r.socket();
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    const bool close = socket->property(GuardedTcpServer::closeAfterResponseProperty()).toBool();
    r.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    r.writeHeader(QByteArrayLiteral("Content-Type"), contentType);
    r.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()));
    for (const auto& [name, value] : headers)
        r.writeHeader(name, value);
    if (close)
        r.writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    r.writeBody(body);
    if (close)
        socket->disconnectFromHost();
}

void LogReceiver::replyJson(Responder& r, int status, const QByteArray& body,
                            const QList<QPair<QByteArray, QByteArray>>& headers)
{
    reply(r, status, QByteArrayLiteral("application/json"), body, headers);
}

void LogReceiver::replyError(Responder& r, int status, const QString& message,
                             const QList<QPair<QByteArray, QByteArray>>& headers)
{
    ++m_rejected[status];
    Q_EMIT requestRejected(status, message);
    replyJson(r, status, jsonBytes({ { "error", utf8(message) } }), headers);
}

// --- routes -------------------------------------------------------------------

void LogReceiver::handleLogs(const QHttpServerRequest& request, Responder&& responder)
{
    if (!admit(request, responder))
        return;
    switch (request.method()) {
    case QHttpServerRequest::Method::Post:
        postLogs(request, responder);
        return;
    case QHttpServerRequest::Method::Get:
        getLogs(request, std::move(responder));
        return;
    default:
        replyError(responder, 405, QStringLiteral("/logs takes GET or POST"), { { "Allow", "GET, POST" } });
    }
}

void LogReceiver::postLogs(const QHttpServerRequest& request, Responder& responder)
{
    const QByteArray contentType = request.value(QByteArrayLiteral("content-type"));
    const QByteArray mime = contentType.split(';').constFirst().trimmed().toLower();
    if (mime != "application/json") {
        replyError(responder, 415,
                   contentType.isEmpty() ? QStringLiteral("Content-Type application/json is required")
                                         : QStringLiteral("Content-Type must be application/json, not '%1'")
                                               .arg(QString::fromLatin1(contentType.left(100))));
        return;
    }
    const QByteArray body = request.body();
    if (body.size() > m_options.limits.maxBodyBytes) { // the guard stops these first
        replyError(responder, 413,
                   QStringLiteral("request body over the limit of %1 bytes").arg(m_options.limits.maxBodyBytes));
        return;
    }
    NormalisedEntry entry;
    QString why;
    if (!normaliseLogEntry(body, entry, &why)) {
        replyError(responder, 400, why);
        return;
    }
    if (!ensureStore()) {
        ++m_storeErrors;
        replyError(responder, 503, QStringLiteral("log store unavailable (see the service's log)"),
                   { { "Retry-After", "5" } });
        return;
    }
    if (entry.id && m_seen.holds(*entry.id)) {
        // Already stored (the sender never saw that answer): success again,
        // with 200 rather than 201, so the sender moves on and nothing is
        // stored twice.
        ++m_duplicates;
        replyJson(responder, 200,
                  jsonBytes({ { "status", "duplicate" },
                              { "timestamp", utf8(toRfc3339(entry.timestamp)) },
                              { "kind", utf8(entry.kind) } }));
        return;
    }
    const StoreStatus status = m_store->append(entry.line, &why);
    if (status != StoreStatus::Ok) {
        ++m_storeErrors;
        qCWarning(lcReceiver).noquote() << why;
        Q_EMIT storeFailed(why);
        if (!m_store->isOpen())
            m_storeError = why;
        replyError(responder, status == StoreStatus::NoSpace ? 507 : 503,
                   status == StoreStatus::NoSpace ? QStringLiteral("log store full")
                                                  : QStringLiteral("log store failed (see the service's log)"),
                   { { "Retry-After", "5" } });
        return;
    }
    ++m_stored;
    if (entry.id)
        m_seen.record(*entry.id);
    m_latestStale = true;
    Q_EMIT entryStored(entry.timestamp);
    if (isSignalConnected(QMetaMethod::fromSignal(&LogReceiver::snapshotStored))) {
        const auto doc = json::parse(entry.line.constBegin(), entry.line.constEnd(), nullptr, false);
        Snapshot s;
        if (snapshotFromLogEntry(doc, s, nullptr))
            Q_EMIT snapshotStored(s);
    }
    replyJson(responder, 201,
              jsonBytes({ { "status", "stored" },
                          { "timestamp", utf8(toRfc3339(entry.timestamp)) },
                          { "kind", utf8(entry.kind) } }));
}

void LogReceiver::getLogs(const QHttpServerRequest& request, Responder&& responder)
{
    const QUrlQuery query = request.query();
    LogQuery q;
    if (query.hasQueryItem(QStringLiteral("since"))) {
        // A '+' of a numeric offset may arrive decoded as a space.
        QString since = query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded);
        since.replace(QLatin1Char(' '), QLatin1Char('+'));
        q.since = fromRfc3339(since.toStdString());
        if (!q.since.isValid()) {
            replyError(responder, 400,
                       QStringLiteral("'since' must be an RFC 3339 date-time, not '%1'").arg(since.left(64)));
            return;
        }
    }
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        q.limit = query.queryItemValue(QStringLiteral("limit")).toLongLong(&ok);
        if (!ok || q.limit < 0) {
            replyError(responder, 400, QStringLiteral("'limit' must be a whole number >= 0"));
            return;
        }
    }
    if (query.hasQueryItem(QStringLiteral("host")))
        q.host = query.queryItemValue(QStringLiteral("host"), QUrl::FullyDecoded);
    QTcpSocket* socket = responder.socket();
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    auto reader = std::make_unique<LogReader>(dataDir(), q);
    QString why;
    if (QFileInfo(dataDir()).isDir() && !reader->open(&why)) {
        qCWarning(lcReceiver).noquote() << "cannot read the log store:" << why;
        replyError(responder, 503, QStringLiteral("cannot read the log store (see the service's log)"));
        return;
    }
    const bool close = socket->property(GuardedTcpServer::closeAfterResponseProperty()).toBool();
    const bool http10 = socket->property(GuardedTcpServer::http10Property()).toBool();
    auto* stream = new LogsStream(socket, std::move(reader), close, http10);
    stream->start();
}

void LogReceiver::handleMetrics(const QHttpServerRequest& request, Responder&& responder)
{
    if (!admit(request, responder))
        return;
    if (request.method() != QHttpServerRequest::Method::Get) {
        replyError(responder, 405, QStringLiteral("/metrics takes GET"), { { "Allow", "GET" } });
        return;
    }
    const auto latest = latestSnapshot();
    QByteArray text = formatPrometheus(latest ? &*latest : nullptr, counters());
    if (m_metricsAppendix)
        text += m_metricsAppendix();
    reply(responder, 200, prometheusContentType(), text);
}

void LogReceiver::handleHealth(const QHttpServerRequest& request, Responder&& responder)
{
    if (!admit(request, responder, false))
        return;
    if (request.method() != QHttpServerRequest::Method::Get) {
        replyError(responder, 405, QStringLiteral("/healthz takes GET"), { { "Allow", "GET" } });
        return;
    }
    // No token needed: it says nothing but whether the receiver can store.
    // Anyone who can connect may ask: the answer names no file or path (the
    // details go to the service's log).
    const bool ok = m_store->isOpen() || ensureStore();
    json body = { { "status", ok ? "ok" : "degraded" }, { "store", ok ? "ok" : "unavailable" } };
    if (!m_store->lastSyncError().isEmpty())
        body["sync"] = "failing";
    replyJson(responder, ok ? 200 : 503, jsonBytes(body));
}

void LogReceiver::handleGenerate(const QHttpServerRequest& request, Responder&& responder)
{
    if (!admit(request, responder))
        return;
    if (request.method() != QHttpServerRequest::Method::Get) {
        replyError(responder, 405, QStringLiteral("/generate_graphs takes GET"), { { "Allow", "GET" } });
        return;
    }
    if (!m_renderer) {
        replyError(responder, 503, QStringLiteral("no chart renderer in this process"));
        return;
    }
    // One rendering at a time (each may be a child process reading the
    // store): a caller arriving meanwhile is told to come back.
    if (m_rendering) {
        replyError(responder, 429, QStringLiteral("a chart rendering is already running; retry when it is done"),
                   { { "Retry-After", "5" } });
        return;
    }
    // Answer when the rendering is done; the socket may be gone by then.
    // Requests pipelined behind this one wait for that answer.
    QPointer<QTcpSocket> socket = responder.socket();
    GuardedTcpServer::holdRequests(socket, true);
    auto held = std::make_shared<Responder>(std::move(responder));
    QPointer<LogReceiver> self = this;
    generateCharts([self, socket, held](const QStringList& files, const QString& error) {
        if (!self || !socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        if (!error.isEmpty()) {
            // The details (a child's stderr, paths) go to the log only.
            self->replyError(*held, 500, QStringLiteral("chart rendering failed (see the service's log)"));
        } else {
            json list = json::array();
            for (const QString& f : files)
                list.push_back(utf8(f));
            self->replyJson(*held, 200, jsonBytes({ { "files", list }, { "dir", utf8(self->chartsDir()) } }));
        }
        GuardedTcpServer::holdRequests(socket, false);
    });
}

void LogReceiver::handleShow(const QHttpServerRequest& request, Responder&& responder)
{
    if (!admit(request, responder))
        return;
    const auto method = request.method();
    if (method == QHttpServerRequest::Method::Delete) {
        const bool was = liveCharts();
        setLiveCharts(false);
        replyJson(responder, 200, jsonBytes({ { "live", false }, { "was_running", was } }));
        return;
    }
    if (method != QHttpServerRequest::Method::Get) {
        replyError(responder, 405, QStringLiteral("/show_graphs takes GET or DELETE"), { { "Allow", "GET, DELETE" } });
        return;
    }
    if (!m_renderer) {
        replyError(responder, 503, QStringLiteral("no chart renderer in this process"));
        return;
    }
    const bool already = liveCharts();
    setLiveCharts(true);
    replyJson(responder, 200,
              jsonBytes({ { "live", true },
                          { "already_running", already },
                          { "interval_seconds", m_options.liveChartsIntervalMs / 1000.0 },
                          { "stops_after_seconds", m_options.liveChartsIdleStopMs / 1000 },
                          { "dir", utf8(chartsDir()) } }));
}

// --- charts -------------------------------------------------------------------

void LogReceiver::setLiveCharts(bool on)
{
    if (on && m_options.liveChartsIdleStopMs > 0)
        m_liveStop.start(m_options.liveChartsIdleStopMs); // asked again: renewed
    if (on == m_liveTimer.isActive())
        return;
    if (!on) {
        m_liveTimer.stop();
        m_liveStop.stop();
        return;
    }
    m_liveTimer.start();
    if (!m_rendering)
        generateCharts(); // at once, then every interval
}

void LogReceiver::generateCharts(ChartRenderer::Done done)
{
    if (!m_renderer) {
        if (done)
            done({}, QStringLiteral("no chart renderer in this process"));
        return;
    }
    if (m_rendering) {
        // The running one may have started before the entries this caller
        // wants: serve it with the next rendering.
        m_renderQueue.append(std::move(done));
        return;
    }
    startRender({ std::move(done) });
}

void LogReceiver::startRender(QList<ChartRenderer::Done> waiters)
{
    m_rendering = true;
    m_storedAtLastRender = m_stored;
    QPointer<LogReceiver> self = this;
    std::shared_ptr<ChartRenderer> renderer = m_renderer; // alive until it calls back
    renderer->render(dataDir(), chartsDir(), [self, waiters, renderer](const QStringList& files, const QString& error) {
        if (!self)
            return;
        self->m_rendering = false;
        if (error.isEmpty())
            ++self->m_renders;
        else {
            ++self->m_renderErrors;
            qCWarning(lcReceiver).noquote() << "chart rendering failed:" << error;
        }
        Q_EMIT self->chartsRendered(files, error);
        for (const auto& w : waiters) {
            if (w)
                w(files, error);
        }
        if (self && !self->m_rendering && !self->m_renderQueue.isEmpty()) {
            QList<ChartRenderer::Done> next;
            next.swap(self->m_renderQueue);
            self->startRender(std::move(next));
        }
    });
}
