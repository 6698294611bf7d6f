// End to end under a real X server (Xvfb, see CMakeLists.txt) against the
// real dockerd and the real metrics source: spawn containers through the
// Spawn… action, see them in the table, kill one through Kill…, see it gone
// from Docker and the table, switch auto-manage on in dry-run mode and see
// the manager's verdict on the older one in the decision log (dry run: other
// people's managed containers run on this host too, nothing may be removed),
// export the charts, save screenshots of the window in <build>/artifacts/,
// and kill the rest with one multi-selection. Only containers labelled with
// this run's id are ever removed.
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "core/manager/manager.h"
#include "gui/chartpanels.h"
#include "gui/chartsarea.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/exportcontroller.h"
#include "gui/mainwindow.h"
#include "gui/managerpane.h"
#include "gui/spawndialog.h"
#include "guitestutil.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
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

    // Kill… the first one through the window.
    const QString victim = ids.at(0);
    const QModelIndex src = view->model()->index(view->model()->rowOf(victim), 0);
    view->table()->selectionModel()->select(view->proxy()->mapFromSource(src),
                                            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(view->selectedContainers().size(), 1);
    QCOMPARE(view->selectedContainers().at(0).id, victim);
    QSignalSpy killed(&actions, &ContainerActions::killFinished);
    action(w, "killAction")->trigger();
    QVERIFY(openDialog(w, "killConfirmation"));
    QTRY_VERIFY(openDialog(w, "killConfirmation")->isVisible());
    QTest::mouseClick(openDialog(w, "killConfirmation")->findChild<QAbstractButton*>(QStringLiteral("confirmKill")),
                      Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(killed.count() == 1, 30000);
    QCOMPARE(killed.at(0).at(0).value<QList<Decision>>().value(0).result, Decision::Result::Removed);
    QVERIFY(!exists(*m_docker, victim));
    QTRY_VERIFY_WITH_TIMEOUT(!inTable(victim), 10000);
    QVERIFY(inTable(ids.at(1)) && inTable(ids.at(2)));

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

    // Kill… both remaining ones with one multi-selection.
    QItemSelection both;
    for (const QString& id : { ids.at(1), ids.at(2) }) {
        const QModelIndex p = view->proxy()->mapFromSource(view->model()->index(view->model()->rowOf(id), 0));
        both.select(p, p);
    }
    view->table()->selectionModel()->select(both, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QCOMPARE(view->selectedContainers().size(), 2);
    action(w, "killAction")->trigger();
    QVERIFY(openDialog(w, "killConfirmation"));
    QVERIFY(openDialog(w, "killConfirmation")->text().contains(QLatin1String("2 containers")));
    QTest::mouseClick(openDialog(w, "killConfirmation")->findChild<QAbstractButton*>(QStringLiteral("confirmKill")),
                      Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(killed.count() == 2, 30000);
    QCOMPARE(killed.at(1).at(0).value<QList<Decision>>().size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(ours(*m_docker).isEmpty(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!inTable(ids.at(1)) && !inTable(ids.at(2)), 10000);
}

QTEST_MAIN(TestGuiEndToEnd)
#include "tst_gui_e2e.moc"
