#include "commands/commands.h"

#include "cmdoptions.h"
#include "commands/output.h"
#include "core/docker/dockerclient.h"
#include "core/docker/dockerhost.h"
#include "core/manager/spawner.h"
#include "settings.h"

#include <QElapsedTimer>
#include <QEventLoop>

namespace Commands {

int spawn(const Options& options)
{
    QString error;
    const auto endpoint
        = resolveDockerHost(DockerHostInputs::fromEnvironment(options.dockerHost, options.dockerContext), &error);
    if (!endpoint) {
        Output::error(error);
        return 1;
    }
    const SpawnSettings settings = spawnSettings(options);
    if (!settings.validate(&error)) {
        Output::error(error);
        return 2;
    }

    DockerClient client(*endpoint);
    Spawner spawner(&client, settings);
    QEventLoop loop;
    SpawnReport report;
    QElapsedTimer lastProgress;
    QObject::connect(&spawner, &Spawner::message, &spawner, [](const QString& line) { Output::printLine(line); });
    QObject::connect(&spawner, &Spawner::pullProgress, &spawner, [&](const PullProgress& p) {
        // One line a second at most: the stream sends hundreds.
        if (lastProgress.isValid() && lastProgress.elapsed() < 1000 && p.error.isEmpty())
            return;
        lastProgress.start();
        if (p.totalBytes > 0)
            Output::printLine(QStringLiteral("[INFO] Pulling %1: %2% of %3 MB")
                                  .arg(settings.image)
                                  .arg(100.0 * double(p.totalCurrent) / double(p.totalBytes), 0, 'f', 0)
                                  .arg(double(p.totalBytes) / 1e6, 0, 'f', 1));
        else if (!p.status.isEmpty())
            Output::printLine(QStringLiteral("[INFO] Pulling %1: %2").arg(settings.image, p.status));
    });
    QObject::connect(&spawner, &Spawner::finished, &loop, [&](const SpawnReport& r) {
        report = r;
        loop.quit();
    });
    spawner.spawn(options.spawnCount);
    if (spawner.isRunning())
        loop.exec();
    for (const QString& e : std::as_const(report.errors))
        Output::error(e);
    Output::printLine(
        QStringLiteral("[INFO] %1 of %2 containers created").arg(report.created.size()).arg(options.spawnCount));
    return report.ok() ? 0 : 1;
}

} // namespace Commands
