#pragma once

#include "core/docker/dockerhost.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <map>
#include <memory>

struct HttpRequest
{
    QByteArray method = QByteArrayLiteral("GET");
    QByteArray path; // "/v1.41/containers/json?all=1", already percent-encoded
    QByteArray body;
    QByteArray contentType; // set when body is not empty
    int timeoutMs = 10000; // whole transfer; 0 = none (streams)
    int connectTimeoutMs = 5000;
    // With timeoutMs 0: give up when fewer than one byte arrives in this many
    // seconds (0 = never). Catches a daemon that hangs mid-pull.
    int lowSpeedSeconds = 0;
    // Deliver the body line by line as it arrives (events, pull progress)
    // instead of collecting it.
    bool stream = false;
    // With stream: hand out the body's bytes as they arrive, unsplit (the
    // logs API frames its own records and a line may span chunks).
    bool rawChunks = false;
};

struct HttpResponse
{
    int status = 0; // 0 when no answer came
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body; // collected when not streaming, or when status >= 300
    // Transport failure (curl's), empty when an answer arrived.
    QString transportError;
    // With TLS: which part of it failed (None for other failures).
    DockerTlsFailure tlsFailure = DockerTlsFailure::None;
    bool timedOut = false;
    bool cancelled = false;
    bool truncated = false; // body larger than the cap, rest dropped

    bool answered() const { return transportError.isEmpty() && !cancelled && status > 0; }
};

// libcurl's multi interface on the Qt event loop: curl tells us which
// sockets to watch (CURLMOPT_SOCKETFUNCTION → QSocketNotifier) and when to
// wake it (CURLMOPT_TIMERFUNCTION → QTimer); we call
// curl_multi_socket_action from those. Nothing blocks, every callback runs on
// the thread that owns this object, and cancelling just removes the handle.
//
// Callbacks are never called from inside a libcurl callback: data is
// buffered there and handed out after curl_multi_socket_action returns, so a
// callback may start, cancel or even delete the transport.
//
// Connections to the engine are bounded whatever the callers do (a
// resync of 1000 containers, a burst of events): at most maxRequests
// requests are on the wire at once, the rest wait here in order (their
// timeout starts when they are sent), long-lived streams (events, pulls)
// are not queued, and libcurl itself never opens more than maxConnections
// connections nor keeps more than that in its cache of idle ones.
class CurlTransport : public QObject
{
    Q_OBJECT
public:
    using DoneHandler = std::function<void(const HttpResponse&)>;
    using LineHandler = std::function<void(const QByteArray& line)>;
    using HeadersHandler = std::function<void(int status, const QHash<QByteArray, QByteArray>& headers)>;

    explicit CurlTransport(DockerEndpoint endpoint, QObject* parent = nullptr);
    ~CurlTransport() override;

    const DockerEndpoint& endpoint() const { return m_endpoint; }

    // Starts a transfer. `done` is called exactly once unless cancel() or
    // the destructor stops the transfer first. With request.stream, `lines`
    // gets each body line of a 2xx answer (without the newline) and
    // `headers` is called when the status line and headers are in.
    quint64 start(const HttpRequest& request, DoneHandler done, LineHandler lines = {}, HeadersHandler headers = {});
    // Stops the transfer at once; its callbacks are not called.
    void cancel(quint64 id);
    void cancelAll();
    int activeCount() const { return int(m_transfers.size()); }
    // Requests waiting for a free connection.
    int queuedCount() const { return int(m_queue.size()); }

    // One connection is the event stream's; the others serve requests.
    static constexpr int maxConnections = 4;
    static constexpr int maxRequests = 3;
    // A cached connection unused for this long is not reused (closed).
    static constexpr long maxIdleSeconds = 30;

    // Upper bound for a collected body (a container list of thousands is a
    // few MB); more than this is dropped and flagged.
    static constexpr qsizetype maxBodyBytes = 64 * 1024 * 1024;

private:
    struct Transfer;
    struct SocketWatch;

    static int socketCallback(void* easy, int fd, int what, void* userp, void* socketp);
    static int timerCallback(void* multi, long timeoutMs, void* userp);
    static size_t writeCallback(char* data, size_t size, size_t count, void* userp);
    static size_t headerCallback(char* data, size_t size, size_t count, void* userp);

    void onSocketActivity(int fd, int curlFlag);
    void onTimeout();
    // Hands out buffered lines, headers and finished transfers.
    void dispatch();
    void removeTransfer(Transfer* t);
    // Hands queued requests to libcurl while fewer than maxRequests run.
    void startQueued();
    void dropWatch(SocketWatch* watch);

    DockerEndpoint m_endpoint;
    QByteArray m_baseUrl;
    QByteArray m_socketPath;
    void* m_multi = nullptr;
    QTimer m_timer;
    quint64 m_nextId = 1;
    std::map<quint64, std::unique_ptr<Transfer>> m_transfers;
    std::deque<quint64> m_queue; // requests not yet handed to libcurl
    int m_runningRequests = 0;
};
