#pragma once

#include <QPointer>
#include <QWidget>

class DockerClient;
class HistoryView;
class QLabel;
class QTreeWidget;
struct Snapshot;

// A container's page (the Details tab; double-click a row opens it): what
// Docker's inspect says: image, command, created, state, restart count and
// policy, limits, network, mounts, labels. Asked for when the tab is shown
// or the container changes, never on a tick. Beside it, the container's
// history from the log store (HistoryView, "containerHistory"). Parts:
// "containerDetails" (two columns, field and value), "containerPageTitle",
// "containerPageSplitter".
class ContainerPage : public QWidget
{
    Q_OBJECT
public:
    explicit ContainerPage(DockerClient* client, QWidget* parent = nullptr);

    // `remoteHost` non-empty: a container another host reported (the host
    // selector): its history is read with that host, and no Docker is asked
    // (this window reaches only its own host's Docker).
    void setContainer(const QString& id, const QString& name, const QString& remoteHost = {});
    QString containerId() const { return m_id; }
    QString remoteHost() const { return m_remoteHost; }
    // Reads the container again (after a lifecycle action).
    void reload();
    // The value shown for a field ("Image", "State", …); empty when absent.
    QString value(const QString& field) const;

    // The history's log store (the data directory); empty: not recorded.
    void setHistoryStore(const QString& dataDir);
    // A tick, for the history's live range.
    void addSnapshot(const Snapshot& snapshot);
    HistoryView* history() const { return m_history; }

Q_SIGNALS:
    void loaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    QPointer<DockerClient> m_client;
    QString m_id;
    QString m_name;
    QString m_remoteHost;
    quint64 m_call = 0;
    bool m_stale = true; // the shown details are not this container's yet
    QLabel* m_title;
    QTreeWidget* m_tree;
    HistoryView* m_history;
};
