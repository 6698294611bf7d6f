#pragma once

#include "core/manager/policy.h"
#include "core/manager/spawner.h"
#include "core/model/snapshot.h"

#include "core/docker/dockertypes.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>

class DockerClient;

// The lifecycle actions a user can take on containers in the window.
enum class LifecycleAction { Start, Stop, Restart, Pause, Unpause, Kill, Remove };

// One container's part in a lifecycle batch.
struct LifecycleOutcome
{
    QString id;
    QString name;
    DockerError error; // None: done (or already in the asked state)
    bool ok() const { return !error.isError(); }
};

struct LifecycleReport
{
    quint64 batch = 0;
    LifecycleAction action = LifecycleAction::Start;
    QList<LifecycleOutcome> outcomes;
    int failures() const;
};
Q_DECLARE_METATYPE(LifecycleReport)
Q_DECLARE_METATYPE(LifecycleAction)

namespace Lifecycle {
// Whether `action` makes sense for a container in Docker state `state`
// ("running", "paused", "exited", "created", ...): Start a stopped one,
// Pause a running one, and so on. Remove applies to every state.
bool appliesTo(LifecycleAction action, const QString& state);
// Stop, Restart, Kill and Remove lose the container's work: the window
// asks before them.
bool isDestructive(LifecycleAction action);
// "stop", "start", ... (for logs and object names).
QString name(LifecycleAction action);
// A stopped container (from Docker's list) as a table row: no metrics,
// Docker's state, name, labels, category.
ContainerMetrics rowFromSummary(const ContainerSummary& summary);
} // namespace Lifecycle

// What the user asked the Spawn dialog for.
struct SpawnRequest
{
    int count = 1;
    QList<StressType> types; // random among these; empty = all four
    QString image; // empty = the configured one
};

// The user's Docker actions (the window's lifecycle actions, Spawn…, and
// the original's kill-and-remove), asynchronous on
// the engine's DockerClient: every call has a timeout, so a hung dockerd
// costs a timeout, never a frozen front end. Kill removes the chosen
// containers like `docker rm -f`; Spawn runs the same Spawner as
// `stevedore --spawn`. No widget code: a front end asks and shows.
class ContainerActions : public QObject
{
    Q_OBJECT
public:
    ContainerActions(DockerClient* client, SpawnSettings spawnSettings, QObject* parent = nullptr);
    ~ContainerActions() override;

    DockerClient* client() const { return m_client; }
    bool isConnected() const;
    const SpawnSettings& spawnSettings() const { return m_settings; }
    bool isKilling() const { return m_pendingKills > 0; }
    bool isSpawning() const { return !m_spawner.isNull(); }
    // Lifecycle batches still running.
    int pendingLifecycle() const { return m_lifecycleLeft; }

    // Applies `action` to each container (at once: the client bounds the
    // connections), whatever its labels: the caller has asked the user.
    // lifecycleProgress after each container, lifecycleFinished once with
    // every outcome. Returns the batch number (0 when `ids` is empty).
    // Stop and Restart use Docker's grace period (see DockerClient).
    quint64 apply(LifecycleAction action, const QList<ContainerMetrics>& containers);

    // Containers Docker has that are not running (exited, created, paused,
    // dead), kept current from the event stream: the window lists them so
    // they can be started again. Off until enabled.
    void setWatchStopped(bool on);
    const QList<ContainerSummary>& stoppedContainers() const { return m_stopped; }
    void refreshStopped();

    // killFinished reports one Decision (action Kill, reason "killed from
    // the window") per container with its result.
    void kill(const QList<ContainerMetrics>& containers);
    // One container action of an alert rule (docs/alerts.md): Stop, Pause,
    // or Kill (removal, as kill() does). `done` gets an empty string on
    // success, else the daemon's words. The caller checks stevedore.managed.
    enum class RuleAction { Stop, Pause, Kill };
    void ruleAction(RuleAction action, const QString& id, std::function<void(const QString& error)> done);
    // False when a spawn is running or there is no Docker client.
    bool spawn(const SpawnRequest& request);
    void cancelSpawn();

Q_SIGNALS:
    void killFinished(const QList<Decision>& results);
    void spawnMessage(const QString& line);
    void spawnPullProgress(const PullProgress& progress);
    void containerSpawned(const SpawnedContainer& container);
    void spawnFinished(const SpawnReport& report);
    // isKilling() or isSpawning() changed.
    void busyChanged();
    void lifecycleProgress(quint64 batch, LifecycleAction action, int done, int total);
    void lifecycleFinished(const LifecycleReport& report);
    void stoppedContainersChanged();

private:
    QPointer<DockerClient> m_client;
    SpawnSettings m_settings;
    QPointer<Spawner> m_spawner;
    int m_pendingKills = 0;
    quint64 m_nextBatch = 1;
    int m_lifecycleLeft = 0; // containers of all batches not yet answered
    bool m_watchStopped = false;
    quint64 m_stoppedCall = 0;
    bool m_stoppedAgain = false;
    QTimer m_stoppedDebounce;
    QList<ContainerSummary> m_stopped;
};
