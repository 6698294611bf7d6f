#include "commands/commands.h"

#include "cmdoptions.h"
#include "commands/output.h"
#include "core/engine/dockerlookup.h"
#include "core/metrics/collector.h"
#include "core/model/snapshotjson.h"
#include "headless/tableprinter.h"

#include <QThread>

namespace Commands {

// Long enough for a local dockerd on a loaded machine, short enough that
// `--once` without Docker still answers at once.
constexpr int kOnceDockerTimeoutMs = 3000;

int once(const Options& options)
{
    Collector collector(options.source);
    QString error;
    // Two samples: rates need a time difference. The first one primes the
    // collector; it is not printed.
    if (!collector.collect(&error)) {
        Output::error(error);
        return 1;
    }
    QThread::usleep(static_cast<unsigned long>(options.sampleGapSeconds * 1e6));
    const auto sample = collector.collect(&error);
    if (!sample) {
        Output::error(error);
        return 1;
    }
    // The names, labels and "managed" flags the service shows come from
    // Docker: ask it, briefly, and say so when it does not answer.
    const DockerLookup docker
        = lookUpDockerMetadata(*sample, options.dockerHost, kOnceDockerTimeoutMs, options.dockerContext);
    Snapshot snapshot = docker.snapshot;
    snapshot.host = { options.hostName, options.machineId };
    if (!docker.reached) {
        const QString warning
            = QStringLiteral("Docker unreachable (%1): containers shown by process name, \"managed\" unknown")
                  .arg(docker.error);
        snapshot.warnings.append(warning);
        Output::error(warning);
    }
    if (options.json)
        Output::printLine(QString::fromUtf8(snapshotToJsonBytes(snapshot)));
    else
        Output::print(formatSnapshot(snapshot));
    return 0;
}

} // namespace Commands
