// app/settings.cpp: the command line turned into each library's settings,
// with every default resolved once by parseOptions() (data directory,
// image, token file).
#include "cmdoptions.h"
#include "settings.h"

#include <QDir>
#include <QSysInfo>
#include <QTest>

class TestSettings : public QObject
{
    Q_OBJECT

    static Options parse(const QStringList& args)
    {
        QString error;
        auto o = parseOptions(QStringList { QStringLiteral("stevedore") } + args, &error);
        if (!o)
            qFatal("parseOptions: %s", qPrintable(error));
        return *o;
    }

private Q_SLOTS:
    void init()
    {
        qunsetenv("STEVEDORE_IMAGE");
        qunsetenv("STEVEDORE_TOKEN");
        qunsetenv("STEVEDORE_SCOPE_LABELS");
    }

    void defaultDataDirFollowsXdg()
    {
        qputenv("XDG_DATA_HOME", "/tmp/xdg-test-data");
        QCOMPARE(defaultDataDir(), QStringLiteral("/tmp/xdg-test-data/stevedore"));
        // Resolved once, in the parser: every library gets the same one.
        const Options o = parse({});
        QCOMPARE(o.dataDir, QStringLiteral("/tmp/xdg-test-data/stevedore"));
        QCOMPARE(storeSettings(o).dataDir, o.dataDir);
        QCOMPARE(cronSettings(o).dataDir, o.dataDir);
        QCOMPARE(engineSettings(o).store.dataDir, o.dataDir);
        QCOMPARE(o.tokenFile, QStringLiteral("/tmp/xdg-test-data/stevedore/token"));
        qunsetenv("XDG_DATA_HOME");
        QVERIFY(defaultDataDir().endsWith(QLatin1String("/.local/share/stevedore")));
    }

    void imageRule_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("image");
        const QString def = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
        QTest::newRow("default") << QStringList {} << QString() << def;
        QTest::newRow("environment") << QStringList {} << QStringLiteral("env/img") << QStringLiteral("env/img");
        QTest::newRow("flag") << QStringList { QStringLiteral("--image"), QStringLiteral("flag/img") } << QString()
                              << QStringLiteral("flag/img");
        QTest::newRow("flag wins") << QStringList { QStringLiteral("--image"), QStringLiteral("flag/img") }
                                   << QStringLiteral("env/img") << QStringLiteral("flag/img");
        // Naming the default explicitly is a choice too: it beats the environment.
        QTest::newRow("explicit default wins")
            << QStringList { QStringLiteral("--image"), def } << QStringLiteral("env/img") << def;
    }

    void imageRule()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, environment);
        QFETCH(QString, image);
        if (!environment.isEmpty())
            qputenv("STEVEDORE_IMAGE", environment.toUtf8());
        const Options o = parse(args);
        qunsetenv("STEVEDORE_IMAGE");
        QCOMPARE(o.image, image);
        // The window's and --spawn's spawner, and the cron line, all use it.
        QCOMPARE(spawnSettings(o).image, image);
        QCOMPARE(cronSettings(o).image, image);
    }

    void manager()
    {
        const Options o = parse({ QStringLiteral("--no-gui"), QStringLiteral("--dry-run"),
                                  QStringLiteral("--no-manage"), QStringLiteral("--interval"), QStringLiteral("1") });
        qputenv("STEVEDORE_SCOPE_LABELS", "stevedore.test=r1, team");
        const ManagerSettings m = managerSettings(o);
        qunsetenv("STEVEDORE_SCOPE_LABELS");
        QVERIFY(m.dryRun);
        QVERIFY(!m.manage);
        QCOMPARE(m.syncWaitMs, 500);
        QCOMPARE(m.policy.scopeLabels.value(QStringLiteral("stevedore.test")), QStringLiteral("r1"));
        QVERIFY(m.policy.scopeLabels.contains(QStringLiteral("team")));
        const ManagerSettings d = managerSettings(parse({}));
        QVERIFY(d.manage);
        QVERIFY(!d.dryRun);
        QVERIFY(d.policy.scopeLabels.isEmpty());
        QCOMPARE(d.syncWaitMs, 5000);
    }

    void receiverAndStore()
    {
        Options o = parse({ QStringLiteral("--no-gui"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:5050"),
                            QStringLiteral("--token"), QStringLiteral("t"), QStringLiteral("--data-dir"),
                            QStringLiteral("/tmp/d") });
        const ReceiverSettings r = receiverSettings(o);
        QCOMPARE(r.host, QStringLiteral("0.0.0.0"));
        QCOMPARE(r.port, quint16(5050));
        QCOMPARE(r.token, QStringLiteral("t"));
        QVERIFY(r.tokenFile.isEmpty());
        QCOMPARE(storeSettings(o).dataDir, QStringLiteral("/tmp/d"));
        // Without a token: the one in the data directory.
        o = parse({ QStringLiteral("--data-dir"), QStringLiteral("/tmp/d"), QStringLiteral("--allow-host"),
                    QStringLiteral("a.example") });
        QCOMPARE(receiverSettings(o).tokenFile, QStringLiteral("/tmp/d/token"));
        QCOMPARE(receiverSettings(o).allowedHosts, QStringList { QStringLiteral("a.example") });
    }

    void reporter()
    {
        Options o
            = parse({ QStringLiteral("--listen"), QStringLiteral("0.0.0.0:5123"), QStringLiteral("--insecure-listen"),
                      QStringLiteral("--data-dir"), QStringLiteral("/tmp/d") });
        ReporterSettings r = reporterSettings(o);
        QCOMPARE(r.url.toString(), QStringLiteral("http://127.0.0.1:5123/logs"));
        QVERIFY(r.token.isEmpty());
        QCOMPARE(r.tokenFile, QStringLiteral("/tmp/d/token")); // the embedded receiver's
        QVERIFY(!engineSettings(o).reportsElsewhere);
        o = parse({ QStringLiteral("--report-to"), QStringLiteral("http://central:5000"), QStringLiteral("--token"),
                    QStringLiteral("t"), QStringLiteral("--insecure") });
        r = reporterSettings(o);
        QCOMPARE(r.url.toString(), QStringLiteral("http://central:5000/logs"));
        QCOMPARE(r.token, QStringLiteral("t"));
        QVERIFY(engineSettings(o).reportsElsewhere);
        o = parse({ QStringLiteral("--no-listen") });
        QVERIFY(reporterSettings(o).url.isEmpty()); // nothing to report to
        QVERIFY(!engineSettings(o).listen);
    }

    void engine()
    {
        const Options o = parse({ QStringLiteral("--interval"), QStringLiteral("3"), QStringLiteral("--source"),
                                  QStringLiteral("cgroup"), QStringLiteral("--cron-spawn"), QStringLiteral("* * * * *"),
                                  QStringLiteral("--docker-host"), QStringLiteral("unix:///x.sock"),
                                  QStringLiteral("--live-charts") });
        const EngineSettings e = engineSettings(o);
        QCOMPARE(e.intervalSeconds, 3.0);
        QCOMPARE(e.source.kind, SourceOptions::Kind::Cgroup);
        QCOMPARE(e.dockerHost, QStringLiteral("unix:///x.sock"));
        QCOMPARE(e.cron.schedule, QStringLiteral("* * * * *"));
        QCOMPARE(e.cron.dockerHost, QStringLiteral("unix:///x.sock"));
        QVERIFY(e.liveCharts);
        QCOMPARE(e.manager.syncWaitMs, 1500);
        QVERIFY(e.dockerContext.isEmpty());

        // --context reaches the engine and the cron line's environment.
        const EngineSettings c = engineSettings(parse({ QStringLiteral("--context"), QStringLiteral("remote-tls") }));
        QCOMPARE(c.dockerContext, QStringLiteral("remote-tls"));
        QCOMPARE(c.cron.dockerContext, QStringLiteral("remote-tls"));
        QVERIFY(c.dockerHost.isEmpty());
    }

    void hostIdentity_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("name");
        QTest::newRow("hostname") << QStringList() << QSysInfo::machineHostName();
        QTest::newRow("--host-name") << QStringList { QStringLiteral("--host-name"), QStringLiteral("edge-7") }
                                     << QStringLiteral("edge-7");
    }
    void hostIdentity()
    {
        // Resolved once: the snapshots and the alerts' webhooks say the same name.
        QFETCH(QStringList, args);
        QFETCH(QString, name);
        const Options o = parse(args);
        const EngineSettings e = engineSettings(o);
        QCOMPARE(e.host.name, name);
        QCOMPARE(e.host.id, o.machineId);
        QCOMPARE(e.alerts.hostName, name);
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
