#include "engine.h"

#include "docker/dockerclient.h"
#include "docker/dockerhost.h"
#include "manager/crontab.h"
#include "manager/manager.h"
#include "receiver/chartrenderer.h"
#include "receiver/logreceiver.h"
#include "receiver/reporter.h"

#include <QPointer>

Engine::Engine(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_collector(m_options.source)
{
    m_timer.setTimerType(Qt::CoarseTimer);
    m_timer.setInterval(int(m_options.intervalSeconds * 1000));
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
    const auto endpoint = resolveDockerHost(DockerHostInputs::fromEnvironment(m_options.dockerHost), &why);
    if (!endpoint) {
        if (error)
            *error = QStringLiteral("cannot use the Docker host: %1").arg(why);
        return false;
    }
    m_dockerHost = endpoint->url();
    m_docker = new DockerClient(*endpoint, this);
    connect(m_docker, &DockerClient::connectionChanged, this, &Engine::dockerConnectionChanged);

    // fromOptions also honours STEVEDORE_SCOPE_LABELS, which tests use to
    // confine the manager to the containers they created.
    const ManagerOptions mo = ManagerOptions::fromOptions(m_options);
    m_manager = new Manager(m_docker, mo, this);
    connect(m_manager, &Manager::snapshotReady, this, &Engine::onSnapshot);
    connect(m_manager, &Manager::decisionsReady, this, &Engine::decisionsReady);
    connect(m_manager, &Manager::logLine, this, &Engine::logLine);

    if (m_options.listen) {
        m_receiver = new LogReceiver(receiverOptionsFrom(m_options), storeOptionsFrom(m_options), this);
        if (!m_receiver->start(&why)) {
            if (error)
                *error = QStringLiteral("log receiver: %1").arg(why);
            return false;
        }
        if (m_renderer)
            m_receiver->setChartRenderer(m_renderer);
        if (!m_receiver->storeError().isEmpty())
            log(QStringLiteral("[WARN] log store: %1").arg(m_receiver->storeError()));
        for (const QString& note : m_receiver->store().recoveryNotes())
            log(QStringLiteral("[WARN] log store: %1").arg(note));
        connect(m_receiver, &LogReceiver::storeFailed, this,
                [this](const QString& message) { log(QStringLiteral("[ERROR] log store: %1").arg(message)); });
        log(QStringLiteral("[INFO] Log receiver listening on %1 (data in %2)")
                .arg(m_receiver->baseUrl().toString(), m_receiver->dataDir()));
    }
    const ReporterOptions ro = reporterOptionsFrom(m_options);
    if (ro.url.isValid() && !ro.url.isEmpty()) {
        m_reporter = new Reporter(ro, this);
        connect(m_reporter, &Reporter::deliveryFailing, this, [this](const QString& message) {
            log(QStringLiteral("[WARN] cannot deliver log entries to %1: %2 (queued, retrying)")
                    .arg(m_reporter->options().url.toString(), message));
        });
        connect(m_reporter, &Reporter::deliveryRecovered, this, [this](int queued) {
            log(QStringLiteral("[INFO] log delivery recovered, %1 queued entries being sent").arg(queued));
        });
        connect(m_reporter, &Reporter::queueOverflow, this, [this](quint64 dropped) {
            log(QStringLiteral("[WARN] report queue full (%1 entries): %2 oldest entries dropped so far")
                    .arg(m_reporter->options().maxQueue)
                    .arg(dropped));
        });
    }

    if (!m_options.cronSchedule.isEmpty()) {
        m_cron = makeCronSpawnGuard(m_options);
        QString message;
        const bool ok = m_cron && m_cron->install(&message);
        log(QString::fromLatin1(ok ? "[INFO] %1" : "[WARN] --cron-spawn: %1")
                .arg(m_cron ? message : QStringLiteral("spawn_containers.sh not found; no crontab line installed")));
        if (!ok)
            m_cron.reset();
    }

    m_manager->start();
    QTimer::singleShot(0, this, &Engine::tick);
    m_timer.start();
    return true;
}

QString Engine::receiverAddress() const
{
    if (!m_receiver || !m_receiver->isListening())
        return QString();
    return m_receiver->baseUrl().authority();
}

QString Engine::dataDir() const
{
    return m_receiver ? m_receiver->dataDir() : storeOptionsFrom(m_options).dataDir;
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
    const auto snapshot = m_collector.collect(&error);
    if (!snapshot) {
        log(QStringLiteral("[ERROR] %1").arg(error));
        Q_EMIT collectFailed(error);
        return;
    }
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
    Q_EMIT snapshotReady(snapshot);
}

void Engine::setIntervalSeconds(double seconds)
{
    m_options.intervalSeconds = seconds;
    m_timer.setInterval(int(seconds * 1000));
}

void Engine::setManage(bool manage)
{
    m_options.manage = manage;
    if (m_manager)
        m_manager->setManage(manage);
}

void Engine::setDryRun(bool dryRun)
{
    m_options.dryRun = dryRun;
    if (m_manager)
        m_manager->setDryRun(dryRun);
}

void Engine::setChartRenderer(std::shared_ptr<ChartRenderer> renderer)
{
    // Front ends may set it before start(), when the receiver does not exist yet.
    m_renderer = std::move(renderer);
    if (m_receiver)
        m_receiver->setChartRenderer(m_renderer);
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
        finish({}, QStringLiteral("no receiver: no charts generated"));
        return;
    }
    // The seed's sequence: final entry, then GET /generate_graphs.
    m_reporter->shutdown(m_haveSnapshot ? &m_last : nullptr, 5000, 120000, finish);
}
