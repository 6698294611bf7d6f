#pragma once

#include "core/model/snapshot.h"

#include <QString>

// `stevedore --once`: one sample shown with the names, labels, categories
// and "managed" flags the service shows, from one container list (the
// Manager's cache, filled as the service fills it) with a short timeout.
// Blocking (a local event loop): for one-shot commands only.
struct DockerLookup
{
    Snapshot snapshot; // enriched, or the input unchanged when Docker did not answer
    bool reached = false;
    QString error; // why Docker did not answer in time
};

// dockerHost / dockerContext: --docker-host / --context (empty: as the
// docker CLI, see resolveDockerHost()).
DockerLookup lookUpDockerMetadata(const Snapshot& snapshot, const QString& dockerHost, int timeoutMs,
                                  const QString& dockerContext = {});
