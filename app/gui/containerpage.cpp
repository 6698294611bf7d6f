#include "gui/containerpage.h"

#include "charts/chartparts.h"
#include "core/docker/dockerclient.h"
#include "gui/historyview.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace {
QString nsTime(qint64 ns)
{
    if (ns <= 0)
        return QString();
    return QDateTime::fromMSecsSinceEpoch(ns / 1000000).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}
} // namespace

ContainerPage::ContainerPage(DockerClient* client, QWidget* parent)
    : QWidget(parent)
    , m_client(client)
    , m_title(new QLabel)
    , m_tree(new QTreeWidget)
    , m_history(new HistoryView)
{
    setObjectName(QStringLiteral("containerPage"));
    m_title->setObjectName(QStringLiteral("containerPageTitle"));
    m_title->setTextFormat(Qt::PlainText);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_tree->setObjectName(QStringLiteral("containerDetails"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({ tr("Field"), tr("Value") });
    m_tree->setRootIsDecorated(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_title);
    // What Docker says on the left, what the store kept on the right.
    auto* split = new QSplitter(Qt::Horizontal);
    split->setObjectName(QStringLiteral("containerPageSplitter"));
    split->addWidget(m_tree);
    split->addWidget(m_history);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    m_tree->setMinimumWidth(360); // field and value both readable beside the charts
    layout->addWidget(split, 1);
    m_title->setText(tr("Select a container (double-click a row) to see its details."));
}

void ContainerPage::setContainer(const QString& id, const QString& name, const QString& remoteHost)
{
    if (id == m_id && remoteHost == m_remoteHost)
        return;
    m_id = id;
    m_name = name.isEmpty() ? id.left(12) : name;
    m_remoteHost = remoteHost;
    m_stale = true;
    m_history->setContainer(id, remoteHost);
    if (isVisible())
        reload();
}

void ContainerPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        reload();
}

void ContainerPage::reload()
{
    if (m_call && m_client)
        m_client->cancel(m_call);
    m_call = 0;
    m_tree->clear();
    if (m_id.isEmpty() || !m_client) {
        m_title->setText(tr("Select a container (double-click a row) to see its details."));
        return;
    }
    m_stale = false;
    if (!m_remoteHost.isEmpty()) {
        m_title->setText(tr("%1 on %2: reported values only (its Docker is reachable from that host alone)")
                             .arg(m_name, m_remoteHost));
        Q_EMIT loaded();
        return;
    }
    m_title->setText(tr("%1: asking Docker…").arg(m_name));
    m_call = m_client->inspectContainer(
        m_id,
        [this](const DockerResult<ContainerInfo>& r) {
            m_call = 0;
            if (!r.ok()) {
                m_title->setText(tr("%1: %2").arg(m_name, r.error.message));
                Q_EMIT loaded();
                return;
            }
            const ContainerInfo& c = r.value;
            m_title->setText(c.name.isEmpty() ? c.id.left(12) : c.name);
            const auto add = [this](const QString& field, const QString& value) {
                auto* item = new QTreeWidgetItem(m_tree, { field, value });
                item->setToolTip(1, value);
                return item;
            };
            add(tr("Name"), c.name);
            add(tr("ID"), c.id);
            add(tr("Image"), c.image);
            add(tr("Command"), c.commandLine());
            add(tr("Created"), nsTime(c.createdNs));
            QString state = c.state;
            if (c.state == QLatin1String("exited"))
                state += tr(" (exit code %1)").arg(c.exitCode);
            if (!c.error.isEmpty())
                state += QStringLiteral(": ") + c.error;
            add(tr("State"), state);
            add(tr("Started"), nsTime(c.startedAtNs));
            add(tr("PID"), c.pid > 0 ? QString::number(c.pid) : QString());
            add(tr("Restart count"), QString::number(c.restartCount));
            add(tr("Restart policy"), c.restartPolicy.isEmpty() ? tr("no") : c.restartPolicy);
            add(tr("Memory limit"), c.memoryLimitBytes > 0 ? formatBytes(double(c.memoryLimitBytes)) : tr("none"));
            add(tr("CPU limit"), c.nanoCpus > 0 ? tr("%1 CPUs").arg(double(c.nanoCpus) / 1e9) : tr("none"));
            add(tr("Network"), c.networkMode);
            add(tr("TTY"), c.tty ? tr("yes") : tr("no"));
            QTreeWidgetItem* mounts = add(tr("Mounts"), QString::number(c.mounts.size()));
            for (const QString& m : c.mounts)
                new QTreeWidgetItem(mounts, { QString(), m });
            QTreeWidgetItem* labels = add(tr("Labels"), QString::number(c.labels.size()));
            QStringList keys = c.labels.keys();
            std::sort(keys.begin(), keys.end());
            for (const QString& k : std::as_const(keys))
                new QTreeWidgetItem(labels, { k, c.labels.value(k) });
            m_tree->expandAll();
            Q_EMIT loaded();
        },
        this);
}

QString ContainerPage::value(const QString& field) const
{
    const auto found = m_tree->findItems(field, Qt::MatchExactly | Qt::MatchRecursive, 0);
    return found.isEmpty() ? QString() : found.first()->text(1);
}

void ContainerPage::setHistoryStore(const QString& dataDir)
{
    m_history->setStore(dataDir);
}

void ContainerPage::addSnapshot(const Snapshot& snapshot)
{
    m_history->addSnapshot(snapshot);
}
