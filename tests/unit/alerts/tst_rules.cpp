#include "core/alerts/rules.h"

#include <QFile>
#include <QTest>

// The rules parser against fixture files: what a good file gives, and for
// each bad one the kind of refusal, the line and the key it names.
class TestRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesEverything()
    {
        RulesError error;
        const auto set = loadRules(QFINDTESTDATA("fixtures/good_full.json"), &error);
        QVERIFY2(set, qPrintable(error.message));
        QCOMPARE(set->rules.size(), 3);
        const AlertRule& cpu = set->rules[0];
        QCOMPARE(cpu.name, QStringLiteral("cpu-hog"));
        QCOMPARE(cpu.select.category, std::optional<Category>(Category::Cpu));
        QCOMPARE(cpu.select.managed, std::optional<bool>(true));
        QCOMPARE(cpu.select.namePattern, QStringLiteral("stress-*"));
        QCOMPARE(cpu.select.labels.value(QStringLiteral("team")), QStringLiteral("qa"));
        QVERIFY(cpu.select.labels.contains(QStringLiteral("stevedore.test")));
        QCOMPARE(cpu.metric, AlertMetric::CpuPercent);
        QCOMPARE(cpu.comparison, AlertComparison::GreaterOrEqual);
        QCOMPARE(cpu.threshold, 80.0);
        QCOMPARE(cpu.effectiveClearThreshold(), 60.0);
        QCOMPARE(cpu.forSeconds, 3.0);
        QCOMPARE(cpu.clearForSeconds, 2.0);
        QCOMPARE(cpu.severity, AlertSeverity::Critical);
        QCOMPARE(cpu.actions.size(), 2);
        QCOMPARE(cpu.actions[0].type, AlertAction::Type::Webhook);
        QCOMPARE(cpu.actions[0].url, QUrl(QStringLiteral("http://127.0.0.1:9099/hook")));
        QCOMPARE(cpu.actions[1].type, AlertAction::Type::Kill);
        QVERIFY(!set->rules[1].enabled);
        QCOMPARE(set->rules[1].severity, AlertSeverity::Warning); // the default
        QCOMPARE(set->rules[2].metric, AlertMetric::Restarting);
        QCOMPARE(set->rules[2].threshold, 0.0); // state metrics: > 0 by default
        QCOMPARE(set->rules[2].actions[1].type, AlertAction::Type::Pause);
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("key");
        using K = RulesError::Kind;
        QTest::newRow("unknown rule key") << "bad_unknown_rule_key.json" << int(K::UnknownKey) << 6 << "treshold";
        QTest::newRow("unknown select key") << "bad_unknown_select_key.json" << int(K::UnknownKey) << 5 << "label";
        QTest::newRow("unknown top key") << "bad_unknown_top_key.json" << int(K::UnknownKey) << 3 << "version";
        QTest::newRow("unknown action key") << "bad_unknown_action_key.json" << int(K::UnknownKey) << 3 << "signal";
        QTest::newRow("escaped key") << "bad_escaped_key.json" << int(K::UnknownKey) << 5 << "fo\"r";
        QTest::newRow("bad metric") << "bad_metric.json" << int(K::BadValue) << 3 << "metric";
        QTest::newRow("syntax") << "bad_syntax.json" << int(K::Syntax) << 3 << "";
        QTest::newRow("duplicate key") << "bad_duplicate_key.json" << int(K::DuplicateKey) << 5 << "threshold";
        QTest::newRow("missing threshold") << "bad_missing_threshold.json" << int(K::MissingKey) << 3 << "threshold";
        QTest::newRow("webhook without url") << "bad_webhook_no_url.json" << int(K::MissingKey) << 4 << "url";
        QTest::newRow("two rules, one name") << "bad_same_name.json" << int(K::BadValue) << 4 << "name";
        QTest::newRow("clear on the firing side")
            << "bad_clear_side.json" << int(K::BadValue) << 3 << "clear_threshold";
        QTest::newRow("negative for") << "bad_negative_for.json" << int(K::BadValue) << 4 << "for";
    }
    void refuses()
    {
        QFETCH(QString, file);
        QFETCH(int, kind);
        QFETCH(int, line);
        QFETCH(QString, key);
        const QString path = QFINDTESTDATA(QStringLiteral("fixtures/") + file);
        QVERIFY(!path.isEmpty());
        RulesError error;
        QVERIFY(!loadRules(path, &error));
        QCOMPARE(int(error.kind), kind);
        QCOMPARE(error.line, line);
        QCOMPARE(error.key, key);
        // The message names the file, the line and the key for the user.
        QVERIFY2(error.message.contains(path), qPrintable(error.message));
        QVERIFY2(error.message.contains(QStringLiteral("line %1").arg(line)), qPrintable(error.message));
        if (!key.isEmpty())
            QVERIFY2(error.message.contains(key), qPrintable(error.message));
    }

    // Outside input: nothing in it may crash the parser.
    void hostileText_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("deep arrays") << QByteArray(200000, '[');
        QTest::newRow("deep objects") << QByteArray("{\"rules\":").append(QByteArray(100000, '{'));
        QTest::newRow("unterminated string") << QByteArray("{\"rules\": [ {\"name");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("nul bytes") << QByteArray("{\"rules\"\0:[]}", 13);
        QTest::newRow("rules not array") << QByteArray("{\"rules\": {}}");
        QTest::newRow("rule not object") << QByteArray("{\"rules\": [1]}");
        QTest::newRow("top array") << QByteArray("[]");
        QTest::newRow("huge number") << QByteArray(
            "{\"rules\":[{\"name\":\"a\",\"metric\":\"cpu_percent\",\"threshold\":1e400}]}");
        QTest::newRow("wrong types") << QByteArray("{\"rules\":[{\"name\":1,\"metric\":[],\"threshold\":\"9\"}]}");
        QTest::newRow("action not object")
            << QByteArray("{\"rules\":[{\"name\":\"a\",\"metric\":\"restarting\",\"actions\":[\"kill\"]}]}");
    }
    void hostileText()
    {
        QFETCH(QByteArray, text);
        RulesError error;
        QVERIFY(!parseRules(text, &error));
        QVERIFY(!error.message.isEmpty());
    }

    void missingFileIsIo()
    {
        RulesError error;
        QVERIFY(!loadRules(QStringLiteral("/nonexistent/rules.json"), &error));
        QCOMPARE(error.kind, RulesError::Kind::Io);
    }

    void defaultsParse()
    {
        const RuleSet set = defaultRules();
        QCOMPARE(set.rules.size(), 4);
        QCOMPARE(set.rules[0].name, QStringLiteral("container-cpu-high"));
    }

    // The example of docs/alerts.md is a rules file too.
    void documentedExampleParses()
    {
        QFile doc(QStringLiteral(STEVEDORE_SOURCE_DIR "/docs/alerts.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QByteArray text = doc.readAll();
        const QByteArray start = "<!-- example-rules -->\n```json\n";
        const qsizetype from = text.indexOf(start);
        QVERIFY(from >= 0);
        const qsizetype to = text.indexOf("```", from + start.size());
        RulesError error;
        const auto set = parseRules(text.mid(from + start.size(), to - from - start.size()), &error);
        QVERIFY2(set, qPrintable(error.message));
        QVERIFY(set->rules.size() >= 2);
    }

    void selector_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("matches");
        QTest::newRow("star") << "stress-*"
                              << "stress-cpu-1" << true;
        QTest::newRow("anchored") << "stress-*"
                                  << "my-stress-cpu" << false;
        QTest::newRow("question") << "web-?"
                                  << "web-1" << true;
        QTest::newRow("question too short") << "web-?"
                                            << "web-" << false;
        QTest::newRow("literal") << "db"
                                 << "db" << true;
    }
    void selector()
    {
        QFETCH(QString, pattern);
        QFETCH(QString, name);
        QFETCH(bool, matches);
        AlertSelector s;
        s.namePattern = pattern;
        QCOMPARE(s.matches(name, Category::Cpu, {}, false), matches);
    }

    void selectorFields()
    {
        AlertSelector s;
        s.category = Category::Ram;
        s.managed = true;
        s.labels.insert(QStringLiteral("team"), QStringLiteral("qa"));
        const QHash<QString, QString> qa { { QStringLiteral("team"), QStringLiteral("qa") } };
        QVERIFY(s.matches(QStringLiteral("x"), Category::Ram, qa, true));
        QVERIFY(!s.matches(QStringLiteral("x"), Category::Cpu, qa, true));
        QVERIFY(!s.matches(QStringLiteral("x"), Category::Ram, qa, false));
        QVERIFY(!s.matches(QStringLiteral("x"), Category::Ram, {}, true));
        QVERIFY(!s.matches(QStringLiteral("x"), Category::Ram, { { QStringLiteral("team"), QStringLiteral("ops") } },
                           true));
    }
};

QTEST_GUILESS_MAIN(TestRules)
#include "tst_rules.moc"
