#pragma once

#include "core/alerts/alertservice.h"
#include "core/manager/crontab.h"
#include "core/manager/manager.h"
#include "core/metrics/collector.h"
#include "core/model/snapshot.h"
#include "core/receiver/logreceiver.h"
#include "core/reporter/reporter.h"

#include <QObject>
#include <QTimer>
#include <QUrl>

#include <functional>
#include <memory>

class AlertService;
class ChartRenderer;
class DockerClient;

// Everything the engine runs with, one settings struct per area. The program
// builds it from the command line (app/settings.cpp); tests fill it in.
struct EngineSettings
{
    SourceOptions source;
    double intervalSeconds = 10.0;
    QString dockerHost; // empty: DOCKER_HOST, the docker context, the default socket
    QString dockerContext; // --context: this docker context, over DOCKER_HOST
    ManagerSettings manager;
    bool listen = true; // false (--no-listen): no embedded receiver
    ReceiverSettings receiver;
    StoreSettings store; // the receiver's store; its dataDir is the data directory
    ReporterSettings reporter; // an empty url: nothing to report to
    // --report-to: the receiver outlives this process, so shutdown also asks
    // it for GET /show_graphs.
    bool reportsElsewhere = false;
    CronSettings cron; // an empty schedule: no crontab line
    bool liveCharts = false; // --live-charts
    AlertSettings alerts; // --rules, the audit trail (docs/alerts.md)
    HostIdentity host; // stamped on every snapshot (--host-name, /etc/machine-id)
};

// What the engine knows of its Docker daemon, for the front ends to show
// (they never reach into the DockerClient for it).
struct DockerState
{
    enum class Status {
        NotConfigured, // before start(), or the host could not be resolved
        Connecting, // no answer yet
        Connected,
        Disconnected, // the last call failed: `error` says why
    };
    Status status = Status::NotConfigured;
    QString endpoint; // "unix:///var/run/docker.sock"
    QString apiVersion; // negotiated, once connected
    QString error;

    bool connected() const { return status == Status::Connected; }
    bool operator==(const DockerState& o) const
    {
        return status == o.status && endpoint == o.endpoint && apiVersion == o.apiVersion && error == o.error;
    }
};
Q_DECLARE_METATYPE(DockerState)

// What `stevedore --no-gui` and the window both run: every interval the
// collector takes a sample, the manager enriches it with Docker metadata and
// applies the keep-newest policy, and the reporter POSTs the tick's log
// entry to the receiver (the embedded one by default). The front ends only
// present what the engine emits; they never reach past it into the areas
// except through the accessors below.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(EngineSettings settings, QObject* parent = nullptr);
    ~Engine() override;

    // Resolves the Docker endpoint, starts the manager, the receiver (unless
    // --no-listen), the reporter and the cron line (--cron-spawn), then
    // ticks every interval. False only when something the user asked for
    // explicitly cannot work: an unparsable --docker-host, a receiver that
    // cannot listen. Docker being down is not an error: the engine shows it
    // and reconnects.
    bool start(QString* error);
    // Why start() failed, for callers that offer a way out (the window
    // offers --no-listen when only the receiver is in the way).
    enum class StartFailure { None, DockerHost, Receiver };
    StartFailure startFailure() const { return m_startFailure; }
    // The original's shutdown sequence: a final entry, the reporter flushed,
    // GET /generate_graphs, GET /show_graphs (only on a --report-to receiver:
    // the embedded one stops with this process), the cron line removed.
    // Without a reporter the embedded receiver draws the charts itself.
    // `done` runs once, on this thread, with the chart files and what did
    // not happen (empty: everything did); the engine stays usable for
    // reading but ticks no more.
    void shutdown(std::function<void(const QStringList& charts, const QString& error)> done);

    void tickNow();
    void setIntervalSeconds(double seconds);
    double intervalSeconds() const { return m_settings.intervalSeconds; }
    void setManage(bool manage);
    void setDryRun(bool dryRun);
    void setChartRenderer(std::shared_ptr<ChartRenderer> renderer);

    const EngineSettings& settings() const { return m_settings; }
    QString sourceName() const { return m_collector.sourceName(); }
    QString sourceLocation() const { return m_collector.sourceLocation(); }
    QString dockerHost() const { return m_dockerHost; }
    QString receiverAddress() const; // "127.0.0.1:5000", or empty when not listening
    QString dataDir() const;
    const Snapshot& lastSnapshot() const { return m_last; }
    DockerState dockerState() const;

    DockerClient* docker() const { return m_docker; }
    Manager* manager() const { return m_manager; }
    LogReceiver* receiver() const { return m_receiver; }
    Reporter* reporter() const { return m_reporter; }
    // Alert rules, their actions and the audit trail (docs/alerts.md).
    AlertService* alerts() const { return m_alerts; }
    // SIGHUP and the window's Reload: false keeps the previous rules.
    bool reloadRules(QString* message);

Q_SIGNALS:
    // Each tick's snapshot, enriched with Docker metadata.
    void snapshotReady(const Snapshot& snapshot);
    void decisionsReady(const QList<Decision>& decisions);
    // Human-readable lines for the log: manager decisions, removed-containers
    // tables, receiver/reporter/cron notices, collection errors.
    void logLine(const QString& line);
    void dockerConnectionChanged(bool connected, const QString& message);
    // Every change of dockerState(), the first answer included.
    void dockerStateChanged(const DockerState& state);
    void collectFailed(const QString& error);

private:
    void tick();
    void onSnapshot(const Snapshot& snapshot);
    void log(const QString& line);
    void startLiveChartsIfAsked();
    void logReportSummary();
    QUrl receiverRouteUrl(const QString& route) const;
    void requestLiveCharts(std::function<void(const QString& error)> done);

    EngineSettings m_settings;
    Collector m_collector;
    QTimer m_timer;
    QString m_dockerHost;
    DockerClient* m_docker = nullptr;
    Manager* m_manager = nullptr;
    LogReceiver* m_receiver = nullptr;
    Reporter* m_reporter = nullptr;
    AlertService* m_alerts = nullptr;
    void startAlerts(); // the alerts hook of start()
    std::unique_ptr<CronSpawnGuard> m_cron;
    std::shared_ptr<ChartRenderer> m_renderer; // kept until the receiver exists
    Snapshot m_last;
    bool m_haveSnapshot = false;
    bool m_stopping = false;
    StartFailure m_startFailure = StartFailure::None;
    int m_skippedTicks = 0;
};
