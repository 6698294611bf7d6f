#include "gui/hostselector.h"

#include <QComboBox>
#include <QLoggingCategory>
#include <QSet>
#include <QSignalBlocker>

Q_LOGGING_CATEGORY(lcHosts, "stevedore.gui.hosts")

HostSelector::HostSelector(const QString& localHost, QObject* parent)
    : QObject(parent)
    , m_local(localHost)
    , m_combo(new QComboBox)
{
    setObjectName(QStringLiteral("hosts"));
    m_combo->setObjectName(QStringLiteral("hostSelector"));
    m_combo->setToolTip(tr("Which hosts the table and the charts show: this one, or a host that reports to this "
                           "window's receiver (--report-to)"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    rebuildCombo();
    connect(m_combo, &QComboBox::currentIndexChanged, this, &HostSelector::selectionChanged);
}

HostSelector::~HostSelector()
{
    // The tool bar owns the combo box once it is added; until then, this.
    if (m_combo && !m_combo->parent())
        delete m_combo.data();
}

void HostSelector::seedFromStore(const QString& dataDir)
{
    QString error;
    HostLatest seeded;
    // The last hour of the newest file: hosts silent for longer show up when
    // they report again, and the window opens without parsing a whole file.
    if (!seeded.seedFromStore(dataDir, 1, &error, QDateTime::currentDateTimeUtc().addSecs(-kSeedSeconds))) {
        qCWarning(lcHosts).noquote() << "host selector: " << error;
        return;
    }
    for (const QString& host : seeded.hosts()) {
        for (const Snapshot& s : seeded.history(host))
            addSnapshot(s);
    }
}

void HostSelector::addSnapshot(const Snapshot& snapshot)
{
    if (snapshot.host.name.isEmpty() || snapshot.host.name == m_local)
        return;
    const bool known = m_latest.contains(snapshot.host.name);
    if (!m_latest.update(snapshot))
        return;
    ChartHistory& history = m_charts[snapshot.host.name];
    if (history.capacity() == 0)
        history.setCapacity(3600);
    history.append(snapshot);
    if (!known) {
        rebuildCombo();
        Q_EMIT hostsChanged();
    }
    Q_EMIT remoteUpdated();
}

void HostSelector::rebuildCombo()
{
    const QString current = selectedHost();
    const QSignalBlocker block(m_combo);
    m_combo->clear();
    m_combo->addItem(tr("All hosts"), QString());
    m_combo->addItem(m_local.isEmpty() ? tr("This host") : tr("%1 (this host)").arg(m_local), m_local);
    for (const QString& host : m_latest.hosts())
        m_combo->addItem(host, host);
    const int at = current.isEmpty() ? 0 : m_combo->findData(current);
    m_combo->setCurrentIndex(at < 0 ? 0 : at);
}

QString HostSelector::selectedHost() const
{
    // Index 0 is "All hosts" (no data), index 1 this host.
    const int i = m_combo->currentIndex();
    return i <= 0 ? QString() : m_combo->itemData(i).toString();
}

void HostSelector::selectHost(const QString& host)
{
    const int at = host.isEmpty() ? 0 : (host == m_local ? 1 : m_combo->findData(host));
    if (at >= 0)
        m_combo->setCurrentIndex(at);
}

bool HostSelector::showsLocal() const
{
    return m_combo->currentIndex() <= 1;
}

Snapshot HostSelector::compose(const Snapshot& local, QHash<QString, ContainerTableModel::RowOrigin>* origins) const
{
    Snapshot out = local;
    if (!showsLocal())
        out.containers.clear();
    if (m_combo->currentIndex() == 1)
        return out; // this host only
    const QString chosen = selectedHost();
    QSet<QString> ids;
    for (const ContainerMetrics& c : std::as_const(out.containers))
        ids.insert(c.id);
    for (const QString& host : m_latest.hosts()) {
        if (!chosen.isEmpty() && host != chosen)
            continue;
        const Snapshot* s = m_latest.latest(host);
        for (const ContainerMetrics& c : s->containers) {
            if (ids.contains(c.id))
                continue; // the same id twice: this host's row wins
            ids.insert(c.id);
            out.containers.append(c);
            if (origins)
                origins->insert(c.id, { host, s->timestamp });
        }
    }
    return out;
}

const ChartHistory* HostSelector::chartHistory() const
{
    if (showsLocal())
        return nullptr;
    auto it = m_charts.find(selectedHost());
    return it == m_charts.end() ? nullptr : &it->second;
}
