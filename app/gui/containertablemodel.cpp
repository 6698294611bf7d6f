#include "gui/containertablemodel.h"

#include "charts/chartparts.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QtAlgorithms>

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

QString ageText(const QDateTime& created, const QDateTime& now)
{
    return created.isValid() ? formatAge(created.secsTo(now)) : QString();
}

// The columns (bit per column) whose display, sort value or tooltip differ
// between a row as it was shown (`a` at `aNow`) and as it is now. The age's
// sort value (seconds) grows every tick for every row but never reorders
// them, so the age column counts as changed only when its text does.
quint32 changedColumns(const ContainerMetrics& a, const QDateTime& aNow, const ContainerMetrics& b,
                       const QDateTime& bNow)
{
    using M = ContainerTableModel;
    quint32 bits = 0;
    const auto mark = [&](int column, bool differs) {
        if (differs)
            bits |= 1u << column;
    };
    const bool tip = a.id != b.id || a.cmdline != b.cmdline || a.managed != b.managed;
    mark(M::Name, tip || a.name != b.name || a.processName != b.processName);
    mark(M::Id, tip);
    mark(M::CategoryColumn, a.category != b.category);
    mark(M::Pid, a.pid != b.pid);
    mark(M::State, a.state != b.state);
    mark(M::Age, a.created != b.created || ageText(a.created, aNow) != ageText(b.created, bNow));
    mark(M::Cpu, a.cpuPercent != b.cpuPercent || a.cpuPercentHost != b.cpuPercentHost);
    mark(M::RamPercent, a.memoryPercent != b.memoryPercent);
    mark(M::RamMb, a.memoryBytes != b.memoryBytes);
    mark(M::DiskRead, a.readBytes != b.readBytes || a.readBytesPerSec != b.readBytesPerSec);
    mark(M::DiskWrite, a.writeBytes != b.writeBytes || a.writeBytesPerSec != b.writeBytesPerSec);
    mark(M::ReadOps, a.readOps != b.readOps);
    mark(M::WriteOps, a.writeOps != b.writeOps);
    mark(M::NetRx, a.netRxBytes != b.netRxBytes || a.netRxPackets != b.netRxPackets);
    mark(M::NetTx, a.netTxBytes != b.netTxBytes || a.netTxPackets != b.netTxPackets);
    mark(M::NetRxRate, a.netRxBytesPerSec != b.netRxBytesPerSec);
    mark(M::NetTxRate, a.netTxBytesPerSec != b.netTxBytesPerSec);
    return bits;
}
} // namespace

QString formatAge(qint64 s)
{
    if (s < 0)
        s = 0;
    if (s < 60)
        return ContainerTableModel::tr("%1 s").arg(s);
    if (s < 3600)
        return ContainerTableModel::tr("%1 min").arg(s / 60);
    if (s < 86400)
        return ContainerTableModel::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
    return ContainerTableModel::tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
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
    case NetRx:
        return tr("Net received");
    case NetTx:
        return tr("Net sent");
    case NetRxRate:
        return tr("Net in/s");
    case NetTxRate:
        return tr("Net out/s");
    case Host:
        return tr("Host");
    default:
        return QString();
    }
}

bool ContainerTableModel::isNumeric(int column)
{
    return column == Pid || column == Age || (column >= Cpu && column != Host);
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
    const QDateTime previousNow = m_now;
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

    // Update the rows that stay, in place, and signal only the cells that
    // show something new: with 1000 idle containers most rows do not change
    // from one tick to the next, and every signalled row costs the sorting
    // proxy a re-sort and the view a repaint.
    int runFirst = -1;
    int runLast = -1;
    quint32 runColumns = 0;
    auto flush = [&] {
        if (runFirst < 0)
            return;
        const int left = qCountTrailingZeroBits(runColumns);
        const int right = 31 - qCountLeadingZeroBits(runColumns);
        Q_EMIT dataChanged(index(runFirst, left), index(runLast, right));
        runFirst = -1;
        runColumns = 0;
    };
    for (int row = 0; row < m_rows.size(); ++row) {
        const ContainerMetrics& now = *incoming.value(m_rows.at(row).id);
        const quint32 columns = changedColumns(m_rows.at(row), previousNow, now, m_now);
        m_rows[row] = now;
        if (!columns) {
            flush();
            continue;
        }
        if (runFirst < 0)
            runFirst = row;
        runLast = row;
        runColumns |= columns;
    }
    flush();

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
    // Remote rows' host text (the report's age) and colour follow the
    // clock, not their values: redraw them whole. Local rows never change
    // host, so a single-host window pays nothing here.
    for (int row = 0; !m_origins.isEmpty() && row < m_rows.size(); ++row) {
        if (m_origins.contains(m_rows.at(row).id))
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
}

void ContainerTableModel::setOrigins(const QHash<QString, RowOrigin>& remote, const QString& localHost,
                                     qint64 staleAfterSeconds)
{
    m_origins = remote;
    m_localHost = localHost;
    m_staleAfter = staleAfterSeconds;
}

qint64 ContainerTableModel::reportAge(const RowOrigin& origin) const
{
    return origin.reportedAt.isValid() ? std::max<qint64>(0, origin.reportedAt.secsTo(m_now)) : 0;
}

QString ContainerTableModel::hostText(const ContainerMetrics& c) const
{
    auto it = m_origins.constFind(c.id);
    if (it == m_origins.constEnd())
        return m_localHost.isEmpty() ? tr("this host") : m_localHost;
    //: %1 host name, %2 an age such as "12 s"
    return tr("%1 (%2 ago)").arg(it->host, formatAge(reportAge(*it)));
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
    case NetRx:
        return formatBytes(double(c.netRxBytes));
    case NetTx:
        return formatBytes(double(c.netTxBytes));
    case NetRxRate:
        return QString(formatBytes(c.netRxBytesPerSec) + QStringLiteral("/s"));
    case NetTxRate:
        return QString(formatBytes(c.netTxBytesPerSec) + QStringLiteral("/s"));
    case Host:
        return hostText(c);
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
    case NetRx:
        return c.netRxBytes;
    case NetTx:
        return c.netTxBytes;
    case NetRxRate:
        return c.netRxBytesPerSec;
    case NetTxRate:
        return c.netTxBytesPerSec;
    case Host:
        return hostText(c).toLower();
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
    case HostRole:
        return m_origins.contains(c.id) ? m_origins.value(c.id).host : m_localHost;
    case RemoteRole:
        return m_origins.contains(c.id);
    case Qt::ForegroundRole:
        if (auto it = m_origins.constFind(c.id); it != m_origins.constEnd() && reportAge(*it) > m_staleAfter)
            return QBrush(QColor(Qt::gray)); // a stale report: the host stopped sending
        return QVariant();
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
        case NetRx:
        case NetRxRate:
            return tr("%1 in %2 packets received in total, %3/s now")
                .arg(formatBytes(double(c.netRxBytes)), count(c.netRxPackets), formatBytes(c.netRxBytesPerSec));
        case NetTx:
        case NetTxRate:
            return tr("%1 in %2 packets sent in total, %3/s now")
                .arg(formatBytes(double(c.netTxBytes)), count(c.netTxPackets), formatBytes(c.netTxBytesPerSec));
        case Cpu:
            return tr("100 % = one core; %1 % of the whole host").arg(c.cpuPercentHost, 0, 'f', 1);
        case Age:
            return c.created.isValid() ? c.created.toLocalTime().toString(Qt::ISODate) : QVariant();
        case Host:
            if (auto it = m_origins.constFind(c.id); it != m_origins.constEnd())
                return tr("Last reported by %1 at %2; its containers can only be managed on that host")
                    .arg(it->host, it->reportedAt.toLocalTime().toString(Qt::ISODate));
            return tr("This host");
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
