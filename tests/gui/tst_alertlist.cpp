// The window's alerts (docs/alerts.md), offscreen on the fixture source:
// the Alerts dock lists the firing alerts with state, first seen and last
// value; each fire is notified; Alerts ▸ Reload rules keeps the rules of a
// bad file and says why; the manager pane shows the removals of the audit
// trail written by an earlier run; the window's kills are audited with the
// local user name.
#include "cmdoptions.h"
#include "core/alerts/alertservice.h"
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "gui/alertlist.h"
#include "gui/mainwindow.h"
#include "gui/managerpane.h"
#include "gui/ruleseditor.h"
#include "guitestutil.h"
#include "settings.h"

#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace GuiTest;

class TestAlertList : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeRules(const QByteArray& text)
    {
        QFile f(m_dir.filePath(QStringLiteral("rules.json")));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return QString();
        f.write(text);
        return f.fileName();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void listNotifyReloadAndAudit()
    {
        const QString dataDir = m_dir.filePath(QStringLiteral("data"));
        // An earlier run's removal, on disk before the window exists.
        {
            AuditLog earlier(dataDir);
            AuditRecord r;
            r.time = QDateTime::currentDateTimeUtc().addSecs(-3600);
            r.kind = QStringLiteral("decision");
            r.actor = QStringLiteral("manager");
            r.action = QStringLiteral("kill");
            r.result = QStringLiteral("removed");
            r.reason = QStringLiteral("older than the newest cpu container");
            r.containerId = QStringLiteral("0123456789abcdef");
            r.containerName = QStringLiteral("stress-from-yesterday");
            r.category = QStringLiteral("cpu");
            r.keptId = QStringLiteral("fedcba9876543210");
            QVERIFY(earlier.append(r, nullptr));
        }

        Options o;
        o.source.kind = SourceOptions::Kind::Kmod;
        o.source.procFile = QFINDTESTDATA("fixtures/kmod_three.json");
        o.intervalSeconds = 0.2;
        o.dockerHost = QStringLiteral("unix:///nonexistent/stevedore-test.sock"); // no Docker needed
        o.manage = false;
        o.listen = false;
        o.dataDir = dataDir;
        o.rulesFile = writeRules(
            "{\"rules\": [{\"name\": \"any-cpu\", \"metric\": \"memory_bytes\", \"op\": \">=\", \"threshold\": 0,"
            " \"severity\": \"critical\"}]}");
        Engine engine(engineSettings(o));
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        ContainerActions actions(engine.docker(), SpawnSettings {});
        MainWindow window(&engine, &actions);
        auto* dock = part<QDockWidget>(window, "alertsDock");
        auto* list = part<AlertList>(window, "alertList");
        QVERIFY(dock && list);
        QSignalSpy notified(list, &AlertList::notified);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(dock->isVisible());

        // The fixture has three containers: three firing alerts, each notified once.
        QTRY_COMPARE_WITH_TIMEOUT(list->model()->rowCount(), 3, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(notified.size(), 3, 5000);
        QVERIFY(notified.first().at(0).toString().startsWith(QLatin1String("Alert firing: any-cpu")));
        for (int row = 0; row < 3; ++row) {
            QCOMPARE(list->model()->item(row, AlertList::State)->text(), QStringLiteral("firing"));
            QCOMPARE(list->model()->item(row, AlertList::Rule)->text(), QStringLiteral("any-cpu"));
            QVERIFY(!list->model()->item(row, AlertList::FirstSeen)->text().isEmpty());
            QVERIFY(list->model()->item(row, AlertList::LastValue)->text().toDouble() > 0);
        }
        QTest::qWait(600); // more ticks: no second notification for the same alerts
        QCOMPARE(notified.size(), 3);

        // Reload from the window with a bad file: rules kept, reason shown.
        writeRules("{\"rules\": [{\"name\": \"x\",\n \"metric\": \"cpu_percent\", \"thresold\": 1}]}");
        action(window, "reloadRulesAction")->trigger();
        QLabel* rules = part<QLabel>(window, "alertRulesLabel");
        QVERIFY2(rules->text().contains(QLatin1String("rules not reloaded")), qPrintable(rules->text()));
        QVERIFY2(rules->text().contains(QLatin1String("line 2")) && rules->text().contains(QLatin1String("thresold")),
                 qPrintable(rules->text()));
        QCOMPARE(engine.alerts()->rules().rules.size(), 1);
        QCOMPARE(list->model()->rowCount(), 3);
        // A good file: the old alerts resolve (notified), the new rule has none.
        writeRules("{\"rules\": [{\"name\": \"never\", \"metric\": \"cpu_percent\", \"threshold\": 1e9}]}");
        action(window, "reloadRulesAction")->trigger();
        QVERIFY2(rules->text().contains(QLatin1String("1 alert rules")), qPrintable(rules->text()));
        QTRY_COMPARE_WITH_TIMEOUT(list->model()->rowCount(), 0, 5000);
        QCOMPARE(notified.size(), 6);
        QVERIFY(notified.last().at(0).toString().startsWith(QLatin1String("Alert resolved")));

        // The manager pane shows the earlier run's removal from the audit trail.
        auto* pane = part<ManagerPane>(window, "managerPane");
        bool found = false;
        for (int row = 0; row < pane->decisionModel()->rowCount(); ++row)
            found = found || pane->decisionModel()->item(row, 2)->text() == QLatin1String("stress-from-yesterday");
        QVERIFY(found);

        // A kill from the window is audited with the local user's name.
        Decision kill;
        kill.action = Decision::Action::Kill;
        kill.id = QStringLiteral("abcdefabcdef0000");
        kill.name = QStringLiteral("picked-in-the-window");
        kill.result = Decision::Result::Removed;
        kill.reason = QStringLiteral("killed from the window");
        Q_EMIT actions.killFinished({ kill });
        const auto records = AuditLog::read(dataDir, {}, 0);
        QVERIFY(!records.isEmpty());
        QCOMPARE(records.last().kind, QStringLiteral("action"));
        QVERIFY(records.last().actor.startsWith(QLatin1String("user:")));
        QVERIFY(records.last().actor.size() > 5);
        QCOMPARE(records.last().containerName, QStringLiteral("picked-in-the-window"));

        // Alerts ▸ Edit rules…: check names the bad line, test replays stored
        // snapshots ("would have fired at"), save writes the file and reloads.
        action(window, "editRulesAction")->trigger();
        auto* editor = window.findChild<RulesEditor*>(QStringLiteral("rulesEditor"));
        QVERIFY(editor);
        QCOMPARE(editor->path(), o.rulesFile);
        editor->editor()->setPlainText(
            QStringLiteral("{\"rules\": [\n{\"name\": \"hot\", \"metric\": \"cpu_percent\",\n"
                           " \"threshold\": 90, \"severty\": \"info\"}]}"));
        QVERIFY(!editor->check());
        QVERIFY2(editor->status()->text().contains(QLatin1String("line 3")), qPrintable(editor->status()->text()));
        QCOMPARE(editor->editor()->textCursor().blockNumber(), 2);
        editor->editor()->setPlainText(QStringLiteral(
            "{\"rules\": [{\"name\": \"hot\", \"metric\": \"cpu_percent\", \"threshold\": 90},\n"
            " {\"name\": \"off\", \"metric\": \"cpu_percent\", \"threshold\": 1, \"enabled\": false}]}"));
        QVERIFY(editor->check());
        editor->testOn(loadSnapshots(QFINDTESTDATA("fixtures/snapshots.jsonl")));
        QVERIFY(editor->results()->count() >= 1);
        QVERIFY2(editor->results()->item(0)->text().contains(QLatin1String("hot would have fired at")),
                 qPrintable(editor->results()->item(0)->text()));
        for (int i = 0; i < editor->results()->count(); ++i)
            QVERIFY(!editor->results()->item(i)->text().contains(QLatin1String(" off "))); // disabled
        QVERIFY(editor->save());
        QCOMPARE(engine.alerts()->rules().rules.size(), 2);
        QFile saved(o.rulesFile);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QVERIFY(saved.readAll().contains("\"enabled\": false"));
        editor->close();
    }
};

QTEST_MAIN(TestAlertList)
#include "tst_alertlist.moc"
