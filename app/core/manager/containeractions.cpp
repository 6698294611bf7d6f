#include "core/manager/containeractions.h"

#include "core/docker/dockerclient.h"

#include <QDateTime>
#include <QSet>

#include <algorithm>

#include <memory>

int LifecycleReport::failures() const
{
    return int(std::count_if(outcomes.cbegin(), outcomes.cend(), [](const LifecycleOutcome& o) { return !o.ok(); }));
}

namespace Lifecycle {
bool appliesTo(LifecycleAction action, const QString& state)
{
    const bool running = state == QLatin1String("running") || state == QLatin1String("restarting");
    const bool paused = state == QLatin1String("paused");
    switch (action) {
    case LifecycleAction::Start:
        // Only what Docker says is stopped: a row without Docker's state is
        // a process the metrics source sees running.
        return state == QLatin1String("exited") || state == QLatin1String("created");
    case LifecycleAction::Stop:
    case LifecycleAction::Restart:
    case LifecycleAction::Kill:
        // An unknown state (no metadata yet) is a running process the
        // metrics source saw.
        return running || paused || state.isEmpty();
    case LifecycleAction::Pause:
        return running || state.isEmpty();
    case LifecycleAction::Unpause:
        return paused;
    case LifecycleAction::Remove:
        return true;
    }
    return false;
}

bool isDestructive(LifecycleAction action)
{
    return action == LifecycleAction::Stop || action == LifecycleAction::Restart || action == LifecycleAction::Kill
        || action == LifecycleAction::Remove;
}

QString name(LifecycleAction action)
{
    switch (action) {
    case LifecycleAction::Start:
        return QStringLiteral("start");
    case LifecycleAction::Stop:
        return QStringLiteral("stop");
    case LifecycleAction::Restart:
        return QStringLiteral("restart");
    case LifecycleAction::Pause:
        return QStringLiteral("pause");
    case LifecycleAction::Unpause:
        return QStringLiteral("unpause");
    case LifecycleAction::Kill:
        return QStringLiteral("kill");
    case LifecycleAction::Remove:
        return QStringLiteral("remove");
    }
    return {};
}

ContainerMetrics rowFromSummary(const ContainerSummary& s)
{
    ContainerMetrics c;
    c.id = s.id;
    c.name = s.name;
    c.processName = s.name;
    c.state = s.state;
    c.labels = s.labels;
    c.managed = ManagerLabels::isManaged(s.labels);
    c.created = QDateTime::fromSecsSinceEpoch(s.createdSeconds, Qt::UTC);
    c.cmdline = s.command;
    c.category = classify(s.labels.value(ManagerLabels::category()), s.command);
    return c;
}
} // namespace Lifecycle

ContainerActions::ContainerActions(DockerClient* client, SpawnSettings spawnSettings, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_settings(std::move(spawnSettings))
{
    qRegisterMetaType<LifecycleReport>();
    qRegisterMetaType<LifecycleAction>();
    // A burst of events (a batch of ten stops) costs one list.
    m_stoppedDebounce.setSingleShot(true);
    m_stoppedDebounce.setInterval(250);
    connect(&m_stoppedDebounce, &QTimer::timeout, this, &ContainerActions::refreshStopped);
}

ContainerActions::~ContainerActions()
{
    if (m_spawner)
        m_spawner->cancel();
    if (m_client && m_stoppedCall)
        m_client->cancel(m_stoppedCall);
}

quint64 ContainerActions::apply(LifecycleAction action, const QList<ContainerMetrics>& containers)
{
    if (containers.isEmpty())
        return 0;
    const quint64 batch = m_nextBatch++;
    auto report = std::make_shared<LifecycleReport>();
    report->batch = batch;
    report->action = action;
    const int total = int(containers.size());
    m_lifecycleLeft += total;
    Q_EMIT busyChanged();
    const auto finishOne = [this, report, total, batch, action](LifecycleOutcome o) {
        report->outcomes.append(std::move(o));
        --m_lifecycleLeft;
        Q_EMIT lifecycleProgress(batch, action, int(report->outcomes.size()), total);
        if (report->outcomes.size() == total) {
            Q_EMIT busyChanged();
            Q_EMIT lifecycleFinished(*report);
            if (m_watchStopped)
                m_stoppedDebounce.start();
        }
    };
    for (const ContainerMetrics& c : containers) {
        LifecycleOutcome o;
        o.id = c.id;
        o.name = c.name.isEmpty() ? c.processName : c.name;
        if (!m_client) {
            o.error.kind = DockerError::Kind::Unreachable;
            o.error.message = tr("no Docker client");
            finishOne(o);
            continue;
        }
        auto done = [o, finishOne, action](const DockerResult<DockerNothing>& r) mutable {
            // Asked to remove what is already gone: the user's wish holds.
            if (!(action == LifecycleAction::Remove && r.error.isNotFound()))
                o.error = r.error;
            finishOne(o);
        };
        switch (action) {
        case LifecycleAction::Start:
            m_client->startContainer(c.id, done, this);
            break;
        case LifecycleAction::Stop:
            m_client->stopContainer(c.id, done, this);
            break;
        case LifecycleAction::Restart:
            m_client->restartContainer(c.id, done, this);
            break;
        case LifecycleAction::Pause:
            m_client->pauseContainer(c.id, done, this);
            break;
        case LifecycleAction::Unpause:
            m_client->unpauseContainer(c.id, done, this);
            break;
        case LifecycleAction::Kill:
            m_client->killContainer(c.id, done, this);
            break;
        case LifecycleAction::Remove:
            m_client->removeContainer(c.id, true, done, this);
            break;
        }
    }
    return batch;
}

void ContainerActions::setWatchStopped(bool on)
{
    if (m_watchStopped == on || !m_client)
        return;
    m_watchStopped = on;
    if (!on) {
        disconnect(m_client, nullptr, this, nullptr);
        m_stoppedDebounce.stop();
        m_stopped.clear();
        Q_EMIT stoppedContainersChanged();
        return;
    }
    connect(m_client, &DockerClient::eventReceived, this, [this](const DockerEvent& e) {
        static const QSet<QString> changes = {
            QStringLiteral("create"),  QStringLiteral("start"), QStringLiteral("die"),     QStringLiteral("stop"),
            QStringLiteral("destroy"), QStringLiteral("pause"), QStringLiteral("unpause"), QStringLiteral("rename"),
        };
        if (e.type == QLatin1String("container") && changes.contains(e.baseAction()))
            m_stoppedDebounce.start();
    });
    connect(m_client, &DockerClient::eventsStreamConnected, this, [this] { m_stoppedDebounce.start(); });
    connect(m_client, &DockerClient::connectionChanged, this, [this](bool connected) {
        if (connected)
            m_stoppedDebounce.start();
    });
    refreshStopped();
}

void ContainerActions::refreshStopped()
{
    if (!m_client || !m_watchStopped)
        return;
    if (m_stoppedCall) {
        m_stoppedAgain = true;
        return;
    }
    ContainerListQuery q;
    q.all = true;
    q.statuses
        = { QStringLiteral("created"), QStringLiteral("exited"), QStringLiteral("paused"), QStringLiteral("dead") };
    m_stoppedCall = m_client->listContainers(
        q,
        [this](const DockerResult<QList<ContainerSummary>>& r) {
            m_stoppedCall = 0;
            if (r.ok()) {
                m_stopped = r.value;
                Q_EMIT stoppedContainersChanged();
            }
            if (std::exchange(m_stoppedAgain, false))
                refreshStopped();
        },
        this);
}

bool ContainerActions::isConnected() const
{
    return m_client && m_client->isConnected();
}

void ContainerActions::kill(const QList<ContainerMetrics>& containers)
{
    if (containers.isEmpty())
        return;
    auto results = std::make_shared<QList<Decision>>();
    auto left = std::make_shared<int>(int(containers.size()));
    m_pendingKills += int(containers.size());
    Q_EMIT busyChanged();
    const auto finishOne = [this, results, left](Decision d) {
        d.time = QDateTime::currentDateTime();
        results->append(d);
        --m_pendingKills;
        if (--*left == 0) {
            Q_EMIT busyChanged();
            Q_EMIT killFinished(*results);
        }
    };
    for (const ContainerMetrics& c : containers) {
        Decision d;
        d.action = Decision::Action::Kill;
        d.id = c.id;
        d.name = c.name;
        d.category = c.category;
        d.pid = c.pid;
        d.reason = tr("killed from the window");
        if (!m_client) {
            d.result = Decision::Result::Failed;
            d.error = tr("no Docker client");
            finishOne(d);
            continue;
        }
        m_client->removeContainer(
            c.id, true,
            [d, finishOne](const DockerResult<DockerNothing>& r) mutable {
                if (r.ok()) {
                    d.result = Decision::Result::Removed;
                } else if (r.error.isNotFound()) {
                    d.result = Decision::Result::AlreadyGone;
                } else {
                    d.result = Decision::Result::Failed;
                    d.error = r.error.message;
                }
                finishOne(d);
            },
            this);
    }
}

void ContainerActions::ruleAction(RuleAction action, const QString& id, std::function<void(const QString&)> done)
{
    if (!m_client) {
        done(tr("no Docker client"));
        return;
    }
    const auto finish = [done](const DockerResult<DockerNothing>& r) {
        done(r.ok() ? QString() : r.error.message);
    };
    switch (action) {
    case RuleAction::Stop:
        m_client->stopContainer(id, finish, this, 10);
        break;
    case RuleAction::Pause:
        m_client->pauseContainer(id, finish, this);
        break;
    case RuleAction::Kill:
        m_client->removeContainer(id, true, finish, this);
        break;
    }
}

bool ContainerActions::spawn(const SpawnRequest& request)
{
    if (m_spawner || !m_client || request.count < 1)
        return false;
    SpawnSettings settings = m_settings;
    if (!request.image.trimmed().isEmpty())
        settings.image = request.image.trimmed();
    if (!request.types.isEmpty())
        settings.types = request.types;
    m_spawner = new Spawner(m_client, settings, this);
    connect(m_spawner, &Spawner::message, this, &ContainerActions::spawnMessage);
    connect(m_spawner, &Spawner::pullProgress, this, &ContainerActions::spawnPullProgress);
    connect(m_spawner, &Spawner::containerSpawned, this, &ContainerActions::containerSpawned);
    connect(m_spawner, &Spawner::finished, this, [this](const SpawnReport& report) {
        if (m_spawner)
            m_spawner->deleteLater();
        m_spawner.clear();
        Q_EMIT busyChanged();
        Q_EMIT spawnFinished(report);
    });
    m_spawner->spawn(request.count);
    Q_EMIT busyChanged();
    return true;
}

void ContainerActions::cancelSpawn()
{
    if (m_spawner)
        m_spawner->cancel();
}
