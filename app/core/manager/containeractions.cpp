#include "core/manager/containeractions.h"

#include "core/docker/dockerclient.h"

#include <QDateTime>

#include <memory>

ContainerActions::ContainerActions(DockerClient* client, SpawnSettings spawnSettings, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_settings(std::move(spawnSettings))
{ }

ContainerActions::~ContainerActions()
{
    if (m_spawner)
        m_spawner->cancel();
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
