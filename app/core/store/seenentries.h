#pragma once

#include "core/model/entryid.h"

#include <QHash>
#include <QString>

// Which reported entries a store already holds, so a receiver stores each
// "entry_id" once (issue 14: an agent that never saw the 201 of an entry the
// receiver committed sends it again).
//
// Kept per sender run (host_id + run) as the highest sequence number stored:
// the reporter sends its entries in order, one at a time, so every entry of a
// run up to that number was either stored or given up by the sender (dropped
// at its queue bound, refused as invalid) and will not come again. An agent
// that restarts is a new run, starting at 1. Memory is one small record per
// run, at most maxRuns of them: past it the run heard from least recently is
// forgotten (a run that quiet has nothing left to resend).
//
// rebuild() reads the store's files on start, so the set survives a restart
// of the receiver, kill -9 included (an acknowledged entry is in the file).
class SeenEntries
{
public:
    explicit SeenEntries(int maxRuns = 65536)
        : m_maxRuns(maxRuns)
    { }

    // Whether the store already holds this identity (or one after it in the
    // same run).
    bool holds(const EntryId& id) const;
    // After the entry was stored.
    void record(const EntryId& id);
    void clear();

    // Every entry_id in the store's files (LogStore::files, oldest first).
    // Lines without one are passed over. False with `error` when a file
    // cannot be read; what was read is kept.
    bool rebuild(const QString& dataDir, QString* error);

    int runs() const { return int(m_runs.size()); }
    qint64 lastSeq(const QString& hostId, const QString& run) const;
    qint64 linesScanned() const { return m_scanned; } // by the last rebuild

private:
    static QString key(const QString& hostId, const QString& run) { return hostId + QLatin1Char('/') + run; }
    void forgetOldest();

    struct Run
    {
        qint64 seq = 0;
        quint64 touched = 0; // m_clock when last recorded
    };
    QHash<QString, Run> m_runs;
    quint64 m_clock = 0;
    int m_maxRuns;
    qint64 m_scanned = 0;
};
