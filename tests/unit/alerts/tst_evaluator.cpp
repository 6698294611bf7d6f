#include "core/alerts/evaluator.h"

#include "core/model/snapshot.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

// The evaluator on value sequences from fixtures/evaluator_cases.json: each
// case is one rule, one container's value per tick (null: the container is
// gone), and the events expected ("firing@3" = fired at t = 3 s).
class TestEvaluator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequences_data()
    {
        QTest::addColumn<QJsonObject>("testCase");
        QFile f(QFINDTESTDATA("fixtures/evaluator_cases.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonArray cases = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("cases")).toArray();
        QVERIFY(cases.size() >= 8);
        for (const QJsonValue& c : cases)
            QTest::newRow(qPrintable(c[QStringLiteral("name")].toString())) << c.toObject();
    }
    void sequences()
    {
        QFETCH(QJsonObject, testCase);
        const QJsonObject rulesDoc { { QStringLiteral("rules"), QJsonArray { testCase[QStringLiteral("rule")] } } };
        RulesError error;
        const auto set = parseRules(QJsonDocument(rulesDoc).toJson(), &error);
        QVERIFY2(set, qPrintable(error.message));
        const AlertRule& rule = set->rules.first();

        AlertEvaluator evaluator;
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-30T12:00:00Z"), Qt::ISODate);
        QVERIFY(evaluator.setRules(set->rules, t0).isEmpty());
        QStringList got;
        bool firing = false;
        for (const QJsonValue& tick : testCase[QStringLiteral("ticks")].toArray()) {
            const double at = tick[0].toDouble();
            const QDateTime now = t0.addMSecs(qint64(at * 1000));
            QList<AlertSubject> subjects;
            if (!tick[1].isNull()) {
                AlertSubject s;
                s.id = QStringLiteral("c1");
                s.name = QStringLiteral("stress-1");
                s.state = QStringLiteral("running");
                s.hasMetrics = true;
                s.cpuPercent = s.memoryBytes = s.memoryPercent = tick[1].toDouble();
                subjects.append(s);
            }
            for (const AlertEvent& e : evaluator.evaluate(subjects, now)) {
                got << QStringLiteral("%1@%2").arg(alertStateName(e.state)).arg(at);
                QCOMPARE(e.rule, rule.name);
                QCOMPARE(e.containerId, QStringLiteral("c1"));
                QCOMPARE(e.threshold, rule.threshold);
                // One fire, then one resolve: never two of a kind in a row.
                QCOMPARE(e.state == AlertEvent::State::Firing, !firing);
                firing = !firing;
                if (e.state == AlertEvent::State::Firing)
                    QVERIFY(e.since.msecsTo(now) >= qint64(rule.forSeconds * 1000));
            }
            // GET /alerts agrees with the events.
            const auto active = evaluator.active();
            QCOMPARE(evaluator.firingCount(rule.name), firing ? 1 : 0);
            if (firing)
                QCOMPARE(active.size(), 1);
        }
        QStringList expect;
        for (const QJsonValue& v : testCase[QStringLiteral("expect")].toArray())
            expect << v.toString();
        QCOMPARE(got, expect);
    }

    // Reloading: an unchanged rule keeps its firing alert (no second fire),
    // a removed rule resolves it.
    void reloadKeepsOrResolves()
    {
        RulesError error;
        auto set = parseRules(R"({"rules":[{"name":"a","metric":"cpu_percent","threshold":50},
                                             {"name":"b","metric":"cpu_percent","threshold":50}]})",
                              &error);
        QVERIFY(set);
        AlertEvaluator ev;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        ev.setRules(set->rules, t0);
        AlertSubject s;
        s.id = QStringLiteral("c");
        s.name = QStringLiteral("n");
        s.state = QStringLiteral("running");
        s.hasMetrics = true;
        s.cpuPercent = 99;
        QCOMPARE(ev.evaluate({ s }, t0).size(), 2);
        const auto events = ev.setRules({ set->rules[0] }, t0.addSecs(1));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].rule, QStringLiteral("b"));
        QCOMPARE(events[0].state, AlertEvent::State::Resolved);
        QVERIFY(ev.evaluate({ s }, t0.addSecs(2)).isEmpty()); // "a" still firing, not re-fired
        QCOMPARE(ev.firingCount(QStringLiteral("a")), 1);
    }

    // The editor's "would have fired at": stored snapshots replayed in order,
    // labels and categories from the snapshot itself.
    void replay()
    {
        RulesError error;
        const auto set = parseRules("{\"rules\":[{\"name\":\"hot\",\"select\":{\"labels\":{\"team\":\"qa\"}},"
                                    "\"metric\":\"cpu_percent\",\"threshold\":80,\"for\":20}]}",
                                    &error);
        QVERIFY2(set, qPrintable(error.message));
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-30T12:00:00Z"), Qt::ISODate);
        const double cpu[] = { 10, 90, 95, 99, 97, 20, 20 };
        QList<Snapshot> history;
        for (int i = 0; i < 7; ++i) {
            Snapshot s;
            s.timestamp = t0.addSecs(10 * i);
            for (const char* name : { "qa-box", "other-box" }) {
                ContainerMetrics c;
                c.id = QLatin1String(name);
                c.name = QLatin1String(name);
                c.cpuPercent = cpu[i];
                if (c.name == QLatin1String("qa-box"))
                    c.labels.insert(QStringLiteral("team"), QStringLiteral("qa"));
                s.containers.append(c);
            }
            history.append(s);
        }
        const auto events = replayRules(set->rules, history);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].state, AlertEvent::State::Firing);
        QCOMPARE(events[0].containerName, QStringLiteral("qa-box"));
        QCOMPARE(events[0].at, t0.addSecs(30)); // condition from t=10 s, held 20 s
        QCOMPARE(events[0].since, t0.addSecs(10));
        QCOMPARE(events[1].state, AlertEvent::State::Resolved);
        QCOMPARE(events[1].at, t0.addSecs(50));
        QVERIFY(replayRules(set->rules, {}).isEmpty());
    }

    void stateMetrics_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("state");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<bool>("fires");
        QTest::newRow("restarting") << "restarting"
                                    << "restarting" << 0 << true;
        QTest::newRow("running is not restarting") << "restarting"
                                                   << "running" << 0 << false;
        QTest::newRow("exited 1") << "exited_nonzero"
                                  << "exited" << 1 << true;
        QTest::newRow("exited 0") << "exited_nonzero"
                                  << "exited" << 0 << false;
        QTest::newRow("running with old code") << "exited_nonzero"
                                               << "running" << 137 << false;
    }
    void stateMetrics()
    {
        QFETCH(QString, metric);
        QFETCH(QString, state);
        QFETCH(int, exitCode);
        QFETCH(bool, fires);
        RulesError error;
        const auto set
            = parseRules(QStringLiteral(R"({"rules":[{"name":"s","metric":"%1"}]})").arg(metric).toUtf8(), &error);
        QVERIFY2(set, qPrintable(error.message));
        AlertEvaluator ev;
        ev.setRules(set->rules, QDateTime::currentDateTimeUtc());
        AlertSubject s;
        s.id = QStringLiteral("c");
        s.state = state;
        s.exitCode = exitCode;
        QCOMPARE(ev.evaluate({ s }, QDateTime::currentDateTimeUtc()).size(), fires ? 1 : 0);
    }
};

QTEST_GUILESS_MAIN(TestEvaluator)
#include "tst_evaluator.moc"
