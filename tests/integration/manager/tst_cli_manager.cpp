// The real binary: `stevedore --no-gui --cron-spawn ...` keeps the newest
// managed container per category, leaves an unlabelled twin alone, installs
// its crontab line and removes it again on SIGTERM. Scoped with
// STEVEDORE_SCOPE_LABELS to this run's containers (the daemon is shared).
#include "../docker/dockertest.h"

#include "core/manager/crontab.h"
#include "core/manager/spawner.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

using namespace DockerTest;

class TestCliManager : public QObject
{
    Q_OBJECT

    std::unique_ptr<DockerClient> m_client;
    QString m_run;
    QTemporaryDir m_tmp;
    CrontabRunner m_crontab;
    std::optional<QByteArray> m_savedCrontab;
    bool m_readCrontab = false;
    bool m_scoped = false;

    QSet<QString> running()
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

    QByteArray crontab()
    {
        QString error;
        const auto c = m_crontab.read(nullptr, &error);
        return c ? *c : QByteArray();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qRegisterMetaType<SpawnReport>();
        QString error;
        m_client = DockerClient::create({}, &error);
        QVERIFY2(m_client, qPrintable(error));
        m_run = newRunId("cli");
        QVERIFY2(m_crontab.isAvailable(), "crontab(1) is missing: install cron");
        bool exists = false;
        const auto saved = m_crontab.read(&exists, &error);
        QVERIFY2(saved, qPrintable(error));
        m_readCrontab = true;
        if (exists)
            m_savedCrontab = *saved;
    }

    void cleanupTestCase()
    {
        if (m_client) {
            removeRun(*m_client, m_run);
            QVERIFY(running().isEmpty());
        }
        if (!m_readCrontab)
            return;
        QString error;
        if (m_savedCrontab) {
            QVERIFY2(m_crontab.write(*m_savedCrontab, &error), qPrintable(error));
        } else {
            bool exists = false;
            m_crontab.read(&exists, nullptr);
            if (exists)
                QVERIFY2(m_crontab.removeAll(&error), qPrintable(error));
        }
    }

    QProcessEnvironment scopedEnv() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STEVEDORE_SCOPE_LABELS"), testLabel() + QLatin1Char('=') + m_run);
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), m_tmp.filePath(QStringLiteral("state")));
        return env;
    }

    void binaryHonoursTheScope()
    {
        // Safety first: a manager that ignores STEVEDORE_SCOPE_LABELS would
        // remove every managed container on the shared daemon. Check with
        // --dry-run (which removes nothing) before the real run.
        QProcess dry;
        dry.setProcessEnvironment(scopedEnv());
        dry.setProcessChannelMode(QProcess::MergedChannels);
        dry.start(QStringLiteral(STEVEDORE_BINARY_DIR "/app/stevedore"),
                  { QStringLiteral("--no-gui"), QStringLiteral("--no-listen"), QStringLiteral("--dry-run"),
                    QStringLiteral("--interval"), QStringLiteral("1") });
        QVERIFY(dry.waitForStarted(5000));
        QByteArray output;
        waitUntil(
            [&] {
                output += dry.readAll();
                return output.contains("Manager:");
            },
            10000);
        dry.terminate();
        dry.waitForFinished(10000);
        output += dry.readAll();
        m_scoped = output.contains("(scope: stevedore.test)");
        QVERIFY2(m_scoped,
                 "stevedore ignores STEVEDORE_SCOPE_LABELS (build its ManagerSettings with "
                 "managerSettings() in app/settings.cpp): refusing to run an unscoped manager on a shared daemon");
    }

    void serviceManagesAndCleansUpItsCrontab()
    {
        if (!m_scoped)
            QFAIL("not run: the binary does not honour STEVEDORE_SCOPE_LABELS (see binaryHonoursTheScope)");
        SpawnSettings s;
        s.networkMode = QStringLiteral("none");
        s.extraLabels = { { testLabel(), m_run } };
        Spawner spawner(m_client.get(), s);
        QSignalSpy done(&spawner, &Spawner::finished);
        spawner.spawnTypes({ StressType::Cpu, StressType::Cpu });
        QVERIFY(done.wait(30000));
        const auto report = done.first().at(0).value<SpawnReport>();
        QCOMPARE(report.created.size(), 2);

        ContainerSpec twin;
        twin.name = QStringLiteral("stress_cpu_") + randomNameSuffix(*QRandomGenerator::system());
        twin.image = s.image;
        twin.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec stress --cpu 1") };
        twin.labels = { { testLabel(), m_run } };
        twin.networkMode = QStringLiteral("none");
        const auto t = await<QString>([&](DockerClient::Callback<QString> cb) { m_client->runContainer(twin, cb); });
        QVERIFY(t && t->ok());

        const QByteArray before = crontab();
        QProcess stevedore;
        stevedore.setProcessEnvironment(scopedEnv());
        stevedore.setProcessChannelMode(QProcess::MergedChannels);
        stevedore.start(QStringLiteral(STEVEDORE_BINARY_DIR "/app/stevedore"),
                        { QStringLiteral("--no-gui"), QStringLiteral("--no-listen"), QStringLiteral("--interval"),
                          QStringLiteral("1"), QStringLiteral("--cron-spawn"), QStringLiteral("*/30 * * * *") });
        QVERIFY(stevedore.waitForStarted(5000));
        QByteArray output;
        const bool settled = waitUntil(
            [&] {
                output += stevedore.readAll();
                return running() == QSet<QString>({ report.created[1].id, t->value })
                    && output.contains("Removed containers:\n");
            },
            30000);
        output += stevedore.readAll();
        QVERIFY2(settled, output.right(3000).constData());
        const QByteArray during = crontab();
        QVERIFY2(during.contains(Crontab::markerPrefix()), during.constData());
        QVERIFY(during.startsWith(before));

        ::kill(pid_t(stevedore.processId()), SIGTERM);
        QVERIFY(stevedore.waitForFinished(20000));
        output += stevedore.readAll();
        QCOMPARE(stevedore.exitStatus(), QProcess::NormalExit);
        QVERIFY2(stevedore.exitCode() == 0, output.right(3000).constData());
        QCOMPARE(crontab(), before);
        QVERIFY2(output.contains("Removed containers:"), output.right(3000).constData());
        QVERIFY(output.contains(report.created[0].id.left(12).toLatin1()));
        QVERIFY(!output.contains(QByteArray("Removing old container: " + twin.name.toLatin1())));
    }
};

QTEST_GUILESS_MAIN(TestCliManager)
#include "tst_cli_manager.moc"
