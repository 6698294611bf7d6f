#pragma once

#include "core/model/snapshot.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QSortFilterProxyModel>

// The container table: one row per container of the latest snapshot.
//
// setSnapshot() updates rows in place by container id (dataChanged for the
// cells that changed only), removes the ones that are gone and appends the
// new ones, so views keep their selection, current index and scroll position
// across refreshes (a reset would lose all three), and rows that did not
// change cost the sorting proxy and the view nothing.
class ContainerTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Name,
        Id,
        CategoryColumn,
        Pid,
        State,
        Age,
        Cpu,
        RamPercent,
        RamMb,
        DiskRead,
        DiskWrite,
        ReadOps,
        WriteOps,
        NetRx, // bytes received in the container's network namespace
        NetTx,
        NetRxRate,
        NetTxRate,
        Host, // which machine: this one, or a remote host and its report's age
        ColumnCount
    };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as numbers, text lower-cased
        FullIdRole, // the 64-hex id
        ManagedRole, // stevedore.managed=true
        HostRole, // the row's host name (empty: this host, when it has none)
        RemoteRole, // true: a row reported by another host (no actions here)
    };

    // Where a row comes from, for a window fed by several hosts (the host
    // selector, docs/gui.md). Rows without an origin are this host's.
    struct RowOrigin
    {
        QString host;
        QDateTime reportedAt; // the host's last report
    };
    // Used from the next setSnapshot(): remote rows by container id, this
    // host's name, and after how many seconds a report shows as stale
    // (greyed).
    void setOrigins(const QHash<QString, RowOrigin>& remote, const QString& localHost, qint64 staleAfterSeconds);
    bool isRemote(int row) const { return m_origins.contains(m_rows.at(row).id); }

    explicit ContainerTableModel(QObject* parent = nullptr);

    void setSnapshot(const Snapshot& snapshot);
    void clear();

    const ContainerMetrics& container(int row) const { return m_rows.at(row); }
    int rowOf(const QString& id) const { return m_index.value(id, -1); }
    // The time ages are counted to (the snapshot's), for tests.
    QDateTime now() const { return m_now; }

    static QString columnTitle(int column);
    static bool isNumeric(int column);

    int rowCount(const QModelIndex& parent = QModelIndex()) const override;
    int columnCount(const QModelIndex& parent = QModelIndex()) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const ContainerMetrics& c, int column) const;
    QVariant sortValue(const ContainerMetrics& c, int column) const;
    QString hostText(const ContainerMetrics& c) const;
    qint64 reportAge(const RowOrigin& origin) const;
    void rebuildIndex();

    QList<ContainerMetrics> m_rows;
    QHash<QString, int> m_index; // id → row
    QDateTime m_now;
    QHash<QString, RowOrigin> m_origins;
    QString m_localHost;
    qint64 m_staleAfter = 30;
};

// Sorting and the filter box: a row matches when the filter text appears in
// its name, id, category, state or PID (case-insensitive).
class ContainerFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ContainerFilterProxy(QObject* parent = nullptr);
    void setFilterText(const QString& text);
    QString filterText() const { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_filter;
};

// "3 s", "4 min", "2 h 5 min", "3 d 4 h".
QString formatAge(qint64 seconds);
