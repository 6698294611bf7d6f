#include "core/store/hostlatest.h"

#include "core/store/logstore.h"

#include <QDir>

#include <algorithm>

bool HostLatest::update(const Snapshot& snapshot)
{
    const QString host = snapshot.host.name;
    if (host.isEmpty())
        return false;
    auto it = m_latest.find(host);
    if (it != m_latest.end() && snapshot.timestamp < it->timestamp)
        return false;
    m_latest.insert(host, snapshot);
    QList<Snapshot>& h = m_history[host];
    h.append(snapshot);
    if (m_maxHistory > 0 && h.size() > m_maxHistory)
        h.erase(h.begin(), h.begin() + (h.size() - m_maxHistory));
    return true;
}

QStringList HostLatest::hosts() const
{
    QStringList out = m_latest.keys();
    std::sort(out.begin(), out.end());
    return out;
}

const Snapshot* HostLatest::latest(const QString& host) const
{
    auto it = m_latest.constFind(host);
    return it == m_latest.constEnd() ? nullptr : &*it;
}

bool HostLatest::seedFromStore(const QString& dataDir, int maxFiles, QString* error, const QDateTime& since)
{
    if (dataDir.isEmpty() || !QDir(dataDir).exists())
        return true;
    int files = 0;
    // readRecentSnapshots asks after each file (newest first): stop after
    // `maxFiles` of them.
    const EnoughEntries enough = [&](const QList<Snapshot>&) {
        return ++files >= std::max(1, maxFiles);
    };
    LogQuery query;
    query.since = since;
    QList<Snapshot> read;
    if (!readRecentSnapshots(dataDir, query, enough, &read, error))
        return false;
    for (const Snapshot& s : std::as_const(read))
        update(s);
    return true;
}
