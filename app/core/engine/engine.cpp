#include "core/engine/engine.h"

#include "core/alerts/alertservice.h"
#include "core/docker/dockerclient.h"
#include "core/docker/dockerhost.h"
#include "core/manager/crontab.h"
#include "core/manager/manager.h"
#include "core/receiver/chartrenderer.h"
#include "core/receiver/logreceiver.h"
#include "core/reporter/reporter.h"

#include <QFileInfo>
#include <QNetworkReply>
#include <QPointer>
#include <QSysInfo>

Engine::Engine(EngineSettings settings, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_collector(m_settings.source)
{
    m_timer.setTimerType(Qt::CoarseTimer);
    m_timer.setInterval(int(m_settings.intervalSeconds * 1000));
    connect(&m_timer, &QTimer::timeout, this, &Engine::tick);
}

Engine::~Engine()
{
    if (m_cron) {
        QString message;
        m_cron->remove(&message);
    }
}

void Engine::log(const QString& line)
{
    Q_EMIT logLine(line);
}

bool Engine::start(QString* error)
{
    QString why;
    const auto endpoint
        = resolveDockerHost(DockerHostInputs::fromEnvironment(m_settings.dockerHost, m_settings.dockerContext), &why);
    if (!endpoint) {
        if (error)
            *error = QStringLiteral("cannot use the Docker host: %1").arg(why);
        m_startFailure = StartFailure::DockerHost;
        return false;
    }
    m_dockerHost = endpoint->describe(); // with TLS: how the daemon and Stevedore are checked
    m_docker = new DockerClient(*endpoint, this);
    connect(m_docker, &DockerClient::connectionChanged, this, &Engine::dockerConnectionChanged);
    connect(m_docker, &DockerClient::connectionChanged, this, [this] { Q_EMIT dockerStateChanged(dockerState()); });

    m_manager = new Manager(m_docker, m_settings.manager, this);
    connect(m_manager, &Manager::snapshotReady, this, &Engine::onSnapshot);
    connect(m_manager, &Manager::decisionsReady, this, &Engine::decisionsReady);
    connect(m_manager, &Manager::logLine, this, &Engine::logLine);

    if (m_settings.listen) {
        m_receiver = new LogReceiver(m_settings.receiver, m_settings.store, this);
        if (!m_receiver->start(&why)) {
            if (error)
                *error = QStringLiteral("log receiver: %1").arg(why);
            m_startFailure = StartFailure::Receiver;
            return false;
        }
        if (m_renderer)
            m_receiver->setChartRenderer(m_renderer);
        startLiveChartsIfAsked();
        if (!m_receiver->storeError().isEmpty())
            log(QStringLiteral("[WARN] log store: %1").arg(m_receiver->storeError()));
        for (const QString& note : m_receiver->store().recoveryNotes())
            log(QStringLiteral("[WARN] log store: %1").arg(note));
        connect(m_receiver, &LogReceiver::storeFailed, this,
                [this](const QString& message) { log(QStringLiteral("[ERROR] log store: %1").arg(message)); });
        log(QStringLiteral("[INFO] Log receiver listening on %1 (data in %2)")
                .arg(m_receiver->baseUrl().toString(), m_receiver->dataDir()));
    }
    ReporterSettings ro = m_settings.reporter;
    // No token given: the one this data directory's receiver made (just now,
    // on a first start), when there is one.
    if (ro.token.isEmpty() && !ro.tokenFile.isEmpty() && QFileInfo::exists(ro.tokenFile)) {
        if (!readTokenFile(ro.tokenFile, ro.token, &why))
            log(QStringLiteral("[WARN] %1").arg(why));
    }
    if (ro.url.isValid() && !ro.url.isEmpty()) {
        m_reporter = new Reporter(ro, this);
        connect(m_reporter, &Reporter::deliveryFailing, this, [this](const QString& message) {
            log(QStringLiteral("[WARN] cannot deliver log entries to %1: %2 (queued, retrying)")
                    .arg(m_reporter->options().url.toString(), message));
        });
        connect(m_reporter, &Reporter::deliveryRecovered, this, [this](int queued) {
            log(QStringLiteral("[INFO] log delivery recovered, %1 queued entries being sent").arg(queued));
        });
        connect(m_reporter, &Reporter::deliveryCaughtUp, this, [this](quint64 sent) {
            log(QStringLiteral("[INFO] log delivery caught up: %1 entries sent since the receiver came back, "
                               "queue empty (peak %2 entries, %3 bytes)")
                    .arg(sent)
                    .arg(m_reporter->peakQueued())
                    .arg(m_reporter->peakQueuedBytes()));
        });
        connect(m_reporter, &Reporter::queueOverflow, this, [this](quint64 dropped) {
            log(QStringLiteral("[WARN] report queue full (%1 entries): %2 oldest entries dropped so far")
                    .arg(m_reporter->options().maxQueue)
                    .arg(dropped));
        });
    }

    if (!m_settings.cron.schedule.isEmpty()) {
        m_cron = makeCronSpawnGuard(m_settings.cron);
        QString message;
        const bool ok = m_cron && m_cron->install(&message);
        log(QString::fromLatin1(ok ? "[INFO] %1" : "[WARN] --cron-spawn: %1")
                .arg(m_cron ? message : QStringLiteral("spawn_containers.sh not found; no crontab line installed")));
        if (!ok)
            m_cron.reset();
    }

    startAlerts();
    m_startFailure = StartFailure::None;
    m_manager->start();
    QTimer::singleShot(0, this, &Engine::tick);
    m_timer.start();
    return true;
}

DockerState Engine::dockerState() const
{
    DockerState state;
    if (!m_docker)
        return state;
    state.endpoint = m_docker->endpointUrl();
    state.apiVersion = m_docker->apiVersion();
    if (m_docker->isConnected()) {
        state.status = DockerState::Status::Connected;
    } else {
        state.error = m_docker->lastError();
        state.status = state.error.isEmpty() ? DockerState::Status::Connecting : DockerState::Status::Disconnected;
    }
    return state;
}

QString Engine::receiverAddress() const
{
    if (!m_receiver || !m_receiver->isListening())
        return QString();
    return m_receiver->baseUrl().authority();
}

QString Engine::dataDir() const
{
    return m_receiver ? m_receiver->dataDir() : m_settings.store.dataDir;
}

void Engine::tick()
{
    if (m_stopping)
        return;
    // Docker answering slowly must not make ticks pile up: a tick starts
    // only when the previous one has finished (its removals included).
    if (m_manager->isTickRunning()) {
        if (++m_skippedTicks == 1)
            log(QStringLiteral("[WARN] previous tick still running (Docker slow?): skipping this one"));
        return;
    }
    m_skippedTicks = 0;
    QString error;
    auto snapshot = m_collector.collect(&error);
    if (!snapshot) {
        log(QStringLiteral("[ERROR] %1").arg(error));
        Q_EMIT collectFailed(error);
        return;
    }
    snapshot->host = m_settings.host;
    m_manager->tick(*snapshot);
}

void Engine::tickNow()
{
    tick();
}

void Engine::onSnapshot(const Snapshot& snapshot)
{
    m_last = snapshot;
    m_haveSnapshot = true;
    if (m_reporter && !m_stopping)
        m_reporter->report(snapshot);
    if (m_alerts && !m_stopping)
        m_alerts->evaluate(snapshot, m_manager->metadata());
    Q_EMIT snapshotReady(snapshot);
}

void Engine::setIntervalSeconds(double seconds)
{
    m_settings.intervalSeconds = seconds;
    m_timer.setInterval(int(seconds * 1000));
}

void Engine::setManage(bool manage)
{
    m_settings.manager.manage = manage;
    if (m_manager)
        m_manager->setManage(manage);
}

void Engine::setDryRun(bool dryRun)
{
    m_settings.manager.dryRun = dryRun;
    if (m_manager)
        m_manager->setDryRun(dryRun);
    if (m_alerts)
        m_alerts->setDryRun(dryRun);
}

void Engine::setChartRenderer(std::shared_ptr<ChartRenderer> renderer)
{
    // Front ends may set it before start(), when the receiver does not exist yet.
    m_renderer = std::move(renderer);
    if (m_receiver) {
        m_receiver->setChartRenderer(m_renderer);
        startLiveChartsIfAsked();
    }
}

void Engine::startLiveChartsIfAsked()
{
    // --live-charts: the original's log service drew live from its start.
    if (!m_settings.liveCharts || !m_receiver || !m_renderer || m_receiver->liveCharts())
        return;
    m_receiver->setLiveCharts(true);
    log(QStringLiteral("[INFO] Live charts: redrawn into %1 while entries arrive").arg(m_receiver->chartsDir()));
}

void Engine::shutdown(std::function<void(const QStringList&, const QString&)> done)
{
    m_stopping = true;
    m_timer.stop();
    auto finish = [this, done](const QStringList& files, const QString& error) {
        if (m_cron) {
            QString message;
            const bool ok = m_cron->remove(&message);
            log(QString::fromLatin1(ok ? "[INFO] %1" : "[WARN] %1").arg(message));
            m_cron.reset();
        }
        if (done)
            done(files, error);
    };
    if (!m_reporter) {
        // Nothing to report to: still draw the charts from the local store.
        if (m_receiver) {
            m_receiver->generateCharts(finish);
            return;
        }
        finish({}, QStringLiteral("charts not generated: no log receiver (--no-listen without --report-to)"));
        return;
    }
    // The original's sequence: final entry, GET /generate_graphs, then
    // GET /show_graphs so the log service goes on drawing live. Only a
    // receiver that outlives this process can do the last: the embedded one
    // stops with it (docs/receiver.md).
    m_reporter->shutdown(m_haveSnapshot ? &m_last : nullptr, 5000, 120000,
                         [this, finish](const QStringList& files, const QString& error) {
                             logReportSummary();
                             if (!m_settings.reportsElsewhere) {
                                 finish(files, error);
                                 return;
                             }
                             requestLiveCharts([finish, files, error](const QString& showError) {
                                 QString all = error;
                                 if (!showError.isEmpty())
                                     all += (all.isEmpty() ? QString() : QStringLiteral("; ")) + showError;
                                 finish(files, all);
                             });
                         });
}

void Engine::logReportSummary()
{
    // What an operator (and the fleet test) checks against the receiver:
    // entries made = delivered + dropped + refused + still queued, and the
    // run whose entry_id sequence numbers 1..N they are.
    const Reporter& r = *m_reporter;
    log(QStringLiteral("[INFO] report summary: run %1, %2 entries made (entry_id seq 1..%2), %3 delivered, "
                       "%4 dropped at the queue bound, %5 refused, %6 still queued; queue peak %7 entries, "
                       "%8 bytes")
            .arg(r.runId())
            .arg(r.produced())
            .arg(r.delivered())
            .arg(r.dropped())
            .arg(r.rejected())
            .arg(r.queued())
            .arg(r.peakQueued())
            .arg(r.peakQueuedBytes()));
}

QUrl Engine::receiverRouteUrl(const QString& route) const
{
    QUrl url = m_reporter ? m_reporter->options().url : QUrl();
    QString path = url.path();
    if (path.endsWith(QLatin1String("/logs")))
        path.chop(5);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QLatin1Char('/') + route);
    url.setQuery(QString());
    return url;
}

void Engine::requestLiveCharts(std::function<void(const QString& error)> done)
{
    // The reporter's token and TLS verification (--ca-file), as the entries.
    QNetworkReply* reply = m_reporter->get(receiverRouteUrl(QStringLiteral("show_graphs")), 5000);
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200) {
            log(QStringLiteral("[INFO] Live charts running on %1").arg(reply->url().toString()));
            done(QString());
            return;
        }
        done(QStringLiteral("live charts not started (%1): %2")
                 .arg(reply->url().toString(), status ? QStringLiteral("HTTP %1").arg(status) : reply->errorString()));
    });
}

// --- alerts (issue 13) --------------------------------------------------------

void Engine::startAlerts()
{
    AlertSettings settings = m_settings.alerts;
    // The manager's mode may have changed since start (the window's switch).
    settings.dryRun = m_settings.manager.dryRun;
    settings.auditDir = dataDir();
    m_alerts = new AlertService(settings, m_docker, this);
    connect(m_alerts, &AlertService::logLine, this, &Engine::logLine);
    connect(m_manager, &Manager::decisionsReady, m_alerts, &AlertService::recordDecisions);
    QString message;
    const bool ok = m_alerts->reloadRules(&message);
    log(QString::fromLatin1(ok ? "[INFO] %1" : "[WARN] %1").arg(message));
    if (m_receiver) {
        m_receiver->addJsonRoute(QStringLiteral("/alerts"),
                                 [this](const QUrlQuery&, int*) { return m_alerts->alertsJson(); });
        m_receiver->addJsonRoute(QStringLiteral("/audit"), [this](const QUrlQuery& query, int* status) {
            return m_alerts->auditJson(query, status);
        });
        m_receiver->setMetricsAppendix([this] { return m_alerts->prometheusText(); });
    }
}

bool Engine::reloadRules(QString* message)
{
    if (!m_alerts) {
        if (message)
            *message = QStringLiteral("the engine has not started");
        return false;
    }
    QString text;
    const bool ok = m_alerts->reloadRules(&text);
    log(QString::fromLatin1(ok ? "[INFO] %1" : "[WARN] %1").arg(text));
    if (message)
        *message = text;
    return ok;
}
