#pragma once

#include "core/model/snapshot.h"

#include <QHash>
#include <QList>
#include <QString>

// The newest snapshot each host reported to this process's receiver, for a
// window that shows a fleet (the host selector, docs/gui.md). Fed by
// LogReceiver::snapshotStored as entries arrive, and seeded once at start
// from the end of the store (seedFromStore), so the store is never re-read
// on a tick. Hosts are keyed by name (what GET /logs?host= and the history
// page filter on); an entry without a host (an old sender) is not a host.
class HostLatest
{
public:
    // Records `snapshot` when it is its host's newest; false when it is
    // older than what is held (entries may arrive out of order after a
    // reporter's queue drains) or carries no host name.
    bool update(const Snapshot& snapshot);

    // Host names, sorted.
    QStringList hosts() const;
    bool contains(const QString& host) const { return m_latest.contains(host); }
    // The newest snapshot of `host`, or null.
    const Snapshot* latest(const QString& host) const;
    // Every snapshot recorded for `host` (oldest first, at most
    // maxHistory()), for charts drawn from what the host reported.
    QList<Snapshot> history(const QString& host) const { return m_history.value(host); }
    void setMaxHistory(int samples) { m_maxHistory = samples; }
    int maxHistory() const { return m_maxHistory; }

    // Reads the newest file(s) of the store in `dataDir` (at most
    // `maxFiles`; the whole store is never walked) and updates from each
    // entry stored at or after `since` (when valid: older lines are skipped
    // by their timestamp, unparsed, so a full 64 MiB file costs little).
    // False with `error` when the store cannot be read; an empty or missing
    // store is not an error.
    bool seedFromStore(const QString& dataDir, int maxFiles, QString* error, const QDateTime& since = {});

private:
    QHash<QString, Snapshot> m_latest;
    QHash<QString, QList<Snapshot>> m_history;
    int m_maxHistory = 360;
};
