// The lifecycle actions (ContainerActions::apply on DockerClient's stop,
// start, restart, pause, unpause, kill, remove) and the followed log stream
// against the real dockerd, checking Docker's own state after each step.
// Containers are light (busybox sleep from the local stress image, no
// network), carry stevedore.test=<this run>, and are always removed.
#include "dockertest.h"

#include "core/docker/logstream.h"
#include "core/manager/containeractions.h"

#include <QSignalSpy>
#include <QTest>

using namespace DockerTest;

class TestLifecycle : public QObject
{
    Q_OBJECT

    std::unique_ptr<DockerClient> m_client;
    QString m_run;

    ContainerSpec spec(const QString& suffix, const QString& command) const
    {
        ContainerSpec s;
        s.name = QStringLiteral("stevedore_t_%1_%2").arg(m_run, suffix);
        s.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
        // sh as PID 1 ignores SIGTERM: trap it so a graceful stop is quick.
        s.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), command };
        s.labels = { { testLabel(), m_run } };
        s.networkMode = QStringLiteral("none");
        return s;
    }

    QString run(const ContainerSpec& s)
    {
        const auto r = await<QString>([&](DockerClient::Callback<QString> cb) { m_client->runContainer(s, cb); });
        return r && r->ok() ? r->value : QString();
    }

    // Docker's view: State.Status, or "gone" when it no longer exists.
    QString dockerState(const QString& id)
    {
        const auto r = await<ContainerInfo>(
            [&](DockerClient::Callback<ContainerInfo> cb) { m_client->inspectContainer(id, cb); });
        if (!r)
            return QStringLiteral("timeout");
        if (r->error.isNotFound())
            return QStringLiteral("gone");
        return r->ok() ? r->value.state : r->error.message;
    }

    // Applies one action and waits for its report.
    LifecycleReport apply(ContainerActions& actions, LifecycleAction action, const QList<ContainerMetrics>& rows)
    {
        QSignalSpy finished(&actions, &ContainerActions::lifecycleFinished);
        const quint64 batch = actions.apply(action, rows);
        if (batch == 0 || !finished.wait(90000))
            return {};
        return finished.at(0).at(0).value<LifecycleReport>();
    }

    static ContainerMetrics row(const QString& id, const QString& name)
    {
        ContainerMetrics c;
        c.id = id;
        c.name = name;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_run = newRunId("lc");
        m_client = std::make_unique<DockerClient>(DockerEndpoint::defaultEndpoint());
        const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { m_client->ping(cb); });
        QVERIFY2(ping && ping->ok(), "dockerd must run for this test");
        const auto image = await<ImageInfo>([&](DockerClient::Callback<ImageInfo> cb) {
            m_client->inspectImage(QStringLiteral(STEVEDORE_DEFAULT_IMAGE), cb);
        });
        QVERIFY2(image && image->ok(), "the stress image is missing: run scripts/build-stress-image.sh");
    }

    void cleanupTestCase()
    {
        if (m_client)
            removeRun(*m_client, m_run);
    }

    void appliesTo_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<QString>("state");
        QTest::addColumn<bool>("applies");
        QTest::newRow("start exited") << int(LifecycleAction::Start) << "exited" << true;
        QTest::newRow("start running") << int(LifecycleAction::Start) << "running" << false;
        QTest::newRow("start paused") << int(LifecycleAction::Start) << "paused" << false;
        QTest::newRow("start created") << int(LifecycleAction::Start) << "created" << true;
        QTest::newRow("start unknown") << int(LifecycleAction::Start) << "" << false;
        QTest::newRow("stop running") << int(LifecycleAction::Stop) << "running" << true;
        QTest::newRow("stop exited") << int(LifecycleAction::Stop) << "exited" << false;
        QTest::newRow("stop unknown") << int(LifecycleAction::Stop) << "" << true;
        QTest::newRow("pause running") << int(LifecycleAction::Pause) << "running" << true;
        QTest::newRow("pause paused") << int(LifecycleAction::Pause) << "paused" << false;
        QTest::newRow("unpause paused") << int(LifecycleAction::Unpause) << "paused" << true;
        QTest::newRow("unpause running") << int(LifecycleAction::Unpause) << "running" << false;
        QTest::newRow("kill created") << int(LifecycleAction::Kill) << "created" << false;
        QTest::newRow("remove exited") << int(LifecycleAction::Remove) << "exited" << true;
        QTest::newRow("remove running") << int(LifecycleAction::Remove) << "running" << true;
    }
    void appliesTo()
    {
        QFETCH(int, action);
        QFETCH(QString, state);
        QFETCH(bool, applies);
        QCOMPARE(Lifecycle::appliesTo(LifecycleAction(action), state), applies);
    }

    void everyActionChangesDockersState()
    {
        const QString a
            = run(spec(QStringLiteral("a"), QStringLiteral("trap 'exit 0' TERM; while :; do sleep 1; done")));
        const QString b
            = run(spec(QStringLiteral("b"), QStringLiteral("trap 'exit 0' TERM; while :; do sleep 1; done")));
        QVERIFY(!a.isEmpty() && !b.isEmpty());
        const QList<ContainerMetrics> both = { row(a, QStringLiteral("a")), row(b, QStringLiteral("b")) };
        ContainerActions actions(m_client.get(), SpawnSettings {});
        QSignalSpy progress(&actions, &ContainerActions::lifecycleProgress);

        LifecycleReport r = apply(actions, LifecycleAction::Pause, both);
        QCOMPARE(r.outcomes.size(), 2);
        QCOMPARE(r.failures(), 0);
        QCOMPARE(progress.count(), 2);
        QCOMPARE(progress.last().at(2).toInt(), 2);
        QCOMPARE(dockerState(a), QStringLiteral("paused"));
        QCOMPARE(dockerState(b), QStringLiteral("paused"));

        r = apply(actions, LifecycleAction::Unpause, both);
        QCOMPARE(r.failures(), 0);
        QCOMPARE(dockerState(a), QStringLiteral("running"));

        // Graceful: the trap answers SIGTERM, so this takes well under the
        // 10 s grace (a timing bound kept loose for a loaded machine).
        QElapsedTimer t;
        t.start();
        r = apply(actions, LifecycleAction::Stop, both);
        QCOMPARE(r.failures(), 0);
        QVERIFY2(t.elapsed() < 9000, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(dockerState(a), QStringLiteral("exited"));
        QCOMPARE(dockerState(b), QStringLiteral("exited"));

        // The stopped ones are listed for the window (they left the metrics).
        actions.setWatchStopped(true);
        QVERIFY(waitUntil(
            [&] {
                int mine = 0;
                for (const ContainerSummary& c : actions.stoppedContainers())
                    mine += c.id == a || c.id == b;
                return mine == 2;
            },
            10000));
        const auto stoppedRow = [&](const QString& id) {
            for (const ContainerSummary& c : actions.stoppedContainers())
                if (c.id == id)
                    return Lifecycle::rowFromSummary(c);
            return ContainerMetrics {};
        };
        QCOMPARE(stoppedRow(a).state, QStringLiteral("exited"));
        QVERIFY(!stoppedRow(a).managed);

        r = apply(actions, LifecycleAction::Start, both);
        QCOMPARE(r.failures(), 0);
        QCOMPARE(dockerState(a), QStringLiteral("running"));
        QCOMPARE(dockerState(b), QStringLiteral("running"));
        // Started again: no longer listed as stopped.
        QVERIFY(waitUntil(
            [&] {
                for (const ContainerSummary& c : actions.stoppedContainers())
                    if (c.id == a || c.id == b)
                        return false;
                return true;
            },
            10000));

        const auto startedAt = [&](const QString& id) {
            const auto i = await<ContainerInfo>(
                [&](DockerClient::Callback<ContainerInfo> cb) { m_client->inspectContainer(id, cb); });
            return i && i->ok() ? i->value.startedAtNs : 0;
        };
        const qint64 before = startedAt(a);
        r = apply(actions, LifecycleAction::Restart, { row(a, QStringLiteral("a")) });
        QCOMPARE(r.failures(), 0);
        QCOMPARE(dockerState(a), QStringLiteral("running"));
        QVERIFY(startedAt(a) > before);

        r = apply(actions, LifecycleAction::Kill, { row(b, QStringLiteral("b")) });
        QCOMPARE(r.failures(), 0);
        QCOMPARE(dockerState(b), QStringLiteral("exited"));

        // Per-container errors: pausing a stopped container fails, the
        // running one in the same batch is paused.
        r = apply(actions, LifecycleAction::Pause, both);
        QCOMPARE(r.outcomes.size(), 2);
        QCOMPARE(r.failures(), 1);
        for (const LifecycleOutcome& o : r.outcomes) {
            if (o.id == b) {
                QVERIFY(!o.ok());
                QCOMPARE(o.error.kind, DockerError::Kind::Http);
                QVERIFY(!o.error.message.isEmpty());
            } else {
                QVERIFY(o.ok());
            }
        }
        QCOMPARE(dockerState(a), QStringLiteral("paused"));

        // Remove takes paused and stopped alike; a second remove of what is
        // gone is not an error.
        r = apply(actions, LifecycleAction::Remove, both);
        QCOMPARE(r.failures(), 0);
        QCOMPARE(dockerState(a), QStringLiteral("gone"));
        QCOMPARE(dockerState(b), QStringLiteral("gone"));
        r = apply(actions, LifecycleAction::Remove, both);
        QCOMPARE(r.failures(), 0);
    }

    void logStreamFollowsALine()
    {
        // Prints one line to each stream at once, then one more later: the
        // first come from the tail, the last live.
        const QString id = run(spec(QStringLiteral("log"),
                                    QStringLiteral("echo hello-out; echo hello-err >&2; sleep 2; echo later-line; "
                                                   "exec sleep 60")));
        QVERIFY(!id.isEmpty());
        ContainerLogStream stream(m_client.get());
        QList<DockerLogLine> lines;
        connect(&stream, &ContainerLogStream::linesReceived, this,
                [&](const QList<DockerLogLine>& got) { lines += got; });
        stream.start(id);
        const auto has = [&](const QString& text, DockerLogLine::Stream s) {
            for (const DockerLogLine& l : lines)
                if (l.text == text && l.stream == s && l.timeNs > 0)
                    return true;
            return false;
        };
        QVERIFY(waitUntil([&] { return has(QStringLiteral("hello-out"), DockerLogLine::Stream::Stdout); }, 15000));
        QVERIFY(waitUntil([&] { return has(QStringLiteral("hello-err"), DockerLogLine::Stream::Stderr); }, 5000));
        QVERIFY(waitUntil([&] { return has(QStringLiteral("later-line"), DockerLogLine::Stream::Stdout); }, 15000));
        QVERIFY(stream.isRunning());
        // Stopping ends the stream at once: nothing arrives afterwards.
        stream.stop();
        QVERIFY(!stream.isRunning());
        QCOMPARE(m_client->pendingCalls(), 0);
        QSignalSpy finished(&stream, &ContainerLogStream::finished);
        removeRun(*m_client, m_run);
        QTest::qWait(300);
        QCOMPARE(finished.count(), 0);

        // A container that is not there: finished with Docker's error.
        stream.start(QStringLiteral("stevedore_no_such_container_%1").arg(m_run));
        QVERIFY(finished.wait(15000));
        QVERIFY(!finished.at(0).at(0).toString().isEmpty());
    }
};

QTEST_MAIN(TestLifecycle)
#include "tst_lifecycle.moc"
