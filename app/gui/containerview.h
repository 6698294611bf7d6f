#pragma once

#include "core/model/snapshot.h"

#include <QWidget>

class ContainerFilterProxy;
class ContainerTableModel;
class QAction;
class QLineEdit;
class QTableView;

// The container table with its filter box: one row per container of the
// latest snapshot, sortable, filterable, columns that can be hidden and
// moved. Rows update in place, so selection and scroll position survive
// every tick. Widgets: "filter" (QLineEdit), "containerTable" (QTableView).
class ContainerView : public QWidget
{
    Q_OBJECT
public:
    explicit ContainerView(QWidget* parent = nullptr);

    ContainerTableModel* model() const { return m_model; }
    ContainerFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }

    void setSnapshot(const Snapshot& snapshot);
    // The selected containers, in source model order.
    QList<ContainerMetrics> selectedContainers() const;
    bool hasSelection() const;
    // One checkable action per column (View ▸ Columns, the header's menu).
    QList<QAction*> columnActions() const { return m_columnActs; }
    void focusFilter();

    QByteArray saveHeaderState() const;
    void restoreHeaderState(const QByteArray& state);

Q_SIGNALS:
    void selectionChanged();

private:
    void showColumnMenu(const QPoint& pos);

    ContainerTableModel* m_model;
    ContainerFilterProxy* m_proxy;
    QLineEdit* m_filter;
    QTableView* m_table;
    QList<QAction*> m_columnActs;
    bool m_columnsSized = false; // to the contents once, unless restored
};
