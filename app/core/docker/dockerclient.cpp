#include "core/docker/dockerclient.h"

#include "core/docker/curltransport.h"

#include <QUrl>
#include <QUrlQuery>

namespace {
// Docker 20.10 speaks 1.41; Docker 29 accepts 1.44 and newer only, so the
// newest we speak must be at least that. Nothing Stevedore sends changed
// between these versions.
QString newestApi()
{
    return QStringLiteral("1.47");
}
QString oldestApi()
{
    return QStringLiteral("1.24");
}

QByteArray pathPart(const QString& text)
{
    // Image names keep their '/', ':' and '@' (the daemon's router expects
    // them raw, as the docker CLI sends them); everything else is encoded.
    return QUrl::toPercentEncoding(text, QByteArrayLiteral("/:@"));
}

QByteArray query(const QList<QPair<QString, QString>>& items)
{
    QByteArray out;
    for (const auto& [key, value] : items) {
        out += out.isEmpty() ? '?' : '&';
        out += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    return out;
}

bool isSuccess(int status)
{
    return (status >= 200 && status < 300) || status == 304;
}
} // namespace

struct DockerClient::Call
{
    quint64 id = 0;
    quint64 transportId = 0;
    bool waiting = false; // for the version negotiation
    bool raw = false; // path without /v<version>
    HttpRequest request;
    QPointer<QObject> context;
    bool hasContext = false;
    ResponseHandler handler;
    std::function<void(const QByteArray&)> lines;
};

DockerClient::DockerClient(DockerEndpoint endpoint, QObject* parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_transport(new CurlTransport(m_endpoint, this))
{
    qRegisterMetaType<DockerEvent>();
    qRegisterMetaType<PullProgress>();
    m_eventsRetry.setSingleShot(true);
    connect(&m_eventsRetry, &QTimer::timeout, this, &DockerClient::connectEvents);
    m_eventsHeaderDeadline.setSingleShot(true);
    connect(&m_eventsHeaderDeadline, &QTimer::timeout, this, &DockerClient::onEventsHeaderTimeout);
}

std::unique_ptr<DockerClient> DockerClient::create(const QString& explicitHost, QString* error, QObject* parent)
{
    const auto endpoint = resolveDockerHost(DockerHostInputs::fromEnvironment(explicitHost), error);
    if (!endpoint)
        return nullptr;
    return std::make_unique<DockerClient>(*endpoint, parent);
}

DockerClient::~DockerClient()
{
    // Callbacks must not run while members are being torn down.
    m_transport->cancelAll();
    m_calls.clear();
}

QString DockerClient::newestApiVersion()
{
    return newestApi();
}

QString DockerClient::oldestApiVersion()
{
    return oldestApi();
}

QString DockerClient::negotiateApiVersion(const QString& daemonVersion)
{
    const QString v = daemonVersion.trimmed();
    if (v.isEmpty() || DockerJson::compareApiVersions(v, oldestApi()) < 0)
        return {};
    if (DockerJson::compareApiVersions(v, newestApi()) > 0)
        return newestApi();
    return v;
}

void DockerClient::setEventsBackoff(int initialMs, int maxMs)
{
    m_backoffInitialMs = std::max(1, initialMs);
    m_backoffMaxMs = std::max(m_backoffInitialMs, maxMs);
    m_backoffMs = m_backoffInitialMs;
}

QPair<QString, QString> DockerClient::splitImageReference(const QString& reference)
{
    const int at = reference.indexOf(QLatin1Char('@'));
    if (at >= 0)
        return { reference.left(at), reference.mid(at + 1) };
    const int slash = reference.lastIndexOf(QLatin1Char('/'));
    const int colon = reference.lastIndexOf(QLatin1Char(':'));
    if (colon > slash) // a colon before the last slash is a registry port
        return { reference.left(colon), reference.mid(colon + 1) };
    return { reference, QStringLiteral("latest") };
}

HttpRequest DockerClient::request(const QByteArray& method, const QByteArray& path, int timeoutMs) const
{
    HttpRequest r;
    r.method = method;
    r.path = path;
    r.timeoutMs = timeoutMs < 0 ? m_timeoutMs : timeoutMs;
    r.connectTimeoutMs = std::min(m_connectTimeoutMs, r.timeoutMs > 0 ? r.timeoutMs : m_connectTimeoutMs);
    return r;
}

DockerError DockerClient::makeError(DockerError::Kind kind, const QString& request, const QString& detail) const
{
    DockerError e;
    e.kind = kind;
    e.endpoint = m_endpoint.url();
    e.request = request;
    switch (kind) {
    case DockerError::Kind::Unreachable:
        e.message = QStringLiteral("cannot reach Docker at %1: %2 (%3)").arg(e.endpoint, detail, request);
        break;
    case DockerError::Kind::BadResponse:
        e.message = QStringLiteral("Docker at %1 gave an answer Stevedore cannot read (%2): %3")
                        .arg(e.endpoint, request, detail);
        break;
    default:
        e.message = QStringLiteral("Docker at %1: %2 (%3)").arg(e.endpoint, detail, request);
        break;
    }
    return e;
}

QString DockerClient::unreachableMessage(const HttpResponse& r) const
{
    const QString url = endpointUrl();
    const DockerTls& tls = m_endpoint.tls;
    switch (r.tlsFailure) {
    case DockerTlsFailure::None:
        break;
    case DockerTlsFailure::Verify:
        return QStringLiteral("Docker TLS: certificate verify failed for %1: %2 (trusted: %3)")
            .arg(url, r.transportError, tls.caFile.isEmpty() ? QStringLiteral("the system's CAs") : tls.caFile);
    case DockerTlsFailure::Handshake:
        return QStringLiteral("Docker TLS: handshake failed with %1: %2 (does it serve TLS on that port? A plain "
                              "tcp:// daemon needs DOCKER_TLS_VERIFY and DOCKER_TLS unset; a TLS 1.2 daemon also "
                              "fails the handshake on a missing or unknown client certificate)")
            .arg(url, r.transportError);
    case DockerTlsFailure::Rejected:
        return tls.hasClientCertificate()
            ? QStringLiteral("Docker TLS: %1 closed the connection after the handshake: %2 (was the client "
                             "certificate %3 signed by the CA the daemon trusts?)")
                  .arg(url, r.transportError, tls.certFile)
            : QStringLiteral("Docker TLS: %1 closed the connection after the handshake: %2 (the daemon probably "
                             "requires a client certificate: put cert.pem and key.pem in %3)")
                  .arg(url, r.transportError, tls.certDir);
    case DockerTlsFailure::ClientCertificate:
        return QStringLiteral("Docker TLS: cannot use the client certificate %1 and key %2 for %3: %4")
            .arg(tls.certFile, tls.keyFile, url, r.transportError);
    case DockerTlsFailure::CaFile:
        return QStringLiteral("Docker TLS: cannot use the CA file %1 for %2: %3")
            .arg(tls.caFile, url, r.transportError);
    }
    return QStringLiteral("cannot reach Docker at %1: %2").arg(url, r.transportError);
}

DockerError DockerClient::errorFor(const HttpResponse& r, const QByteArray& method, const QByteArray& path) const
{
    const QString req = QString::fromLatin1(method + ' ' + path);
    if (!r.transportError.isEmpty()) {
        DockerError e = makeError(DockerError::Kind::Unreachable, req, r.transportError);
        e.timedOut = r.timedOut;
        e.tls = r.tlsFailure;
        if (e.tls != DockerTlsFailure::None)
            e.message = QStringLiteral("%1 (%2)").arg(unreachableMessage(r), req);
        return e;
    }
    if (isSuccess(r.status))
        return {};
    const QString daemon = DockerJson::errorMessage(r.body);
    DockerError e = makeError(DockerError::Kind::Http, QStringLiteral("HTTP %1 to %2").arg(r.status).arg(req),
                              daemon.isEmpty() ? QStringLiteral("error") : daemon);
    e.request = req;
    e.httpStatus = r.status;
    e.daemonMessage = daemon;
    return e;
}

void DockerClient::setConnected(bool connected, const QString& message)
{
    if (!connected)
        m_lastError = message;
    if (m_connected == connected)
        return;
    m_connected = connected;
    if (!connected)
        m_apiVersion.clear(); // the daemon may come back as another version
    Q_EMIT connectionChanged(connected,
                             connected ? QStringLiteral("connected to Docker at %1").arg(endpointUrl()) : message);
}

void DockerClient::noteAnswer(const HttpResponse& r)
{
    if (r.cancelled)
        return;
    if (!r.transportError.isEmpty())
        setConnected(false, unreachableMessage(r));
    else
        setConnected(true, {});
}

quint64 DockerClient::send(quint64 callId, HttpRequest req, bool raw, QObject* context, ResponseHandler handler,
                           std::function<void(const QByteArray&)> lines)
{
    auto call = std::make_unique<Call>();
    call->id = callId ? callId : m_nextCallId++;
    call->raw = raw;
    call->request = std::move(req);
    call->context = context;
    call->hasContext = context != nullptr;
    call->handler = std::move(handler);
    call->lines = std::move(lines);
    Call* c = call.get();
    const quint64 id = c->id;
    m_calls[id] = std::move(call);
    if (raw || !m_apiVersion.isEmpty()) {
        startCall(c);
    } else {
        c->waiting = true;
        negotiate();
    }
    return id;
}

void DockerClient::startCall(Call* c)
{
    c->waiting = false;
    HttpRequest r = c->request;
    if (!c->raw)
        r.path = "/v" + m_apiVersion.toLatin1() + r.path;
    const quint64 id = c->id;
    CurlTransport::LineHandler lines;
    CurlTransport::HeadersHandler headers;
    if (c->lines) {
        lines = [this, id](const QByteArray& line) {
            const auto it = m_calls.find(id);
            if (it == m_calls.end())
                return;
            if (it->second->hasContext && !it->second->context)
                return;
            auto fn = it->second->lines;
            fn(line);
        };
    }
    c->transportId = m_transport->start(
        r, [this, id](const HttpResponse& response) { onTransferDone(id, response); }, lines, headers);
}

void DockerClient::onTransferDone(quint64 callId, const HttpResponse& response)
{
    const auto it = m_calls.find(callId);
    if (it == m_calls.end())
        return;
    std::unique_ptr<Call> call = std::move(it->second);
    m_calls.erase(it);
    noteAnswer(response);
    if (call->hasContext && !call->context)
        return;
    call->handler(response, errorFor(response, call->request.method, call->request.path));
}

void DockerClient::negotiate()
{
    if (m_negotiating)
        return;
    m_negotiating = true;
    m_transport->start(request("GET", "/_ping"), [this](const HttpResponse& r) {
        noteAnswer(r);
        const QString header = QString::fromLatin1(r.headers.value("api-version"));
        if (r.answered() && isSuccess(r.status) && !header.isEmpty()) {
            finishNegotiation(header, {});
            return;
        }
        if (!r.answered()) {
            finishNegotiation({}, errorFor(r, "GET", "/_ping"));
            return;
        }
        // No API-Version header (a proxy in between, a very old daemon):
        // ask /version, which every version has.
        m_transport->start(request("GET", "/version"), [this](const HttpResponse& v) {
            noteAnswer(v);
            DockerError error = errorFor(v, "GET", "/version");
            VersionInfo info;
            QString why;
            if (!error.isError() && !DockerJson::parseVersion(v.body, info, &why))
                error = makeError(DockerError::Kind::BadResponse, QStringLiteral("GET /version"), why);
            finishNegotiation(info.apiVersion, error);
        });
    });
}

void DockerClient::finishNegotiation(const QString& daemonVersion, const DockerError& error)
{
    m_negotiating = false;
    DockerError failure = error;
    if (!failure.isError()) {
        const QString v = negotiateApiVersion(daemonVersion);
        if (v.isEmpty()) {
            failure = makeError(DockerError::Kind::Invalid, QStringLiteral("GET /_ping"),
                                QStringLiteral("the daemon speaks Docker API %1, older than the oldest Stevedore "
                                               "supports (%2)")
                                    .arg(daemonVersion, oldestApi()));
        } else {
            m_apiVersion = v;
        }
    }
    std::vector<quint64> waiting;
    for (const auto& [id, call] : m_calls) {
        if (call->waiting)
            waiting.push_back(id);
    }
    QPointer<DockerClient> self(this);
    for (const quint64 id : waiting) {
        const auto it = m_calls.find(id);
        if (it == m_calls.end() || !it->second->waiting)
            continue;
        if (!failure.isError() && !m_apiVersion.isEmpty()) {
            startCall(it->second.get());
            continue;
        }
        // Fail the waiting call as if its own transfer had failed.
        std::unique_ptr<Call> call = std::move(it->second);
        m_calls.erase(it);
        if (call->hasContext && !call->context)
            continue;
        call->handler(HttpResponse {}, failure);
        if (!self)
            return;
    }
    // A call queued while this negotiation failed keeps waiting for the next one.
    for (const auto& [id, call] : m_calls) {
        if (call->waiting) {
            negotiate();
            break;
        }
    }
}

void DockerClient::cancel(quint64 callId)
{
    const auto it = m_calls.find(callId);
    if (it == m_calls.end())
        return;
    const quint64 transfer = it->second->transportId;
    m_calls.erase(it);
    if (transfer)
        m_transport->cancel(transfer);
}

void DockerClient::cancelAll()
{
    const auto calls = std::move(m_calls);
    m_calls.clear();
    for (const auto& [id, call] : calls) {
        if (call->transportId)
            m_transport->cancel(call->transportId);
    }
}

// ---- operations --------------------------------------------------------

namespace {
// Parses a successful body into result.value, or turns the parse failure into
// a BadResponse error.
template<typename T, typename Parse>
void parseInto(DockerResult<T>& result, const HttpResponse& r, Parse parse,
               const std::function<DockerError(const QString&)>& bad)
{
    if (result.error.isError())
        return;
    QString why;
    if (!parse(r.body, result.value, &why))
        result.error = bad(why);
}
} // namespace

quint64 DockerClient::ping(Callback<PingInfo> done, QObject* context)
{
    return send(0, request("GET", "/_ping"), true, context,
                [this, done](const HttpResponse& r, const DockerError& error) {
                    DockerResult<PingInfo> result;
                    result.error = error;
                    if (result.ok()) {
                        result.value.apiVersion = QString::fromLatin1(r.headers.value("api-version"));
                        result.value.osType = QString::fromLatin1(r.headers.value("ostype"));
                        if (m_apiVersion.isEmpty())
                            m_apiVersion = negotiateApiVersion(result.value.apiVersion);
                    }
                    done(result);
                });
}

quint64 DockerClient::version(Callback<VersionInfo> done, QObject* context)
{
    return send(0, request("GET", "/version"), false, context,
                [this, done](const HttpResponse& r, const DockerError& error) {
                    DockerResult<VersionInfo> result;
                    result.error = error;
                    parseInto(result, r, DockerJson::parseVersion, [this](const QString& why) {
                        return makeError(DockerError::Kind::BadResponse, QStringLiteral("GET /version"), why);
                    });
                    done(result);
                });
}

quint64 DockerClient::listContainers(const ContainerListQuery& q, Callback<QList<ContainerSummary>> done,
                                     QObject* context)
{
    QList<QPair<QString, QString>> items;
    if (q.all)
        items.append({ QStringLiteral("all"), QStringLiteral("1") });
    const QByteArray filters = DockerJson::filtersJson({ { QStringLiteral("label"), q.labels },
                                                         { QStringLiteral("name"), q.names },
                                                         { QStringLiteral("id"), q.ids },
                                                         { QStringLiteral("status"), q.statuses } });
    if (filters != "{}")
        items.append({ QStringLiteral("filters"), QString::fromUtf8(filters) });
    const QByteArray path = "/containers/json" + query(items);
    return send(0, request("GET", path), false, context, [this, done](const HttpResponse& r, const DockerError& error) {
        DockerResult<QList<ContainerSummary>> result;
        result.error = error;
        parseInto(result, r, DockerJson::parseContainerList, [this](const QString& why) {
            return makeError(DockerError::Kind::BadResponse, QStringLiteral("GET /containers/json"), why);
        });
        done(result);
    });
}

quint64 DockerClient::inspectContainer(const QString& idOrName, Callback<ContainerInfo> done, QObject* context)
{
    const QByteArray path = "/containers/" + pathPart(idOrName) + "/json";
    return send(0, request("GET", path), false, context,
                [this, done, path](const HttpResponse& r, const DockerError& error) {
                    DockerResult<ContainerInfo> result;
                    result.error = error;
                    parseInto(result, r, DockerJson::parseContainerInspect, [this, path](const QString& why) {
                        return makeError(DockerError::Kind::BadResponse, QString::fromLatin1("GET " + path), why);
                    });
                    done(result);
                });
}

HttpRequest DockerClient::createRequest(const ContainerSpec& spec) const
{
    QList<QPair<QString, QString>> items;
    if (!spec.name.isEmpty())
        items.append({ QStringLiteral("name"), spec.name });
    HttpRequest r = request("POST", "/containers/create" + query(items));
    r.body = DockerJson::containerSpecToJson(spec);
    r.contentType = "application/json";
    return r;
}

DockerResult<QString> DockerClient::createdId(const HttpResponse& r, const DockerError& error) const
{
    DockerResult<QString> result;
    result.error = error;
    QStringList warnings;
    QString why;
    if (result.ok() && !DockerJson::parseCreateResponse(r.body, result.value, warnings, &why))
        result.error = makeError(DockerError::Kind::BadResponse, QStringLiteral("POST /containers/create"), why);
    return result;
}

quint64 DockerClient::createContainer(const ContainerSpec& spec, Callback<QString> done, QObject* context)
{
    return send(0, createRequest(spec), false, context,
                [this, done](const HttpResponse& r, const DockerError& error) { done(createdId(r, error)); });
}

quint64 DockerClient::startContainer(const QString& id, Callback<DockerNothing> done, QObject* context)
{
    // 304 (already started) counts as success.
    return send(0, request("POST", "/containers/" + pathPart(id) + "/start"), false, context,
                [done](const HttpResponse&, const DockerError& error) {
                    done({ {}, error });
                });
}

quint64 DockerClient::runContainer(const ContainerSpec& spec, Callback<QString> done, QObject* context)
{
    // One call id for both requests, so cancel() stops whichever is running.
    const quint64 callId = m_nextCallId++;
    QPointer<QObject> ctx = context;
    const bool hasContext = context != nullptr;
    send(callId, createRequest(spec), false, context,
         [this, done, callId, ctx, hasContext](const HttpResponse& r, const DockerError& error) {
             const DockerResult<QString> created = createdId(r, error);
             if (!created.ok()) {
                 done(created);
                 return;
             }
             const QString id = created.value;
             if (hasContext && !ctx)
                 return;
             send(callId, request("POST", "/containers/" + pathPart(id) + "/start"), false, ctx.data(),
                  [this, done, id](const HttpResponse&, const DockerError& startError) {
                      if (startError.kind == DockerError::Kind::Http) {
                          // Do not leave a created-but-never-started container behind.
                          removeContainer(id, true, [](const DockerResult<DockerNothing>&) {});
                      }
                      done({ id, startError });
                  });
         });
    return callId;
}

quint64 DockerClient::killContainer(const QString& id, Callback<DockerNothing> done, QObject* context,
                                    const QString& signal)
{
    const QByteArray path = "/containers/" + pathPart(id) + "/kill" + query({ { QStringLiteral("signal"), signal } });
    return send(0, request("POST", path), false, context, [done](const HttpResponse&, const DockerError& error) {
        done({ {}, error });
    });
}

quint64 DockerClient::stopContainer(const QString& id, Callback<DockerNothing> done, QObject* context,
                                    int timeoutSeconds)
{
    QList<QPair<QString, QString>> items;
    if (timeoutSeconds >= 0)
        items.append({ QStringLiteral("t"), QString::number(timeoutSeconds) });
    // The daemon answers only when the container is down: the grace period
    // is part of the call.
    const int grace = timeoutSeconds >= 0 ? timeoutSeconds * 1000 : stopGraceMs;
    return send(0, request("POST", "/containers/" + pathPart(id) + "/stop" + query(items), m_timeoutMs + grace), false,
                context, [done](const HttpResponse&, const DockerError& error) {
                    done({ {}, error });
                });
}

quint64 DockerClient::restartContainer(const QString& id, Callback<DockerNothing> done, QObject* context,
                                       int timeoutSeconds)
{
    QList<QPair<QString, QString>> items;
    if (timeoutSeconds >= 0)
        items.append({ QStringLiteral("t"), QString::number(timeoutSeconds) });
    const int grace = timeoutSeconds >= 0 ? timeoutSeconds * 1000 : stopGraceMs;
    return send(0, request("POST", "/containers/" + pathPart(id) + "/restart" + query(items), m_timeoutMs + grace),
                false, context, [done](const HttpResponse&, const DockerError& error) {
                    done({ {}, error });
                });
}

quint64 DockerClient::pauseContainer(const QString& id, Callback<DockerNothing> done, QObject* context)
{
    return send(0, request("POST", "/containers/" + pathPart(id) + "/pause"), false, context,
                [done](const HttpResponse&, const DockerError& error) {
                    done({ {}, error });
                });
}

quint64 DockerClient::unpauseContainer(const QString& id, Callback<DockerNothing> done, QObject* context)
{
    return send(0, request("POST", "/containers/" + pathPart(id) + "/unpause"), false, context,
                [done](const HttpResponse&, const DockerError& error) {
                    done({ {}, error });
                });
}

quint64 DockerClient::containerLogs(const QString& id, const LogsQuery& q, std::function<void(const QByteArray&)> chunk,
                                    Callback<DockerNothing> done, QObject* context)
{
    const auto flag = [](bool on) {
        return on ? QStringLiteral("1") : QStringLiteral("0");
    };
    const QList<QPair<QString, QString>> items
        = { { QStringLiteral("stdout"), flag(q.stdoutStream) },
            { QStringLiteral("stderr"), flag(q.stderrStream) },
            { QStringLiteral("follow"), flag(q.follow) },
            { QStringLiteral("timestamps"), flag(q.timestamps) },
            { QStringLiteral("tail"), q.tail < 0 ? QStringLiteral("all") : QString::number(q.tail) } };
    // No overall timeout: a followed container may stay quiet for hours.
    HttpRequest r = request("GET", "/containers/" + pathPart(id) + "/logs" + query(items), q.follow ? 0 : -1);
    r.stream = true;
    r.rawChunks = true;
    return send(
        0, r, false, context,
        [done](const HttpResponse&, const DockerError& error) {
            done({ {}, error });
        },
        std::move(chunk));
}

quint64 DockerClient::removeContainer(const QString& id, bool force, Callback<DockerNothing> done, QObject* context)
{
    QList<QPair<QString, QString>> items;
    if (force)
        items.append({ QStringLiteral("force"), QStringLiteral("1") });
    items.append({ QStringLiteral("v"), QStringLiteral("1") }); // anonymous volumes go with it
    return send(0, request("DELETE", "/containers/" + pathPart(id) + query(items)), false, context,
                [done](const HttpResponse&, const DockerError& error) {
                    done({ {}, error });
                });
}

quint64 DockerClient::inspectImage(const QString& name, Callback<ImageInfo> done, QObject* context)
{
    const QByteArray path = "/images/" + pathPart(name) + "/json";
    return send(0, request("GET", path), false, context,
                [this, done, path](const HttpResponse& r, const DockerError& error) {
                    DockerResult<ImageInfo> result;
                    result.error = error;
                    parseInto(result, r, DockerJson::parseImageInspect, [this, path](const QString& why) {
                        return makeError(DockerError::Kind::BadResponse, QString::fromLatin1("GET " + path), why);
                    });
                    done(result);
                });
}

quint64 DockerClient::pullImage(const QString& reference, ProgressCallback progress, Callback<DockerNothing> done,
                                QObject* context)
{
    const auto parts = splitImageReference(reference);
    const QByteArray path = "/images/create"
        + query({ { QStringLiteral("fromImage"), parts.first }, { QStringLiteral("tag"), parts.second } });
    HttpRequest r = request("POST", path, 0);
    r.stream = true;
    r.lowSpeedSeconds = m_pullStallSeconds;
    // Shared by the line and done handlers of this one call.
    struct State
    {
        QHash<QString, QPair<qint64, qint64>> layers;
        QString error;
    };
    auto state = std::make_shared<State>();
    auto onLine = [state, progress](const QByteArray& line) {
        PullProgress p;
        if (!DockerJson::parsePullLine(line, p, nullptr))
            return;
        if (!p.error.isEmpty())
            state->error = p.error;
        if (!p.layer.isEmpty() && p.total > 0)
            state->layers[p.layer] = { p.current, p.total };
        for (const auto& layer : std::as_const(state->layers)) {
            p.totalCurrent += layer.first;
            p.totalBytes += layer.second;
        }
        if (progress)
            progress(p);
    };
    return send(
        0, r, false, context,
        [this, done, path, state, reference](const HttpResponse& resp, const DockerError& error) {
            DockerResult<DockerNothing> result;
            result.error = error;
            if (result.ok() && !state->error.isEmpty()) {
                // The daemon reports a failed pull inside a 200 stream.
                result.error = makeError(DockerError::Kind::Http, QString::fromLatin1("POST " + path),
                                         QStringLiteral("pull of %1 failed: %2").arg(reference, state->error));
                result.error.httpStatus = resp.status;
                result.error.daemonMessage = state->error;
            }
            done(result);
        },
        onLine);
}

// ---- events ------------------------------------------------------------

void DockerClient::startEvents(const EventFilter& filter)
{
    m_eventFilter = filter;
    m_eventsWanted = true;
    m_eventsLossReported = false;
    m_backoffMs = m_backoffInitialMs;
    if (m_eventsTransfer) {
        m_transport->cancel(m_eventsTransfer);
        m_eventsTransfer = 0;
    }
    m_eventsRetry.stop();
    connectEvents();
}

void DockerClient::stopEvents()
{
    m_eventsWanted = false;
    m_eventsRetry.stop();
    m_eventsHeaderDeadline.stop();
    if (m_eventsTransfer) {
        m_transport->cancel(m_eventsTransfer);
        m_eventsTransfer = 0;
    }
    m_eventsUp = false;
}

void DockerClient::onEventsHeaderTimeout()
{
    // The stream itself has no timeout (it is silent while nothing
    // happens), but a daemon that accepts and never answers must not leave
    // us waiting forever: no headers in time means try again later.
    if (!m_eventsTransfer || m_eventsUp)
        return;
    m_transport->cancel(m_eventsTransfer);
    m_eventsTransfer = 0;
    const QString why = QStringLiteral("cannot reach Docker at %1: no answer within %2 s (GET /events)")
                            .arg(endpointUrl())
                            .arg(m_timeoutMs / 1000.0);
    setConnected(false, why);
    reportEventsLost(why);
    scheduleEventsReconnect(why);
}

void DockerClient::reportEventsLost(const QString& why)
{
    // Once per outage, not once per failed reconnection attempt.
    if (m_eventsLossReported)
        return;
    m_eventsLossReported = true;
    Q_EMIT eventsStreamLost(why);
}

void DockerClient::connectEvents()
{
    if (!m_eventsWanted || m_eventsTransfer)
        return;
    const QByteArray filters = DockerJson::filtersJson(
        { { QStringLiteral("type"), m_eventFilter.types }, { QStringLiteral("label"), m_eventFilter.labels } });
    QByteArray path = "/events" + query({ { QStringLiteral("filters"), QString::fromUtf8(filters) } });
    // Unversioned before the first negotiation: the daemon then uses its
    // own version, and the fields read here exist in all of them.
    if (!m_apiVersion.isEmpty())
        path = "/v" + m_apiVersion.toLatin1() + path;
    HttpRequest r = request("GET", path, 0);
    r.stream = true;
    m_eventsHeaderDeadline.start(m_timeoutMs);
    m_eventsTransfer = m_transport->start(
        r,
        [this, path](const HttpResponse& resp) {
            m_eventsTransfer = 0;
            m_eventsHeaderDeadline.stop();
            m_eventsUp = false;
            noteAnswer(resp);
            QString why;
            if (!resp.transportError.isEmpty())
                why = unreachableMessage(resp);
            else if (!isSuccess(resp.status))
                why = errorFor(resp, "GET", path).message;
            else
                why = QStringLiteral("Docker at %1 closed the event stream").arg(endpointUrl());
            reportEventsLost(why);
            scheduleEventsReconnect(why);
        },
        [this](const QByteArray& line) {
            DockerEvent event;
            if (DockerJson::parseEvent(line, event, nullptr))
                Q_EMIT eventReceived(event);
        },
        [this](int status, const QHash<QByteArray, QByteArray>& headers) {
            if (status < 200 || status >= 300)
                return; // the done handler reports the daemon's error
            m_eventsHeaderDeadline.stop();
            m_eventsUp = true;
            m_eventsLossReported = false;
            m_backoffMs = m_backoffInitialMs;
            if (m_apiVersion.isEmpty()) {
                const QString v = negotiateApiVersion(QString::fromLatin1(headers.value("api-version")));
                if (!v.isEmpty())
                    m_apiVersion = v;
            }
            setConnected(true, {});
            Q_EMIT eventsStreamConnected();
        });
}

void DockerClient::scheduleEventsReconnect(const QString& why)
{
    Q_UNUSED(why)
    if (!m_eventsWanted)
        return;
    m_eventsRetry.start(m_backoffMs);
    m_backoffMs = std::min(m_backoffMs * 2, m_backoffMaxMs);
}
