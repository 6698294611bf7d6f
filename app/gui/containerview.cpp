#include "gui/containerview.h"

#include "gui/containertablemodel.h"

#include <QAction>
#include <QEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSet>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

ContainerView::ContainerView(QWidget* parent)
    : QWidget(parent)
    , m_model(new ContainerTableModel(this))
    , m_proxy(new ContainerFilterProxy(this))
    , m_filter(new QLineEdit)
    , m_table(new QTableView)
    , m_empty(new QLabel)
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
    // The name takes whatever the other columns leave: long names are what
    // is cut otherwise, while IDs and PIDs have a fixed width.
    m_table->horizontalHeader()->setSectionResizeMode(ContainerTableModel::Name, QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(40);
    // The window adds the lifecycle actions here: right-click on a row.
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this,
            &ContainerView::showColumnMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ContainerView::selectionChanged);

    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by name, ID, category, state or PID (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString& text) {
        m_proxy->setFilterText(text);
        updateEmptyMessage();
    });

    // Over the empty table's viewport, not instead of it: the header stays.
    m_empty->setObjectName(QStringLiteral("emptyMessage"));
    m_empty->setParent(m_table->viewport());
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(16);
    m_table->viewport()->installEventFilter(this);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &ContainerView::updateEmptyMessage);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] { m_rowsAdded = true; });
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &ContainerView::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ContainerView::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ContainerView::updateEmptyMessage);

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
    // The operation counts are for the curious: shown from View ▸ Columns.
    // Hidden, the rest fits a 1280-pixel screen beside the manager pane.
    // So are the network columns: the stress categories do no network I/O.
    // The host column shows once a second host reports (showHostColumn).
    for (int c :
         { int(ContainerTableModel::ReadOps), int(ContainerTableModel::WriteOps), int(ContainerTableModel::NetRx),
           int(ContainerTableModel::NetTx), int(ContainerTableModel::NetRxRate), int(ContainerTableModel::NetTxRate),
           int(ContainerTableModel::Host) }) {
        m_table->setColumnHidden(c, true);
        m_columnActs.at(c)->setChecked(false);
    }
    // Until the first rows, the headers' own widths (no scroll bar under
    // an empty table).
    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        if (c != ContainerTableModel::Name)
            m_table->setColumnWidth(c, m_table->horizontalHeader()->sectionSizeHint(c) + 8);
    }
    setEmptyText(QString());
}

void ContainerView::setSnapshot(const Snapshot& snapshot)
{
    if (!m_showStopped || m_stopped.isEmpty()) {
        m_model->setSnapshot(snapshot);
    } else {
        Snapshot merged = snapshot;
        QSet<QString> seen;
        for (const ContainerMetrics& c : snapshot.containers)
            seen.insert(c.id);
        for (const ContainerMetrics& c : std::as_const(m_stopped)) {
            if (!seen.contains(c.id))
                merged.containers.append(c);
        }
        m_model->setSnapshot(merged);
    }
    if (!m_columnsSized && m_model->rowCount() > 0)
        sizeColumns();
    else if (std::exchange(m_rowsAdded, false))
        growColumns();
    updateEmptyMessage();
}

void ContainerView::sizeColumns()
{
    // Once, on the first rows: later refreshes never move the columns under
    // the user's pointer. Every column gets its content's width; the name,
    // stretched, takes the rest.
    QHeaderView* header = m_table->horizontalHeader();
    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        if (c == ContainerTableModel::Name)
            continue;
        m_table->resizeColumnToContents(c);
        m_table->setColumnWidth(c, std::max(header->sectionSize(c), header->sectionSizeHint(c)) + 8);
    }
    m_columnsSized = true;
}

void ContainerView::growColumns()
{
    // New containers may need more room than the first ones did (other
    // names, wider digits); a column only ever grows, and only when rows
    // arrive, never on a plain tick.
    QHeaderView* header = m_table->horizontalHeader();
    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        if (c == ContainerTableModel::Name || m_table->isColumnHidden(c))
            continue;
        const int need
            = std::max(static_cast<QAbstractItemView*>(m_table)->sizeHintForColumn(c), header->sectionSizeHint(c)) + 8;
        if (header->sectionSize(c) < need)
            m_table->setColumnWidth(c, need);
    }
}

void ContainerView::setEmptyText(const QString& text)
{
    m_emptyText = text.isEmpty() ? tr("No containers are running.\n\nSpawn stress containers with Containers ▸ "
                                      "Spawn… (Ctrl+N), or start your own with the label stevedore.managed=true "
                                      "to have them managed.")
                                 : text;
    updateEmptyMessage();
}

QString ContainerView::emptyText() const
{
    return m_empty->isVisible() ? m_empty->text() : QString();
}

void ContainerView::updateEmptyMessage()
{
    const bool empty = m_proxy->rowCount() == 0;
    if (empty) {
        m_empty->setText(m_model->rowCount() > 0
                             ? tr("No container matches the filter “%1”.").arg(m_proxy->filterText())
                             : m_emptyText);
        m_empty->setGeometry(m_table->viewport()->rect());
    }
    m_empty->setVisible(empty);
}

bool ContainerView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_empty->setGeometry(m_table->viewport()->rect());
    return QWidget::eventFilter(watched, event);
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

bool ContainerView::selectionHasRemote() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return std::any_of(rows.cbegin(), rows.cend(),
                       [](const QModelIndex& i) { return i.data(ContainerTableModel::RemoteRole).toBool(); });
}

QString ContainerView::selectedRemoteHost() const
{
    // The row selectedContainers() lists first.
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex& proxyIndex : rows) {
        const QModelIndex source = m_proxy->mapToSource(proxyIndex);
        if (source.isValid())
            return m_model->isRemote(source.row()) ? source.data(ContainerTableModel::HostRole).toString() : QString();
    }
    return QString();
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

void ContainerView::showHostColumn()
{
    if (m_hostShown)
        return;
    m_hostShown = true;
    m_columnActs.at(ContainerTableModel::Host)->setChecked(true);
    // Beside the name, where the eye looks first.
    QHeaderView* header = m_table->horizontalHeader();
    header->moveSection(header->visualIndex(ContainerTableModel::Host), 1);
    m_table->resizeColumnToContents(ContainerTableModel::Host);
}

QByteArray ContainerView::saveHeaderState() const
{
    return m_table->horizontalHeader()->saveState();
}

void ContainerView::restoreHeaderState(const QByteArray& state)
{
    if (!state.isEmpty())
        m_columnsSized = m_table->horizontalHeader()->restoreState(state);
    // A header saved by an older version had a fixed-width name column.
    m_table->horizontalHeader()->setSectionResizeMode(ContainerTableModel::Name, QHeaderView::Stretch);
    for (int c = 0; c < m_columnActs.size(); ++c)
        m_columnActs.at(c)->setChecked(!m_table->isColumnHidden(c));
}

void ContainerView::showColumnMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addActions(m_columnActs);
    menu.exec(m_table->horizontalHeader()->mapToGlobal(pos));
}
