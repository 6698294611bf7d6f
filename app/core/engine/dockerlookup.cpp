#include "core/engine/dockerlookup.h"

#include "core/docker/dockerclient.h"
#include "core/manager/manager.h"

#include <QEventLoop>
#include <QTimer>

DockerLookup lookUpDockerMetadata(const Snapshot& snapshot, const QString& dockerHost, int timeoutMs,
                                  const QString& dockerContext)
{
    DockerLookup result;
    result.snapshot = snapshot;
    QString error;
    const auto endpoint = resolveDockerHost(DockerHostInputs::fromEnvironment(dockerHost, dockerContext), &error);
    if (!endpoint) {
        result.error = error;
        return result;
    }
    auto client = std::make_unique<DockerClient>(*endpoint);
    client->setTimeout(timeoutMs);
    // Monitoring only: a one-shot look never removes anything.
    ManagerSettings options;
    options.manage = false;
    Manager manager(client.get(), options);
    // Done when the list and the inspections it started (names, labels,
    // creation times) have answered, when Docker is found unreachable, or
    // at the timeout.
    QEventLoop loop;
    QObject::connect(&manager, &Manager::connectionChanged, &loop, [&loop](bool connected) {
        if (!connected)
            loop.quit();
    });
    QTimer poll;
    poll.setInterval(10);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (manager.isSynced() && manager.isIdle())
            loop.quit();
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    manager.start();
    poll.start();
    loop.exec();
    if (!manager.isSynced()) {
        result.error = client->lastError().isEmpty()
            ? QStringLiteral("no answer from %1 within %2 ms").arg(client->endpointUrl()).arg(timeoutMs)
            : client->lastError();
        return result;
    }
    result.reached = true;
    result.snapshot = manager.enrich(snapshot);
    return result;
}
