#include "core/store/seenentries.h"

#include "core/store/logstore.h"

#include <QFile>

#include <limits>

bool SeenEntries::holds(const EntryId& id) const
{
    const auto it = m_runs.constFind(key(id.hostId, id.run));
    return it != m_runs.constEnd() && id.seq <= it->seq;
}

void SeenEntries::record(const EntryId& id)
{
    const QString k = key(id.hostId, id.run);
    auto it = m_runs.find(k);
    if (it == m_runs.end()) {
        if (m_runs.size() >= m_maxRuns)
            forgetOldest();
        it = m_runs.insert(k, Run {});
    }
    it->seq = std::max(it->seq, id.seq);
    it->touched = ++m_clock;
}

void SeenEntries::forgetOldest()
{
    // Linear, but only when a new run arrives at the bound: rare.
    auto oldest = m_runs.end();
    quint64 least = std::numeric_limits<quint64>::max();
    for (auto it = m_runs.begin(); it != m_runs.end(); ++it) {
        if (it->touched < least) {
            least = it->touched;
            oldest = it;
        }
    }
    if (oldest != m_runs.end())
        m_runs.erase(oldest);
}

void SeenEntries::clear()
{
    m_runs.clear();
    m_clock = 0;
    m_scanned = 0;
}

qint64 SeenEntries::lastSeq(const QString& hostId, const QString& run) const
{
    const auto it = m_runs.constFind(key(hostId, run));
    return it == m_runs.constEnd() ? 0 : it->seq;
}

bool SeenEntries::rebuild(const QString& dataDir, QString* error)
{
    clear();
    bool ok = true;
    for (const QString& path : LogStore::files(dataDir)) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            // Rotation may have moved it meanwhile; say so and go on.
            if (error)
                *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
            ok = false;
            continue;
        }
        EntryId id;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine();
            ++m_scanned;
            if (entryIdFromStoredLine(line, id))
                record(id);
        }
    }
    return ok;
}
