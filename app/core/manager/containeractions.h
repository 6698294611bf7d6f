#pragma once

#include "core/manager/policy.h"
#include "core/manager/spawner.h"
#include "core/model/snapshot.h"

#include <QObject>
#include <QPointer>

class DockerClient;

// What the user asked the Spawn dialog for.
struct SpawnRequest
{
    int count = 1;
    QList<StressType> types; // random among these; empty = all four
    QString image; // empty = the configured one
};

// The user's Docker actions (the window's Kill… and Spawn…), asynchronous on
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

    // killFinished reports one Decision (action Kill, reason "killed from
    // the window") per container with its result.
    void kill(const QList<ContainerMetrics>& containers);
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

private:
    QPointer<DockerClient> m_client;
    SpawnSettings m_settings;
    QPointer<Spawner> m_spawner;
    int m_pendingKills = 0;
};
