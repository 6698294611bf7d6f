// End to end under a real X server (Xvfb, see CMakeLists.txt) against the
// real dockerd and the real metrics source: spawn containers through the
// Spawn… action, see them in the table, kill one through Kill…, see it gone
// from Docker and the table, switch auto-manage on in dry-run mode and see
// the manager's verdict on the older one in the decision log (dry run: other
// people's managed containers run on this host too, nothing may be removed),
// open a container's page by double-clicking its row and see its history
// drawn from a store the real LogStore wrote from this run's ticks,
// export the charts, save screenshots of the window in <build>/artifacts/,
// and kill the rest with one multi-selection. Only containers labelled with
// this run's id are ever removed.
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "core/manager/manager.h"
#include "core/model/logentry.h"
#include "core/store/logstore.h"
#include "gui/chartpanels.h"
#include "gui/chartsarea.h"
#include "gui/containerpage.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/exportcontroller.h"
#include "gui/historyview.h"
#include "gui/mainwindow.h"
#include "gui/managerpane.h"
#include "gui/spawndialog.h"
#include "guitestutil.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace GuiTest;

class TestGuiEndToEnd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void spawnKillManageExport();

private:
    std::unique_ptr<DockerClient> m_docker;
};

namespace {
QString artifactsDir()
{
    const QString dir = QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts");
    QDir().mkpath(dir);
    return dir;
}

int distinctColours(const QImage& image)
{
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 3)
        for (int x = 0; x < image.width(); x += 3)
            colours.insert(image.pixel(x, y));
    return int(colours.size());
}

bool exists(DockerClient& client, const QString& id)
{
    const auto r = wait<ContainerInfo>([&](auto done) { client.inspectContainer(id, done); });
    if (r.error.isNotFound())
        return false;
    return r.ok() && r.value.running;
}
} // namespace

void TestGuiEndToEnd::initTestCase()
{
    QVERIFY2(
        QGuiApplication::platformName() == QLatin1String("xcb"),
        qPrintable(
            QStringLiteral("run under Xvfb with QT_QPA_PLATFORM=xcb, not %1").arg(QGuiApplication::platformName())));
    QStandardPaths::setTestModeEnabled(true);
    // Defence in depth: a manager that honours it judges only this run's
    // containers (auto-manage is only ever switched on in dry-run below).
    qputenv("STEVEDORE_SCOPE_LABELS", (testLabel() + QLatin1Char('=') + runId()).toUtf8());
    m_docker = std::make_unique<DockerClient>(DockerEndpoint::defaultEndpoint());
    const auto ping = wait<PingInfo>([&](auto done) { m_docker->ping(done); });
    QVERIFY2(ping.ok(), qPrintable(QStringLiteral("dockerd must run: ") + ping.error.message));
    const auto image
        = wait<ImageInfo>([&](auto done) { m_docker->inspectImage(QStringLiteral(STEVEDORE_DEFAULT_IMAGE), done); });
    QVERIFY2(image.ok(), "the stress image is missing: run scripts/build-stress-image.sh");
}

void TestGuiEndToEnd::cleanupTestCase()
{
    if (m_docker)
        cleanUp(*m_docker);
}

void TestGuiEndToEnd::spawnKillManageExport()
{
    EngineSettings settings;
    settings.source.kind = SourceOptions::Kind::Auto; // as the app: module if loaded, else cgroup
    settings.intervalSeconds = 1.0;
    settings.manager.manage = false; // switched on below, in dry-run mode only
    settings.manager.dryRun = false;
    settings.listen = false; // port 5000 belongs to whoever runs Stevedore here
    Engine engine(settings);
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    // Light containers of our own: no network, labelled with this run's id.
    SpawnSettings spawn;
    spawn.networkMode = QStringLiteral("none");
    spawn.vmBytes = QStringLiteral("8M");
    spawn.hddBytes = QStringLiteral("8M");
    spawn.extraLabels.insert(testLabel(), runId());
    ContainerActions actions(engine.docker(), spawn);

    MainWindow w(&engine, &actions);
    // Every tick of this run into a store of our own, through the real
    // LogStore, as the receiver writes it: the history page reads it.
    QTemporaryDir storeDir;
    StoreSettings storeSettings;
    storeSettings.dataDir = storeDir.path();
    LogStore store(storeSettings);
    QVERIFY2(store.open(&error), qPrintable(error));
    int stored = 0;
    connect(&engine, &Engine::snapshotReady, &w, [&](const Snapshot& s) {
        NormalisedEntry entry;
        if (normaliseLogEntry(reportEntryBytes(s), entry, nullptr)
            && store.append(entry.line, nullptr) == StoreStatus::Ok)
            ++stored;
    });
    part<ContainerPage>(w, "containerPage")->setHistoryStore(storeDir.path());
    // Its parts, found by objectName.
    auto* view = part<ContainerView>(w, "containerView");
    auto* charts = part<ChartsArea>(w, "chartTabs");
    auto* manager = part<ManagerPane>(w, "managerPane");
    auto* exporter = part<ExportController>(w, "exportController");
    w.resize(1500, 950);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(actions.isConnected(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(action(w, "spawnAction")->isEnabled(), 5000);
    QVERIFY(!manager->autoManage());

    // Spawn… 3 CPU containers through the dialog.
    QSignalSpy spawned(&actions, &ContainerActions::containerSpawned);
    QSignalSpy spawnDone(&actions, &ContainerActions::spawnFinished);
    action(w, "spawnAction")->trigger();
    SpawnDialog* dialog = openDialog<SpawnDialog>(w, "spawnDialog");
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    dialog->countBox()->setValue(3);
    for (StressType t : { StressType::Vm, StressType::Io, StressType::Hdd })
        dialog->typeBox(t)->setChecked(false);
    dialog->typeBox(StressType::Cpu)->setChecked(true);
    dialog->accept();
    QTRY_VERIFY_WITH_TIMEOUT(spawnDone.count() == 1, 60000);
    const auto report = spawnDone.at(0).at(0).value<SpawnReport>();
    QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char('\n'))));
    QCOMPARE(spawned.count(), 3);
    QStringList ids;
    for (const auto& args : spawned)
        ids.append(args.at(0).value<SpawnedContainer>().id);
    for (const QString& id : ids)
        QVERIFY(exists(*m_docker, id));

    // They show up in the table within a few ticks, named and categorised.
    const auto inTable = [&](const QString& id) {
        return view->model()->rowOf(id) >= 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(inTable(ids.at(0)) && inTable(ids.at(1)) && inTable(ids.at(2)), 15000);
    // Named and categorised from Docker's metadata (the manager inspects a
    // new container when the event stream reports it: a tick may show it
    // before that, by its process name).
    const auto enriched = [&](const QString& id) {
        const int row = view->model()->rowOf(id);
        if (row < 0)
            return false;
        const ContainerMetrics& c = view->model()->container(row);
        return c.name.startsWith(QLatin1String("stress_cpu_")) && c.category == Category::Cpu && c.managed;
    };
    QTRY_VERIFY_WITH_TIMEOUT(enriched(ids.at(0)) && enriched(ids.at(1)) && enriched(ids.at(2)), 15000);
    // Filter the table to this run's containers for the screenshot.
    part<QLineEdit>(w, "filter")->setText(QStringLiteral("stress_cpu_"));
    QVERIFY(view->proxy()->rowCount() >= 3);

    // Remove… the first one through the window.
    const QString victim = ids.at(0);
    const QModelIndex src = view->model()->index(view->model()->rowOf(victim), 0);
    view->table()->selectionModel()->select(view->proxy()->mapFromSource(src),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(view->selectedContainers().size(), 1);
    QCOMPARE(view->selectedContainers().at(0).id, victim);
    QSignalSpy killed(&actions, &ContainerActions::lifecycleFinished);
    action(w, "removeAction")->trigger();
    QVERIFY(openDialog(w, "lifecycleConfirmation"));
    QTRY_VERIFY(openDialog(w, "lifecycleConfirmation")->isVisible());
    QTest::mouseClick(
        openDialog(w, "lifecycleConfirmation")->findChild<QAbstractButton*>(QStringLiteral("confirmLifecycle")),
        Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(killed.count() == 1, 30000);
    QCOMPARE(killed.at(0).at(0).value<LifecycleReport>().failures(), 0);
    QVERIFY(!exists(*m_docker, victim));
    QTRY_VERIFY_WITH_TIMEOUT(!inTable(victim), 10000);
    QVERIFY(inTable(ids.at(1)) && inTable(ids.at(2)));

    // Pause and resume one (managed: no question asked), seen in Docker
    // and in the table's State column.
    const auto selectOnly = [&](const QString& id) {
        const QModelIndex p = view->proxy()->mapFromSource(view->model()->index(view->model()->rowOf(id), 0));
        view->table()->selectionModel()->select(p, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    };
    const auto dockerState = [&](const QString& id) {
        return wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); }).value.state;
    };
    const auto rowState = [&](const QString& id) {
        const int row = view->model()->rowOf(id);
        return row < 0 ? QString() : view->model()->container(row).state;
    };
    QSignalSpy lifecycle(&actions, &ContainerActions::lifecycleFinished);
    selectOnly(ids.at(1));
    QTRY_VERIFY(action(w, "pauseAction")->isEnabled());
    action(w, "pauseAction")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(lifecycle.count(), 1, 30000);
    QCOMPARE(dockerState(ids.at(1)), QStringLiteral("paused"));
    QTRY_COMPARE_WITH_TIMEOUT(rowState(ids.at(1)), QStringLiteral("paused"), 15000);
    QVERIFY(w.grab().save(artifactsDir() + QStringLiteral("/gui-paused.png")));
    selectOnly(ids.at(1));
    QTRY_VERIFY(action(w, "unpauseAction")->isEnabled());
    action(w, "unpauseAction")->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(lifecycle.count(), 2, 30000);
    QCOMPARE(dockerState(ids.at(1)), QStringLiteral("running"));
    QTRY_COMPARE_WITH_TIMEOUT(rowState(ids.at(1)), QStringLiteral("running"), 15000);

    // Its log: the line stress printed at start shows in the Logs tab.
    auto* logPane = part<QWidget>(w, "logPane");
    charts->setCurrentWidget(logPane);
    auto* logView = part<QPlainTextEdit>(w, "logView");
    QTRY_VERIFY_WITH_TIMEOUT(logView->toPlainText().contains(QLatin1String("dispatching hogs")), 15000);
    QVERIFY(w.grab().save(artifactsDir() + QStringLiteral("/gui-logs.png")));

    // Its page, by double-clicking its row: what inspect says, and its
    // history from the store, live range first, then everything stored.
    const QRect cell = view->table()->visualRect(
        view->proxy()->mapFromSource(view->model()->index(view->model()->rowOf(ids.at(2)), 1)));
    // A press first: the view emits doubleClicked for the index it saw pressed.
    QTest::mousePress(view->table()->viewport(), Qt::LeftButton, {}, cell.center());
    QTest::mouseDClick(view->table()->viewport(), Qt::LeftButton, {}, cell.center());
    auto* page = part<ContainerPage>(w, "containerPage");
    QTRY_COMPARE(charts->currentWidget(), page);
    QCOMPARE(page->containerId(), ids.at(2)); // not the one just paused: its CPU line is busy
    QTRY_COMPARE_WITH_TIMEOUT(page->value(QStringLiteral("Image")), QStringLiteral(STEVEDORE_DEFAULT_IMAGE), 15000);
    QVERIFY(page->value(QStringLiteral("Labels")).toInt() >= 3);
    auto* history = part<HistoryView>(w, "containerHistory");
    QTRY_VERIFY_WITH_TIMEOUT(stored >= 5, 15000);
    QTRY_VERIFY_WITH_TIMEOUT(!history->isLoading() && history->pointCount(HistorySeries::CpuPercent) >= 3, 15000);
    QCOMPARE(history->range(), HistoryView::Range::Live15Min);
    // A stress --cpu 1 container: its CPU line reaches well above zero, and
    // every point lies in the chosen range.
    const QList<HistoryPoint>& cpu = history->points(HistorySeries::CpuPercent);
    const auto busy = [&] {
        return std::any_of(cpu.cbegin(), cpu.cend(), [](const HistoryPoint& p) { return p.value > 20; });
    };
    QTRY_VERIFY2_WITH_TIMEOUT(busy(), "no CPU load in the history of a stress --cpu container", 15000);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const HistoryPoint& p : cpu)
        QVERIFY(p.msecs > now - 15 * 60 * 1000 && p.msecs <= now);
    QVERIFY(history->pointCount(HistorySeries::MemoryBytes) >= 1);
    // --network none: no traffic, a flat line at 0 (thinned to a point a bucket).
    const QList<HistoryPoint>& rx = history->points(HistorySeries::NetRxBytesPerSec);
    QVERIFY(!rx.isEmpty());
    QVERIFY(std::all_of(rx.cbegin(), rx.cend(), [](const HistoryPoint& p) { return p.value == 0; }));
    auto* range = part<QComboBox>(w, "historyRange");
    QSignalSpy historyLoaded(history, &HistoryView::loaded);
    range->setCurrentIndex(range->findData(int(HistoryView::Range::All)));
    QTRY_VERIFY_WITH_TIMEOUT(historyLoaded.count() >= 1 && !history->isLoading(), 15000);
    QVERIFY(history->pointCount(HistorySeries::CpuPercent) >= 3);
    QVERIFY(part<QLabel>(w, "historyStatus")->text().contains(QLatin1String("sample")));
    // Live ticks keep coming in.
    const int before = history->pointCount(HistorySeries::CpuPercent);
    QTRY_VERIFY_WITH_TIMEOUT(history->pointCount(HistorySeries::CpuPercent) > before, 15000);
    const QImage historyShot = w.grab().toImage();
    QVERIFY(historyShot.save(artifactsDir() + QStringLiteral("/gui-history.png")));
    QVERIFY(part<QWidget>(w, "historyCpuChart")
                ->grab()
                .toImage()
                .save(artifactsDir() + QStringLiteral("/gui-history-cpu.png")));
    charts->setCurrentIndex(0);

    // Auto-manage on, in dry-run mode (checked first): the manager keeps
    // the newest CPU container of this run and would remove the older one;
    // the verdict shows in the manager pane and nothing is removed.
    const auto clickBox = [](QCheckBox* box) {
        QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(8, box->height() / 2));
    };
    clickBox(manager->dryRunBox());
    QVERIFY(engine.manager()->options().dryRun);
    clickBox(manager->autoManageBox());
    QVERIFY(engine.manager()->options().manage);
    QStandardItemModel* log = manager->decisionModel();
    const auto verdictOn = [&](const QString& id) {
        for (int r = 0; r < log->rowCount(); ++r) {
            if (log->item(r, 4)->text() == id.left(12))
                return log->item(r, 1)->text();
        }
        return QString();
    };
    QTRY_COMPARE_WITH_TIMEOUT(verdictOn(ids.at(1)), QStringLiteral("dry-run"), 20000);
    QCOMPARE(verdictOn(ids.at(2)), QString()); // the newest is kept, not logged as a removal
    clickBox(manager->autoManageBox());
    clickBox(manager->dryRunBox());
    QVERIFY(!engine.manager()->options().manage);
    QVERIFY(!engine.manager()->options().dryRun);
    QVERIFY(exists(*m_docker, ids.at(1)));
    QVERIFY(exists(*m_docker, ids.at(2)));

    // A few more ticks so the lines have points, then the screenshots.
    QSignalSpy shown(&w, &MainWindow::snapshotShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 3, 15000);
    QVERIFY(charts->history().size() >= 5);
    QVERIFY(w.statusBar()->isVisible());
    QVERIFY(label(w, "dockerLabel")->text().startsWith(QLatin1String("Docker: connected")));
    QVERIFY(label(w, "sourceLabel")->text().startsWith(QLatin1String("Metrics: ")));
    QVERIFY(label(w, "tickLabel")->text().startsWith(QLatin1String("Last tick")));
    const QString shots = artifactsDir();
    charts->setCurrentIndex(0);
    QTest::qWait(200);
    const QImage main = w.grab().toImage();
    QVERIFY(main.save(shots + QStringLiteral("/gui-main-window.png")));
    QVERIFY(distinctColours(main) > 50);
    charts->setCurrentIndex(1);
    QTest::qWait(200);
    QVERIFY(w.grab().toImage().save(shots + QStringLiteral("/gui-categories.png")));
    // And with a dark palette (a dark desktop theme): the charts follow.
    const QPalette light = QApplication::palette();
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Base, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::AlternateBase, QColor(0x2a, 0x2a, 0x2a));
    dark.setColor(QPalette::Text, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe8, 0xe8, 0xe8));
    dark.setColor(QPalette::Highlight, QColor(0x3d, 0x7a, 0xc6));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    QApplication::setPalette(dark);
    charts->setCurrentIndex(0);
    QTest::qWait(300);
    QVERIFY(w.grab().toImage().save(shots + QStringLiteral("/gui-main-window-dark.png")));
    QApplication::setPalette(light);
    qInfo("screenshots in %s", qPrintable(shots));

    // Export charts… writes PNG, SVG and CSV; the PNGs are not blank.
    const QString out = shots + QStringLiteral("/gui-e2e-charts");
    QDir(out).removeRecursively();
    QSignalSpy exported(exporter, &ExportController::finished);
    QVERIFY(exporter->exportTo(out));
    QTRY_VERIFY_WITH_TIMEOUT(exported.count() == 1, 60000);
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    for (const char* name : { "system_metrics.png", "containers_metrics.png", "category_cpu.png" }) {
        const QImage png(out + QLatin1Char('/') + QLatin1String(name));
        QVERIFY2(!png.isNull(), name);
        QVERIFY2(distinctColours(png) > 20, name);
    }
    QVERIFY(QFileInfo(out + QStringLiteral("/system_metrics.svg")).size() > 1000);
    QVERIFY(QFileInfo(out + QStringLiteral("/charts_series.csv")).size() > 100);

    // Remove… both remaining ones with one multi-selection.
    QItemSelection both;
    for (const QString& id : { ids.at(1), ids.at(2) }) {
        const QModelIndex p = view->proxy()->mapFromSource(view->model()->index(view->model()->rowOf(id), 0));
        both.select(p, p);
    }
    view->table()->selectionModel()->select(both, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(view->selectedContainers().size(), 2);
    QSignalSpy removedBoth(&actions, &ContainerActions::lifecycleFinished);
    action(w, "removeAction")->trigger();
    QVERIFY(openDialog(w, "lifecycleConfirmation"));
    QVERIFY(openDialog(w, "lifecycleConfirmation")->text().contains(QLatin1String("2 containers")));
    QTest::mouseClick(
        openDialog(w, "lifecycleConfirmation")->findChild<QAbstractButton*>(QStringLiteral("confirmLifecycle")),
        Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(removedBoth.count() == 1, 30000);
    QCOMPARE(removedBoth.at(0).at(0).value<LifecycleReport>().outcomes.size(), 2);
    QCOMPARE(removedBoth.at(0).at(0).value<LifecycleReport>().action, LifecycleAction::Remove);
    QTRY_VERIFY_WITH_TIMEOUT(ours(*m_docker).isEmpty(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!inTable(ids.at(1)) && !inTable(ids.at(2)), 10000);
}

QTEST_MAIN(TestGuiEndToEnd)
#include "tst_gui_e2e.moc"
