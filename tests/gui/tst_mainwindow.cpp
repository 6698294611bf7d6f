// The main window offscreen: actions enabled and disabled with the Docker
// connection and the selection, the kill confirmation (cancel and confirm,
// on a container of our own in the real dockerd), export, palette, bounded
// chart history, settings.
#include "cmdoptions.h"
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "gui/chartpanels.h"
#include "gui/chartsarea.h"
#include "gui/containerflows.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/exportcontroller.h"
#include "gui/gui.h"
#include "gui/mainwindow.h"
#include "gui/managerpane.h"
#include "gui/spawndialog.h"
#include "guitestutil.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace GuiTest;

class TestMainWindow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void showsFixtureTicks();
    void actionsWhenDockerIsDown();
    void actionsFollowSelection();
    void killConfirmation();
    void exportWritesFiles();
    void chartsFollowPalette();
    void hiddenChartsDoNotRedraw();
    void historyIsBounded();
    void shortcuts();
    void settingsPersist();

private:
    struct Rig
    {
        std::unique_ptr<Engine> engine;
        std::unique_ptr<ContainerActions> actions;
        std::unique_ptr<MainWindow> window;
        // Its parts, found by objectName.
        ContainerView* view = nullptr;
        ChartsArea* charts = nullptr;
        ManagerPane* manager = nullptr;
        ExportController* exporter = nullptr;
        ContainerFlows* flows = nullptr;
        Engine& e() { return *engine; }
        MainWindow& w() { return *window; }
    };
    EngineSettings settings(bool realDocker, double interval = 0.2) const;
    // A started engine (ticking the fixture source) and its window.
    Rig rig(bool realDocker, double interval = 0.2) const;
    QList<Snapshot> m_snaps;
    std::unique_ptr<DockerClient> m_docker; // set-up and clean-up of our containers
};

EngineSettings TestMainWindow::settings(bool realDocker, double interval) const
{
    EngineSettings o;
    o.source.kind = SourceOptions::Kind::Kmod;
    o.source.procFile = QFINDTESTDATA("fixtures/kmod_three.json");
    o.intervalSeconds = interval;
    o.dockerHost = realDocker ? QStringLiteral("unix:///var/run/docker.sock")
                              : QStringLiteral("unix:///nonexistent/stevedore-test.sock");
    // Never manage in a test: other people's managed containers run here.
    o.manager.manage = false;
    // No receiver (port 5000 belongs to whoever runs Stevedore here) and so
    // no reporter either.
    o.listen = false;
    return o;
}

TestMainWindow::Rig TestMainWindow::rig(bool realDocker, double interval) const
{
    Rig r;
    r.engine = std::make_unique<Engine>(settings(realDocker, interval));
    QString error;
    if (!r.engine->start(&error))
        qFatal("engine: %s", qPrintable(error));
    SpawnSettings spawn;
    spawn.networkMode = QStringLiteral("none");
    spawn.extraLabels.insert(testLabel(), runId());
    r.actions = std::make_unique<ContainerActions>(r.engine->docker(), spawn);
    r.window = std::make_unique<MainWindow>(r.engine.get(), r.actions.get());
    r.view = part<ContainerView>(*r.window, "containerView");
    r.charts = part<ChartsArea>(*r.window, "chartTabs");
    r.manager = part<ManagerPane>(*r.window, "managerPane");
    r.exporter = part<ExportController>(*r.window, "exportController");
    r.flows = part<ContainerFlows>(*r.window, "containerFlows");
    // The engine ticks once at start: let that land before the test feeds
    // its own snapshots.
    QSignalSpy first(r.window.get(), &MainWindow::snapshotShown);
    if (!first.wait(10000))
        qFatal("no first tick");
    return r;
}

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("stevedore-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings().clear();
    m_snaps = loadSnapshots(QFINDTESTDATA("fixtures/snapshots.jsonl"));
    m_docker = std::make_unique<DockerClient>(DockerEndpoint::defaultEndpoint());
    const auto ping = wait<PingInfo>([&](auto done) { m_docker->ping(done); });
    QVERIFY2(ping.ok(), qPrintable(QStringLiteral("dockerd must run for the GUI tests: ") + ping.error.message));
}

void TestMainWindow::cleanupTestCase()
{
    if (m_docker)
        cleanUp(*m_docker);
    QSettings().clear();
}

void TestMainWindow::showsFixtureTicks()
{
    Rig r = rig(false);
    MainWindow& w = r.w();
    QSignalSpy shown(&w, &MainWindow::snapshotShown);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 3, 10000); // the timer keeps ticking
    QCOMPARE(r.view->model()->rowCount(), 3);
    QCOMPARE(label(w, "sourceLabel")->text(), QStringLiteral("Metrics: kernel module"));
    QVERIFY(label(w, "tickLabel")->text().contains(QLatin1String("3 containers")));
    QVERIFY(r.charts->history().size() >= 3);
    QCOMPARE(r.charts->history().last().hostCpuPercent, 37.5);
    QCOMPARE(label(w, "receiverLabel")->text(), QStringLiteral("Receiver: off (--no-listen)"));
}

void TestMainWindow::actionsWhenDockerIsDown()
{
    Rig r = rig(false);
    MainWindow& w = r.w();
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(r.view->model()->rowCount() == 3, 10000);
    // The manager's first container list fails: the label says so.
    QTRY_VERIFY_WITH_TIMEOUT(label(w, "dockerLabel")->text().startsWith(QLatin1String("Docker: disconnected")), 15000);
    QVERIFY(!r.actions->isConnected());
    QVERIFY(!label(w, "dockerLabel")->toolTip().isEmpty());
    r.view->table()->selectRow(0);
    QVERIFY(!r.view->selectedContainers().isEmpty());
    QVERIFY(!action(w, "killAction")->isEnabled()); // nobody to ask
    QVERIFY(!action(w, "spawnAction")->isEnabled());
    QVERIFY(action(w, "exportAction")->isEnabled()); // charts need no Docker
    QVERIFY(action(w, "refreshAction")->isEnabled());
    // Triggering it anyway (a stale shortcut) asks nothing.
    r.flows->requestKill();
    QVERIFY(!openDialog(w, "killConfirmation"));
}

void TestMainWindow::actionsFollowSelection()
{
    Rig r = rig(true);
    MainWindow& w = r.w();
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(r.view->model()->rowCount() == 3, 10000);
    QVERIFY(label(w, "dockerLabel")->text().startsWith(QLatin1String("Docker: connected")));
    QVERIFY(action(w, "spawnAction")->isEnabled());
    r.view->table()->clearSelection();
    QVERIFY(!action(w, "killAction")->isEnabled());
    r.view->table()->selectRow(1);
    QVERIFY(action(w, "killAction")->isEnabled());
    // Selection survives ticks (the model updates in place).
    const QString id = r.view->selectedContainers().value(0).id;
    QSignalSpy shown(&w, &MainWindow::snapshotShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 2, 10000);
    QCOMPARE(r.view->selectedContainers().size(), 1);
    QCOMPARE(r.view->selectedContainers().value(0).id, id);
    QVERIFY(action(w, "killAction")->isEnabled());
    r.view->table()->clearSelection();
    QVERIFY(!action(w, "killAction")->isEnabled());
    // While the spawn dialog is open, Spawn is disabled; Cancel enables it.
    r.flows->requestSpawn();
    QVERIFY(openDialog<SpawnDialog>(w, "spawnDialog"));
    QVERIFY(!action(w, "spawnAction")->isEnabled());
    openDialog<SpawnDialog>(w, "spawnDialog")->reject();
    QTRY_VERIFY(!openDialog<SpawnDialog>(w, "spawnDialog"));
    QVERIFY(action(w, "spawnAction")->isEnabled());
}

void TestMainWindow::killConfirmation()
{
    // One container of our own; the window is fed a snapshot naming it
    // (the engine is not started, so no tick replaces the rows).
    const QString name = QStringLiteral("stevedore-guitest-kill-%1").arg(runId());
    const auto run = wait<QString>([&](auto done) { m_docker->runContainer(sleeperSpec(name), done); });
    QVERIFY2(run.ok(), qPrintable(run.error.message));
    const QString id = run.value;

    Rig r = rig(true, 3600); // one tick at start, then none until a kill
    MainWindow& w = r.w();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    Snapshot s = m_snaps.at(0);
    ContainerMetrics mine;
    mine.id = id;
    mine.name = name;
    mine.category = Category::Other;
    s.containers.append(mine);
    w.showSnapshot(s);
    const int sourceRow = r.view->model()->rowOf(id);
    QVERIFY(sourceRow >= 0);
    r.view->table()->selectRow(r.view->proxy()->mapFromSource(r.view->model()->index(sourceRow, 0)).row());
    QCOMPARE(r.view->selectedContainers().size(), 1);
    QVERIFY(action(w, "killAction")->isEnabled());

    // Cancel: nothing happens.
    action(w, "killAction")->trigger();
    QMessageBox* box = openDialog(w, "killConfirmation");
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QVERIFY(box->informativeText().contains(name));
    QCOMPARE(static_cast<QAbstractButton*>(box->defaultButton()),
             box->button(QMessageBox::Cancel)); // Enter does not kill
    QVERIFY(!action(w, "killAction")->isEnabled()); // no second dialog
    QTest::mouseClick(box->findChild<QAbstractButton*>(QStringLiteral("cancelKill")), Qt::LeftButton);
    QTRY_VERIFY(!openDialog(w, "killConfirmation"));
    QTest::qWait(500);
    const auto still = wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); });
    QVERIFY2(still.ok() && still.value.running, "cancel must not kill");
    QCOMPARE(r.manager->decisionCount(), 0);

    // Confirm: removed, and the result is in the log and the status bar.
    QSignalSpy finished(r.actions.get(), &ContainerActions::killFinished);
    action(w, "killAction")->trigger();
    box = openDialog(w, "killConfirmation");
    QVERIFY(box);
    QTest::mouseClick(box->findChild<QAbstractButton*>(QStringLiteral("confirmKill")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    const auto results = finished.at(0).at(0).value<QList<Decision>>();
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.at(0).id, id);
    QCOMPARE(results.at(0).result, Decision::Result::Removed);
    const auto gone = wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); });
    QVERIFY(gone.error.isNotFound());
    QCOMPARE(r.manager->decisionCount(), 1);
    QCOMPARE(r.manager->decisionModel()->item(0, 1)->text(), QStringLiteral("removed"));
    QCOMPARE(r.manager->decisionModel()->item(0, 2)->text(), name);
    QVERIFY2(w.statusBar()->currentMessage().contains(QLatin1String("Killed 1 of 1 container")),
             qPrintable(w.statusBar()->currentMessage()));
    // The kill asked for a tick at once: the fixture's rows are back.
    QTRY_VERIFY_WITH_TIMEOUT(r.view->model()->rowOf(id) < 0, 10000);
}

void TestMainWindow::exportWritesFiles()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    w.show();
    for (const Snapshot& s : m_snaps)
        w.showSnapshot(s);
    QTemporaryDir tmp;
    QSignalSpy done(r.exporter, &ExportController::finished);
    QVERIFY(r.exporter->exportTo(tmp.filePath(QStringLiteral("out"))));
    QVERIFY(r.exporter->isExporting());
    QVERIFY(!action(w, "exportAction")->isEnabled());
    QVERIFY(!r.exporter->exportTo(tmp.path())); // one at a time
    // The export yields to the event loop between pages: ticks still land.
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 60000);
    QVERIFY(action(w, "exportAction")->isEnabled());
    const QStringList files = done.at(0).at(0).toStringList();
    QCOMPARE(done.at(0).at(1).toString(), QString());
    QCOMPARE(files.size(), 15); // 6 pages as PNG+SVG, cpu_usage.png, memory_usage.png, the CSV
    for (const QString& f : files)
        QVERIFY2(QFileInfo(f).size() > 0, qPrintable(f));
    const QImage png(tmp.filePath(QStringLiteral("out/containers_metrics.png")));
    QVERIFY(!png.isNull());
    QSet<QRgb> colours;
    for (int y = 0; y < png.height(); y += 3)
        for (int x = 0; x < png.width(); x += 3)
            colours.insert(png.pixel(x, y));
    QVERIFY(colours.size() > 20);
    QFile csv(tmp.filePath(QStringLiteral("out/charts_series.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), r.charts->history().size() + 1);

    // An unwritable target is reported, not crashed on.
    QSignalSpy failed(r.exporter, &ExportController::finished);
    QFile blocker(tmp.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY(!r.exporter->exportTo(blocker.fileName() + QStringLiteral("/sub")));
    QCOMPARE(failed.count(), 1);
    QVERIFY(!failed.at(0).at(1).toString().isEmpty());
    QVERIFY(action(w, "exportAction")->isEnabled());
}

void TestMainWindow::chartsFollowPalette()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    w.show();
    w.showSnapshot(m_snaps.at(0));
    QChart* chart = r.charts->systemPanel()->views().at(1)->chart();
    const QPalette light = QApplication::palette();
    QCOMPARE(chart->theme(), QChart::ChartThemeLight);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x20));
    dark.setColor(QPalette::WindowText, QColor(0xee, 0xee, 0xee));
    dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x18));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    QApplication::setPalette(dark);
    QTRY_COMPARE(chart->theme(), QChart::ChartThemeDark);
    QVERIFY(chart->backgroundBrush().color().lightness() < 100);
    // The series keep the original's colours and the data (setTheme resets both).
    auto* line = qobject_cast<QLineSeries*>(chart->series().value(0));
    QVERIFY(line);
    QCOMPARE(line->color(), ChartColors::hostCpu());
    QCOMPARE(line->count(), r.charts->history().size());
    QChart* cat = r.charts->categoryPanel(Category::Ram)->views().at(0)->chart();
    QCOMPARE(cat->theme(), QChart::ChartThemeDark);
    QApplication::setPalette(light);
    QTRY_COMPARE(chart->theme(), QChart::ChartThemeLight);
}

void TestMainWindow::hiddenChartsDoNotRedraw()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    r.charts->setCurrentIndex(0);
    CategoryPanel* ram = r.charts->categoryPanel(Category::Ram);
    const int before = ram->redraws();
    const int systemBefore = r.charts->systemPanel()->redraws();
    for (int i = 0; i < 20; ++i)
        w.showSnapshot(m_snaps.at(i % 2));
    QCOMPARE(ram->redraws(), before);
    QCOMPARE(r.charts->systemPanel()->redraws(), systemBefore + 20);
    r.charts->setCurrentIndex(1);
    QTRY_COMPARE(ram->redraws(), before + 1); // catches up once when shown
    w.showSnapshot(m_snaps.at(0));
    QCOMPARE(ram->redraws(), before + 2);
}

void TestMainWindow::historyIsBounded()
{
    Rig r = rig(false, 0.2);
    MainWindow& w = r.w();
    // At 0.2 s the 15-minute window is 4500 samples: capped.
    const qsizetype cap = r.charts->history().capacity();
    QCOMPARE(cap, qsizetype(ChartsArea::kMaxChartSamples));
    r.e().setIntervalSeconds(3600); // no more ticks from here on
    Snapshot s = m_snaps.at(0);
    for (int i = 0; i < int(cap) + 500; ++i) {
        s.timestamp = s.timestamp.addSecs(1);
        w.showSnapshot(s);
    }
    QCOMPARE(r.charts->history().size(), cap);
    // A longer interval shrinks the window to 15 minutes' worth.
    r.manager->setIntervalSeconds(10);
    QCOMPARE(r.e().intervalSeconds(), 10.0);
    QCOMPARE(r.charts->history().capacity(), qsizetype(90));
    QCOMPARE(r.charts->history().size(), qsizetype(90));
    r.manager->setIntervalSeconds(3600);
    QCOMPARE(r.charts->history().capacity(), qsizetype(10)); // the floor
}

void TestMainWindow::shortcuts()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    QCOMPARE(action(w, "killAction")->shortcut(), QKeySequence(QKeySequence::Delete));
    QCOMPARE(action(w, "spawnAction")->shortcut(), QKeySequence(QKeySequence::New));
    QCOMPARE(action(w, "exportAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
    QCOMPARE(action(w, "refreshAction")->shortcut(), QKeySequence(QKeySequence::Refresh));
    QCOMPARE(action(w, "freezeAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+P")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(part<QLineEdit>(w, "filter")->hasFocus());
    QTest::keyClicks(part<QLineEdit>(w, "filter"), QStringLiteral("disk"));
    w.showSnapshot(m_snaps.at(0));
    QCOMPARE(r.view->proxy()->rowCount(), 1);
    part<QLineEdit>(w, "filter")->clear();
    // Freeze: the table holds still, the history keeps recording.
    const qsizetype before = r.charts->history().size();
    action(w, "freezeAction")->trigger();
    QVERIFY(action(w, "freezeAction")->isChecked());
    w.showSnapshot(m_snaps.at(1));
    QVERIFY(r.view->model()->rowOf(QString(64, QLatin1Char('a'))) >= 0); // still the first snapshot
    QCOMPARE(r.charts->history().size(), before + 1);
    action(w, "freezeAction")->trigger();
    QVERIFY(!action(w, "freezeAction")->isChecked());
    QCOMPARE(r.view->model()->rowOf(QString(64, QLatin1Char('a'))), -1);
    QVERIFY(r.view->model()->rowOf(QString(64, QLatin1Char('g'))) >= 0);
}

void TestMainWindow::settingsPersist()
{
    QSettings().clear();
    {
        Rig r = rig(false, 3600);
        MainWindow& w = r.w();
        w.show();
        r.view->table()->setColumnHidden(ContainerTableModel::ReadOps, true);
        r.view->table()->sortByColumn(ContainerTableModel::Cpu, Qt::DescendingOrder);
        r.manager->setIntervalSeconds(3.5);
        w.resize(1000, 700);
        w.close(); // saves
    }
    {
        Options options; // the command line left --interval and --source alone
        QSettings().setValue(QStringLiteral("engine/source"), QStringLiteral("cgroup"));
        const Options restored = Gui::withSavedSettings(options);
        QCOMPARE(restored.intervalSeconds, 3.5);
        QCOMPARE(restored.source.kind, SourceOptions::Kind::Cgroup);
        // An explicit --interval or --source wins over the saved one.
        options.intervalSeconds = 2;
        options.source.kind = SourceOptions::Kind::Kmod;
        QCOMPARE(Gui::withSavedSettings(options).intervalSeconds, 2.0);
        QCOMPARE(Gui::withSavedSettings(options).source.kind, SourceOptions::Kind::Kmod);
    }
    {
        Rig r = rig(false, 3600);
        MainWindow& w = r.w();
        w.restoreSettings();
        QVERIFY(r.view->table()->isColumnHidden(ContainerTableModel::ReadOps));
        QVERIFY(!r.view->table()->isColumnHidden(ContainerTableModel::WriteOps));
        QCOMPARE(r.view->table()->horizontalHeader()->sortIndicatorSection(), int(ContainerTableModel::Cpu));
        QCOMPARE(r.view->table()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
        QCOMPARE(w.size(), QSize(1000, 700));
        // The source menu saves a preference for the next start.
        QAction* cgroup = nullptr;
        for (QAction* a : w.findChildren<QAction*>()) {
            if (a->isCheckable() && a->data().toInt() == int(SourceOptions::Kind::Cgroup)
                && a->text().contains(QLatin1String("cgroup")))
                cgroup = a;
        }
        QVERIFY(cgroup);
        QSettings().setValue(QStringLiteral("engine/source"), QStringLiteral("auto"));
        cgroup->trigger();
        QVERIFY(cgroup->isChecked());
        QCOMPARE(QSettings().value(QStringLiteral("engine/source")).toString(), QStringLiteral("cgroup"));
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
