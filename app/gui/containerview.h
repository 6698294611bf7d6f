#pragma once

#include "core/model/snapshot.h"

#include <QWidget>

class ContainerFilterProxy;
class ContainerTableModel;
class QAction;
class QLabel;
class QLineEdit;
class QTableView;

// The container table with its filter box: one row per container of the
// latest snapshot, sortable, filterable, columns that can be hidden and
// moved. Rows update in place, so selection and scroll position survive
// every tick. Stopped containers (which no metrics source sees) are added
// as rows of their own so they can be started or removed. Columns are sized
// to their content once, the name taking the slack. An empty table says
// why ("emptyMessage"): how to spawn, that the filter hides everything, or
// that Docker is unreachable and why. Widgets: "filter" (QLineEdit),
// "containerTable" (QTableView).
class ContainerView : public QWidget
{
    Q_OBJECT
public:
    explicit ContainerView(QWidget* parent = nullptr);

    ContainerTableModel* model() const { return m_model; }
    ContainerFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }

    void setSnapshot(const Snapshot& snapshot);
    // Rows for containers Docker has but the snapshot lacks (stopped,
    // created, paused ones). Used from the next setSnapshot().
    void setStoppedRows(const QList<ContainerMetrics>& rows) { m_stopped = rows; }
    void setShowStopped(bool show) { m_showStopped = show; }
    bool showStopped() const { return m_showStopped; }
    // What an empty table says when the filter is not the reason: why
    // there is nothing (Docker unreachable, no containers).
    void setEmptyText(const QString& text);
    QString emptyText() const;
    // The selected containers, in source model order.
    QList<ContainerMetrics> selectedContainers() const;
    bool hasSelection() const;
    // Whether a selected row was reported by another host, and the host of
    // the first selected row (empty: this host).
    bool selectionHasRemote() const;
    QString selectedRemoteHost() const;
    // One checkable action per column (View ▸ Columns, the header's menu).
    QList<QAction*> columnActions() const { return m_columnActs; }
    void focusFilter();
    // Shows the Host column (hidden while this host is the only one), once.
    void showHostColumn();

    QByteArray saveHeaderState() const;
    void restoreHeaderState(const QByteArray& state);

Q_SIGNALS:
    void selectionChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void showColumnMenu(const QPoint& pos);
    void sizeColumns();
    void growColumns();
    void updateEmptyMessage();

    ContainerTableModel* m_model;
    ContainerFilterProxy* m_proxy;
    QLineEdit* m_filter;
    QTableView* m_table;
    QList<QAction*> m_columnActs;
    bool m_columnsSized = false; // to the contents once, unless restored
    bool m_rowsAdded = false; // since the last setSnapshot()
    QList<ContainerMetrics> m_stopped;
    bool m_showStopped = true;
    bool m_hostShown = false;
    QLabel* m_empty;
    QString m_emptyText;
};
