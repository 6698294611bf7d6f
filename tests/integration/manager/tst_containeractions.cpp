// ContainerActions (the window's Kill… and Spawn…, no widget code) against
// the real dockerd: kill reports removed / already gone per container, no
// client or a busy spawn is refused, a spawn creates labelled containers.
// Only containers carrying this run's stevedore.test label are touched.
#include "../docker/dockertest.h"

#include "core/manager/containeractions.h"

#include <QSignalSpy>
#include <QTest>

using namespace DockerTest;

class TestContainerActions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void killReportsEachContainer();
    void withoutClientEverythingFails();
    void spawnCreatesLabelledContainers();

private:
    SpawnSettings spawnSettings() const;
    std::unique_ptr<DockerClient> m_client;
    QString m_run;
};

SpawnSettings TestContainerActions::spawnSettings() const
{
    SpawnSettings s;
    s.networkMode = QStringLiteral("none");
    s.vmBytes = QStringLiteral("8M");
    s.hddBytes = QStringLiteral("8M");
    s.extraLabels.insert(testLabel(), m_run);
    return s;
}

void TestContainerActions::initTestCase()
{
    m_run = newRunId("actions");
    m_client = std::make_unique<DockerClient>(DockerEndpoint::defaultEndpoint());
    const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { m_client->ping(cb); });
    QVERIFY2(ping && ping->ok(), "dockerd must run for this test");
    const auto image = await<ImageInfo>([&](DockerClient::Callback<ImageInfo> cb) {
        m_client->inspectImage(QStringLiteral(STEVEDORE_DEFAULT_IMAGE), cb);
    });
    QVERIFY2(image && image->ok(), "the stress image is missing: run scripts/build-stress-image.sh");
}

void TestContainerActions::cleanupTestCase()
{
    if (m_client)
        removeRun(*m_client, m_run);
}

void TestContainerActions::killReportsEachContainer()
{
    ContainerSpec spec;
    spec.name = QStringLiteral("stevedore-actions-%1").arg(m_run);
    spec.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
    spec.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec sleep 600") };
    spec.networkMode = QStringLiteral("none");
    spec.labels.insert(testLabel(), m_run);
    const auto run = await<QString>([&](DockerClient::Callback<QString> cb) { m_client->runContainer(spec, cb); });
    QVERIFY2(run && run->ok(), run ? qPrintable(run->error.message) : "timeout");

    ContainerActions actions(m_client.get(), spawnSettings());
    QVERIFY(actions.isConnected());
    ContainerMetrics mine;
    mine.id = run->value;
    mine.name = spec.name;
    ContainerMetrics gone;
    gone.id = QString(64, QLatin1Char('f')); // no such container
    QSignalSpy busy(&actions, &ContainerActions::busyChanged);
    QSignalSpy finished(&actions, &ContainerActions::killFinished);
    actions.kill({ mine, gone });
    QVERIFY(actions.isKilling());
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 30000);
    QVERIFY(!actions.isKilling());
    QCOMPARE(busy.count(), 2); // busy, then idle
    const auto results = finished.at(0).at(0).value<QList<Decision>>();
    QCOMPARE(results.size(), 2);
    for (const Decision& d : results) {
        QCOMPARE(d.action, Decision::Action::Kill);
        QVERIFY(d.time.isValid());
        if (d.id == mine.id)
            QCOMPARE(d.result, Decision::Result::Removed);
        else
            QCOMPARE(d.result, Decision::Result::AlreadyGone);
    }
    const auto inspect = await<ContainerInfo>(
        [&](DockerClient::Callback<ContainerInfo> cb) { m_client->inspectContainer(mine.id, cb); });
    QVERIFY(inspect && inspect->error.isNotFound());
}

void TestContainerActions::withoutClientEverythingFails()
{
    ContainerActions actions(nullptr, spawnSettings());
    QVERIFY(!actions.isConnected());
    QSignalSpy finished(&actions, &ContainerActions::killFinished);
    ContainerMetrics c;
    c.id = QString(64, QLatin1Char('e'));
    actions.kill({ c });
    QCOMPARE(finished.count(), 1); // at once: nobody to ask
    const auto results = finished.at(0).at(0).value<QList<Decision>>();
    QCOMPARE(results.value(0).result, Decision::Result::Failed);
    QVERIFY(!results.value(0).error.isEmpty());
    SpawnRequest request;
    QVERIFY(!actions.spawn(request));
}

void TestContainerActions::spawnCreatesLabelledContainers()
{
    ContainerActions actions(m_client.get(), spawnSettings());
    SpawnRequest request;
    request.count = 2;
    request.types = { StressType::Cpu };
    QSignalSpy spawned(&actions, &ContainerActions::containerSpawned);
    QSignalSpy finished(&actions, &ContainerActions::spawnFinished);
    QVERIFY(actions.spawn(request));
    QVERIFY(actions.isSpawning());
    QVERIFY(!actions.spawn(request)); // one spawn at a time
    QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
    QVERIFY(!actions.isSpawning());
    const auto report = finished.at(0).at(0).value<SpawnReport>();
    QVERIFY2(report.ok(), qPrintable(report.errors.join(QLatin1Char('\n'))));
    QCOMPARE(spawned.count(), 2);
    for (const auto& args : spawned) {
        const auto c = args.at(0).value<SpawnedContainer>();
        const auto info = await<ContainerInfo>(
            [&](DockerClient::Callback<ContainerInfo> cb) { m_client->inspectContainer(c.id, cb); });
        QVERIFY(info && info->ok());
        QCOMPARE(info->value.labels.value(testLabel()), m_run);
        QCOMPARE(info->value.labels.value(QStringLiteral("stevedore.category")), QStringLiteral("cpu"));
    }
}

QTEST_GUILESS_MAIN(TestContainerActions)
#include "tst_containeractions.moc"
