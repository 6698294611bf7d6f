#include "gui/containerview.h"

#include "gui/containertablemodel.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

ContainerView::ContainerView(QWidget* parent)
    : QWidget(parent)
    , m_model(new ContainerTableModel(this))
    , m_proxy(new ContainerFilterProxy(this))
    , m_filter(new QLineEdit)
    , m_table(new QTableView)
{
    setObjectName(QStringLiteral("containerView"));
    m_proxy->setSourceModel(m_model);
    m_table->setObjectName(QStringLiteral("containerTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ContainerTableModel::CategoryColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    // Fixed row height: no per-row size hints to compute on every refresh.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->horizontalHeader()->setStretchLastSection(false);
    // The window adds Kill… here: right-click on a row.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this,
            &ContainerView::showColumnMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ContainerView::selectionChanged);

    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by name, ID, category, state or PID (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &ContainerFilterProxy::setFilterText);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_table);

    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        auto* a = new QAction(ContainerTableModel::columnTitle(c), this);
        a->setObjectName(QStringLiteral("column_%1").arg(c));
        a->setCheckable(true);
        a->setChecked(true);
        a->setEnabled(c != ContainerTableModel::Name); // the row needs a name
        connect(a, &QAction::toggled, this, [this, c](bool on) { m_table->setColumnHidden(c, !on); });
        m_columnActs.append(a);
    }
}

void ContainerView::setSnapshot(const Snapshot& snapshot)
{
    m_model->setSnapshot(snapshot);
    if (!m_columnsSized && !snapshot.containers.isEmpty()) {
        // Once, on the first rows: later refreshes never move the columns
        // under the user's pointer.
        m_table->resizeColumnsToContents();
        for (int c = 0; c < ContainerTableModel::ColumnCount; ++c)
            m_table->setColumnWidth(c, std::max(m_table->columnWidth(c), 60) + 12);
        m_columnsSized = true;
    }
}

QList<ContainerMetrics> ContainerView::selectedContainers() const
{
    QList<ContainerMetrics> out;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex& proxyIndex : rows) {
        const QModelIndex source = m_proxy->mapToSource(proxyIndex);
        if (source.isValid())
            out.append(m_model->container(source.row()));
    }
    return out;
}

bool ContainerView::hasSelection() const
{
    return m_table->selectionModel() && m_table->selectionModel()->hasSelection();
}

void ContainerView::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

QByteArray ContainerView::saveHeaderState() const
{
    return m_table->horizontalHeader()->saveState();
}

void ContainerView::restoreHeaderState(const QByteArray& state)
{
    if (!state.isEmpty())
        m_columnsSized = m_table->horizontalHeader()->restoreState(state);
    for (int c = 0; c < m_columnActs.size(); ++c)
        m_columnActs.at(c)->setChecked(!m_table->isColumnHidden(c));
}

void ContainerView::showColumnMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addActions(m_columnActs);
    menu.exec(m_table->horizontalHeader()->mapToGlobal(pos));
}
