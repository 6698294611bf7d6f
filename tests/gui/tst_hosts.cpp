// The window as a central view (issue 14, docs/gui.md "Hosts"): its engine's
// real receiver on a free port; two remote hosts POST entries over HTTP with
// the token, as their reporters do. The host selector lists them, "All hosts"
// shows their rows with the host and the report's age, one host filters the
// rows and the charts, actions stay off on remote rows and on on this host's
// (fixture metrics, the real dockerd), and the history page reads a remote
// row with its host. Screenshot: <build>/artifacts/gui-hosts.png.
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "core/model/logentry.h"
#include "gui/chartsarea.h"
#include "gui/containerpage.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/historyview.h"
#include "gui/hostselector.h"
#include "gui/logpane.h"
#include "gui/mainwindow.h"
#include "guitestutil.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace GuiTest;

namespace {
const QString kToken = QStringLiteral("hosts-test-token-0123456789");

// One remote host's report: two containers whose ids say whose they are.
Snapshot remoteSnapshot(const QString& host, const QDateTime& when, double cpu)
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.host = { host, host + QStringLiteral("-machine-id") };
    s.timestamp = when;
    s.intervalSeconds = 10;
    s.system.memoryTotalBytes = 8ull << 30;
    s.system.memoryAvailableBytes = 5ull << 30;
    s.system.memoryFreeBytes = 4ull << 30;
    s.system.memoryUsedBytes = 3ull << 30;
    s.system.cpuPercent = cpu;
    s.system.cpuCount = 2;
    const Category cats[] = { Category::Cpu, Category::Ram };
    for (int i = 0; i < 2; ++i) {
        ContainerMetrics c;
        // 64 hex-ish characters, distinct per host.
        c.id = QString(host.at(0)).repeated(8) + QStringLiteral("%1").arg(i, 56, 10, QLatin1Char('0'));
        c.name = QStringLiteral("%1_stress_%2").arg(host).arg(i);
        c.processName = QStringLiteral("stress");
        c.pid = 100 + i;
        c.category = cats[i];
        c.cpuPercent = cpu + i;
        c.memoryBytes = quint64(10 + i) << 20;
        c.memoryPercent = 0.5 + i;
        s.containers.append(c);
    }
    return s;
}

int post(QNetworkAccessManager& net, const QUrl& url, const QByteArray& body)
{
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Authorization", "Bearer " + kToken.toUtf8());
    std::unique_ptr<QNetworkReply> reply(net.post(req, body));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(10000))
        return -1;
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

// The source row whose HostRole is `host`, or -1.
int rowOfHost(const ContainerTableModel& m, const QString& host)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.index(r, 0).data(ContainerTableModel::HostRole).toString() == host)
            return r;
    }
    return -1;
}

void selectSourceRow(ContainerView& view, int sourceRow)
{
    const QModelIndex proxy = view.proxy()->mapFromSource(view.model()->index(sourceRow, 0));
    view.table()->clearSelection();
    view.table()->selectRow(proxy.row());
}
} // namespace

class TestHosts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void centralWindow();
};

void TestHosts::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("stevedore-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_hosts"));
    QSettings().clear();
    QVERIFY(QDir().mkpath(QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts")));
}

void TestHosts::cleanupTestCase()
{
    QSettings().clear();
}

void TestHosts::centralWindow()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    EngineSettings o;
    o.source.kind = SourceOptions::Kind::Kmod;
    o.source.procFile = QFINDTESTDATA("fixtures/kmod_three.json");
    o.intervalSeconds = 0.5;
    // The real dockerd, so this host's rows can be acted on; the fixture's
    // rows are not its containers, and nothing is managed.
    o.dockerHost = QStringLiteral("unix:///var/run/docker.sock");
    o.manager.manage = false;
    o.listen = true;
    o.receiver.port = 0; // a free port
    o.receiver.token = kToken;
    o.store.dataDir = dir.path();
    o.host = { QStringLiteral("central"), QStringLiteral("central-machine-id") };
    Engine engine(o);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    QVERIFY(engine.receiver() && engine.receiver()->isListening());
    ContainerActions actions(engine.docker(), SpawnSettings());
    MainWindow w(&engine, &actions);
    auto* view = part<ContainerView>(w, "containerView");
    auto* charts = part<ChartsArea>(w, "chartTabs");
    auto* page = part<ContainerPage>(w, "containerPage");
    auto* selector = part<QComboBox>(w, "hostSelector");
    auto* hosts = w.findChild<HostSelector*>();
    QVERIFY(hosts);
    ContainerTableModel& model = *view->model();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // Only fixture rows of this host (the shared daemon's stopped
    // containers are other people's).
    action(w, "showStoppedAction")->setChecked(false);
    QTRY_VERIFY_WITH_TIMEOUT(model.rowCount() == 3, 10000);
    // One host: no selector in the tool bar, no Host column.
    QVERIFY(!action(w, "hostSelectorAction")->isVisible());
    QVERIFY(view->table()->isColumnHidden(ContainerTableModel::Host));

    // Two remote hosts report: alpha now, beta two minutes ago (stale).
    QNetworkAccessManager net;
    const QUrl logs = engine.receiver()->logsUrl();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(post(net, logs, reportEntryBytes(remoteSnapshot(QStringLiteral("alpha"), now.addSecs(i - 4), 40 + i))),
                 201);
    QCOMPARE(post(net, logs, reportEntryBytes(remoteSnapshot(QStringLiteral("beta"), now.addSecs(-120), 70))), 201);

    // The selector: All, this host, alpha, beta.
    QTRY_COMPARE_WITH_TIMEOUT(selector->count(), 4, 5000);
    QCOMPARE(selector->itemData(2).toString(), QStringLiteral("alpha"));
    QCOMPARE(selector->itemData(3).toString(), QStringLiteral("beta"));
    QVERIFY(action(w, "hostSelectorAction")->isVisible());
    QVERIFY(!view->table()->isColumnHidden(ContainerTableModel::Host));

    // All hosts: this host's 3 rows and 2 of each remote host.
    QCOMPARE(selector->currentIndex(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 7, 5000);
    const int alphaRow = rowOfHost(model, QStringLiteral("alpha"));
    const int betaRow = rowOfHost(model, QStringLiteral("beta"));
    const int localRow = rowOfHost(model, QStringLiteral("central"));
    QVERIFY(alphaRow >= 0 && betaRow >= 0 && localRow >= 0);
    QVERIFY(model.index(alphaRow, 0).data(ContainerTableModel::RemoteRole).toBool());
    QVERIFY(!model.index(localRow, 0).data(ContainerTableModel::RemoteRole).toBool());
    const QString alphaText = model.index(alphaRow, ContainerTableModel::Host).data().toString();
    QVERIFY2(alphaText.startsWith(QLatin1String("alpha (")) && alphaText.endsWith(QLatin1String(" s ago)")),
             qPrintable(alphaText));
    // The last report's values: alpha's newest CPU figure (42 %).
    QCOMPARE(model.container(alphaRow).cpuPercent, 42.0);
    const QString betaText = model.index(betaRow, ContainerTableModel::Host).data().toString();
    QVERIFY2(betaText.contains(QLatin1String("min ago")), qPrintable(betaText));
    // Beta's report is stale: greyed; alpha's is not.
    QVERIFY(model.index(betaRow, ContainerTableModel::Name).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.index(alphaRow, ContainerTableModel::Name).data(Qt::ForegroundRole).isValid());

    // Actions: off on a remote row (with the reason), on on this host's.
    QTRY_VERIFY_WITH_TIMEOUT(actions.isConnected(), 15000);
    selectSourceRow(*view, rowOfHost(model, QStringLiteral("central")));
    QVERIFY(action(w, "killAction")->isEnabled());
    QVERIFY(action(w, "removeAction")->isEnabled());
    const QString localTip = action(w, "killAction")->toolTip();
    selectSourceRow(*view, rowOfHost(model, QStringLiteral("alpha")));
    for (const char* name :
         { "startAction", "stopAction", "restartAction", "pauseAction", "unpauseAction", "killAction", "removeAction" })
        QVERIFY2(!action(w, name)->isEnabled(), name);
    QVERIFY(action(w, "killAction")->toolTip().contains(QLatin1String("another host")));
    QVERIFY(action(w, "spawnAction")->isEnabled()); // All hosts includes this one
    // No log stream is asked of this host's Docker for a remote row.
    QVERIFY(part<LogPane>(w, "logPane")->containerId().isEmpty());

    // The history page on the remote row reads with its host.
    QSignalSpy loaded(page->history(), &HistoryView::loaded);
    const QModelIndex alphaProxy
        = view->proxy()->mapFromSource(model.index(rowOfHost(model, QStringLiteral("alpha")), 0));
    view->table()->scrollTo(alphaProxy);
    const QPoint at = view->table()->visualRect(alphaProxy).center();
    // A press before the double-click, as a real one has.
    QTest::mouseClick(view->table()->viewport(), Qt::LeftButton, {}, at);
    QTest::mouseDClick(view->table()->viewport(), Qt::LeftButton, {}, at);
    QTRY_COMPARE(charts->currentWidget(), page);
    QCOMPARE(page->remoteHost(), QStringLiteral("alpha"));
    QCOMPARE(page->history()->host(), QStringLiteral("alpha"));
    QTRY_VERIFY_WITH_TIMEOUT(page->history()->pointCount(HistorySeries::CpuPercent) >= 1, 10000);
    QVERIFY(std::any_of(page->history()->points(HistorySeries::CpuPercent).cbegin(),
                        page->history()->points(HistorySeries::CpuPercent).cend(),
                        [](const HistoryPoint& p) { return p.value >= 40 && p.value <= 42; }));
    QVERIFY(!page->value(QStringLiteral("Image")).size()); // no Docker asked for it
    QTest::qWait(200);
    QVERIFY(w.grab().save(QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts/gui-hosts.png")));

    // One host: only its rows; the charts draw its reports.
    charts->setCurrentIndex(0);
    selector->setCurrentIndex(selector->findData(QStringLiteral("alpha")));
    QTRY_COMPARE(model.rowCount(), 2);
    for (int r = 0; r < model.rowCount(); ++r)
        QCOMPARE(model.index(r, 0).data(ContainerTableModel::HostRole).toString(), QStringLiteral("alpha"));
    QVERIFY(!charts->showsLive());
    QVERIFY(hosts->chartHistory());
    QCOMPARE(hosts->chartHistory()->size(), 3);
    QCOMPARE(hosts->chartHistory()->last().hostCpuPercent, 42.0);
    QVERIFY(!action(w, "spawnAction")->isEnabled()); // spawned on this host only
    // A new report from alpha shows at once.
    QCOMPARE(post(net, logs, reportEntryBytes(remoteSnapshot(QStringLiteral("alpha"), now, 55))), 201);
    QTRY_COMPARE(model.container(0).cpuPercent == 55.0 || model.container(1).cpuPercent == 55.0, true);
    QCOMPARE(hosts->chartHistory()->last().hostCpuPercent, 55.0);

    // This host: its own rows and live charts again.
    selector->setCurrentIndex(1);
    QTRY_COMPARE(model.rowCount(), 3);
    QCOMPARE(rowOfHost(model, QStringLiteral("alpha")), -1);
    QVERIFY(charts->showsLive());
    QVERIFY(action(w, "spawnAction")->isEnabled());
    w.close();

    // A window opened later lists the hosts at once, from the end of the
    // store (no entry arrives meanwhile).
    MainWindow again(&engine, &actions);
    auto* againSelector = part<QComboBox>(again, "hostSelector");
    QCOMPARE(againSelector->count(), 4);
    QCOMPARE(againSelector->itemData(2).toString(), QStringLiteral("alpha"));
    QCOMPARE(again.findChild<HostSelector*>()->latest().latest(QStringLiteral("alpha"))->system.cpuPercent, 55.0);
}

QTEST_MAIN(TestHosts)
#include "tst_hosts.moc"
