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
#include "gui/containerpage.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/exportcontroller.h"
#include "gui/gui.h"
#include "gui/logpane.h"
#include "gui/mainwindow.h"
#include "gui/managerpane.h"
#include "gui/spawndialog.h"
#include "guitestutil.h"
#include "windowrig.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QChartView>
#include <QCheckBox>
#include <QClipboard>
#include <QDir>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
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
#include <QToolBar>
#include <QToolButton>

#include <tuple>

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
    void lifecycleActions();
    void logPaneFollowsTheSelection();
    void detailsPage();
    void exportWritesFiles();
    void chartsFollowPalette();
    void hiddenChartsDoNotRedraw();
    void historyIsBounded();
    void shortcuts();
    void settingsPersist();

private:
    struct Rig : WindowRig
    {
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
    SpawnSettings spawn;
    spawn.networkMode = QStringLiteral("none");
    spawn.extraLabels.insert(testLabel(), runId());
    // The engine ticks once at start: openWindow() lets that land before the
    // test feeds its own snapshots.
    Rig r { openWindow(settings(realDocker, interval), spawn) };
    r.view = part<ContainerView>(*r.window, "containerView");
    r.charts = part<ChartsArea>(*r.window, "chartTabs");
    r.manager = part<ManagerPane>(*r.window, "managerPane");
    r.exporter = part<ExportController>(*r.window, "exportController");
    r.flows = part<ContainerFlows>(*r.window, "containerFlows");
    return r;
}

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("stevedore-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    QSettings().clear();
    // Screenshots of the details page land here; no other test may be
    // relied on to have made it (ctest -R runs this one alone).
    QVERIFY(QDir().mkpath(QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts")));
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
    for (const char* name :
         { "startAction", "stopAction", "restartAction", "pauseAction", "unpauseAction", "killAction", "removeAction" })
        QVERIFY2(!action(w, name)->isEnabled(), name); // nobody to ask
    QVERIFY(!action(w, "spawnAction")->isEnabled());
    QVERIFY(action(w, "exportAction")->isEnabled()); // charts need no Docker
    QVERIFY(action(w, "refreshAction")->isEnabled());
    // Triggering it anyway (a stale shortcut) asks nothing.
    r.flows->requestLifecycle(LifecycleAction::Remove);
    QVERIFY(!openDialog(w, "lifecycleConfirmation"));
}

void TestMainWindow::actionsFollowSelection()
{
    Rig r = rig(true);
    MainWindow& w = r.w();
    // Only the fixture's rows: the shared daemon's stopped containers are
    // other people's.
    action(w, "showStoppedAction")->setChecked(false);
    w.show();
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(r.view->model()->rowCount() == 3, 10000);
    QVERIFY(label(w, "dockerLabel")->text().startsWith(QLatin1String("Docker: connected")));
    QVERIFY(action(w, "spawnAction")->isEnabled());
    r.view->table()->clearSelection();
    QVERIFY(!action(w, "removeAction")->isEnabled());
    r.view->table()->selectRow(1);
    QVERIFY(action(w, "removeAction")->isEnabled());
    // The fixture's containers run: stop, pause, kill apply; start and
    // resume do not.
    QVERIFY(action(w, "stopAction")->isEnabled());
    QVERIFY(action(w, "pauseAction")->isEnabled());
    QVERIFY(action(w, "killAction")->isEnabled());
    QVERIFY(!action(w, "startAction")->isEnabled());
    QVERIFY(!action(w, "unpauseAction")->isEnabled());
    // Selection survives ticks (the model updates in place).
    const QString id = r.view->selectedContainers().value(0).id;
    QSignalSpy shown(&w, &MainWindow::snapshotShown);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() >= 2, 10000);
    QCOMPARE(r.view->selectedContainers().size(), 1);
    QCOMPARE(r.view->selectedContainers().value(0).id, id);
    QVERIFY(action(w, "removeAction")->isEnabled());
    r.view->table()->clearSelection();
    QVERIFY(!action(w, "removeAction")->isEnabled());
    // While the spawn dialog is open, Spawn is disabled; Cancel enables it.
    r.flows->requestSpawn();
    QVERIFY(openDialog<SpawnDialog>(w, "spawnDialog"));
    QVERIFY(!action(w, "spawnAction")->isEnabled());
    openDialog<SpawnDialog>(w, "spawnDialog")->reject();
    QTRY_VERIFY(!openDialog<SpawnDialog>(w, "spawnDialog"));
    QVERIFY(action(w, "spawnAction")->isEnabled());
}

void TestMainWindow::lifecycleActions()
{
    // Two containers of our own that stop at once on SIGTERM: one labelled
    // stevedore.managed=true, one not. The window is fed snapshots naming
    // them (the fixture source does not see them); stopped ones come back
    // from Docker's list by themselves.
    const QString trap = QStringLiteral("trap 'exit 0' TERM; while :; do sleep 1; done");
    ContainerSpec plain = sleeperSpec(QStringLiteral("stevedore-guitest-plain-%1").arg(runId()));
    plain.cmd.last() = trap;
    ContainerSpec managed = sleeperSpec(QStringLiteral("stevedore-guitest-managed-%1").arg(runId()));
    managed.cmd.last() = trap;
    managed.labels.insert(QStringLiteral("stevedore.managed"), QStringLiteral("true"));
    const auto runA = wait<QString>([&](auto done) { m_docker->runContainer(plain, done); });
    const auto runB = wait<QString>([&](auto done) { m_docker->runContainer(managed, done); });
    QVERIFY2(runA.ok() && runB.ok(), qPrintable(runA.error.message + runB.error.message));
    const QString a = runA.value;
    const QString b = runB.value;
    const auto dockerState = [&](const QString& id) {
        const auto r = wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); });
        return r.error.isNotFound() ? QStringLiteral("gone") : r.value.state;
    };
    const auto startedAt = [&](const QString& id) {
        return wait<ContainerInfo>([&](auto done) { m_docker->inspectContainer(id, done); }).value.startedAtNs;
    };

    Rig r = rig(true, 3600); // one tick at start, then only those the actions ask for
    MainWindow& w = r.w();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    const auto show = [&](const QString& stateA, const QString& stateB) {
        Snapshot s = m_snaps.at(0);
        for (const auto& [id, name, state, isManaged] :
             { std::tuple { a, plain.name, stateA, false }, std::tuple { b, managed.name, stateB, true } }) {
            ContainerMetrics c;
            c.id = id;
            c.name = name;
            c.state = state;
            c.managed = isManaged;
            if (!state.isEmpty())
                s.containers.append(c);
        }
        w.showSnapshot(s);
    };
    const auto select = [&](const QStringList& ids) {
        QItemSelection sel;
        for (const QString& id : ids) {
            const int row = r.view->model()->rowOf(id);
            if (row < 0)
                return false;
            const QModelIndex p = r.view->proxy()->mapFromSource(r.view->model()->index(row, 0));
            sel.select(p, p);
        }
        r.view->table()->selectionModel()->select(sel, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        return r.view->selectedContainers().size() == ids.size();
    };
    QSignalSpy finished(r.actions.get(), &ContainerActions::lifecycleFinished);
    QSignalSpy progress(r.actions.get(), &ContainerActions::lifecycleProgress);
    const auto confirm = [&](bool yes) {
        QMessageBox* box = openDialog(w, "lifecycleConfirmation");
        if (!box)
            return false;
        QTest::mouseClick(box->findChild<QAbstractButton*>(yes ? QStringLiteral("confirmLifecycle")
                                                               : QStringLiteral("cancelLifecycle")),
                          Qt::LeftButton);
        return true;
    };

    // Pause both from the tool bar's action: not destructive, but one is not
    // Stevedore's, so the window asks and says so, naming only that one.
    show(QStringLiteral("running"), QStringLiteral("running"));
    QVERIFY(select({ a, b }));
    QVERIFY(!action(w, "startAction")->isEnabled());
    QVERIFY(!action(w, "unpauseAction")->isEnabled());
    action(w, "pauseAction")->trigger();
    QMessageBox* box = openDialog(w, "lifecycleConfirmation");
    QVERIFY(box);
    QVERIFY(box->informativeText().contains(QLatin1String("Stevedore does not manage")));
    QVERIFY(box->informativeText().contains(QStringLiteral("managed=true: ") + plain.name));
    QCOMPARE(static_cast<QAbstractButton*>(box->defaultButton()), box->button(QMessageBox::Cancel));
    QVERIFY(!action(w, "pauseAction")->isEnabled()); // one question at a time
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QCOMPARE(finished.last().at(0).value<LifecycleReport>().failures(), 0);
    QCOMPARE(progress.count(), 2);
    QCOMPARE(dockerState(a), QStringLiteral("paused"));
    QCOMPARE(dockerState(b), QStringLiteral("paused"));
    QVERIFY2(w.statusBar()->currentMessage().contains(QLatin1String("Pause: 2 of 2 containers done")),
             qPrintable(w.statusBar()->currentMessage()));

    // Resume only the managed one with its keyboard shortcut: nothing to ask.
    show(QStringLiteral("paused"), QStringLiteral("paused"));
    QVERIFY(select({ b }));
    QVERIFY(action(w, "unpauseAction")->isEnabled());
    QVERIFY(!action(w, "pauseAction")->isEnabled());
    // Shortcuts go to the active window (a closed box may have held it).
    w.activateWindow();
    QTRY_COMPARE(QApplication::activeWindow(), &w);
    r.view->table()->setFocus();
    QTest::keyClick(r.view->table(), Qt::Key_U, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(!openDialog(w, "lifecycleConfirmation"));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    QCOMPARE(dockerState(b), QStringLiteral("running"));
    QCOMPARE(dockerState(a), QStringLiteral("paused"));
    // And the other through the action (asks: not Stevedore's).
    QTRY_VERIFY_WITH_TIMEOUT(select({ a }), 5000);
    action(w, "unpauseAction")->trigger();
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 3, 30000);
    QCOMPARE(dockerState(a), QStringLiteral("running"));

    // Stop both with the shortcut: destructive, so even the managed one
    // asks, once for both. Cancel leaves them running.
    show(QStringLiteral("running"), QStringLiteral("running"));
    QVERIFY(select({ a, b }));
    w.activateWindow();
    QTRY_COMPARE(QApplication::activeWindow(), &w);
    QTest::keyClick(r.view->table(), Qt::Key_X, Qt::ControlModifier | Qt::ShiftModifier);
    QVERIFY(openDialog(w, "lifecycleConfirmation"));
    QVERIFY(openDialog(w, "lifecycleConfirmation")->text().contains(QLatin1String("2 containers")));
    QVERIFY(confirm(false));
    QTRY_VERIFY(!openDialog(w, "lifecycleConfirmation"));
    QTest::qWait(300);
    QCOMPARE(finished.count(), 3);
    QCOMPARE(dockerState(a), QStringLiteral("running"));
    action(w, "stopAction")->trigger();
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 4, 60000);
    QCOMPARE(finished.last().at(0).value<LifecycleReport>().failures(), 0);
    QCOMPARE(dockerState(a), QStringLiteral("exited"));
    QCOMPARE(dockerState(b), QStringLiteral("exited"));
    // Stopped, they stay listed from Docker's own list (no metrics source
    // sees them), so they can be started again.
    const auto rowState = [&](const QString& id) {
        const int row = r.view->model()->rowOf(id);
        return row < 0 ? QString() : r.view->model()->container(row).state;
    };
    QTRY_COMPARE_WITH_TIMEOUT(rowState(a), QStringLiteral("exited"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(rowState(b), QStringLiteral("exited"), 10000);
    QVERIFY(r.view->model()->container(r.view->model()->rowOf(b)).managed);
    QVERIFY(select({ a, b }));
    QVERIFY(action(w, "startAction")->isEnabled());
    QVERIFY(!action(w, "stopAction")->isEnabled());
    QVERIFY(!action(w, "pauseAction")->isEnabled());
    // Hidden with View ▸ Show stopped containers off, back when on.
    action(w, "showStoppedAction")->setChecked(false);
    QCOMPARE(r.view->model()->rowOf(a), -1);
    action(w, "showStoppedAction")->setChecked(true);
    QVERIFY(r.view->model()->rowOf(a) >= 0);

    // Start both.
    QVERIFY(select({ a, b }));
    action(w, "startAction")->trigger();
    QVERIFY(confirm(true)); // the unmanaged one again
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 5, 30000);
    QCOMPARE(dockerState(a), QStringLiteral("running"));
    QCOMPARE(dockerState(b), QStringLiteral("running"));

    // Restart the managed one: a new start time.
    show(QStringLiteral("running"), QStringLiteral("running"));
    const qint64 before = startedAt(b);
    QVERIFY(select({ b }));
    action(w, "restartAction")->trigger();
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 6, 60000);
    QCOMPARE(dockerState(b), QStringLiteral("running"));
    QVERIFY(startedAt(b) > before);

    // Kill it: SIGKILL, the container stays, exited.
    show(QStringLiteral("running"), QStringLiteral("running"));
    QVERIFY(select({ b }));
    action(w, "killAction")->trigger();
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 7, 30000);
    QCOMPARE(dockerState(b), QStringLiteral("exited"));

    // A per-container error: the window still believes b runs (a stale
    // row); pausing both pauses a and reports b's failure with Docker's
    // reason in the result box.
    show(QStringLiteral("running"), QStringLiteral("running"));
    QVERIFY(select({ a, b }));
    action(w, "pauseAction")->trigger();
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 8, 30000);
    const LifecycleReport mixed = finished.last().at(0).value<LifecycleReport>();
    QCOMPARE(mixed.failures(), 1);
    QTRY_VERIFY(openDialog(w, "lifecycleResult"));
    QMessageBox* result = openDialog(w, "lifecycleResult");
    QVERIFY(result->informativeText().contains(managed.name));
    QVERIFY(result->informativeText().contains(QLatin1String("not running")));
    QVERIFY(w.statusBar()->currentMessage().contains(QLatin1String("1 failed")));
    result->close();
    QCOMPARE(dockerState(a), QStringLiteral("paused"));

    // Remove both (Del): gone from Docker, logged in the decision pane.
    show(QStringLiteral("paused"), QStringLiteral("exited"));
    QVERIFY(select({ a, b }));
    const int decisionsBefore = r.manager->decisionCount();
    w.activateWindow();
    QTRY_COMPARE(QApplication::activeWindow(), &w);
    QTest::keyClick(r.view->table(), Qt::Key_Delete);
    QVERIFY(openDialog(w, "lifecycleConfirmation"));
    QVERIFY(openDialog(w, "lifecycleConfirmation")->informativeText().contains(QLatin1String("cannot be undone")));
    QVERIFY(confirm(true));
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 9, 30000);
    QCOMPARE(dockerState(a), QStringLiteral("gone"));
    QCOMPARE(dockerState(b), QStringLiteral("gone"));
    QCOMPARE(r.manager->decisionCount(), decisionsBefore + 2);
    QCOMPARE(r.manager->decisionModel()->item(0, 1)->text(), QStringLiteral("removed"));
    // The removal asked for a tick at once: the fixture's rows are back,
    // ours are not (neither the snapshot nor Docker's list has them).
    QTRY_VERIFY_WITH_TIMEOUT(r.view->model()->rowOf(a) < 0 && r.view->model()->rowOf(b) < 0, 10000);
}

void TestMainWindow::logPaneFollowsTheSelection()
{
    // A container of our own that prints to both streams, waits until the
    // pane follows it, prints more than the pane keeps, then ticks.
    ContainerSpec spec = sleeperSpec(QStringLiteral("stevedore-guitest-logs-%1").arg(runId()));
    spec.cmd.last() = QStringLiteral("echo hello-from-the-container; echo trouble-on-stderr >&2; "
                                     "head -c 3000 /dev/zero | tr '\\0' x; echo; sleep 3; "
                                     "seq 1 12000; while :; do echo tick; sleep 0.3; done");
    const auto run = wait<QString>([&](auto done) { m_docker->runContainer(spec, done); });
    QVERIFY2(run.ok(), qPrintable(run.error.message));
    const QString id = run.value;

    Rig r = rig(true, 3600);
    MainWindow& w = r.w();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    auto* pane = part<LogPane>(w, "logPane");
    r.charts->setCurrentWidget(pane);
    QVERIFY(pane->isVisible());
    QVERIFY(part<QLabel>(w, "logStatus")->text().contains(QLatin1String("Select a container")));
    Snapshot s = m_snaps.at(0);
    ContainerMetrics mine;
    mine.id = id;
    mine.name = spec.name;
    mine.state = QStringLiteral("running");
    s.containers.append(mine);
    w.showSnapshot(s);
    const int row = r.view->model()->rowOf(id);
    QVERIFY(row >= 0);
    r.view->table()->selectRow(r.view->proxy()->mapFromSource(r.view->model()->index(row, 0)).row());
    QCOMPARE(pane->containerId(), id);
    QVERIFY(pane->isStreaming());

    // The lines the container printed appear, stdout and stderr.
    QTRY_VERIFY_WITH_TIMEOUT(pane->text().contains(QLatin1String("hello-from-the-container")), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(pane->text().contains(QLatin1String("trouble-on-stderr")), 5000);
    // A 3000-character line is cut at the pane's ceiling.
    QTRY_VERIFY_WITH_TIMEOUT(pane->text().contains(QString(LogPane::maxLineChars, QLatin1Char('x')) + QChar(0x2026)),
                             5000);
    QVERIFY(!pane->text().contains(QString(LogPane::maxLineChars + 1, QLatin1Char('x'))));
    // Then live: 12000 lines, of which the pane keeps the newest 10000.
    QTRY_VERIFY_WITH_TIMEOUT(pane->text().contains(QLatin1String("\ntick")), 30000);
    QCOMPARE(pane->lineCount(), LogPane::maxLines);
    const QStringList lines = pane->text().split(QLatin1Char('\n'));
    QVERIFY(!lines.contains(QStringLiteral("hello-from-the-container"))); // dropped from the ring
    QVERIFY(lines.contains(QStringLiteral("12000")));
    QVERIFY(!lines.contains(QStringLiteral("1000"))); // the oldest went first
    QVERIFY(lines.contains(QStringLiteral("3000")));

    // Search highlights every match.
    auto* search = part<QLineEdit>(w, "logSearch");
    search->setText(QStringLiteral("11999"));
    QCOMPARE(pane->highlightCount(), 1);
    search->setText(QStringLiteral("tick"));
    QVERIFY(pane->highlightCount() >= 1);
    search->clear();
    QCOMPARE(pane->highlightCount(), 0);

    // Follow off: the view holds still while lines arrive.
    auto* follow = part<QCheckBox>(w, "logFollow");
    auto* view = part<QPlainTextEdit>(w, "logView");
    follow->setChecked(false);
    view->verticalScrollBar()->setValue(view->verticalScrollBar()->maximum() / 2);
    const int held = view->verticalScrollBar()->value();
    QSignalSpy appended(pane, &LogPane::linesAppended);
    QVERIFY(appended.wait(5000));
    QCOMPARE(view->verticalScrollBar()->value(), held);
    follow->setChecked(true);
    QVERIFY(appended.wait(5000));
    QCOMPARE(view->verticalScrollBar()->value(), view->verticalScrollBar()->maximum());

    // Copy (everything, nothing selected) and save.
    QApplication::clipboard()->clear();
    QTest::mouseClick(part<QToolButton>(w, "logCopy"), Qt::LeftButton);
    QVERIFY(QApplication::clipboard()->text().contains(QLatin1String("12000")));
    QTemporaryDir tmp;
    QString error;
    QVERIFY2(pane->saveTo(tmp.filePath(QStringLiteral("out.log")), &error), qPrintable(error));
    QFile saved(tmp.filePath(QStringLiteral("out.log")));
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains("\n12000\n"));
    QVERIFY(!pane->saveTo(tmp.filePath(QStringLiteral("no/such/dir/out.log")), &error));
    QVERIFY(!error.isEmpty());

    // Switching to another container stops the old stream: no tick of the
    // old one arrives any more. (The fixture's containers are not Docker's:
    // the pane says so.)
    r.view->table()->selectRow(
        r.view->proxy()->mapFromSource(r.view->model()->index(r.view->model()->rowOf(s.containers.at(0).id), 0)).row());
    QCOMPARE(pane->containerId(), s.containers.at(0).id);
    QTRY_VERIFY_WITH_TIMEOUT(!pane->isStreaming(), 15000);
    QTest::qWait(1000);
    QVERIFY(!pane->text().contains(QLatin1String("tick")));
    QVERIFY(part<QLabel>(w, "logStatus")->text().contains(QLatin1String("No such container"), Qt::CaseInsensitive));
    // Hidden, nothing streams.
    r.view->table()->selectRow(r.view->proxy()->mapFromSource(r.view->model()->index(row, 0)).row());
    QVERIFY(pane->isStreaming());
    r.charts->setCurrentIndex(0);
    QVERIFY(!pane->isStreaming());

    // Killed from the window, the followed log ends and says so; started
    // again, the pane follows the new run.
    r.charts->setCurrentWidget(pane);
    QVERIFY(pane->isStreaming());
    QSignalSpy finished(r.actions.get(), &ContainerActions::lifecycleFinished);
    action(w, "killAction")->trigger();
    QMessageBox* box = openDialog(w, "lifecycleConfirmation");
    QVERIFY(box);
    QTest::mouseClick(box->findChild<QAbstractButton*>(QStringLiteral("confirmLifecycle")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(part<QLabel>(w, "logStatus")->text().contains(QLatin1String("the log ended")), 15000);
    // The stopped container is listed from Docker's list: start it there.
    QTRY_VERIFY_WITH_TIMEOUT(r.view->model()->rowOf(id) >= 0
                                 && r.view->model()->container(r.view->model()->rowOf(id)).state
                                     == QLatin1String("exited"),
                             15000);
    r.view->table()->selectRow(
        r.view->proxy()->mapFromSource(r.view->model()->index(r.view->model()->rowOf(id), 0)).row());
    QVERIFY(action(w, "startAction")->isEnabled());
    action(w, "startAction")->trigger();
    QVERIFY(openDialog(w, "lifecycleConfirmation")); // not a managed container: asked
    QTest::mouseClick(
        openDialog(w, "lifecycleConfirmation")->findChild<QAbstractButton*>(QStringLiteral("confirmLifecycle")),
        Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(pane->isStreaming(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(pane->text().contains(QLatin1String("tick")), 30000);
    wait<DockerNothing>([&](auto done) { m_docker->removeContainer(id, true, done); });
}

void TestMainWindow::detailsPage()
{
    const QString name = QStringLiteral("stevedore-guitest-details-%1").arg(runId());
    const auto run = wait<QString>([&](auto done) { m_docker->runContainer(sleeperSpec(name), done); });
    QVERIFY2(run.ok(), qPrintable(run.error.message));
    const QString id = run.value;
    Rig r = rig(true, 3600);
    MainWindow& w = r.w();
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(r.actions->isConnected(), 15000);
    Snapshot s = m_snaps.at(0);
    ContainerMetrics mine;
    mine.id = id;
    mine.name = name;
    mine.state = QStringLiteral("running");
    s.containers.append(mine);
    w.showSnapshot(s);
    auto* page = part<ContainerPage>(w, "containerPage");
    QVERIFY(!page->isVisible());
    // Double-click the row: the Details tab opens on it.
    const QModelIndex index = r.view->proxy()->mapFromSource(r.view->model()->index(r.view->model()->rowOf(id), 0));
    r.view->table()->selectRow(index.row());
    QSignalSpy loaded(page, &ContainerPage::loaded);
    // A press first: the view emits doubleClicked for the index it saw pressed.
    QTest::mousePress(r.view->table()->viewport(), Qt::LeftButton, {}, r.view->table()->visualRect(index).center());
    QTest::mouseDClick(r.view->table()->viewport(), Qt::LeftButton, {}, r.view->table()->visualRect(index).center());
    QCOMPARE(r.charts->currentWidget(), page);
    QVERIFY(loaded.count() > 0 || loaded.wait(10000));
    QCOMPARE(page->containerId(), id);
    QCOMPARE(page->value(QStringLiteral("Name")), name);
    QCOMPARE(page->value(QStringLiteral("Image")), QStringLiteral(STEVEDORE_DEFAULT_IMAGE));
    QCOMPARE(page->value(QStringLiteral("State")), QStringLiteral("running"));
    QCOMPARE(page->value(QStringLiteral("Network")), QStringLiteral("none"));
    QCOMPARE(page->value(QStringLiteral("Memory limit")), QStringLiteral("none"));
    QCOMPARE(page->value(testLabel()), runId()); // a label, under Labels
    QVERIFY(page->value(QStringLiteral("Command")).contains(QLatin1String("sleep 600")));
    // A lifecycle action shows on the page when it is done.
    action(w, "killAction")->trigger();
    QMessageBox* box = openDialog(w, "lifecycleConfirmation");
    QVERIFY(box);
    QTest::mouseClick(box->findChild<QAbstractButton*>(QStringLiteral("confirmLifecycle")), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(page->value(QStringLiteral("State")).startsWith(QLatin1String("exited")), 30000);
    QVERIFY(page->value(QStringLiteral("State")).contains(QLatin1String("exit code 137")));
    QVERIFY(w.grab().save(QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts/gui-details.png")));
    wait<DockerNothing>([&](auto done) { m_docker->removeContainer(id, true, done); });
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
    QCOMPARE(action(w, "removeAction")->shortcut(), QKeySequence(QKeySequence::Delete));
    QCOMPARE(action(w, "startAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+S")));
    QCOMPARE(action(w, "stopAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+X")));
    QCOMPARE(action(w, "restartAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+R")));
    QCOMPARE(action(w, "pauseAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    QCOMPARE(action(w, "unpauseAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+U")));
    QCOMPARE(action(w, "killAction")->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+K")));
    // Every one is in the table's context menu and on the tool bar.
    auto* bar = part<QToolBar>(w, "mainToolBar");
    for (const char* name : { "startAction", "stopAction", "restartAction", "pauseAction", "unpauseAction",
                              "killAction", "removeAction" }) {
        QVERIFY2(r.view->table()->actions().contains(action(w, name)), name);
        QVERIFY2(bar->actions().contains(action(w, name)), name);
    }
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
        r.view->table()->setColumnHidden(ContainerTableModel::Pid, true);
        r.view->table()->setColumnHidden(ContainerTableModel::ReadOps, false);
        r.view->table()->sortByColumn(ContainerTableModel::Cpu, Qt::DescendingOrder);
        r.manager->setIntervalSeconds(3.5);
        w.close(); // saves (the size is tst_firstlook's, on a screen it fits)
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
        QVERIFY(r.view->table()->isColumnHidden(ContainerTableModel::Pid));
        QVERIFY(!r.view->table()->isColumnHidden(ContainerTableModel::ReadOps));
        QVERIFY(r.view->table()->isColumnHidden(ContainerTableModel::WriteOps)); // hidden by default
        QCOMPARE(r.view->table()->horizontalHeader()->sortIndicatorSection(), int(ContainerTableModel::Cpu));
        QCOMPARE(r.view->table()->horizontalHeader()->sortIndicatorOrder(), Qt::DescendingOrder);
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
