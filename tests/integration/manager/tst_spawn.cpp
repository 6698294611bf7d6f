// The C++ spawner, `stevedore --spawn` (app/commands/spawn.cpp) and scripts/spawn_containers.sh
// against the real dockerd: same names, labels and commands.
#include "../docker/dockertest.h"

#include "core/manager/spawner.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace DockerTest;

class TestSpawn : public QObject
{
    Q_OBJECT

    std::unique_ptr<DockerClient> m_client;
    QString m_run;

    QList<ContainerInfo> containersOfRun()
    {
        ContainerListQuery q;
        q.all = true;
        q.labels = { testLabel() + QLatin1Char('=') + m_run };
        const auto listed = await<QList<ContainerSummary>>(
            [&](DockerClient::Callback<QList<ContainerSummary>> cb) { m_client->listContainers(q, cb); });
        QList<ContainerInfo> out;
        if (!listed || !listed->ok())
            return out;
        for (const auto& c : listed->value) {
            const auto info = await<ContainerInfo>(
                [&](DockerClient::Callback<ContainerInfo> cb) { m_client->inspectContainer(c.id, cb); });
            if (info && info->ok())
                out.append(info->value);
        }
        return out;
    }

    // What every spawned container must look like, whoever spawned it.
    static void checkSpawned(const ContainerInfo& c, const QString& vmBytes, const QString& hddBytes)
    {
        QVERIFY2(isSpawnName(c.name), qPrintable(c.name));
        const auto type = stressTypeFromName(c.name.section(QLatin1Char('_'), 1, 1));
        QVERIFY(type);
        QCOMPARE(c.labels.value(QStringLiteral("stevedore.managed")), QStringLiteral("true"));
        QCOMPARE(c.labels.value(QStringLiteral("stevedore.category")), categoryName(stressTypeCategory(*type)));
        SpawnSettings s;
        s.vmBytes = vmBytes;
        s.hddBytes = hddBytes;
        QCOMPARE(c.cmd,
                 QStringList({ QStringLiteral("sh"), QStringLiteral("-c"),
                               QStringLiteral("exec stress ") + stressOptions(*type, s) }));
        QCOMPARE(c.state, QStringLiteral("running"));
        // exec: stress itself becomes the container's main process (sh
        // may still be starting when `docker start` returns).
        QByteArray comm;
        waitUntil(
            [&] {
                QFile f(QStringLiteral("/proc/%1/comm").arg(c.pid));
                comm = f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
                return comm == "stress";
            },
            5000);
        QCOMPARE(comm, QByteArray("stress"));
    }

    QProcessEnvironment scriptEnv() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STEVEDORE_VM_BYTES"), QStringLiteral("16M"));
        env.insert(QStringLiteral("STEVEDORE_HDD_BYTES"), QStringLiteral("8M"));
        env.insert(QStringLiteral("STEVEDORE_DOCKER_ARGS"), QStringLiteral("--network none"));
        env.insert(QStringLiteral("STEVEDORE_LABELS"), testLabel() + QLatin1Char('=') + m_run);
        return env;
    }

    struct Ran
    {
        int code = -1;
        QString out;
        QString err;
    };

    static Ran script(const QStringList& args, const QProcessEnvironment& env)
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(STEVEDORE_SOURCE_DIR "/scripts/spawn_containers.sh"), args);
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
        }
        return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                 QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()) };
    }

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<SpawnReport>();
        QString error;
        const auto endpoint = resolveDockerHost(DockerHostInputs::fromEnvironment({}), &error);
        QVERIFY2(endpoint, qPrintable(error));
        m_client = std::make_unique<DockerClient>(*endpoint);
        m_run = newRunId("spawn");
        const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { m_client->ping(cb); });
        QVERIFY2(ping && ping->ok(), ping ? qPrintable(ping->error.message) : "ping timed out");
    }

    void cleanup()
    {
        if (m_client)
            removeRun(*m_client, m_run);
    }

    void cleanupTestCase()
    {
        if (m_client) {
            removeRun(*m_client, m_run);
            QVERIFY(containersOfRun().isEmpty());
        }
    }

    void spawnerMakesOriginalContainers()
    {
        SpawnSettings s;
        s.vmBytes = QStringLiteral("16M");
        s.hddBytes = QStringLiteral("8M");
        s.networkMode = QStringLiteral("none");
        s.extraLabels = { { testLabel(), m_run } };
        Spawner spawner(m_client.get(), s);
        QSignalSpy each(&spawner, &Spawner::containerSpawned);
        QSignalSpy done(&spawner, &Spawner::finished);
        spawner.spawnTypes(allStressTypes());
        QVERIFY(done.wait(30000));
        const auto report = done.first().at(0).value<SpawnReport>();
        QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char(';'))));
        QCOMPARE(report.created.size(), 4);
        QCOMPARE(each.count(), 4);
        const auto containers = containersOfRun();
        QCOMPARE(containers.size(), 4);
        QSet<QString> categories;
        for (const ContainerInfo& c : containers) {
            checkSpawned(c, s.vmBytes, s.hddBytes);
            categories.insert(c.labels.value(QStringLiteral("stevedore.category")));
            QCOMPARE(c.labels.value(testLabel()), m_run);
        }
        QCOMPARE(categories,
                 QSet<QString>(
                     { QStringLiteral("cpu"), QStringLiteral("ram"), QStringLiteral("io"), QStringLiteral("disk") }));
        // In the order asked for.
        for (int i = 0; i < 3; ++i) {
            const auto& a = report.created[i];
            const auto& b = report.created[i + 1];
            const auto ia = std::find_if(containers.cbegin(), containers.cend(), [&](auto& c) { return c.id == a.id; });
            const auto ib = std::find_if(containers.cbegin(), containers.cend(), [&](auto& c) { return c.id == b.id; });
            QVERIFY(ia != containers.cend() && ib != containers.cend());
            QVERIFY(ia->createdNs < ib->createdNs);
        }
    }

    void missingImageIsAClearError()
    {
        SpawnSettings s;
        s.image = QStringLiteral("stevedore-test/no-such-image:%1").arg(m_run);
        s.extraLabels = { { testLabel(), m_run } };
        Spawner spawner(m_client.get(), s);
        QSignalSpy done(&spawner, &Spawner::finished);
        spawner.spawn(2);
        QVERIFY(done.wait(60000));
        const auto report = done.first().at(0).value<SpawnReport>();
        QVERIFY(!report.ok());
        QVERIFY(report.created.isEmpty());
        QVERIFY2(report.errors.first().contains(QLatin1String("is not present and could not be pulled")),
                 qPrintable(report.errors.first()));
        QVERIFY(containersOfRun().isEmpty());
    }

#ifdef STEVEDORE_EXE
    // `stevedore --spawn N` as a user runs it (app/commands/spawn.cpp); the
    // core-only build has no binary.
    void spawnCommandLine()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STEVEDORE_VM_BYTES"), QStringLiteral("16M"));
        env.insert(QStringLiteral("STEVEDORE_HDD_BYTES"), QStringLiteral("8M"));
        env.insert(QStringLiteral("STEVEDORE_NETWORK"), QStringLiteral("none"));
        env.insert(QStringLiteral("STEVEDORE_LABELS"), testLabel() + QLatin1Char('=') + m_run);
        auto run = [&env](const QStringList& args) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(QStringLiteral(STEVEDORE_EXE), args);
            if (!p.waitForFinished(90000)) {
                p.kill();
                p.waitForFinished();
            }
            return Ran { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                         QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError()) };
        };
        const Ran ok = run({ QStringLiteral("--spawn"), QStringLiteral("3") });
        QVERIFY2(ok.code == 0, qPrintable(ok.err));
        QVERIFY2(ok.out.contains(QLatin1String("[INFO] 3 of 3 containers created")), qPrintable(ok.out));
        const auto containers = containersOfRun();
        QCOMPARE(containers.size(), 3);
        for (const ContainerInfo& c : containers)
            checkSpawned(c, QStringLiteral("16M"), QStringLiteral("8M"));

        for (const QString& host :
             { QStringLiteral("unix:///nonexistent/stevedore-test.sock"), QStringLiteral("ssh://nope") }) {
            const Ran bad
                = run({ QStringLiteral("--spawn"), QStringLiteral("1"), QStringLiteral("--docker-host"), host });
            QCOMPARE(bad.code, 1);
            QVERIFY2(bad.err.startsWith(QLatin1String("stevedore: ")), qPrintable(bad.err));
        }
    }
#endif

    void scriptMakesTheSameContainers()
    {
        const Ran r = script({ QStringLiteral("4") }, scriptEnv());
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        static const QRegularExpression line(QStringLiteral(
            "^Container created: (stress_(cpu|io|vm|hdd)_[a-z0-9]{8}) with option (--\\S+ .*) \\(type: \\2\\)$"));
        for (const QString& l : lines)
            QVERIFY2(line.match(l).hasMatch(), qPrintable(l));
        const auto containers = containersOfRun();
        QCOMPARE(containers.size(), 4);
        for (const ContainerInfo& c : containers)
            checkSpawned(c, QStringLiteral("16M"), QStringLiteral("8M"));
    }

    void scriptErrorsAreClear_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("var");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad count") << QStringList { QStringLiteral("ten") } << ""
                                   << ""
                                   << "COUNT must be a number";
        QTest::newRow("no docker") << QStringList { QStringLiteral("1") } << "STEVEDORE_DOCKER"
                                   << "/nonexistent/docker"
                                   << "docker CLI '/nonexistent/docker' not found";
        QTest::newRow("dead daemon") << QStringList { QStringLiteral("1") } << "DOCKER_HOST"
                                     << "unix:///nonexistent/stevedore-test.sock"
                                     << "cannot reach the Docker engine at unix:///nonexistent/stevedore-test.sock";
        QTest::newRow("missing image") << QStringList { QStringLiteral("1") } << "STEVEDORE_IMAGE"
                                       << "stevedore-test/no-such-image:x"
                                       << "image stevedore-test/no-such-image:x is not present and cannot be pulled";
        QTest::newRow("bad size") << QStringList { QStringLiteral("1") } << "STEVEDORE_VM_BYTES"
                                  << "lots"
                                  << "STEVEDORE_VM_BYTES must look like";
    }

    void scriptErrorsAreClear()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, var);
        QFETCH(QString, value);
        QFETCH(QString, message);
        QProcessEnvironment env = scriptEnv();
        if (!var.isEmpty())
            env.insert(var, value);
        const Ran r = script(args, env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith(QLatin1String("spawn_containers: ")), qPrintable(r.err));
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(containersOfRun().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSpawn)
#include "tst_spawn.moc"
