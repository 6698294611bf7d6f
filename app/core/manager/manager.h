#pragma once

#include "core/manager/policy.h"

// Complete type: moc needs it for the QPointer<DockerClient> member.
#include "core/docker/dockerclient.h"
#include "core/docker/dockertypes.h"
#include "core/model/snapshot.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>

// What the manager is told by its owner (the program builds it from the
// command line in app/settings.cpp): --no-manage, --dry-run, a sync wait that
// fits --interval, and scope labels from $STEVEDORE_SCOPE_LABELS
// ("k=v,k2=v2"; tests on a shared daemon use it so the manager only ever
// judges their own containers).
struct ManagerSettings
{
    bool manage = true; // false (--no-manage): enrich and report only
    bool dryRun = false; // decide and log, remove nothing
    PolicyOptions policy;
    // How long a tick waits for metadata still being fetched (containers
    // the cache has not seen yet) before it decides with what it has.
    int syncWaitMs = 5000;
};

// The keep-newest manager. It does not sample anything itself: its owner
// (the headless service loop, the GUI) calls tick() with each new Snapshot,
// so metrics and management share one clock and one interval.
//
// Docker metadata (name, Created in ns, state, labels) is cached per
// container id: filled by one container list at start() and after every
// reconnection of the event stream, then kept current by /events (a
// container is inspected when it starts, stops or is renamed, dropped when
// destroyed). A tick never lists or re-inspects what it already knows; it
// only inspects snapshot containers it has never seen.
//
// Per tick: snapshotReady (enriched, at once; only the first tick after
// start() waits, at most syncWaitMs, for the first container list), then,
// unless --no-manage,
// the policy's decisions are logged and the losers removed (force), then
// decisionsReady (with each result) and the "removed containers" table, then
// tickFinished. While Docker is unreachable a tick still reports the
// snapshot (with a warning) and removes nothing; when Docker comes back the
// cache is rebuilt and management resumes.
class Manager : public QObject
{
    Q_OBJECT
public:
    Manager(DockerClient* client, ManagerSettings options, QObject* parent = nullptr);
    ~Manager() override;

    // Lists containers and opens the event stream. Call once.
    void start();
    void tick(const Snapshot& snapshot);

    // The snapshot with Docker's name, created, state, labels, managed and
    // category filled in from the cache (pure; no Docker call).
    Snapshot enrich(const Snapshot& snapshot) const;

    const QHash<QString, ContainerInfo>& metadata() const { return m_meta; }
    const ManagerSettings& options() const { return m_options; }
    void setDryRun(bool dryRun) { m_options.dryRun = dryRun; }
    void setManage(bool manage) { m_options.manage = manage; }
    DockerClient* client() const { return m_client; }

    bool isConnected() const;
    // The last container list succeeded and nothing is being fetched.
    bool isSynced() const { return m_synced; }
    bool isIdle() const;
    // A tick is waiting for Docker or removing containers; a tick() now
    // would be skipped.
    bool isTickRunning() const { return m_tickRunning || m_firstSyncWait != 0; }

Q_SIGNALS:
    void snapshotReady(const Snapshot& snapshot);
    // The Keep and Kill decisions of one tick, with their results.
    void decisionsReady(const QList<Decision>& decisions);
    void containerRemoved(const Decision& decision);
    void logLine(const QString& line);
    void connectionChanged(bool connected, const QString& message);
    void metadataChanged();
    // A container list rebuilt the cache (at start and after reconnecting).
    void synced();
    void tickFinished();

private:
    void resync();
    void inspect(const QString& id);
    void onEvent(const DockerEvent& event);
    void onConnectionChanged(bool connected, const QString& message);
    void whenIdle(std::function<void()> then);
    void settle();
    void runTick(const Snapshot& snapshot);
    void decide(quint64 tickNumber);
    void finishTick();
    void log(const QString& line);

    QPointer<DockerClient> m_client;
    ManagerSettings m_options;

    QHash<QString, ContainerInfo> m_meta; // by full id
    QSet<QString> m_inspecting;
    QSet<QString> m_dirty; // changed while being inspected: inspect again
    QSet<QString> m_notDocker; // snapshot ids Docker does not know
    quint64 m_listCall = 0;
    bool m_listAgain = false;
    bool m_synced = false;
    bool m_everSynced = false;
    quint64 m_firstSyncWait = 0; // non-zero: the first tick waits for the first list
    quint64 m_firstSyncSequence = 0;
    bool m_started = false;
    QList<std::function<void()>> m_waiters;

    quint64 m_tickNumber = 0;
    bool m_tickRunning = false;
    bool m_deciding = false;
    Snapshot m_tickSnapshot;
    QList<Decision> m_tickDecisions;
    int m_pendingRemovals = 0;
    QTimer m_syncDeadline;
};
