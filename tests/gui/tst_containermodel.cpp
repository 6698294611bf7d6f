// The container table's model and proxy on fixture snapshots: columns,
// units, alignment, numeric sorting, the filter, and refreshes that keep the
// view's selection and current row.
#include "core/model/snapshotjson.h"
#include "gui/containertablemodel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>

class TestContainerModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void rowsAndColumns();
    void remoteRows_data();
    void remoteRows();
    void displayUnits();
    void sorting_data();
    void sorting();
    void filtering_data();
    void filtering();
    void refreshKeepsSelection();
    void refreshIsIncremental();
    void refreshSignalsOnlyChangedCells();
    void formatAge_data();
    void formatAge();

private:
    QList<Snapshot> m_snaps;
};

namespace {
QStringList column(const QAbstractItemModel& m, int col)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out.append(m.index(r, col).data().toString());
    return out;
}
} // namespace

void TestContainerModel::initTestCase()
{
    QFile f(QFINDTESTDATA("fixtures/snapshots.jsonl"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        Snapshot s;
        QString error;
        QVERIFY2(snapshotFromJson(nlohmann::json::parse(line.toStdString()), s, &error), qPrintable(error));
        m_snaps.append(s);
    }
    QCOMPARE(m_snaps.size(), 2);
}

void TestContainerModel::rowsAndColumns()
{
    ContainerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setSnapshot(m_snaps.at(0));
    QCOMPARE(model.rowCount(), 6);
    QCOMPARE(model.columnCount(), int(ContainerTableModel::ColumnCount));
    const QStringList titles
        = { QStringLiteral("Name"),      QStringLiteral("ID"),           QStringLiteral("Category"),
            QStringLiteral("PID"),       QStringLiteral("State"),        QStringLiteral("Age"),
            QStringLiteral("CPU %"),     QStringLiteral("RAM %"),        QStringLiteral("RAM"),
            QStringLiteral("Disk read"), QStringLiteral("Disk write"),   QStringLiteral("Read ops"),
            QStringLiteral("Write ops"), QStringLiteral("Net received"), QStringLiteral("Net sent"),
            QStringLiteral("Net in/s"),  QStringLiteral("Net out/s"),    QStringLiteral("Host") };
    QCOMPARE(titles.size(), int(ContainerTableModel::ColumnCount));
    for (int c = 0; c < model.columnCount(); ++c)
        QCOMPARE(model.headerData(c, Qt::Horizontal).toString(), titles.at(c));
    model.setSnapshot(m_snaps.at(1));
    QCOMPARE(model.rowCount(), 6);
    model.setSnapshot(Snapshot());
    QCOMPARE(model.rowCount(), 0);
}

void TestContainerModel::displayUnits()
{
    ContainerTableModel model;
    model.setSnapshot(m_snaps.at(0));
    const int row = model.rowOf(QString(64, QLatin1Char('d')));
    QVERIFY(row >= 0);
    const auto cell = [&](int col, int role = Qt::DisplayRole) {
        return model.index(row, col).data(role);
    };
    QCOMPARE(cell(ContainerTableModel::Name).toString(), QStringLiteral("stress_hdd_dddd4444"));
    QCOMPARE(cell(ContainerTableModel::Id).toString(), QStringLiteral("dddddddddddd"));
    QCOMPARE(cell(ContainerTableModel::CategoryColumn).toString(), QStringLiteral("disk"));
    QCOMPARE(cell(ContainerTableModel::Pid).toString(), QStringLiteral("404"));
    QCOMPARE(cell(ContainerTableModel::State).toString(), QStringLiteral("running"));
    QCOMPARE(cell(ContainerTableModel::Age).toString(), QStringLiteral("1 d 2 h")); // created 26 h before
    QCOMPARE(cell(ContainerTableModel::Cpu).toString(), QStringLiteral("18.1 %"));
    QCOMPARE(cell(ContainerTableModel::RamPercent).toString(), QStringLiteral("12.95 %"));
    QCOMPARE(cell(ContainerTableModel::RamMb).toString(), QStringLiteral("1061.0 MB"));
    QCOMPARE(cell(ContainerTableModel::DiskRead).toString(), QStringLiteral("2.0 MB"));
    QCOMPARE(cell(ContainerTableModel::DiskWrite).toString(), QStringLiteral("3.5 GB"));
    QCOMPARE(cell(ContainerTableModel::ReadOps).toString(), QStringLiteral("12"));
    QCOMPARE(cell(ContainerTableModel::WriteOps).toString(), QLocale().toString(30022926));
    QCOMPARE(cell(ContainerTableModel::Name, ContainerTableModel::FullIdRole).toString(),
             QString(64, QLatin1Char('d')));
    QVERIFY(cell(ContainerTableModel::Name, ContainerTableModel::ManagedRole).toBool());
    // Numbers right-aligned, text left-aligned, headers likewise.
    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        const auto align = Qt::Alignment(cell(c, Qt::TextAlignmentRole).toInt());
        const auto header = Qt::Alignment(model.headerData(c, Qt::Horizontal, Qt::TextAlignmentRole).toInt());
        const bool numeric = ContainerTableModel::isNumeric(c);
        QCOMPARE(bool(align & Qt::AlignRight), numeric);
        QCOMPARE(bool(header & Qt::AlignRight), numeric);
    }
    QVERIFY(cell(ContainerTableModel::DiskWrite, Qt::ToolTipRole).toString().contains(QLatin1String("written")));
    // Network columns: totals, rates, packets in the tooltip.
    Snapshot net = m_snaps.at(0);
    for (ContainerMetrics& c : net.containers) {
        c.netRxBytes = 2 * 1024 * 1024;
        c.netTxBytes = 3 * 1024;
        c.netRxPackets = 1500;
        c.netRxBytesPerSec = 512 * 1024;
    }
    model.setSnapshot(net);
    QCOMPARE(cell(ContainerTableModel::NetRx).toString(), QStringLiteral("2.0 MB"));
    QCOMPARE(cell(ContainerTableModel::NetRxRate).toString(), QStringLiteral("512.0 KB/s"));
    QCOMPARE(cell(ContainerTableModel::NetRx, ContainerTableModel::SortRole).toULongLong(), quint64(2 * 1024 * 1024));
    QVERIFY2(cell(ContainerTableModel::NetRx, Qt::ToolTipRole)
                 .toString()
                 .contains(QLocale().toString(1500) + QLatin1String(" packets")),
             qPrintable(cell(ContainerTableModel::NetRx, Qt::ToolTipRole).toString()));
    model.setSnapshot(m_snaps.at(0));
    // The unmanaged container is shown too.
    const int web = model.rowOf(QString(64, QLatin1Char('e')));
    QVERIFY(!model.index(web, 0).data(ContainerTableModel::ManagedRole).toBool());
}

void TestContainerModel::sorting_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("names");
    const QString cpuA = QStringLiteral("stress_cpu_aaaa1111"), vmB = QStringLiteral("stress_vm_bbbb2222"),
                  ioC = QStringLiteral("stress_io_cccc3333"), hddD = QStringLiteral("stress_hdd_dddd4444"),
                  web = QStringLiteral("web"), cpuF = QStringLiteral("stress_cpu_ffff6666");
    // Numerically, not as text: "99.5 %" < "199.1 %" and "5.0 %" < "12.0 %".
    QTest::newRow("cpu desc") << int(ContainerTableModel::Cpu) << Qt::DescendingOrder
                              << QStringList { vmB, cpuA, hddD, ioC, cpuF, web };
    QTest::newRow("ram bytes asc") << int(ContainerTableModel::RamMb) << Qt::AscendingOrder
                                   << QStringList { ioC, cpuA, cpuF, web, vmB, hddD };
    QTest::newRow("write ops desc") << int(ContainerTableModel::WriteOps) << Qt::DescendingOrder
                                    << QStringList { hddD, ioC, web, cpuA, vmB, cpuF };
    QTest::newRow("age asc") << int(ContainerTableModel::Age) << Qt::AscendingOrder
                             << QStringList { cpuF, ioC, cpuA, vmB, hddD, web };
    QTest::newRow("pid desc") << int(ContainerTableModel::Pid) << Qt::DescendingOrder
                              << QStringList { cpuF, web, hddD, ioC, vmB, cpuA };
    QTest::newRow("name asc") << int(ContainerTableModel::Name) << Qt::AscendingOrder
                              << QStringList { cpuA, cpuF, hddD, ioC, vmB, web };
}

void TestContainerModel::sorting()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QStringList, names);
    ContainerTableModel model;
    ContainerFilterProxy proxy;
    proxy.setSourceModel(&model);
    model.setSnapshot(m_snaps.at(0));
    proxy.sort(column, order);
    QCOMPARE(::column(proxy, ContainerTableModel::Name), names);
}

void TestContainerModel::filtering_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QStringList>("names");
    QTest::newRow("empty") << QString() << QStringList { QStringLiteral("stress_cpu_aaaa1111"),
                                                         QStringLiteral("stress_cpu_ffff6666"),
                                                         QStringLiteral("stress_hdd_dddd4444"),
                                                         QStringLiteral("stress_io_cccc3333"),
                                                         QStringLiteral("stress_vm_bbbb2222"),
                                                         QStringLiteral("web") };
    QTest::newRow("category") << QStringLiteral(
        "CPU") << QStringList { QStringLiteral("stress_cpu_aaaa1111"), QStringLiteral("stress_cpu_ffff6666") };
    QTest::newRow("name part") << QStringLiteral("hdd") << QStringList { QStringLiteral("stress_hdd_dddd4444") };
    QTest::newRow("short id") << QStringLiteral("bbbbbb") << QStringList { QStringLiteral("stress_vm_bbbb2222") };
    QTest::newRow("full id") << QString(64, QLatin1Char('e')) << QStringList { QStringLiteral("web") };
    QTest::newRow("pid") << QStringLiteral("505") << QStringList { QStringLiteral("web") };
    QTest::newRow("blank around") << QStringLiteral("  other ") << QStringList { QStringLiteral("web") };
    QTest::newRow("nothing") << QStringLiteral("zzz") << QStringList {};
}

void TestContainerModel::filtering()
{
    QFETCH(QString, filter);
    QFETCH(QStringList, names);
    ContainerTableModel model;
    ContainerFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(ContainerTableModel::Name, Qt::AscendingOrder);
    model.setSnapshot(m_snaps.at(0));
    proxy.setFilterText(filter);
    QCOMPARE(column(proxy, ContainerTableModel::Name), names);
    // The filter holds across refreshes and applies to new rows.
    model.setSnapshot(m_snaps.at(1));
    if (filter.trimmed() == QLatin1String("CPU"))
        QCOMPARE(column(proxy, ContainerTableModel::Name), QStringList { QStringLiteral("stress_cpu_ffff6666") });
    if (filter == QLatin1String("stress_io"))
        QCOMPARE(proxy.rowCount(), 2);
}

void TestContainerModel::refreshKeepsSelection()
{
    ContainerTableModel model;
    ContainerFilterProxy proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.setModel(&proxy);
    view.setSortingEnabled(true);
    view.sortByColumn(ContainerTableModel::Cpu, Qt::DescendingOrder);
    view.setSelectionBehavior(QAbstractItemView::SelectRows);
    view.setSelectionMode(QAbstractItemView::ExtendedSelection);
    view.resize(800, 120); // short: the table scrolls
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    model.setSnapshot(m_snaps.at(0));

    const auto rowOfName = [&](const QString& name) {
        for (int r = 0; r < proxy.rowCount(); ++r) {
            if (proxy.index(r, 0).data().toString() == name)
                return r;
        }
        return -1;
    };
    // Select two that survive the refresh and one that goes away.
    QItemSelection sel;
    for (const char* n : { "stress_hdd_dddd4444", "web", "stress_cpu_aaaa1111" }) {
        const int r = rowOfName(QLatin1String(n));
        sel.select(proxy.index(r, 0), proxy.index(r, ContainerTableModel::ColumnCount - 1));
    }
    view.selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect);
    view.selectionModel()->setCurrentIndex(proxy.index(rowOfName(QStringLiteral("web")), 0),
                                           QItemSelectionModel::NoUpdate);
    view.scrollToBottom();
    const int scroll = view.verticalScrollBar()->value();
    QVERIFY(scroll > 0);

    model.setSnapshot(m_snaps.at(1));
    QStringList selected;
    for (const QModelIndex& i : view.selectionModel()->selectedRows())
        selected.append(i.data().toString());
    selected.sort();
    QCOMPARE(selected, (QStringList { QStringLiteral("stress_hdd_dddd4444"), QStringLiteral("web") }));
    QCOMPARE(view.selectionModel()->currentIndex().data().toString(), QStringLiteral("web"));
    QCOMPARE(view.verticalScrollBar()->value(), scroll);
    // And the values did refresh.
    QCOMPARE(proxy.index(rowOfName(QStringLiteral("web")), ContainerTableModel::Cpu).data().toString(),
             QStringLiteral("1.3 %"));
}

void TestContainerModel::refreshIsIncremental()
{
    ContainerTableModel model;
    model.setSnapshot(m_snaps.at(0));
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    const QPersistentModelIndex web(model.index(model.rowOf(QString(64, QLatin1Char('e'))), 0));
    model.setSnapshot(m_snaps.at(1));
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0); // stress_cpu_aaaa1111 was the first row
    QCOMPARE(inserted.count(), 1);
    QVERIFY(changed.count() >= 1);
    QVERIFY(web.isValid());
    QCOMPARE(web.data().toString(), QStringLiteral("web"));
    QCOMPARE(model.rowOf(QString(64, QLatin1Char('g'))), 5);
    QCOMPARE(model.rowOf(QString(64, QLatin1Char('a'))), -1);
    // Every index agrees with the id → row map.
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.rowOf(model.container(r).id), r);
}

void TestContainerModel::refreshSignalsOnlyChangedCells()
{
    // 1000 idle containers: a tick that changes nothing signals nothing, and
    // one container's CPU signals that one cell (the proxy re-sorts and the
    // view repaints only what a signal covers).
    Snapshot s = m_snaps.at(0);
    ContainerTableModel model;
    model.setSnapshot(s);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    s.timestamp = s.timestamp.addMSecs(200); // no age text moves
    model.setSnapshot(s);
    QCOMPARE(changed.count(), 0);

    const QString id = s.containers.at(1).id;
    s.containers[1].cpuPercent += 10;
    model.setSnapshot(s);
    QCOMPARE(changed.count(), 1);
    const int row = model.rowOf(id);
    const QModelIndex topLeft = changed.at(0).at(0).value<QModelIndex>();
    const QModelIndex bottomRight = changed.at(0).at(1).value<QModelIndex>();
    QCOMPARE(topLeft, model.index(row, ContainerTableModel::Cpu));
    QCOMPARE(bottomRight, model.index(row, ContainerTableModel::Cpu));
    QCOMPARE(model.index(row, ContainerTableModel::Cpu).data().toString(),
             QStringLiteral("%1 %").arg(s.containers.at(1).cpuPercent, 0, 'f', 1));

    // Time passing moves the age text of every row that has one.
    changed.clear();
    s.timestamp = s.timestamp.addSecs(3600);
    model.setSnapshot(s);
    bool anyAge = false;
    for (const auto& signal : std::as_const(changed)) {
        const QModelIndex a = signal.at(0).value<QModelIndex>();
        const QModelIndex b = signal.at(1).value<QModelIndex>();
        QVERIFY(a.column() <= ContainerTableModel::Age && b.column() >= ContainerTableModel::Age);
        anyAge = true;
    }
    QCOMPARE(anyAge, std::any_of(s.containers.cbegin(), s.containers.cend(), [](const ContainerMetrics& c) {
                 return c.created.isValid();
             }));
}

void TestContainerModel::formatAge_data()
{
    QTest::addColumn<qint64>("seconds");
    QTest::addColumn<QString>("text");
    QTest::newRow("negative clamps") << qint64(-5) << QStringLiteral("0 s");
    QTest::newRow("seconds") << qint64(59) << QStringLiteral("59 s");
    QTest::newRow("minutes") << qint64(61) << QStringLiteral("1 min");
    QTest::newRow("hours") << qint64(2 * 3600 + 5 * 60) << QStringLiteral("2 h 5 min");
    QTest::newRow("days") << qint64(3 * 86400 + 4 * 3600) << QStringLiteral("3 d 4 h");
}

void TestContainerModel::formatAge()
{
    QFETCH(qint64, seconds);
    QFETCH(QString, text);
    QCOMPARE(::formatAge(seconds), text);
}

void TestContainerModel::remoteRows_data()
{
    QTest::addColumn<int>("ageSeconds"); // of the remote host's report
    QTest::addColumn<QString>("hostText");
    QTest::addColumn<bool>("greyed");
    QTest::newRow("fresh") << 12 << QStringLiteral("alpha (12 s ago)") << false;
    QTest::newRow("stale") << 150 << QStringLiteral("alpha (2 min ago)") << true;
}

void TestContainerModel::remoteRows()
{
    QFETCH(int, ageSeconds);
    QFETCH(QString, hostText);
    QFETCH(bool, greyed);
    ContainerTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    Snapshot s = m_snaps.at(0);
    const QString remoteId = s.containers.first().id;
    const QString localId = s.containers.last().id;
    QHash<QString, ContainerTableModel::RowOrigin> origins;
    origins.insert(remoteId, { QStringLiteral("alpha"), s.timestamp.addSecs(-ageSeconds) });
    model.setOrigins(origins, QStringLiteral("central"), 30);
    model.setSnapshot(s);
    const int remote = model.rowOf(remoteId);
    const int local = model.rowOf(localId);
    QCOMPARE(model.index(remote, ContainerTableModel::Host).data().toString(), hostText);
    QCOMPARE(model.index(remote, 0).data(ContainerTableModel::HostRole).toString(), QStringLiteral("alpha"));
    QVERIFY(model.index(remote, 0).data(ContainerTableModel::RemoteRole).toBool());
    QVERIFY(model.isRemote(remote));
    QCOMPARE(model.index(remote, ContainerTableModel::Cpu).data(Qt::ForegroundRole).isValid(), greyed);
    QCOMPARE(model.index(local, ContainerTableModel::Host).data().toString(), QStringLiteral("central"));
    QVERIFY(!model.index(local, 0).data(ContainerTableModel::RemoteRole).toBool());
    QVERIFY(!model.index(local, 0).data(Qt::ForegroundRole).isValid());
    // The report's age follows the clock: the next tick redraws the row.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    s.timestamp = s.timestamp.addSecs(60);
    model.setSnapshot(s);
    QVERIFY(std::any_of(changed.cbegin(), changed.cend(), [&](const QList<QVariant>& args) {
        const auto tl = args.at(0).value<QModelIndex>();
        const auto br = args.at(1).value<QModelIndex>();
        return tl.row() <= remote && br.row() >= remote && br.column() >= ContainerTableModel::Host;
    }));
    QVERIFY(model.index(remote, ContainerTableModel::Cpu).data(Qt::ForegroundRole).isValid());
}

QTEST_MAIN(TestContainerModel)
#include "tst_containermodel.moc"
