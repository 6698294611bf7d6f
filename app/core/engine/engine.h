#pragma once

#include "manager/policy.h"
#include "metrics/collector.h"
#include "model/snapshot.h"
#include "options.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class ChartRenderer;
class CronSpawnGuard;
class DockerClient;
class LogReceiver;
class Manager;
class Reporter;

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
    explicit Engine(Options options, QObject* parent = nullptr);
    ~Engine() override;

    // Resolves the Docker endpoint, starts the manager, the receiver (unless
    // --no-listen), the reporter and the cron line (--cron-spawn), then
    // ticks every interval. False only when something the user asked for
    // explicitly cannot work: an unparsable --docker-host, a receiver that
    // cannot listen. Docker being down is not an error: the engine shows it
    // and reconnects.
    bool start(QString* error);
    // The seed's shutdown sequence: a final entry, the reporter flushed, the
    // charts generated, the cron line removed. `done` runs once, on this
    // thread; the engine stays usable for reading but ticks no more.
    void shutdown(std::function<void(const QStringList& charts, const QString& error)> done);

    void tickNow();
    void setIntervalSeconds(double seconds);
    double intervalSeconds() const { return m_options.intervalSeconds; }
    void setManage(bool manage);
    void setDryRun(bool dryRun);
    void setChartRenderer(std::shared_ptr<ChartRenderer> renderer);

    const Options& options() const { return m_options; }
    QString sourceName() const { return m_collector.sourceName(); }
    QString sourceLocation() const { return m_collector.sourceLocation(); }
    QString dockerHost() const { return m_dockerHost; }
    QString receiverAddress() const; // "127.0.0.1:5000", or empty when not listening
    QString dataDir() const;
    const Snapshot& lastSnapshot() const { return m_last; }

    DockerClient* docker() const { return m_docker; }
    Manager* manager() const { return m_manager; }
    LogReceiver* receiver() const { return m_receiver; }
    Reporter* reporter() const { return m_reporter; }

Q_SIGNALS:
    // Each tick's snapshot, enriched with Docker metadata.
    void snapshotReady(const Snapshot& snapshot);
    void decisionsReady(const QList<Decision>& decisions);
    // Human-readable lines for the log: manager decisions, removed-containers
    // tables, receiver/reporter/cron notices, collection errors.
    void logLine(const QString& line);
    void dockerConnectionChanged(bool connected, const QString& message);
    void collectFailed(const QString& error);

private:
    void tick();
    void onSnapshot(const Snapshot& snapshot);
    void log(const QString& line);

    Options m_options;
    Collector m_collector;
    QTimer m_timer;
    QString m_dockerHost;
    DockerClient* m_docker = nullptr;
    Manager* m_manager = nullptr;
    LogReceiver* m_receiver = nullptr;
    Reporter* m_reporter = nullptr;
    std::unique_ptr<CronSpawnGuard> m_cron;
    std::shared_ptr<ChartRenderer> m_renderer; // kept until the receiver exists
    Snapshot m_last;
    bool m_haveSnapshot = false;
    bool m_stopping = false;
    int m_skippedTicks = 0;
};
