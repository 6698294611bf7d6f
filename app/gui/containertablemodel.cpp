#include "gui/containertablemodel.h"

#include "charts/chartparts.h"

#include <QLocale>

#include <algorithm>

namespace {
constexpr double kMiB = 1024.0 * 1024.0;

QString percent(double v, int decimals)
{
    return QStringLiteral("%1 %").arg(v, 0, 'f', decimals);
}

QString count(quint64 v)
{
    // Group separators make 30022926 readable at a glance.
    return QLocale().toString(qulonglong(v));
}
} // namespace

QString formatAge(qint64 s)
{
    if (s < 0)
        s = 0;
    if (s < 60)
        return QStringLiteral("%1 s").arg(s);
    if (s < 3600)
        return QStringLiteral("%1 min").arg(s / 60);
    if (s < 86400)
        return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

ContainerTableModel::ContainerTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

QString ContainerTableModel::columnTitle(int column)
{
    switch (column) {
    case Name:
        return tr("Name");
    case Id:
        return tr("ID");
    case CategoryColumn:
        return tr("Category");
    case Pid:
        return tr("PID");
    case State:
        return tr("State");
    case Age:
        return tr("Age");
    case Cpu:
        return tr("CPU %");
    case RamPercent:
        return tr("RAM %");
    case RamMb:
        return tr("RAM");
    case DiskRead:
        return tr("Disk read");
    case DiskWrite:
        return tr("Disk write");
    case ReadOps:
        return tr("Read ops");
    case WriteOps:
        return tr("Write ops");
    default:
        return QString();
    }
}

bool ContainerTableModel::isNumeric(int column)
{
    return column == Pid || column == Age || column >= Cpu;
}

int ContainerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ContainerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void ContainerTableModel::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_rows.size());
    for (int i = 0; i < m_rows.size(); ++i)
        m_index.insert(m_rows.at(i).id, i);
}

void ContainerTableModel::setSnapshot(const Snapshot& snapshot)
{
    m_now = snapshot.timestamp.isValid() ? snapshot.timestamp : QDateTime::currentDateTimeUtc();
    QHash<QString, const ContainerMetrics*> incoming;
    incoming.reserve(snapshot.containers.size());
    for (const auto& c : snapshot.containers)
        incoming.insert(c.id, &c);

    // Remove the rows that are gone, bottom up, one contiguous run at a time.
    for (int row = int(m_rows.size()) - 1; row >= 0;) {
        if (incoming.contains(m_rows.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_rows.at(first - 1).id))
            --first;
        beginRemoveRows(QModelIndex(), first, row);
        m_rows.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    rebuildIndex();

    // Update the rows that stay, in place.
    for (int row = 0; row < m_rows.size(); ++row)
        m_rows[row] = *incoming.value(m_rows.at(row).id);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));

    // Append the new ones in snapshot order.
    QList<const ContainerMetrics*> added;
    for (const auto& c : snapshot.containers) {
        if (!m_index.contains(c.id))
            added.append(&c);
    }
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows(QModelIndex(), first, first + int(added.size()) - 1);
        for (const ContainerMetrics* c : added) {
            m_index.insert(c->id, int(m_rows.size()));
            m_rows.append(*c);
        }
        endInsertRows();
    }
}

void ContainerTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_index.clear();
    endResetModel();
}

QVariant ContainerTableModel::display(const ContainerMetrics& c, int column) const
{
    switch (column) {
    case Name:
        return c.name.isEmpty() ? c.processName : c.name;
    case Id:
        return c.id.left(12);
    case CategoryColumn:
        return categoryName(c.category);
    case Pid:
        return c.pid > 0 ? QString::number(c.pid) : QString();
    case State:
        return c.state.isEmpty() ? QStringLiteral("running") : c.state;
    case Age:
        return c.created.isValid() ? formatAge(c.created.secsTo(m_now)) : QString();
    case Cpu:
        return percent(c.cpuPercent, 1);
    case RamPercent:
        return percent(c.memoryPercent, 2);
    case RamMb:
        return QStringLiteral("%1 MB").arg(double(c.memoryBytes) / kMiB, 0, 'f', 1);
    case DiskRead:
        return formatBytes(double(c.readBytes));
    case DiskWrite:
        return formatBytes(double(c.writeBytes));
    case ReadOps:
        return count(c.readOps);
    case WriteOps:
        return count(c.writeOps);
    default:
        return QVariant();
    }
}

QVariant ContainerTableModel::sortValue(const ContainerMetrics& c, int column) const
{
    switch (column) {
    case Name:
    case Id:
    case CategoryColumn:
    case State:
        return display(c, column).toString().toLower();
    case Pid:
        return c.pid;
    case Age:
        // Unknown age sorts as the youngest.
        return c.created.isValid() ? c.created.secsTo(m_now) : qint64(-1);
    case Cpu:
        return c.cpuPercent;
    case RamPercent:
        return c.memoryPercent;
    case RamMb:
        return c.memoryBytes;
    case DiskRead:
        return c.readBytes;
    case DiskWrite:
        return c.writeBytes;
    case ReadOps:
        return c.readOps;
    case WriteOps:
        return c.writeOps;
    default:
        return QVariant();
    }
}

QVariant ContainerTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return QVariant();
    const ContainerMetrics& c = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(c, index.column());
    case SortRole:
        return sortValue(c, index.column());
    case FullIdRole:
        return c.id;
    case ManagedRole:
        return c.managed;
    case Qt::TextAlignmentRole:
        return isNumeric(index.column()) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                         : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Name:
        case Id:
            return QStringLiteral("%1\n%2%3")
                .arg(c.id, c.cmdline, c.managed ? tr("\nmanaged by Stevedore") : QString());
        case DiskRead:
            return tr("%1 read in total, %2/s now")
                .arg(formatBytes(double(c.readBytes)), formatBytes(c.readBytesPerSec));
        case DiskWrite:
            return tr("%1 written in total, %2/s now")
                .arg(formatBytes(double(c.writeBytes)), formatBytes(c.writeBytesPerSec));
        case Cpu:
            return tr("100 % = one core; %1 % of the whole host").arg(c.cpuPercentHost, 0, 'f', 1);
        case Age:
            return c.created.isValid() ? c.created.toLocalTime().toString(Qt::ISODate) : QVariant();
        default:
            return QVariant();
        }
    default:
        return QVariant();
    }
}

QVariant ContainerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QVariant();
    if (role == Qt::DisplayRole)
        return columnTitle(section);
    if (role == Qt::TextAlignmentRole)
        return isNumeric(section) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                  : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    return QVariant();
}

ContainerFilterProxy::ContainerFilterProxy(QObject* parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ContainerTableModel::SortRole);
    setDynamicSortFilter(true);
}

void ContainerFilterProxy::setFilterText(const QString& text)
{
    const QString t = text.trimmed();
    if (t == m_filter)
        return;
    // Qt 6.4 has no beginFilterChange(); invalidateFilter() re-runs it.
    m_filter = t;
    invalidateFilter();
}

bool ContainerFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_filter.isEmpty())
        return true;
    const QAbstractItemModel* m = sourceModel();
    for (int column : { ContainerTableModel::Name, ContainerTableModel::Id, ContainerTableModel::CategoryColumn,
                        ContainerTableModel::State, ContainerTableModel::Pid }) {
        if (m->index(sourceRow, column, sourceParent).data().toString().contains(m_filter, Qt::CaseInsensitive))
            return true;
    }
    // The full id too, so a pasted 64-hex id matches.
    return m->index(sourceRow, 0, sourceParent)
        .data(ContainerTableModel::FullIdRole)
        .toString()
        .startsWith(m_filter, Qt::CaseInsensitive);
}
