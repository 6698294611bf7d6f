// The keep-newest manager against the real dockerd, on containers this run
// spawns (stevedore.test=<run>, and a manager scoped to that label so other
// people's managed containers on the shared daemon are never candidates).
#include "../docker/dockertest.h"

#include "core/manager/manager.h"
#include "core/manager/spawner.h"
#include "core/metrics/collector.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace DockerTest;

class TestManager : public QObject
{
    Q_OBJECT

    std::unique_ptr<DockerClient> m_client;
    std::unique_ptr<Collector> m_collector;
    QString m_run;
    QTemporaryDir m_tmp;

    SpawnSettings light() const
    {
        SpawnSettings s;
        s.vmBytes = QStringLiteral("16M");
        s.hddBytes = QStringLiteral("8M");
        s.networkMode = QStringLiteral("none");
        s.extraLabels = { { testLabel(), m_run } };
        return s;
    }

    ManagerSettings scoped() const
    {
        ManagerSettings o;
        o.policy.scopeLabels = { { testLabel(), m_run } };
        o.syncWaitMs = 3000;
        return o;
    }

    QList<SpawnedContainer> spawn(const QList<StressType>& types)
    {
        Spawner spawner(m_client.get(), light());
        QSignalSpy done(&spawner, &Spawner::finished);
        spawner.spawnTypes(types);
        if (!done.wait(30000))
            qFatal("spawn did not finish");
        const auto report = done.first().at(0).value<SpawnReport>();
        if (!report.ok())
            qWarning("spawn errors: %s", qPrintable(report.errors.join(QLatin1String("; "))));
        return report.created;
    }

    QString runUnlabelledTwin(const QString& suffix)
    {
        // Named and running exactly like a spawned cpu container, but not
        // labelled stevedore.managed=true: the manager must leave it alone.
        ContainerSpec spec;
        spec.name = QStringLiteral("stress_cpu_") + suffix;
        spec.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
        spec.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec stress --cpu 1") };
        spec.labels = { { testLabel(), m_run } };
        spec.networkMode = QStringLiteral("none");
        const auto r = await<QString>([&](DockerClient::Callback<QString> cb) { m_client->runContainer(spec, cb); });
        return r && r->ok() ? r->value : QString();
    }

    QSet<QString> runningOfRun()
    {
        ContainerListQuery q;
        q.labels = { testLabel() + QLatin1Char('=') + m_run };
        const auto r = await<QList<ContainerSummary>>(
            [&](DockerClient::Callback<QList<ContainerSummary>> cb) { m_client->listContainers(q, cb); });
        QSet<QString> ids;
        if (r && r->ok()) {
            for (const auto& c : r->value)
                ids.insert(c.id);
        }
        return ids;
    }

    Snapshot sample()
    {
        QString error;
        const auto s = m_collector->collect(&error);
        if (!s)
            qWarning("collector: %s", qPrintable(error));
        return s ? *s : Snapshot {};
    }

    // Runs one tick and waits for it to finish; returns its decisions.
    static QList<Decision> tickOnce(Manager& m, const Snapshot& s, int timeoutMs = 20000)
    {
        QSignalSpy finished(&m, &Manager::tickFinished);
        QSignalSpy decided(&m, &Manager::decisionsReady);
        m.tick(s);
        if (finished.isEmpty() && !finished.wait(timeoutMs))
            qFatal("tick did not finish");
        return decided.isEmpty() ? QList<Decision> {} : decided.last().at(0).value<QList<Decision>>();
    }

    static QString suffix() { return randomNameSuffix(*QRandomGenerator::system()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qRegisterMetaType<SpawnReport>();
        QString error;
        const auto endpoint = resolveDockerHost(DockerHostInputs::fromEnvironment({}), &error);
        QVERIFY2(endpoint, qPrintable(error));
        m_client = std::make_unique<DockerClient>(*endpoint);
        m_run = newRunId("mgr");
        const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { m_client->ping(cb); });
        QVERIFY2(ping && ping->ok(), ping ? qPrintable(ping->error.message) : "ping timed out");
        m_collector = std::make_unique<Collector>(SourceOptions {});
        sample(); // prime the rates
    }

    void cleanup()
    {
        // Stress containers are not kept from one test to the next.
        if (m_client)
            removeRun(*m_client, m_run);
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        removeRun(*m_client, m_run);
        QVERIFY(runningOfRun().isEmpty());
    }

    void keepsTheNewestPerCategoryAndNothingElse()
    {
        const QString olderTwin = runUnlabelledTwin(suffix());
        QVERIFY(!olderTwin.isEmpty());
        // Two of each; the second of each type is created last.
        const QList<StressType> order = { StressType::Cpu, StressType::Vm, StressType::Io, StressType::Hdd,
                                          StressType::Hdd, StressType::Io, StressType::Vm, StressType::Cpu };
        const QList<SpawnedContainer> spawned = spawn(order);
        QCOMPARE(spawned.size(), 8);
        const QString newerTwin = runUnlabelledTwin(suffix());
        QVERIFY(!newerTwin.isEmpty());
        QHash<StressType, QString> newest, oldest;
        for (const SpawnedContainer& c : spawned) {
            QVERIFY(isSpawnName(c.name));
            if (!oldest.contains(c.type))
                oldest.insert(c.type, c.id);
            newest.insert(c.type, c.id);
        }

        Manager manager(m_client.get(), scoped());
        QStringList log;
        connect(&manager, &Manager::logLine, this, [&](const QString& l) { log.append(l); });
        QSignalSpy synced(&manager, &Manager::synced);
        manager.start();
        QVERIFY(synced.wait(10000));

        // 1. dry run: decides, logs, removes nothing.
        manager.setDryRun(true);
        const QList<Decision> dry = tickOnce(manager, sample());
        QCOMPARE(std::count_if(dry.cbegin(), dry.cend(),
                               [](const Decision& d) {
                                   return d.action == Decision::Action::Kill && d.result == Decision::Result::DryRun;
                               }),
                 4);
        QCOMPARE(runningOfRun().size(), 10);
        QVERIFY(log.join(QLatin1Char('\n')).contains(QLatin1String("[DRY-RUN] Would remove old container")));

        // 2. --no-manage: monitors only.
        manager.setDryRun(false);
        manager.setManage(false);
        QSignalSpy enriched(&manager, &Manager::snapshotReady);
        QVERIFY(tickOnce(manager, sample()).isEmpty());
        QCOMPARE(runningOfRun().size(), 10);
        // The snapshot carries Docker's names and labels for our containers.
        const Snapshot s = enriched.last().at(0).value<Snapshot>();
        int seenManaged = 0;
        for (const ContainerMetrics& c : s.containers) {
            if (c.labels.value(testLabel()) != m_run)
                continue;
            QVERIFY(c.created.isValid());
            QCOMPARE(c.state, QStringLiteral("running"));
            if (c.managed) {
                ++seenManaged;
                QVERIFY2(isSpawnName(c.name), qPrintable(c.name));
                QCOMPARE(categoryName(c.category), c.labels.value(QStringLiteral("stevedore.category")));
            }
        }
        QCOMPARE(seenManaged, 8);

        // 3. for real, a few ticks.
        manager.setManage(true);
        const QList<Decision> first = tickOnce(manager, sample());
        QList<Decision> later;
        for (int i = 0; i < 2; ++i)
            later += tickOnce(manager, sample());

        QSet<QString> killed;
        for (const Decision& d : first) {
            if (d.action != Decision::Action::Kill)
                continue;
            QCOMPARE(d.result, Decision::Result::Removed);
            killed.insert(d.id);
            QVERIFY(d.pid > 0);
            QVERIFY(!d.reason.isEmpty());
        }
        QCOMPARE(killed, QSet<QString>(oldest.cbegin(), oldest.cend()));
        for (const Decision& d : later)
            QVERIFY2(d.action != Decision::Action::Kill, "later ticks have nothing left to remove");

        QSet<QString> expected(newest.cbegin(), newest.cend());
        expected << olderTwin << newerTwin;
        QCOMPARE(runningOfRun(), expected);

        // The log has a line per removal and the original-style table.
        const QString text = log.join(QLatin1Char('\n'));
        qInfo().noquote() << text;
        for (const QString& id : std::as_const(killed)) {
            QVERIFY2(text.contains(QStringLiteral("Removing old container")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("| %1 |").arg(id.left(12))), qPrintable(text));
        }
        QVERIFY(text.contains(QLatin1String("[INFO] Removed containers:\n+--------------+----------+")));
        QVERIFY(!text.contains(olderTwin.left(12)));
        QVERIFY(!text.contains(newerTwin.left(12)));
    }

    void survivesTheDaemonGoingAwayAndComingBack()
    {
        SocketProxy proxy;
        const QString path = m_tmp.filePath(QStringLiteral("docker-proxy.sock"));
        QVERIFY(proxy.listenUnix(path));
        DockerClient viaProxy(*parseDockerHost(QStringLiteral("unix://") + path, nullptr));
        viaProxy.setTimeout(1500);
        viaProxy.setEventsBackoff(100, 500);
        Manager manager(&viaProxy, scoped());
        QStringList log;
        connect(&manager, &Manager::logLine, this, [&](const QString& l) { log.append(l); });
        QSignalSpy synced(&manager, &Manager::synced);
        QSignalSpy connection(&manager, &Manager::connectionChanged);
        manager.start();
        QVERIFY(synced.wait(10000));

        const auto a = spawn({ StressType::Cpu });
        QCOMPARE(a.size(), 1);
        QVERIFY(tickOnce(manager, sample()).size() == 1); // keeps it, nothing else

        // The daemon goes away.
        proxy.stop();
        QVERIFY(waitUntil([&] { return !manager.isConnected(); }, 5000));
        const auto b = spawn({ StressType::Cpu, StressType::Cpu }); // behind the manager's back
        QCOMPARE(b.size(), 2);
        QSignalSpy enriched(&manager, &Manager::snapshotReady);
        const auto blind = tickOnce(manager, sample());
        QVERIFY(blind.isEmpty());
        QVERIFY(!enriched.last().at(0).value<Snapshot>().warnings.isEmpty());
        QCOMPARE(runningOfRun().size(), 3);

        // It hangs instead: ticks still end, within the timeouts.
        proxy.setHang(true);
        QVERIFY(proxy.restart());
        QElapsedTimer t;
        t.start();
        QVERIFY(tickOnce(manager, sample(), 15000).isEmpty());
        QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(runningOfRun().size(), 3);

        // And comes back: the manager resyncs and does the right thing.
        proxy.stop();
        proxy.setHang(false);
        const int syncsBefore = int(synced.count());
        QVERIFY(proxy.restart());
        QVERIFY(waitUntil([&] { return manager.isConnected() && synced.count() > syncsBefore && manager.isIdle(); },
                          10000));
        const auto after = tickOnce(manager, sample());
        QSet<QString> killed;
        for (const Decision& d : after) {
            if (d.action == Decision::Action::Kill && d.result == Decision::Result::Removed)
                killed.insert(d.id);
        }
        QCOMPARE(killed, QSet<QString>({ a[0].id, b[0].id }));
        QCOMPARE(runningOfRun(), QSet<QString>({ b[1].id }));
        const QString text = log.join(QLatin1Char('\n'));
        qInfo().noquote() << text;
        QVERIFY2(text.contains(QLatin1String("cannot reach Docker at unix://")), qPrintable(text));
        QVERIFY(text.contains(QLatin1String("Docker reachable at")));
        QVERIFY(connection.count() >= 2);
    }

    void firstTickAlreadyShowsDockerNames()
    {
        const auto c = spawn({ StressType::Cpu });
        QCOMPARE(c.size(), 1);
        QVERIFY(waitUntil([&] { return sample().find(c[0].id) != nullptr; }, 5000));
        Manager manager(m_client.get(), scoped());
        QSignalSpy ready(&manager, &Manager::snapshotReady);
        manager.start();
        tickOnce(manager, sample()); // right away, before the first list came back
        QCOMPARE(ready.count(), 1);
        const Snapshot s = ready.first().at(0).value<Snapshot>();
        const ContainerMetrics* m = s.find(c[0].id);
        QVERIFY(m);
        QCOMPARE(m->name, c[0].name);
        QVERIFY(m->managed);
        QVERIFY(m->created.isValid());
    }

    void reportsWhatOthersRemoved()
    {
        // A container removed by someone else between decision and action
        // is "already gone", not a failure; and a destroy event drops it
        // from the cache without a tick.
        const auto c = spawn({ StressType::Io });
        QCOMPARE(c.size(), 1);
        Manager manager(m_client.get(), scoped());
        QSignalSpy synced(&manager, &Manager::synced);
        manager.start();
        QVERIFY(synced.wait(10000));
        QVERIFY(waitUntil([&] { return manager.metadata().contains(c[0].id); }, 5000));
        const auto removed = await<DockerNothing>(
            [&](DockerClient::Callback<DockerNothing> cb) { m_client->removeContainer(c[0].id, true, cb); });
        QVERIFY(removed && removed->ok());
        QVERIFY(waitUntil([&] { return !manager.metadata().contains(c[0].id); }, 5000));
    }
};

QTEST_GUILESS_MAIN(TestManager)
#include "tst_manager.moc"
