// The main window offscreen: actions enabled and disabled with the Docker
// connection and the selection, the kill confirmation (cancel and confirm,
// on a container of our own in the real dockerd), export, palette, bounded
// chart history, settings.
#include "chartpanels.h"
#include "containeractions.h"
#include "containertablemodel.h"
#include "engine/engine.h"
#include "gui.h"
#include "guitestutil.h"
#include "mainwindow.h"
#include "managerpane.h"
#include "options.h"

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
        Engine& e() { return *engine; }
        MainWindow& w() { return *window; }
    };
    Options options(bool realDocker, double interval = 0.2) const;
    // A started engine (ticking the fixture source) and its window.
    Rig rig(bool realDocker, double interval = 0.2) const;
    QList<Snapshot> m_snaps;
    std::unique_ptr<DockerClient> m_docker; // set-up and clean-up of our containers
};

Options TestMainWindow::options(bool realDocker, double interval) const
{
    Options o;
    o.source.kind = SourceOptions::Kind::Kmod;
    o.source.procFile = QFINDTESTDATA("fixtures/kmod_three.json");
    o.intervalSeconds = interval;
    o.dockerHost = realDocker ? QStringLiteral("unix:///var/run/docker.sock")
                              : QStringLiteral("unix:///nonexistent/stevedore-test.sock");
    // Never manage in a test: other people's managed containers run here.
    o.manage = false;
    // No receiver (port 5000 belongs to whoever runs Stevedore here) and so
    // no reporter either.
    o.listen = false;
    return o;
}

TestMainWindow::Rig TestMainWindow::rig(bool realDocker, double interval) const
{
    Rig r;
    r.engine = std::make_unique<Engine>(options(realDocker, interval));
    QString error;
    if (!r.engine->start(&error))
        qFatal("engine: %s", qPrintable(error));
    SpawnSettings spawn;
    spawn.networkMode = QStringLiteral("none");
    spawn.extraLabels.insert(testLabel(), runId());
    r.actions = std::make_unique<ContainerActions>(r.engine->docker(), spawn);
    r.window = std::make_unique<MainWindow>(r.engine.get(), r.actions.get());
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
    QCOMPARE(w.model()->rowCount(), 3);
    QCOMPARE(w.sourceLabel()->text(), QStringLiteral("Metrics: kernel module"));
    QVERIFY(w.tickLabel()->text().contains(QLatin1String("3 containers")));
    QVERIFY(w.chartHistory().size() >= 3);
    QCOMPARE(w.chartHistory().last().hostCpuPercent, 37.5);
    QCOMPARE(w.receiverLabel()->text(), QStringLiteral("Receiver: off (--no-listen)"));
}

void TestMainWindow::actionsWhenDockerIsDown()
{
    Rig r = rig(false);
    MainWindow& w = r.w();
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(w.model()->rowCount() == 3, 10000);
    // The manager's first container list fails: the label says so.
    QTRY_VERIFY_WITH_TIMEOUT(w.dockerLabel()->text().startsWith(QLatin1String("Docker: disconnected")), 15000);
    QVERIFY(!r.actions->isConnected());
    QVERIFY(!w.dockerLabel()->toolTip().isEmpty());
    w.table()->selectRow(0);
    QVERIFY(!w.selectedContainers().isEmpty());
    QVERIFY(!w.killAction()->isEnabled()); // nobody to ask
    QVERIFY(!w.spawnAction()->isEnabled());
    QVERIFY(w.exportAction()->isEnabled()); // charts need no Docker
    QVERIFY(w.refreshAction()->isEnabled());
    // Triggering it anyway (a stale shortcut) asks nothing.
    w.requestKill();
    QVERIFY(!w.killConfirmation());
}

void TestMainWindow::actionsFollowSelection()
{
    Rig r = rig(true);
    MainWindow& w = r.w();
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(w.model()->rowCount() == 3, 10000);
    QVERIFY(w.dockerLabel()->text().startsWith(QLatin1String("Docker: connected")));
    QVERIFY(w.spawnAction()->isEnabled());
    w.table()->clearSelection();
    QVERIFY(!w.killAction()->isEnabled());
    w.table()->selectRow(1);
    QVERIFY(w.killAction()->isEnabled());
    // Selection survives ticks (the model updates in place).
    const QString id = w.selectedContainers().value(0).id;
    QSignalSpy shown(&w, &MainWindow::snapshotShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 2, 10000);
    QCOMPARE(w.selectedContainers().size(), 1);
    QCOMPARE(w.selectedContainers().value(0).id, id);
    QVERIFY(w.killAction()->isEnabled());
    w.table()->clearSelection();
    QVERIFY(!w.killAction()->isEnabled());
    // While the spawn dialog is open, Spawn is disabled; Cancel enables it.
    w.requestSpawn();
    QVERIFY(w.spawnDialog());
    QVERIFY(!w.spawnAction()->isEnabled());
    w.spawnDialog()->reject();
    QTRY_VERIFY(!w.spawnDialog());
    QVERIFY(w.spawnAction()->isEnabled());
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
    const int sourceRow = w.model()->rowOf(id);
    QVERIFY(sourceRow >= 0);
    w.table()->selectRow(w.proxy()->mapFromSource(w.model()->index(sourceRow, 0)).row());
    QCOMPARE(w.selectedContainers().size(), 1);
    QVERIFY(w.killAction()->isEnabled());

    // Cancel: nothing happens.
    w.killAction()->trigger();
    QMessageBox* box = w.killConfirmation();
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QVERIFY(box->informativeText().contains(name));
    QCOMPARE(static_cast<QAbstractButton*>(box->defaultButton()),
             box->button(QMessageBox::Cancel)); // Enter does not kill
    QVERIFY(!w.killAction()->isEnabled()); // no second dialog
    QTest::mouseClick(box->findChild<QAbstractButton*>(QStringLiteral("cancelKill")), Qt::LeftButton);
    QTRY_VERIFY(!w.killConfirmation());
    QTest::qWait(500);
    const auto still = wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); });
    QVERIFY2(still.ok() && still.value.running, "cancel must not kill");
    QCOMPARE(w.managerPane()->decisionCount(), 0);

    // Confirm: removed, and the result is in the log and the status bar.
    QSignalSpy finished(r.actions.get(), &ContainerActions::killFinished);
    w.killAction()->trigger();
    box = w.killConfirmation();
    QVERIFY(box);
    QTest::mouseClick(box->findChild<QAbstractButton*>(QStringLiteral("confirmKill")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    const auto results = finished.at(0).at(0).value<QList<Decision>>();
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.at(0).id, id);
    QCOMPARE(results.at(0).result, Decision::Result::Removed);
    const auto gone = wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); });
    QVERIFY(gone.error.isNotFound());
    QCOMPARE(w.managerPane()->decisionCount(), 1);
    QCOMPARE(w.managerPane()->decisionModel()->item(0, 1)->text(), QStringLiteral("removed"));
    QCOMPARE(w.managerPane()->decisionModel()->item(0, 2)->text(), name);
    QVERIFY2(w.statusBar()->currentMessage().contains(QLatin1String("Killed 1 of 1 container")),
             qPrintable(w.statusBar()->currentMessage()));
    // The kill asked for a tick at once: the fixture's rows are back.
    QTRY_VERIFY_WITH_TIMEOUT(w.model()->rowOf(id) < 0, 10000);
}

void TestMainWindow::exportWritesFiles()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    w.show();
    for (const Snapshot& s : m_snaps)
        w.showSnapshot(s);
    QTemporaryDir tmp;
    QSignalSpy done(&w, &MainWindow::exportFinished);
    QVERIFY(w.exportChartsTo(tmp.filePath(QStringLiteral("out"))));
    QVERIFY(w.isExporting());
    QVERIFY(!w.exportAction()->isEnabled());
    QVERIFY(!w.exportChartsTo(tmp.path())); // one at a time
    // The export yields to the event loop between pages: ticks still land.
    QTRY_VERIFY_WITH_TIMEOUT(done.count() == 1, 60000);
    QVERIFY(w.exportAction()->isEnabled());
    const QStringList files = done.at(0).at(0).toStringList();
    QCOMPARE(done.at(0).at(1).toString(), QString());
    QCOMPARE(files.size(), 13);
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
    QCOMPARE(csv.readAll().count('\n'), w.chartHistory().size() + 1);

    // An unwritable target is reported, not crashed on.
    QSignalSpy failed(&w, &MainWindow::exportFinished);
    QFile blocker(tmp.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QVERIFY(!w.exportChartsTo(blocker.fileName() + QStringLiteral("/sub")));
    QCOMPARE(failed.count(), 1);
    QVERIFY(!failed.at(0).at(1).toString().isEmpty());
    QVERIFY(w.exportAction()->isEnabled());
}

void TestMainWindow::chartsFollowPalette()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    w.show();
    w.showSnapshot(m_snaps.at(0));
    QChart* chart = w.systemPanel()->views().at(1)->chart();
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
    // The series keep the seed's colours and the data (setTheme resets both).
    auto* line = qobject_cast<QLineSeries*>(chart->series().value(0));
    QVERIFY(line);
    QCOMPARE(line->color(), ChartColors::hostCpu());
    QCOMPARE(line->count(), w.chartHistory().size());
    QChart* cat = w.categoryPanel(Category::Ram)->views().at(0)->chart();
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
    w.chartTabs()->setCurrentIndex(0);
    CategoryPanel* ram = w.categoryPanel(Category::Ram);
    const int before = ram->redraws();
    const int systemBefore = w.systemPanel()->redraws();
    for (int i = 0; i < 20; ++i)
        w.showSnapshot(m_snaps.at(i % 2));
    QCOMPARE(ram->redraws(), before);
    QCOMPARE(w.systemPanel()->redraws(), systemBefore + 20);
    w.chartTabs()->setCurrentIndex(1);
    QTRY_COMPARE(ram->redraws(), before + 1); // catches up once when shown
    w.showSnapshot(m_snaps.at(0));
    QCOMPARE(ram->redraws(), before + 2);
}

void TestMainWindow::historyIsBounded()
{
    Rig r = rig(false, 0.2);
    MainWindow& w = r.w();
    // At 0.2 s the 15-minute window is 4500 samples: capped.
    const qsizetype cap = w.chartHistory().capacity();
    QCOMPARE(cap, qsizetype(MainWindow::kMaxChartSamples));
    r.e().setIntervalSeconds(3600); // no more ticks from here on
    Snapshot s = m_snaps.at(0);
    for (int i = 0; i < int(cap) + 500; ++i) {
        s.timestamp = s.timestamp.addSecs(1);
        w.showSnapshot(s);
    }
    QCOMPARE(w.chartHistory().size(), cap);
    // A longer interval shrinks the window to 15 minutes' worth.
    w.managerPane()->setIntervalSeconds(10);
    QCOMPARE(r.e().intervalSeconds(), 10.0);
    QCOMPARE(w.chartHistory().capacity(), qsizetype(90));
    QCOMPARE(w.chartHistory().size(), qsizetype(90));
    w.managerPane()->setIntervalSeconds(3600);
    QCOMPARE(w.chartHistory().capacity(), qsizetype(10)); // the floor
}

void TestMainWindow::shortcuts()
{
    Rig r = rig(false, 3600);
    MainWindow& w = r.w();
    QCOMPARE(w.killAction()->shortcut(), QKeySequence(QKeySequence::Delete));
    QCOMPARE(w.spawnAction()->shortcut(), QKeySequence(QKeySequence::New));
    QCOMPARE(w.exportAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
    QCOMPARE(w.refreshAction()->shortcut(), QKeySequence(QKeySequence::Refresh));
    QCOMPARE(w.freezeAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+P")));
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(w.filterEdit()->hasFocus());
    QTest::keyClicks(w.filterEdit(), QStringLiteral("disk"));
    w.showSnapshot(m_snaps.at(0));
    QCOMPARE(w.proxy()->rowCount(), 1);
    w.filterEdit()->clear();
    // Freeze: the table holds still, the history keeps recording.
    const qsizetype before = w.chartHistory().size();
    w.freezeAction()->trigger();
    QVERIFY(w.isFrozen());
    w.showSnapshot(m_snaps.at(1));
    QVERIFY(w.model()->rowOf(QString(64, QLatin1Char('a'))) >= 0); // still the first snapshot
    QCOMPARE(w.chartHistory().size(), before + 1);
    w.freezeAction()->trigger();
    QVERIFY(!w.isFrozen());
    QCOMPARE(w.model()->rowOf(QString(64, QLatin1Char('a'))), -1);
    QVERIFY(w.model()->rowOf(QString(64, QLatin1Char('g'))) >= 0);
}

void TestMainWindow::settingsPersist()
{
    QSettings().clear();
    {
        Rig r = rig(false, 3600);
        MainWindow& w = r.w();
        w.show();
        w.table()->setColumnHidden(ContainerTableModel::ReadOps, true);
        w.table()->sortByColumn(ContainerTableModel::Cpu, Qt::DescendingOrder);
        w.managerPane()->setIntervalSeconds(3.5);
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
        QVERIFY(w.table()->isColumnHidden(ContainerTableModel::ReadOps));
        QVERIFY(!w.table()->isColumnHidden(ContainerTableModel::WriteOps));
        QCOMPARE(w.table()->horizontalHeader()->sortIndicatorSection(), int(ContainerTableModel::Cpu));
        QCOMPARE(w.table()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
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
        QCOMPARE(w.sourcePreference(), SourceOptions::Kind::Cgroup);
        QCOMPARE(QSettings().value(QStringLiteral("engine/source")).toString(), QStringLiteral("cgroup"));
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
