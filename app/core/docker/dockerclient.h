#pragma once

#include "core/docker/dockerhost.h"
#include "core/docker/dockertypes.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>
#include <optional>

class CurlTransport;
struct HttpRequest;
struct HttpResponse;

// The Docker Engine API, asynchronous, on the caller's event loop.
//
// Every operation returns at once with a call id (for cancel()) and reports
// through its callback exactly once, on this object's thread, unless it was
// cancelled, the client was destroyed, or the optional `context` object was
// destroyed first. Every call has a timeout (setTimeout(); pulls give up when
// the daemon sends nothing for setPullStallTimeout() seconds), so a daemon
// that is down or hangs costs a timeout, never a frozen UI.
//
// The API version is negotiated once from /_ping (or /version), clamped to
// the range Stevedore knows (works with Docker 20.10 to 29), and again after
// the connection was lost. isConnected() and connectionChanged() tell the
// user whether the daemon answers.
class DockerClient : public QObject
{
    Q_OBJECT
public:
    template<typename T> using Callback = std::function<void(const DockerResult<T>&)>;
    using ProgressCallback = std::function<void(const PullProgress&)>;

    explicit DockerClient(DockerEndpoint endpoint, QObject* parent = nullptr);
    ~DockerClient() override;

    // A client for the daemon the docker CLI would use, given --docker-host
    // (may be empty): see resolveDockerHost(). Null with `error` set when
    // the host cannot be resolved (bad URL, missing context).
    static std::unique_ptr<DockerClient> create(const QString& explicitHost, QString* error, QObject* parent = nullptr);

    const DockerEndpoint& endpoint() const { return m_endpoint; }
    QString endpointUrl() const { return m_endpoint.url(); }
    // The negotiated version ("1.41"); empty until the daemon first answered.
    QString apiVersion() const { return m_apiVersion; }
    static QString newestApiVersion(); // the newest version Stevedore speaks
    static QString oldestApiVersion();
    // Clamps the daemon's version to what Stevedore speaks; empty when the
    // daemon is older than oldestApiVersion(). Exposed for tests.
    static QString negotiateApiVersion(const QString& daemonVersion);

    bool isConnected() const { return m_connected.value_or(false); }
    QString lastError() const { return m_lastError; }

    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }
    int timeout() const { return m_timeoutMs; }
    void setConnectTimeout(int milliseconds) { m_connectTimeoutMs = milliseconds; }
    void setPullStallTimeout(int seconds) { m_pullStallSeconds = seconds; }
    // Delay before the first events reconnection attempt, doubled after each
    // failure up to maxMs.
    void setEventsBackoff(int initialMs, int maxMs);

    quint64 ping(Callback<PingInfo> done, QObject* context = nullptr);
    quint64 version(Callback<VersionInfo> done, QObject* context = nullptr);
    quint64 listContainers(const ContainerListQuery& query, Callback<QList<ContainerSummary>> done,
                           QObject* context = nullptr);
    quint64 inspectContainer(const QString& idOrName, Callback<ContainerInfo> done, QObject* context = nullptr);
    // Creates (does not start) a container; reports its id.
    quint64 createContainer(const ContainerSpec& spec, Callback<QString> done, QObject* context = nullptr);
    quint64 startContainer(const QString& id, Callback<DockerNothing> done, QObject* context = nullptr);
    // create + start, like `docker run -d`. When start fails the half-made
    // container is removed again and the start error is reported.
    quint64 runContainer(const ContainerSpec& spec, Callback<QString> done, QObject* context = nullptr);
    quint64 killContainer(const QString& id, Callback<DockerNothing> done, QObject* context = nullptr,
                          const QString& signal = QStringLiteral("KILL"));
    // `docker stop`: the container's stop signal, then SIGKILL after its own
    // StopTimeout (10 s unless set at create), the grace Docker uses when
    // given no -t; timeoutSeconds >= 0 overrides it. Already stopped (304)
    // is success. The call's own timeout covers the grace period.
    quint64 stopContainer(const QString& id, Callback<DockerNothing> done, QObject* context = nullptr,
                          int timeoutSeconds = -1);
    quint64 restartContainer(const QString& id, Callback<DockerNothing> done, QObject* context = nullptr,
                             int timeoutSeconds = -1);
    quint64 pauseContainer(const QString& id, Callback<DockerNothing> done, QObject* context = nullptr);
    quint64 unpauseContainer(const QString& id, Callback<DockerNothing> done, QObject* context = nullptr);
    // GET /containers/{id}/logs as a stream: `chunk` gets the body's bytes as
    // they arrive (multiplexed frames unless the container has a TTY: see
    // DockerLogDecoder); `done` when the stream ends (the container stopped,
    // follow off) or fails. Without follow it ends after the last line.
    quint64 containerLogs(const QString& id, const LogsQuery& query, std::function<void(const QByteArray&)> chunk,
                          Callback<DockerNothing> done, QObject* context = nullptr);
    // What a stop without -t may take beyond the call timeout: the
    // default StopTimeout with room for a slow daemon.
    static constexpr int stopGraceMs = 60000;
    // force: kill a running container first (SIGKILL), as `docker rm -f`.
    quint64 removeContainer(const QString& id, bool force, Callback<DockerNothing> done, QObject* context = nullptr);
    quint64 inspectImage(const QString& name, Callback<ImageInfo> done, QObject* context = nullptr);
    // `docker pull`: progress reports each line of the daemon's stream with
    // running totals; done reports the daemon's error when the pull failed.
    quint64 pullImage(const QString& reference, ProgressCallback progress, Callback<DockerNothing> done,
                      QObject* context = nullptr);

    // Stops the call at once. Its callback is not called.
    void cancel(quint64 callId);
    void cancelAll();
    int pendingCalls() const { return int(m_calls.size()); }

    // The /events stream: eventReceived for each event; when the stream
    // breaks (daemon stopped or restarted) it reconnects with backoff, and
    // eventsConnected() is emitted each time it is (re)established so
    // caches can resync what they missed.
    void startEvents(const EventFilter& filter = {});
    void stopEvents();
    bool eventsRunning() const { return m_eventsWanted; }
    bool eventsConnected() const { return m_eventsUp; }

    // "repo:tag" / "repo@digest" → the fromImage and tag parameters of a
    // pull (tag "latest" when none is given). Exposed for tests.
    static QPair<QString, QString> splitImageReference(const QString& reference);

Q_SIGNALS:
    void connectionChanged(bool connected, const QString& message);
    void eventReceived(const DockerEvent& event);
    void eventsStreamConnected();
    // Once per outage (not per failed reconnection attempt).
    void eventsStreamLost(const QString& message);

private:
    struct Call;
    using ResponseHandler = std::function<void(const HttpResponse&, const DockerError&)>;

    // Sends request (prefixed with /v<version> unless raw) as call `callId`
    // (0: a new call). Waits for the version negotiation when needed.
    quint64 send(quint64 callId, HttpRequest request, bool raw, QObject* context, ResponseHandler handler,
                 std::function<void(const QByteArray&)> lines = {});
    void startCall(Call* call);
    void negotiate();
    void finishNegotiation(const QString& version, const DockerError& error);
    void onTransferDone(quint64 callId, const HttpResponse& response);
    // Builds the error for a failed response; None when the answer is a success.
    DockerError errorFor(const HttpResponse& response, const QByteArray& method, const QByteArray& path) const;
    DockerError makeError(DockerError::Kind kind, const QString& request, const QString& detail) const;
    // "cannot reach Docker at <url>: <why>", or with a TLS failure "Docker
    // TLS: certificate verify failed for <url>: <why>" and what to check.
    QString unreachableMessage(const HttpResponse& response) const;
    void noteAnswer(const HttpResponse& response);
    void setConnected(bool connected, const QString& message);
    HttpRequest request(const QByteArray& method, const QByteArray& path, int timeoutMs = -1) const;
    HttpRequest createRequest(const ContainerSpec& spec) const;
    DockerResult<QString> createdId(const HttpResponse& response, const DockerError& error) const;

    void connectEvents();
    void scheduleEventsReconnect(const QString& why);
    void onEventsHeaderTimeout();
    void reportEventsLost(const QString& why);

    DockerEndpoint m_endpoint;
    CurlTransport* m_transport = nullptr;
    QString m_apiVersion;
    bool m_negotiating = false;
    std::optional<bool> m_connected;
    QString m_lastError;
    int m_timeoutMs = 10000;
    int m_connectTimeoutMs = 5000;
    int m_pullStallSeconds = 120;
    quint64 m_nextCallId = 1;
    std::map<quint64, std::unique_ptr<Call>> m_calls;

    bool m_eventsWanted = false;
    bool m_eventsUp = false;
    EventFilter m_eventFilter;
    quint64 m_eventsTransfer = 0;
    QTimer m_eventsRetry;
    QTimer m_eventsHeaderDeadline;
    bool m_eventsLossReported = false;
    int m_backoffInitialMs = 500;
    int m_backoffMaxMs = 15000;
    int m_backoffMs = 500;
};
