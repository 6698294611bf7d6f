#pragma once

#include "core/model/snapshot.h"
#include "core/receiver/chartrenderer.h"
#include "core/receiver/guardedtcpserver.h"
#include "core/receiver/prometheus.h"
#include "core/store/logstore.h"
#include "core/store/seenentries.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

#include <functional>
#include <memory>
#include <optional>

class QHttpServer;
class QHttpServerRequest;
class QHttpServerResponder;

struct ReceiverSettings
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 5000; // 0: any free port (tests)
    // Non-empty: every route but /healthz needs "Authorization: Bearer TOKEN".
    QString token;
    // With no token: read the token from this file at start(), creating it
    // (random, mode 0600) when it does not exist. The program sets it to
    // <data-dir>/token, so a receiver started by Stevedore always has one.
    QString tokenFile;
    // Host header values (without port) accepted besides the listen address,
    // "localhost" and the address the connection arrived at; other Hosts get
    // 421 (a web page reaching the port through DNS rebinding names its own
    // host).
    QStringList allowedHosts;
    ConnectionLimits limits;
    // Both set: serve HTTPS with this PEM certificate (chain) and key
    // (docs/receiver.md, TLS). Checked again at start(): a pair that cannot
    // be used is a start failure, never a fallback to plain HTTP.
    QString tlsCertFile;
    QString tlsKeyFile;
    QString chartsDir; // empty: <dataDir>/charts
    int liveChartsIntervalMs = 5000; // GET /show_graphs: the original's 5 s
    // Live charts stop by themselves when no GET /show_graphs came for this
    // long (each rendering is a child process in the service).
    int liveChartsIdleStopMs = 60 * 60 * 1000;
};

// The token file (<data-dir>/token): reads it, or creates it with a fresh
// random token (mode 0600, never through a symbolic link) when it does not
// exist. Refuses a file that others can read or that another user owns.
bool loadOrCreateToken(const QString& path, QString& token, QString* error);
// Reads a token file (--token-file, or an existing <data-dir>/token for the
// reporter): the first line, trimmed. False with `error` when unreadable or
// empty.
bool readTokenFile(const QString& path, QString& token, QString* error);

// The embedded log receiver (docs/receiver.md): POST/GET /logs,
// GET /generate_graphs, /show_graphs, /metrics, /healthz, on QHttpServer behind
// a GuardedTcpServer. Owns the LogStore. Lives on one thread (the GUI thread or
// the headless main thread); disk syncs happen on the store's own thread.
class LogReceiver : public QObject
{
    Q_OBJECT
public:
    LogReceiver(ReceiverSettings options, StoreSettings storeOptions, QObject* parent = nullptr);
    ~LogReceiver() override;

    // Opens the store, then listens. Only a failure to listen is fatal: a
    // store that cannot open (unwritable directory, another writer) is
    // reported by storeError() and retried on the next POST, which answers
    // 503 meanwhile.
    bool start(QString* error);
    void stop();
    bool isListening() const;
    QString storeError() const { return m_storeError; }
    quint16 port() const;
    QUrl baseUrl() const; // http(s)://HOST:PORT, reachable from this host
    bool isTls() const { return !m_options.tlsCertFile.isEmpty(); }
    QUrl logsUrl() const; // baseUrl()/logs: the reporter's default target

    LogStore& store() { return *m_store; }
    const SeenEntries& seenEntries() const { return m_seen; }
    QString dataDir() const { return m_store->options().dataDir; }
    QString chartsDir() const;

    // Who draws the charts (see ChartRenderer). Without one, /generate_graphs
    // and /show_graphs answer 503.
    void setChartRenderer(std::shared_ptr<ChartRenderer> renderer);
    // GET /generate_graphs without HTTP: renders once (requests arriving
    // during a rendering are served by the next one).
    void generateCharts(ChartRenderer::Done done = {});
    // GET /show_graphs without HTTP: re-render every liveChartsIntervalMs
    // while new entries arrive, for liveChartsIdleStopMs (renewed by each
    // call); DELETE /show_graphs or setLiveCharts(false) stops it.
    void setLiveCharts(bool on);
    QString token() const { return m_options.token; }
    bool liveCharts() const { return m_liveTimer.isActive(); }

    // Hooks for the alerts library (docs/alerts.md): extra GET routes with the
    // same host and token checks as every route (the handler returns the
    // JSON body, or an error message with *status set to 4xx), and text
    // appended to /metrics. Routes may be added before or after start().
    using JsonRoute = std::function<QByteArray(const QUrlQuery& query, int* status)>;
    void addJsonRoute(const QString& path, JsonRoute handler);
    void setMetricsAppendix(std::function<QByteArray()> appendix) { m_metricsAppendix = std::move(appendix); }

    // Parsed latest stored entry (what /metrics serves).
    std::optional<Snapshot> latestSnapshot() const;
    ReceiverCounters counters() const;

Q_SIGNALS:
    void entryStored(const QDateTime& timestamp);
    // The entry just stored, parsed (host included), for a window that shows
    // every host's latest values without reading the store again. Parsed
    // only while something is connected to it.
    void snapshotStored(const Snapshot& snapshot);
    // Every error answer, including the guard's (413, 408, ...).
    void requestRejected(int status, const QString& message);
    void storeFailed(const QString& message);
    void chartsRendered(const QStringList& files, const QString& error);

private:
    using Responder = QHttpServerResponder;
    void setupRoutes();
    bool authorised(const QHttpServerRequest& request) const;
    bool hostAllowed(const QHttpServerRequest& request, const QTcpSocket* socket) const;
    // Host check (421), then the token when `needToken` (401). False after
    // answering.
    bool admit(const QHttpServerRequest& request, Responder& responder, bool needToken = true);
    void reply(Responder& responder, int status, const QByteArray& contentType, const QByteArray& body,
               const QList<QPair<QByteArray, QByteArray>>& headers = {});
    void replyJson(Responder& responder, int status, const QByteArray& json,
                   const QList<QPair<QByteArray, QByteArray>>& headers = {});
    void replyError(Responder& responder, int status, const QString& message,
                    const QList<QPair<QByteArray, QByteArray>>& headers = {});
    bool ensureStore();

    void handleLogs(const QHttpServerRequest& request, Responder&& responder);
    void postLogs(const QHttpServerRequest& request, Responder& responder);
    void getLogs(const QHttpServerRequest& request, Responder&& responder);
    void handleMetrics(const QHttpServerRequest& request, Responder&& responder);
    void handleHealth(const QHttpServerRequest& request, Responder&& responder);
    void handleGenerate(const QHttpServerRequest& request, Responder&& responder);
    void handleShow(const QHttpServerRequest& request, Responder&& responder);
    void startRender(QList<ChartRenderer::Done> waiters);

    ReceiverSettings m_options;
    std::unique_ptr<LogStore> m_store;
    QHttpServer* m_http = nullptr;
    QPointer<GuardedTcpServer> m_tcp;
    QString m_storeError;
    QElapsedTimer m_lastOpenAttempt;

    std::shared_ptr<ChartRenderer> m_renderer;
    bool m_rendering = false;
    QList<ChartRenderer::Done> m_renderQueue;
    QTimer m_liveTimer;
    QTimer m_liveStop;
    quint64 m_storedAtLastRender = ~quint64(0);

    quint64 m_stored = 0;
    quint64 m_duplicates = 0;
    // The entry_ids the store holds, rebuilt from it whenever it opens.
    SeenEntries m_seen;
    QMap<int, quint64> m_rejected;
    quint64 m_storeErrors = 0;
    quint64 m_renders = 0;
    quint64 m_renderErrors = 0;
    QList<QPair<QString, JsonRoute>> m_jsonRoutes;
    std::function<QByteArray()> m_metricsAppendix;
    void routeJson(const QString& path, const JsonRoute& handler);
    mutable std::optional<Snapshot> m_latest;
    mutable bool m_latestStale = true;
};
