#include "core/alerts/alertservice.h"

#include "core/manager/policy.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// The service without Docker: what it prints, serves and audits for prepared
// subjects. (Container actions against the real daemon: tst_alerts_service.)
class TestAlertService : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    AlertSettings settings(const QString& rules, bool dryRun = false)
    {
        AlertSettings s;
        s.rulesFile = rules;
        s.rulesFileExplicit = true;
        s.dryRun = dryRun;
        s.auditDir = m_dir.filePath(QStringLiteral("data"));
        s.hostName = QStringLiteral("testhost");
        return s;
    }
    QString write(const QString& name, const QByteArray& text)
    {
        QFile f(m_dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return QString();
        f.write(text);
        return f.fileName();
    }
    static AlertSubject subject(const QString& id, double cpu, bool managed,
                                const QString& state = QStringLiteral("running"))
    {
        AlertSubject s;
        s.id = id;
        s.name = QStringLiteral("name-") + id;
        s.category = Category::Cpu;
        s.managed = managed;
        s.state = state;
        s.hasMetrics = state == QLatin1String("running");
        s.cpuPercent = cpu;
        return s;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void outputs()
    {
        const QString rules
            = write(QStringLiteral("r.json"),
                    "{\"rules\":[{\"name\":\"hot \\\"cpu\\\"\",\"metric\":\"cpu_percent\",\"threshold\":50, "
                    "\"severity\":\"critical\",\"actions\":[{\"type\":\"kill\"}]}]}");
        AlertService service(settings(rules, true), nullptr);
        QVERIFY(service.reloadRules(nullptr));
        QSignalSpy events(&service, &AlertService::alertEvent);
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-30T12:00:00Z"), Qt::ISODate);
        service.evaluateSubjects({ subject(QStringLiteral("a"), 90, true), subject(QStringLiteral("b"), 90, false),
                                   subject(QStringLiteral("c"), 0, false, QStringLiteral("exited")) },
                                 t0);
        QCOMPARE(events.size(), 2);

        // /metrics: one line per rule, label values escaped, plus the states.
        const QByteArray metrics = service.prometheusText();
        QVERIFY2(metrics.contains("stevedore_alert_firing{rule=\"hot \\\"cpu\\\"\",severity=\"critical\"} 2\n"),
                 metrics.constData());
        QVERIFY(metrics.contains("stevedore_container_restarting{id=\"a\",name=\"name-a\",category=\"cpu\"} 0\n"));
        QVERIFY(metrics.contains("stevedore_container_exit_code{id=\"c\",name=\"name-c\",category=\"cpu\"} 0\n"));

        // GET /alerts
        const QJsonObject alerts = QJsonDocument::fromJson(service.alertsJson()).object();
        QCOMPARE(alerts[QStringLiteral("alerts")].toArray().size(), 2);
        QCOMPARE(alerts[QStringLiteral("alerts")][0][QStringLiteral("state")].toString(), QStringLiteral("firing"));

        // The webhook document: the fields.
        const AlertEvent e = events.first().first().value<AlertEvent>();
        const QJsonObject hook = QJsonDocument::fromJson(service.webhookJson(e)).object();
        for (const char* key : { "rule", "state", "severity", "container", "value", "threshold", "since", "host" })
            QVERIFY2(hook.contains(QLatin1String(key)), key);
        QCOMPARE(hook[QStringLiteral("host")].toString(), QStringLiteral("testhost"));
        QCOMPARE(hook[QStringLiteral("container")][QStringLiteral("category")].toString(), QStringLiteral("cpu"));

        // The audit: two fires, a dry-run kill on the managed one, a refusal on the other.
        int status = 0;
        const QJsonArray audit = QJsonDocument::fromJson(service.auditJson(QUrlQuery(), &status)).array();
        QCOMPARE(status, 200);
        QStringList seen;
        for (const QJsonValue& v : audit)
            seen << v[QStringLiteral("container")][QStringLiteral("id")].toString() + QLatin1Char(':')
                    + v[QStringLiteral("action")].toString() + QLatin1Char('/')
                    + v[QStringLiteral("result")].toString();
        QVERIFY2(seen.contains(QStringLiteral("a:kill/dry-run")), qPrintable(seen.join(QLatin1Char(' '))));
        QVERIFY2(seen.contains(QStringLiteral("b:kill/refused")), qPrintable(seen.join(QLatin1Char(' '))));
        QCOMPARE(seen.count(QStringLiteral("a:firing/firing")), 1);

        QUrlQuery bad;
        bad.addQueryItem(QStringLiteral("limit"), QStringLiteral("0"));
        service.auditJson(bad, &status);
        QCOMPARE(status, 400);
    }

    void badReloadKeepsRules()
    {
        const QString rules = write(QStringLiteral("k.json"),
                                    "{\"rules\":[{\"name\":\"a\",\"metric\":\"cpu_percent\",\"threshold\":5}]}");
        AlertService service(settings(rules), nullptr);
        QVERIFY(service.reloadRules(nullptr));
        write(QStringLiteral("k.json"), "{\"rules\":[{\"name\":\"a\",\n\"metric\":\"cpu\"}]}");
        QString message;
        QVERIFY(!service.reloadRules(&message));
        QVERIFY2(message.contains(QLatin1String("line 2")) && message.contains(QLatin1String("keeping the 1 rules")),
                 qPrintable(message));
        QCOMPARE(service.rules().rules.size(), 1);
    }

    // Every tick re-decides the same keep: only a new winner is audited.
    void keepDecisionsAuditedOnChange()
    {
        QTemporaryDir dir;
        AlertSettings s = settings(QStringLiteral("/nonexistent"));
        s.auditDir = dir.path();
        AlertService service(s, nullptr);
        Decision keep;
        keep.action = Decision::Action::Keep;
        keep.id = QStringLiteral("k1");
        keep.category = Category::Cpu;
        Decision kill;
        kill.action = Decision::Action::Kill;
        kill.id = QStringLiteral("old");
        kill.keptId = QStringLiteral("k1");
        kill.result = Decision::Result::Removed;
        kill.reason = QStringLiteral("older");
        service.recordDecisions({ keep, kill });
        service.recordDecisions({ keep });
        keep.id = QStringLiteral("k2");
        service.recordDecisions({ keep });
        // --dry-run: the same verdict every tick is one record.
        kill.result = Decision::Result::DryRun;
        kill.id = QStringLiteral("dry");
        service.recordDecisions({ keep, kill });
        service.recordDecisions({ keep, kill });
        service.recordDecisions({ keep });
        service.recordDecisions({ keep, kill }); // back after it left: recorded again
        const auto records = AuditLog::read(dir.path(), {}, 0);
        QCOMPARE(records.size(), 5);
        QCOMPARE(records[1].result, QStringLiteral("removed"));
        QCOMPARE(records[1].keptId, QStringLiteral("k1"));
        QCOMPARE(records[2].containerId, QStringLiteral("k2"));
        QCOMPARE(records[3].result, QStringLiteral("dry-run"));
        QCOMPARE(records[4].containerId, QStringLiteral("dry"));
    }
};

QTEST_GUILESS_MAIN(TestAlertService)
#include "tst_alertservice.moc"
