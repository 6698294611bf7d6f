#include "core/docker/curltransport.h"

#include <curl/curl.h>

#include <QFile>
#include <QPointer>
#include <QSocketNotifier>

#include <cstring>
#include <mutex>
#include <vector>

namespace {
void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The TLS failures libcurl reports with their own codes. A daemon that
// requires a client certificate refuses a connection without one after the
// TLS 1.3 handshake, so that shows up as the connection failing before any
// answer: `fresh` says this transfer opened its connection.
DockerTlsFailure classifyTls(CURLcode code, bool fresh, bool answered)
{
    switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
        return DockerTlsFailure::Verify;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CIPHER:
        return DockerTlsFailure::Handshake;
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
        return DockerTlsFailure::ClientCertificate;
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
        return DockerTlsFailure::CaFile;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        return fresh && !answered ? DockerTlsFailure::Rejected : DockerTlsFailure::None;
    default:
        return DockerTlsFailure::None;
    }
}

QString describeCurlError(CURLcode code, const char* buffer, long osErrno, int timeoutMs)
{
    const QString os = osErrno != 0 ? QString::fromLocal8Bit(std::strerror(int(osErrno))) : QString();
    switch (code) {
    case CURLE_COULDNT_CONNECT:
        return os.isEmpty() ? QStringLiteral("cannot connect") : QStringLiteral("cannot connect (%1)").arg(os);
    case CURLE_OPERATION_TIMEDOUT:
        if (timeoutMs > 0)
            return QStringLiteral("no answer within %1 s").arg(timeoutMs / 1000.0);
        return QStringLiteral("the connection stalled");
    case CURLE_GOT_NOTHING:
        return QStringLiteral("the connection closed without an answer");
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        return os.isEmpty() ? QStringLiteral("connection lost") : QStringLiteral("connection lost (%1)").arg(os);
    default:
        break;
    }
    const QString detail = buffer && *buffer ? QString::fromLocal8Bit(buffer) : QString();
    return detail.isEmpty() ? QString::fromLatin1(curl_easy_strerror(code)) : detail;
}
} // namespace

struct CurlTransport::SocketWatch
{
    QSocketNotifier* read = nullptr;
    QSocketNotifier* write = nullptr;
};

struct CurlTransport::Transfer
{
    quint64 id = 0;
    CURL* easy = nullptr;
    curl_slist* headerList = nullptr;
    HttpRequest request;
    HttpResponse response;
    DoneHandler done;
    LineHandler lines;
    HeadersHandler headers;
    QByteArray lineBuffer;
    QList<QByteArray> pendingLines;
    bool headersComplete = false;
    bool headersDelivered = false;
    bool added = false; // handed to libcurl (not waiting in the queue)
    bool countsAsRequest = false; // holds one of the maxRequests slots
    char errorBuffer[CURL_ERROR_SIZE] = {};

    bool streamingBody() const
    {
        return request.stream && headersComplete && response.status >= 200 && response.status < 300;
    }
    void takeLines(bool flushRest)
    {
        qsizetype start = 0;
        for (;;) {
            const qsizetype nl = lineBuffer.indexOf('\n', start);
            if (nl < 0)
                break;
            QByteArray line = lineBuffer.mid(start, nl - start);
            if (line.endsWith('\r'))
                line.chop(1);
            if (!line.isEmpty())
                pendingLines.append(std::move(line));
            start = nl + 1;
        }
        lineBuffer.remove(0, start);
        if (flushRest && !lineBuffer.trimmed().isEmpty()) {
            pendingLines.append(lineBuffer.trimmed());
            lineBuffer.clear();
        }
    }
};

CurlTransport::CurlTransport(DockerEndpoint endpoint, QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_baseUrl(m_endpoint.baseUrl())
    , m_socketPath(m_endpoint.kind == DockerEndpoint::Kind::Unix ? QFile::encodeName(m_endpoint.socketPath)
                                                                 : QByteArray())
{
    initCurlOnce();
    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlTransport::socketCallback);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlTransport::timerCallback);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    // The safety net under our own queue: libcurl queues what exceeds these
    // instead of opening one connection per transfer, and keeps at most
    // maxConnections idle ones.
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, long(maxConnections));
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, long(maxConnections));
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, long(maxConnections));
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CurlTransport::onTimeout);
}

CurlTransport::~CurlTransport()
{
    cancelAll();
    curl_multi_cleanup(m_multi); // closes cached connections (socket callbacks may still run)
    m_multi = nullptr;
}

quint64 CurlTransport::start(const HttpRequest& request, DoneHandler done, LineHandler lines, HeadersHandler headers)
{
    auto t = std::make_unique<Transfer>();
    t->id = m_nextId++;
    t->request = request;
    t->done = std::move(done);
    t->lines = std::move(lines);
    t->headers = std::move(headers);
    t->easy = curl_easy_init();
    CURL* e = t->easy;

    const QByteArray url = m_baseUrl + request.path;
    curl_easy_setopt(e, CURLOPT_URL, url.constData());
    if (!m_socketPath.isEmpty())
        curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, m_socketPath.constData());
    const DockerTls& tls = m_endpoint.tls;
    const bool useTls = m_endpoint.kind == DockerEndpoint::Kind::Tcp && tls.enabled;
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, useTls ? "https" : "http");
#endif
    if (useTls) {
        // As Go's tls.Config in the docker CLI: the chain and the host name
        // checked against ca.pem alone (no system CAs) when it is given,
        // against the system's CAs when not, and nothing checked without
        // verification.
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, tls.verify ? 1L : 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, tls.verify ? 2L : 0L);
        // libcurl copies string options.
        if (tls.verify && !tls.caFile.isEmpty()) {
            curl_easy_setopt(e, CURLOPT_CAINFO, QFile::encodeName(tls.caFile).constData());
            curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
        }
        if (tls.hasClientCertificate()) {
            curl_easy_setopt(e, CURLOPT_SSLCERT, QFile::encodeName(tls.certFile).constData());
            curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
            curl_easy_setopt(e, CURLOPT_SSLKEY, QFile::encodeName(tls.keyFile).constData());
            curl_easy_setopt(e, CURLOPT_SSLKEYTYPE, "PEM");
        }
        // TLS 1.2 at least, as Go's client default; HTTP/1.1 as the CLI's
        // transport with its own TLS config (no HTTP/2 over ALPN): the
        // event and pull streams are read line by line.
        curl_easy_setopt(e, CURLOPT_SSLVERSION, long(CURL_SSLVERSION_TLSv1_2));
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
    }
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errorBuffer);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &CurlTransport::writeCallback);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &CurlTransport::headerCallback);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, long(request.connectTimeoutMs));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, long(request.timeoutMs));
    if (request.timeoutMs == 0 && request.lowSpeedSeconds > 0) {
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(request.lowSpeedSeconds));
    }
    if (m_endpoint.kind == DockerEndpoint::Kind::Tcp)
        curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x074100
    curl_easy_setopt(e, CURLOPT_MAXAGE_CONN, maxIdleSeconds);
#endif

    t->headerList = curl_slist_append(t->headerList, "Expect:");
    t->headerList = curl_slist_append(t->headerList, "User-Agent: Stevedore/" STEVEDORE_VERSION);
    if (!request.contentType.isEmpty())
        t->headerList
            = curl_slist_append(t->headerList, QByteArray("Content-Type: " + request.contentType).constData());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headerList);

    if (request.method == "POST" || request.method == "PUT" || !request.body.isEmpty()) {
        curl_easy_setopt(e, CURLOPT_POST, 1L);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, long(request.body.size()));
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, request.body.constData());
    }
    if (request.method != "GET" && request.method != "POST")
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, request.method.constData());
    if (request.method == "HEAD")
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);

    const quint64 id = t->id;
    t->countsAsRequest = !request.stream;
    m_transfers.emplace(id, std::move(t));
    if (request.stream) {
        // Adding only arms the timer; libcurl starts the transfer from
        // onTimeout, on the next event loop pass, never inside this call.
        m_transfers[id]->added = true;
        curl_multi_add_handle(m_multi, e);
    } else {
        m_queue.push_back(id);
        startQueued();
    }
    return id;
}

void CurlTransport::startQueued()
{
    while (m_runningRequests < maxRequests && !m_queue.empty()) {
        const quint64 id = m_queue.front();
        m_queue.pop_front();
        const auto it = m_transfers.find(id);
        if (it == m_transfers.end())
            continue; // cancelled while waiting
        Transfer* t = it->second.get();
        t->added = true;
        ++m_runningRequests;
        curl_multi_add_handle(m_multi, t->easy);
    }
}

void CurlTransport::cancel(quint64 id)
{
    const auto it = m_transfers.find(id);
    if (it == m_transfers.end())
        return;
    removeTransfer(it->second.get());
    m_transfers.erase(it);
    startQueued();
}

void CurlTransport::cancelAll()
{
    auto transfers = std::move(m_transfers);
    m_transfers.clear();
    m_queue.clear();
    for (auto& [id, t] : transfers)
        removeTransfer(t.get());
}

void CurlTransport::removeTransfer(Transfer* t)
{
    if (t->countsAsRequest && t->added) {
        t->countsAsRequest = false;
        --m_runningRequests;
    }
    if (t->easy) {
        if (t->added)
            curl_multi_remove_handle(m_multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = nullptr;
    }
    if (t->headerList) {
        curl_slist_free_all(t->headerList);
        t->headerList = nullptr;
    }
}

int CurlTransport::socketCallback(void*, int fd, int what, void* userp, void* socketp)
{
    auto* self = static_cast<CurlTransport*>(userp);
    auto* watch = static_cast<SocketWatch*>(socketp);
    if (what == CURL_POLL_REMOVE) {
        if (watch) {
            self->dropWatch(watch);
            curl_multi_assign(self->m_multi, fd, nullptr);
        }
        return 0;
    }
    if (!watch) {
        watch = new SocketWatch;
        watch->read = new QSocketNotifier(fd, QSocketNotifier::Read, self);
        watch->write = new QSocketNotifier(fd, QSocketNotifier::Write, self);
        connect(watch->read, &QSocketNotifier::activated, self,
                [self, fd] { self->onSocketActivity(fd, CURL_CSELECT_IN); });
        connect(watch->write, &QSocketNotifier::activated, self,
                [self, fd] { self->onSocketActivity(fd, CURL_CSELECT_OUT); });
        curl_multi_assign(self->m_multi, fd, watch);
    }
    watch->read->setEnabled(what == CURL_POLL_IN || what == CURL_POLL_INOUT);
    watch->write->setEnabled(what == CURL_POLL_OUT || what == CURL_POLL_INOUT);
    return 0;
}

void CurlTransport::dropWatch(SocketWatch* watch)
{
    // The notifier may be the one whose signal is running right now.
    for (QSocketNotifier* n : { watch->read, watch->write }) {
        n->setEnabled(false);
        n->disconnect(this);
        n->deleteLater();
    }
    delete watch;
}

int CurlTransport::timerCallback(void*, long timeoutMs, void* userp)
{
    auto* self = static_cast<CurlTransport*>(userp);
    if (timeoutMs < 0)
        self->m_timer.stop();
    else
        self->m_timer.start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

size_t CurlTransport::headerCallback(char* data, size_t size, size_t count, void* userp)
{
    auto* t = static_cast<Transfer*>(userp);
    const size_t n = size * count;
    const QByteArray line = QByteArray(data, qsizetype(n)).trimmed();
    if (line.startsWith("HTTP/")) {
        // A new status line (after a 1xx, or a retry): start over.
        const QList<QByteArray> parts = line.split(' ');
        t->response.status = parts.size() > 1 ? parts.at(1).toInt() : 0;
        t->response.headers.clear();
        t->headersComplete = false;
    } else if (line.isEmpty()) {
        if (t->response.status >= 200)
            t->headersComplete = true;
    } else {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            t->response.headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    }
    return n;
}

size_t CurlTransport::writeCallback(char* data, size_t size, size_t count, void* userp)
{
    auto* t = static_cast<Transfer*>(userp);
    const size_t n = size * count;
    if (t->streamingBody() && t->request.rawChunks) {
        t->pendingLines.append(QByteArray(data, qsizetype(n)));
        return n;
    }
    if (t->streamingBody()) {
        t->lineBuffer.append(data, qsizetype(n));
        t->takeLines(false);
        if (t->lineBuffer.size() > maxBodyBytes) { // a "line" this long is not Docker talking
            t->lineBuffer.clear();
            t->response.truncated = true;
        }
        return n;
    }
    if (t->response.body.size() + qsizetype(n) > maxBodyBytes) {
        t->response.truncated = true;
        return n;
    }
    t->response.body.append(data, qsizetype(n));
    return n;
}

void CurlTransport::onSocketActivity(int fd, int curlFlag)
{
    int running = 0;
    curl_multi_socket_action(m_multi, fd, curlFlag, &running);
    dispatch();
}

void CurlTransport::onTimeout()
{
    int running = 0;
    curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    dispatch();
}

void CurlTransport::dispatch()
{
    QPointer<CurlTransport> self(this);

    // Streaming data first, so lines arrive before their transfer's `done`.
    auto deliverStream = [&](quint64 id) -> bool {
        auto it = m_transfers.find(id);
        if (it == m_transfers.end())
            return true;
        Transfer* t = it->second.get();
        if (t->request.stream && t->headersComplete && !t->headersDelivered) {
            t->headersDelivered = true;
            if (t->headers) {
                auto handler = t->headers;
                handler(t->response.status, t->response.headers);
                if (!self)
                    return false;
            }
        }
        for (;;) {
            it = m_transfers.find(id);
            if (it == m_transfers.end() || it->second->pendingLines.isEmpty())
                return true;
            t = it->second.get();
            const QByteArray line = t->pendingLines.takeFirst();
            if (t->lines) {
                auto handler = t->lines;
                handler(line);
                if (!self)
                    return false;
            }
        }
    };

    std::vector<quint64> streaming;
    for (const auto& [id, t] : m_transfers) {
        if (t->request.stream && ((t->headersComplete && !t->headersDelivered) || !t->pendingLines.isEmpty()))
            streaming.push_back(id);
    }
    for (const quint64 id : streaming) {
        if (!deliverStream(id))
            return;
    }

    // Read every completion before calling anyone: a handler may cancel
    // another transfer and free the handle a later message points to.
    std::vector<std::pair<quint64, CURLcode>> finished;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        if (t)
            finished.emplace_back(t->id, msg->data.result);
    }
    for (const auto& [id, code] : finished) {
        auto it = m_transfers.find(id);
        if (it == m_transfers.end())
            continue;
        Transfer* t = it->second.get();
        if (code != CURLE_OK) {
            long osErrno = 0;
            curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &osErrno);
            t->response.transportError = describeCurlError(code, t->errorBuffer, osErrno, t->request.timeoutMs);
            t->response.timedOut = code == CURLE_OPERATION_TIMEDOUT;
            if (m_endpoint.kind == DockerEndpoint::Kind::Tcp && m_endpoint.tls.enabled) {
                long connects = 0;
                curl_easy_getinfo(t->easy, CURLINFO_NUM_CONNECTS, &connects);
                t->response.tlsFailure = classifyTls(code, connects > 0, t->response.status > 0);
                // libcurl's own sentence names the TLS library's reason
                // ("SSL certificate problem: unable to get local issuer
                // certificate"): keep it rather than "connection lost".
                // (A rejection is told by the caller: libcurl's text there is
                // about the socket, e.g. getpeername() failing.)
                if (t->response.tlsFailure != DockerTlsFailure::None
                    && t->response.tlsFailure != DockerTlsFailure::Rejected && t->errorBuffer[0] != '\0')
                    t->response.transportError = QString::fromLocal8Bit(t->errorBuffer);
            }
        } else if (t->response.status == 0) {
            long status = 0;
            curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
            t->response.status = int(status);
        }
        if (t->request.stream && t->streamingBody()) {
            t->takeLines(true);
            if (!deliverStream(id))
                return;
            it = m_transfers.find(id);
            if (it == m_transfers.end())
                continue;
            t = it->second.get();
        }
        std::unique_ptr<Transfer> owned = std::move(it->second);
        m_transfers.erase(it);
        removeTransfer(owned.get());
        startQueued();
        if (owned->done) {
            owned->done(owned->response);
            if (!self)
                return;
        }
    }
}
