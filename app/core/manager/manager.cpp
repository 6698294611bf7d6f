#include "core/manager/manager.h"

#include "core/manager/textformat.h"

#include "core/docker/dockerclient.h"

#include <QDateTime>
#include <QRegularExpression>

#include <algorithm>

namespace {
// What the container list already says, as metadata: enough to name,
// label and classify a container without an inspect. Only the creation time
// is coarser (whole seconds), which matters only to the keep-newest order of
// managed containers: those are inspected for the exact time.
ContainerInfo infoFromSummary(const ContainerSummary& c)
{
    ContainerInfo info;
    info.id = c.id;
    info.name = c.name;
    info.image = c.image;
    info.createdNs = c.createdSeconds * 1000000000;
    info.state = c.state;
    info.running = c.state == QLatin1String("running");
    if (!c.command.isEmpty())
        info.cmd = QStringList { c.command };
    info.labels = c.labels;
    return info;
}
} // namespace

Manager::Manager(DockerClient* client, ManagerSettings options, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_options(std::move(options))
{
    qRegisterMetaType<Snapshot>();
    qRegisterMetaType<Decision>();
    qRegisterMetaType<QList<Decision>>();
    m_syncDeadline.setSingleShot(true);
    if (m_client) {
        connect(m_client, &DockerClient::eventReceived, this, &Manager::onEvent);
        connect(m_client, &DockerClient::eventsStreamConnected, this, &Manager::resync);
        connect(m_client, &DockerClient::connectionChanged, this, &Manager::onConnectionChanged);
    }
}

Manager::~Manager()
{
    // Our calls' callbacks capture `this`; the client may outlive us.
    if (m_client) {
        if (m_listCall)
            m_client->cancel(m_listCall);
    }
}

bool Manager::isConnected() const
{
    return m_client && m_client->isConnected();
}

bool Manager::isIdle() const
{
    return m_listCall == 0 && m_inspecting.isEmpty() && !isTickRunning();
}

void Manager::log(const QString& line)
{
    Q_EMIT logLine(line);
}

void Manager::start()
{
    if (m_started || !m_client)
        return;
    m_started = true;
    const QString scope = m_options.policy.scopeLabels.isEmpty()
        ? QString()
        : QStringLiteral(" (scope: %1)").arg(QStringList(m_options.policy.scopeLabels.keys()).join(QLatin1Char(',')));
    if (!m_options.manage)
        log(QStringLiteral("[INFO] Manager: monitoring only (--no-manage), nothing is removed"));
    else
        log(QStringLiteral("[INFO] Manager: keeping the newest running container per category among those labelled "
                           "%1=true%2%3")
                .arg(ManagerLabels::managed(), scope,
                     m_options.dryRun ? QStringLiteral("; dry run, nothing is removed") : QString()));
    resync();
    // The stream reports every container, not only managed ones: names and
    // states feed the metrics too. (Re)connecting it triggers a resync.
    m_client->startEvents(EventFilter {});
}

void Manager::resync()
{
    if (!m_client)
        return;
    if (m_listCall) {
        m_listAgain = true;
        return;
    }
    m_listCall = m_client->listContainers(
        ContainerListQuery {},
        [this](const DockerResult<QList<ContainerSummary>>& r) {
            m_listCall = 0;
            if (!r.ok()) {
                m_synced = false;
            } else {
                QSet<QString> running;
                // The list answers for every container at once; one inspect
                // per container (a thousand at start) would cost the daemon
                // more than all the metrics. Only managed containers, whose
                // keep-newest order needs the creation time in ns, are
                // inspected (through the client's bounded queue).
                for (const ContainerSummary& c : r.value) {
                    running.insert(c.id);
                    const auto it = m_meta.constFind(c.id);
                    if (it != m_meta.cend() && it->state == c.state)
                        continue;
                    if (!m_inspecting.contains(c.id))
                        m_meta.insert(c.id, infoFromSummary(c));
                    if (ManagerLabels::isManaged(c.labels))
                        inspect(c.id);
                }
                // What is no longer listed stopped or went away while we
                // were not looking.
                for (auto it = m_meta.begin(); it != m_meta.end();) {
                    if (!running.contains(it.key()) && !m_inspecting.contains(it.key()))
                        it = m_meta.erase(it);
                    else
                        ++it;
                }
                m_notDocker.clear();
                m_synced = true;
                m_everSynced = true;
                Q_EMIT metadataChanged();
                Q_EMIT synced();
            }
            if (m_listAgain) {
                m_listAgain = false;
                resync();
                return;
            }
            settle();
        },
        this);
}

void Manager::inspect(const QString& id)
{
    if (!m_client || id.isEmpty())
        return;
    if (m_inspecting.contains(id)) {
        m_dirty.insert(id);
        return;
    }
    m_inspecting.insert(id);
    m_client->inspectContainer(
        id,
        [this, id](const DockerResult<ContainerInfo>& r) {
            m_inspecting.remove(id);
            if (r.ok()) {
                m_meta.insert(r.value.id, r.value);
                m_notDocker.remove(id);
                Q_EMIT metadataChanged();
            } else if (r.error.isNotFound()) {
                if (const ContainerInfo* known = findMetadata(m_meta, id))
                    m_meta.remove(known->id);
                m_notDocker.insert(id);
                Q_EMIT metadataChanged();
            }
            if (m_dirty.remove(id)) {
                inspect(id);
                return;
            }
            settle();
        },
        this);
}

void Manager::onEvent(const DockerEvent& event)
{
    if (event.type != QLatin1String("container") || event.id.isEmpty())
        return;
    const QString action = event.baseAction();
    if (action == QLatin1String("destroy")) {
        m_meta.remove(event.id);
        if (m_inspecting.contains(event.id))
            m_dirty.insert(event.id); // the answer in flight is stale; the next one says 404
        Q_EMIT metadataChanged();
        return;
    }
    static const QSet<QString> stateChanges = {
        QStringLiteral("start"),  QStringLiteral("restart"), QStringLiteral("unpause"),
        QStringLiteral("pause"),  QStringLiteral("die"),     QStringLiteral("stop"),
        QStringLiteral("rename"), QStringLiteral("update"),  QStringLiteral("oom"),
    };
    if (stateChanges.contains(action))
        inspect(event.id);
}

void Manager::onConnectionChanged(bool connected, const QString& message)
{
    if (connected) {
        log(QStringLiteral("[INFO] Docker reachable at %1").arg(m_client ? m_client->endpointUrl() : QString()));
    } else {
        m_synced = false;
        log(QStringLiteral("[WARN] %1; containers are not managed until it is back").arg(message));
    }
    Q_EMIT connectionChanged(connected, message);
}

void Manager::whenIdle(std::function<void()> then)
{
    m_waiters.append(std::move(then));
    settle();
}

void Manager::settle()
{
    if (m_listCall || !m_inspecting.isEmpty() || m_waiters.isEmpty())
        return;
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto& w : waiters)
        w();
}

Snapshot Manager::enrich(const Snapshot& snapshot) const
{
    Snapshot s = snapshot;
    for (ContainerMetrics& c : s.containers) {
        const ContainerInfo* info = findMetadata(m_meta, c.id);
        if (!info)
            continue;
        if (!info->name.isEmpty())
            c.name = info->name;
        c.created = info->created();
        c.state = info->state;
        c.labels = info->labels;
        c.managed = ManagerLabels::isManaged(info->labels);
        c.category = classify(info->labels.value(ManagerLabels::category()),
                              c.cmdline.isEmpty() ? info->commandLine() : c.cmdline);
    }
    if (m_client && !m_client->isConnected() && !m_client->lastError().isEmpty())
        s.warnings.append(m_client->lastError());
    return s;
}

void Manager::tick(const Snapshot& snapshot)
{
    if (m_firstSyncWait) {
        log(QStringLiteral("[WARN] Still waiting for Docker's first container list; this tick is skipped"));
        return;
    }
    if (m_client && !m_everSynced && (m_listCall || !m_inspecting.isEmpty())) {
        // The very first container list is on its way: wait for it (at most
        // syncWaitMs) so that even the first snapshot shows Docker's names.
        const quint64 wait = ++m_firstSyncSequence;
        m_firstSyncWait = wait;
        auto go = [this, wait, snapshot] {
            if (m_firstSyncWait != wait)
                return;
            m_firstSyncWait = 0;
            runTick(snapshot);
        };
        QTimer::singleShot(m_options.syncWaitMs, this, go);
        whenIdle(go);
        return;
    }
    runTick(snapshot);
}

void Manager::runTick(const Snapshot& snapshot)
{
    const Snapshot enriched = enrich(snapshot);
    Q_EMIT snapshotReady(enriched);
    if (!m_options.manage || !m_client) {
        Q_EMIT tickFinished();
        return;
    }
    if (m_tickRunning) {
        log(QStringLiteral("[WARN] The previous tick is still removing containers; this one only monitors"));
        return;
    }
    m_tickRunning = true;
    m_deciding = false;
    m_tickSnapshot = enriched;
    m_tickDecisions.clear();
    const quint64 number = ++m_tickNumber;
    if (!m_synced && !m_listCall)
        resync(); // the last list failed: try again now rather than wait for the event stream
    // Containers the metrics see but the cache does not (started between
    // two events, or a short id from the kernel module).
    for (const ContainerMetrics& c : snapshot.containers) {
        if (!findMetadata(m_meta, c.id) && !m_notDocker.contains(c.id))
            inspect(c.id);
    }
    m_syncDeadline.disconnect(this);
    connect(&m_syncDeadline, &QTimer::timeout, this, [this, number] { decide(number); });
    m_syncDeadline.start(m_options.syncWaitMs);
    whenIdle([this, number] { decide(number); });
}

void Manager::decide(quint64 tickNumber)
{
    if (tickNumber != m_tickNumber || !m_tickRunning || m_deciding)
        return;
    m_deciding = true;
    m_syncDeadline.stop();
    if (!isConnected() || !m_synced) {
        log(QStringLiteral("[WARN] Docker at %1 is unreachable or not in sync: no container is removed this tick")
                .arg(m_client ? m_client->endpointUrl() : QString()));
        finishTick();
        return;
    }
    const QList<Decision> all = decideKeepNewest(m_tickSnapshot, m_meta, m_options.policy);
    QSet<Category> contested;
    for (const Decision& d : all) {
        if (d.action == Decision::Action::Kill)
            contested.insert(d.category);
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (Decision d : all) {
        if (d.action == Decision::Action::Ignore)
            continue;
        d.time = now;
        d.result = d.action == Decision::Action::Kill ? Decision::Result::Pending : Decision::Result::NotActed;
        if (d.action == Decision::Action::Kill || contested.contains(d.category))
            log(ManagerText::decisionLine(d, m_options.dryRun));
        m_tickDecisions.append(d);
    }
    for (qsizetype i = 0; i < m_tickDecisions.size(); ++i) {
        Decision& d = m_tickDecisions[i];
        if (d.action != Decision::Action::Kill)
            continue;
        if (m_options.dryRun) {
            d.result = Decision::Result::DryRun;
            continue;
        }
        ++m_pendingRemovals;
        const quint64 number = tickNumber;
        m_client->removeContainer(
            d.id, true,
            [this, i, number](const DockerResult<DockerNothing>& r) {
                if (number != m_tickNumber || i >= m_tickDecisions.size())
                    return;
                Decision& done = m_tickDecisions[i];
                if (r.ok())
                    done.result = Decision::Result::Removed;
                else if (r.error.isNotFound())
                    done.result = Decision::Result::AlreadyGone;
                else {
                    done.result = Decision::Result::Failed;
                    done.error = r.error.message;
                }
                done.time = QDateTime::currentDateTimeUtc();
                log(ManagerText::resultLine(done));
                if (done.result != Decision::Result::Failed) {
                    m_meta.remove(done.id);
                    Q_EMIT containerRemoved(done);
                }
                if (--m_pendingRemovals == 0)
                    finishTick();
            },
            this);
    }
    if (m_pendingRemovals == 0)
        finishTick();
}

void Manager::finishTick()
{
    m_syncDeadline.stop();
    const bool acted = std::any_of(m_tickDecisions.cbegin(), m_tickDecisions.cend(),
                                   [](const Decision& d) { return d.action == Decision::Action::Kill; });
    if (acted || isConnected())
        log(ManagerText::removedTable(m_tickDecisions, m_options.dryRun).chopped(1));
    m_tickRunning = false;
    m_deciding = false;
    Q_EMIT decisionsReady(m_tickDecisions);
    Q_EMIT tickFinished();
}
