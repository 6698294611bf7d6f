// The window's first look on a 1280x720 screen (the offscreen platform
// given that screen): it opens within the screen's available geometry with
// the status bar in view, remembers the user's size, sizes the table's
// columns to their content with the name taking the slack (no horizontal
// scroll bar, long names not cut), and an empty table says why it is empty.
// Screenshots land in <build>/artifacts/.
#include "cmdoptions.h"
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/mainwindow.h"
#include "guitestutil.h"
#include "settings.h"
#include "windowrig.h"

#include <QApplication>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScreen>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace GuiTest;

class TestFirstLook : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void opensWithinTheScreen();
    void columnsFitTheirContent();
    void emptyTableSaysWhy();
    void remembersTheUsersSize();

private:
    struct Rig : WindowRig
    {
        ContainerView* view = nullptr;
    };
    // A window over the fixture source (three containers) or over an empty
    // one; Docker real or unreachable.
    Rig rig(bool realDocker, bool withContainers) const;
    static QString artifacts();
    QList<Snapshot> m_snaps;
};

QString TestFirstLook::artifacts()
{
    const QString dir = QStringLiteral(STEVEDORE_BINARY_DIR "/artifacts");
    QDir().mkpath(dir);
    return dir;
}

TestFirstLook::Rig TestFirstLook::rig(bool realDocker, bool withContainers) const
{
    Options o;
    o.source.kind = SourceOptions::Kind::Kmod;
    o.source.procFile
        = withContainers ? QFINDTESTDATA("fixtures/kmod_three.json") : QFINDTESTDATA("fixtures/kmod_empty.json");
    o.intervalSeconds = 3600; // one tick at start; the test feeds the rest
    o.dockerHost = realDocker ? QStringLiteral("unix:///var/run/docker.sock")
                              : QStringLiteral("unix:///nonexistent/stevedore-test.sock");
    o.manage = false;
    o.listen = false;
    // Only the fixture's rows: the shared daemon's stopped containers are
    // other people's, with names of any length.
    Rig r { openWindow(engineSettings(o), SpawnSettings {}, /*showStopped=*/false) };
    r.view = part<ContainerView>(*r.window, "containerView");
    return r;
}

void TestFirstLook::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("stevedore-test"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_firstlook"));
    QSettings().clear();
    const QScreen* screen = QGuiApplication::primaryScreen();
    QVERIFY(screen);
    QCOMPARE(screen->geometry().size(), QSize(1280, 720));
    m_snaps = loadSnapshots(QFINDTESTDATA("fixtures/snapshots.jsonl"));
}

void TestFirstLook::cleanupTestCase()
{
    QSettings().clear();
}

void TestFirstLook::opensWithinTheScreen()
{
    Rig r = rig(true, true);
    MainWindow& w = *r.window;
    w.restoreSettings(); // nothing saved yet: the default size, fitted
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QRect avail = w.screen()->availableGeometry();
    QVERIFY2(avail.contains(w.frameGeometry()),
             qPrintable(QStringLiteral("frame %1,%2 %3x%4 outside %5x%6")
                            .arg(w.frameGeometry().x())
                            .arg(w.frameGeometry().y())
                            .arg(w.frameGeometry().width())
                            .arg(w.frameGeometry().height())
                            .arg(avail.width())
                            .arg(avail.height())));
    // The status bar is inside the screen, not below it.
    QStatusBar* bar = w.statusBar();
    QVERIFY(bar->isVisible());
    const QRect barOnScreen(bar->mapToGlobal(QPoint(0, 0)), bar->size());
    QVERIFY(avail.contains(barOnScreen));
    // And it uses the screen: not a small window in a corner.
    QVERIFY(w.width() >= avail.width() * 8 / 10);
    QVERIFY(w.height() >= avail.height() * 7 / 10);
    QTest::qWait(100);
    QVERIFY(w.grab().save(artifacts() + QStringLiteral("/gui-first-look-1280x720.png")));
}

void TestFirstLook::columnsFitTheirContent()
{
    Rig r = rig(true, true);
    MainWindow& w = *r.window;
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    // A long name, as spawned containers have them.
    Snapshot s = m_snaps.at(0);
    QVERIFY(!s.containers.isEmpty());
    s.containers[0].name = QStringLiteral("stress_cpu_k3j9x2ab");
    w.showSnapshot(s);
    QTableView* table = r.view->table();
    QHeaderView* header = table->horizontalHeader();
    QTest::qWait(50);
    QVERIFY2(!table->horizontalScrollBar()->isVisible(), "no horizontal scroll bar at 1280x720");
    // The name is not cut: its column is at least as wide as its content.
    const int nameHint = static_cast<QAbstractItemView*>(table)->sizeHintForColumn(ContainerTableModel::Name);
    QVERIFY2(
        header->sectionSize(ContainerTableModel::Name) >= nameHint,
        qPrintable(QStringLiteral("name %1 < %2").arg(header->sectionSize(ContainerTableModel::Name)).arg(nameHint)));
    // The name takes the slack: it is the widest column; the short ones
    // are not wider than they need.
    for (int c = 0; c < ContainerTableModel::ColumnCount; ++c) {
        if (c == ContainerTableModel::Name || table->isColumnHidden(c))
            continue;
        QVERIFY2(header->sectionSize(c) <= header->sectionSize(ContainerTableModel::Name),
                 qPrintable(ContainerTableModel::columnTitle(c)));
        const int need
            = std::max(static_cast<QAbstractItemView*>(table)->sizeHintForColumn(c), header->sectionSizeHint(c));
        QVERIFY2(header->sectionSize(c) <= need + 24,
                 qPrintable(QStringLiteral("%1: %2 for %3")
                                .arg(ContainerTableModel::columnTitle(c))
                                .arg(header->sectionSize(c))
                                .arg(need)));
        QVERIFY2(header->sectionSize(c) >= need, qPrintable(ContainerTableModel::columnTitle(c)));
    }
    // The operation counts are hidden by default (View ▸ Columns).
    QVERIFY(table->isColumnHidden(ContainerTableModel::ReadOps));
    QVERIFY(!part<QAction>(w, "column_11")->isChecked());
    QVERIFY(w.grab().save(artifacts() + QStringLiteral("/gui-table-columns-1280x720.png")));
}

void TestFirstLook::emptyTableSaysWhy()
{
    {
        // Docker unreachable: says so, and why.
        Rig r = rig(false, false);
        MainWindow& w = *r.window;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* empty = part<QLabel>(w, "emptyMessage");
        QTRY_VERIFY_WITH_TIMEOUT(empty->isVisible() && empty->text().contains(QLatin1String("Docker is unreachable")),
                                 15000);
        QVERIFY2(empty->text().contains(QLatin1String("/nonexistent/stevedore-test.sock")), qPrintable(empty->text()));
        QVERIFY(!r.view->table()->horizontalScrollBar()->isVisible());
        QVERIFY(w.grab().save(artifacts() + QStringLiteral("/gui-empty-docker-down.png")));
    }
    {
        // Docker there, no containers: how to spawn.
        Rig r = rig(true, false);
        MainWindow& w = *r.window;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* empty = part<QLabel>(w, "emptyMessage");
        QTRY_VERIFY_WITH_TIMEOUT(empty->isVisible() && empty->text().contains(QLatin1String("Spawn")), 15000);
        QVERIFY(empty->text().contains(QLatin1String("Ctrl+N")));
        QVERIFY(w.grab().save(artifacts() + QStringLiteral("/gui-empty.png")));
        // Rows hide it; a filter that matches nothing says so.
        w.showSnapshot(m_snaps.at(0));
        QVERIFY(!empty->isVisible());
        part<QLineEdit>(w, "filter")->setText(QStringLiteral("no-such-container"));
        QVERIFY(empty->isVisible());
        QVERIFY(empty->text().contains(QLatin1String("no-such-container")));
        part<QLineEdit>(w, "filter")->clear();
        QVERIFY(!empty->isVisible());
    }
}

void TestFirstLook::remembersTheUsersSize()
{
    QSettings().clear();
    {
        Rig r = rig(false, true);
        r.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(r.window.get()));
        r.window->resize(1000, 600);
        QTRY_COMPARE(r.window->size(), QSize(1000, 600));
        r.window->close(); // saves
    }
    {
        Rig r = rig(false, true);
        r.window->restoreSettings();
        r.window->show();
        QVERIFY(QTest::qWaitForWindowExposed(r.window.get()));
        QCOMPARE(r.window->size(), QSize(1000, 600));
    }
}

int main(int argc, char** argv)
{
    // A 1280x720 screen, as on the laptop of the report.
    qputenv("QT_QPA_PLATFORM",
            QByteArrayLiteral("offscreen:configfile=" STEVEDORE_SOURCE_DIR "/tests/gui/fixtures/screen-1280x720.json"));
    QApplication app(argc, argv);
    TestFirstLook test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_firstlook.moc"
