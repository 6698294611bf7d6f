// DockerClient against the real dockerd. Everything created carries
// stevedore.test=<this run> and is removed at the end, even on failure.
#include "dockertest.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace DockerTest;

class TestDockerClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<DockerClient> m_client;
    QString m_run;
    QTemporaryDir m_tmp;

    ContainerSpec sleeper(const QString& suffix, const QString& command = QStringLiteral("exec sleep 120")) const
    {
        ContainerSpec s;
        s.name = QStringLiteral("stevedore_t_%1_%2").arg(m_run, suffix);
        s.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
        s.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), command };
        s.labels = { { testLabel(), m_run } };
        s.networkMode = QStringLiteral("none");
        return s;
    }

    DockerResult<QString> run(DockerClient& c, const ContainerSpec& spec)
    {
        const auto r = await<QString>([&](DockerClient::Callback<QString> cb) { c.runContainer(spec, cb); });
        if (!r)
            return { QString(),
                     DockerError {
                         DockerError::Kind::Unreachable, true, 0, {}, {}, {}, QStringLiteral("test timeout") } };
        return *r;
    }

    DockerResult<ContainerInfo> inspect(DockerClient& c, const QString& id)
    {
        const auto r
            = await<ContainerInfo>([&](DockerClient::Callback<ContainerInfo> cb) { c.inspectContainer(id, cb); });
        return r
            ? *r
            : DockerResult<ContainerInfo> {
                  {},
                  DockerError { DockerError::Kind::Unreachable, true, 0, {}, {}, {}, QStringLiteral("test timeout") }
              };
    }

    QList<ContainerSummary> list(DockerClient& c, const QStringList& labels, bool all = true)
    {
        ContainerListQuery q;
        q.all = all;
        q.labels = labels;
        const auto r = await<QList<ContainerSummary>>(
            [&](DockerClient::Callback<QList<ContainerSummary>> cb) { c.listContainers(q, cb); });
        if (!r || !r->ok())
            qWarning("list failed: %s", r ? qPrintable(r->error.message) : "timeout");
        return r && r->ok() ? r->value : QList<ContainerSummary> {};
    }

    QString deadSocketPath() const { return m_tmp.filePath(QStringLiteral("nobody-listens.sock")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QString error;
        const auto endpoint = resolveDockerHost(DockerHostInputs::fromEnvironment({}), &error);
        QVERIFY2(endpoint, qPrintable(error));
        m_client = std::make_unique<DockerClient>(*endpoint);
        m_run = newRunId("dc");
        const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { m_client->ping(cb); });
        QVERIFY2(ping && ping->ok(), ping ? qPrintable(ping->error.message) : "ping timed out");
        const auto image = await<ImageInfo>([&](DockerClient::Callback<ImageInfo> cb) {
            m_client->inspectImage(QStringLiteral(STEVEDORE_DEFAULT_IMAGE), cb);
        });
        QVERIFY2(image && image->ok(), "the stress image is missing: run scripts/build-stress-image.sh");
    }

    void cleanupTestCase()
    {
        if (!m_client)
            return;
        removeRun(*m_client, m_run);
        QVERIFY(list(*m_client, { testLabel() + QLatin1Char('=') + m_run }).isEmpty());
    }

    void pingAndVersionNegotiate()
    {
        DockerClient c(m_client->endpoint());
        QSignalSpy connected(&c, &DockerClient::connectionChanged);
        QVERIFY(c.apiVersion().isEmpty());
        const auto v = await<VersionInfo>([&](DockerClient::Callback<VersionInfo> cb) { c.version(cb); });
        QVERIFY(v);
        QVERIFY2(v->ok(), qPrintable(v->error.message));
        QVERIFY(!v->value.version.isEmpty());
        QCOMPARE(c.apiVersion(), DockerClient::negotiateApiVersion(v->value.apiVersion));
        QVERIFY(c.isConnected());
        QCOMPARE(connected.count(), 1);
        QCOMPARE(connected.first().at(0).toBool(), true);
    }

    void containerRoundTrip()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch() * 1000000LL;
        ContainerSpec spec = sleeper(QStringLiteral("rt"));
        spec.labels.insert(QStringLiteral("stevedore.category"), QStringLiteral("cpu"));
        const auto created = run(*m_client, spec);
        QVERIFY2(created.ok(), qPrintable(created.error.message));
        QCOMPARE(created.value.size(), 64);

        const auto info = inspect(*m_client, created.value);
        QVERIFY2(info.ok(), qPrintable(info.error.message));
        QCOMPARE(info.value.id, created.value);
        QCOMPARE(info.value.name, spec.name);
        QCOMPARE(info.value.state, QStringLiteral("running"));
        QVERIFY(info.value.running);
        QVERIFY(info.value.pid > 0);
        QCOMPARE(info.value.cmd, spec.cmd);
        QCOMPARE(info.value.labels.value(testLabel()), m_run);
        QCOMPARE(info.value.labels.value(QStringLiteral("stevedore.category")), QStringLiteral("cpu"));
        // Same clock, a few seconds at most apart.
        QVERIFY(info.value.createdNs > before - 5000000000LL);
        QVERIFY(info.value.startedAtNs >= info.value.createdNs);
        // The main process is the one we exec'd (once sh has exec'd it).
        QVERIFY(waitUntil(
            [&] {
                QFile comm(QStringLiteral("/proc/%1/comm").arg(info.value.pid));
                return comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "sleep";
            },
            5000));

        const auto killed = await<DockerNothing>(
            [&](DockerClient::Callback<DockerNothing> cb) { m_client->killContainer(created.value, cb); });
        QVERIFY2(killed && killed->ok(), killed ? qPrintable(killed->error.message) : "timeout");
        QVERIFY(
            waitUntil([&] { return inspect(*m_client, created.value).value.state == QLatin1String("exited"); }, 10000));
        QCOMPARE(inspect(*m_client, created.value).value.pid, 0);

        const auto removed = await<DockerNothing>(
            [&](DockerClient::Callback<DockerNothing> cb) { m_client->removeContainer(created.value, true, cb); });
        QVERIFY2(removed && removed->ok(), removed ? qPrintable(removed->error.message) : "timeout");
        const auto gone = inspect(*m_client, created.value);
        QVERIFY(gone.error.isNotFound());
        QVERIFY2(gone.error.daemonMessage.contains(QLatin1String("No such container")),
                 qPrintable(gone.error.daemonMessage));
        QVERIFY2(gone.error.message.contains(m_client->endpointUrl()), qPrintable(gone.error.message));
    }

    void creationTimesAreExactToTheNanosecond()
    {
        QStringList ids;
        for (int i = 0; i < 3; ++i) {
            const auto created = await<QString>([&](DockerClient::Callback<QString> cb) {
                m_client->createContainer(sleeper(QStringLiteral("order%1").arg(i)), cb);
            });
            QVERIFY2(created && created->ok(), created ? qPrintable(created->error.message) : "timeout");
            ids.append(created->value);
        }
        qint64 previous = 0;
        for (const QString& id : std::as_const(ids)) {
            const auto info = inspect(*m_client, id);
            QVERIFY2(info.ok(), qPrintable(info.error.message));
            QVERIFY(info.value.createdNs > previous);
            previous = info.value.createdNs;
            QCOMPARE(info.value.state, QStringLiteral("created"));
            // The docker CLI prints the daemon's string; ours formats back to it.
            QProcess cli;
            cli.start(QStringLiteral("docker"),
                      { QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.Created}}"), id });
            QVERIFY(cli.waitForFinished(15000));
            const QString text = QString::fromUtf8(cli.readAllStandardOutput()).trimmed();
            const auto parsed = DockerJson::parseTimestampNs(text);
            QVERIFY2(parsed, qPrintable(text));
            QCOMPARE(info.value.createdNs, *parsed);
        }
    }

    void listFiltersByLabel()
    {
        ContainerSpec managed = sleeper(QStringLiteral("managed"));
        managed.labels.insert(QStringLiteral("stevedore.managed"), QStringLiteral("true"));
        const auto a = run(*m_client, managed);
        QVERIFY2(a.ok(), qPrintable(a.error.message));
        const auto b = run(*m_client, sleeper(QStringLiteral("plain")));
        QVERIFY2(b.ok(), qPrintable(b.error.message));

        const QString mine = testLabel() + QLatin1Char('=') + m_run;
        const auto both = list(*m_client, { mine }, false);
        QStringList ids;
        for (const auto& c : both)
            ids.append(c.id);
        QVERIFY(ids.contains(a.value));
        QVERIFY(ids.contains(b.value));
        const auto onlyManaged = list(*m_client, { mine, QStringLiteral("stevedore.managed=true") }, false);
        QCOMPARE(onlyManaged.size(), 1);
        QCOMPARE(onlyManaged.first().id, a.value);
        QCOMPARE(onlyManaged.first().name, managed.name);
        QCOMPARE(onlyManaged.first().state, QStringLiteral("running"));
        QVERIFY(list(*m_client, { mine, QStringLiteral("stevedore.no-such-label") }).isEmpty());
    }

    void daemonErrorsAreReadable()
    {
        const auto first = run(*m_client, sleeper(QStringLiteral("dup")));
        QVERIFY2(first.ok(), qPrintable(first.error.message));
        const auto second = run(*m_client, sleeper(QStringLiteral("dup")));
        QVERIFY(!second.ok());
        QCOMPARE(second.error.kind, DockerError::Kind::Http);
        QCOMPARE(second.error.httpStatus, 409);
        QVERIFY2(second.error.message.contains(QLatin1String("already in use")), qPrintable(second.error.message));

        const auto missing = await<DockerNothing>([&](DockerClient::Callback<DockerNothing> cb) {
            m_client->killContainer(QStringLiteral("stevedore-no-such-container"), cb);
        });
        QVERIFY(missing && missing->error.isNotFound());
    }

    void failedStartLeavesNothingBehind()
    {
        ContainerSpec spec = sleeper(QStringLiteral("nostart"));
        spec.cmd = { QStringLiteral("/no/such/program") };
        const auto r = run(*m_client, spec);
        QVERIFY(!r.ok());
        QCOMPARE(r.error.kind, DockerError::Kind::Http);
        QVERIFY2(!r.error.daemonMessage.isEmpty(), qPrintable(r.error.message));
        QVERIFY(waitUntil([&] { return inspect(*m_client, spec.name).error.isNotFound(); }, 10000));
    }

    void imageInspectAndPull()
    {
        const auto present = await<ImageInfo>([&](DockerClient::Callback<ImageInfo> cb) {
            m_client->inspectImage(QStringLiteral(STEVEDORE_DEFAULT_IMAGE), cb);
        });
        QVERIFY(present && present->ok());
        QVERIFY(present->value.id.startsWith(QLatin1String("sha256:")));

        const QString nope = QStringLiteral("stevedore-test/no-such-image:%1").arg(m_run);
        const auto absent
            = await<ImageInfo>([&](DockerClient::Callback<ImageInfo> cb) { m_client->inspectImage(nope, cb); });
        QVERIFY(absent && absent->error.isNotFound());

        // No registry can be reached here: the pull must fail, quickly and
        // with the daemon's own explanation.
        int progressLines = 0;
        QElapsedTimer t;
        t.start();
        const auto pulled = await<DockerNothing>(
            [&](DockerClient::Callback<DockerNothing> cb) {
                m_client->pullImage(
                    nope, [&](const PullProgress&) { ++progressLines; }, cb);
            },
            60000);
        QVERIFY2(pulled, "pull did not finish");
        QVERIFY(!pulled->ok());
        QCOMPARE(pulled->error.kind, DockerError::Kind::Http);
        QVERIFY(!pulled->error.daemonMessage.isEmpty());
        QVERIFY2(pulled->error.message.contains(m_client->endpointUrl()), qPrintable(pulled->error.message));
        qInfo("pull failed after %lld ms with: %s", t.elapsed(), qPrintable(pulled->error.message));
    }

    void eventsStreamReportsContainers()
    {
        DockerClient c(m_client->endpoint());
        QSignalSpy up(&c, &DockerClient::eventsStreamConnected);
        QList<DockerEvent> events;
        connect(&c, &DockerClient::eventReceived, this, [&](const DockerEvent& e) { events.append(e); });
        EventFilter f;
        f.labels = { testLabel() + QLatin1Char('=') + m_run };
        c.startEvents(f);
        QVERIFY(up.wait(10000));
        QVERIFY(c.eventsConnected());

        const auto created = run(*m_client, sleeper(QStringLiteral("events")));
        QVERIFY2(created.ok(), qPrintable(created.error.message));
        auto seen = [&](const QString& action) {
            return std::any_of(events.cbegin(), events.cend(),
                               [&](const DockerEvent& e) { return e.id == created.value && e.action == action; });
        };
        QVERIFY(waitUntil([&] { return seen(QStringLiteral("create")) && seen(QStringLiteral("start")); }, 10000));
        const auto removed = await<DockerNothing>(
            [&](DockerClient::Callback<DockerNothing> cb) { m_client->removeContainer(created.value, true, cb); });
        QVERIFY(removed && removed->ok());
        QVERIFY(waitUntil([&] { return seen(QStringLiteral("destroy")); }, 10000));
        for (const DockerEvent& e : std::as_const(events)) {
            QCOMPARE(e.type, QStringLiteral("container"));
            QCOMPARE(e.attributes.value(testLabel()), m_run); // the label filter held
        }
        c.stopEvents();
        QVERIFY(!c.eventsConnected());
    }

    void deadSocketFailsFastAndPlainly()
    {
        const auto endpoint = parseDockerHost(QStringLiteral("unix://") + deadSocketPath(), nullptr);
        QVERIFY(endpoint);
        DockerClient c(*endpoint);
        QSignalSpy state(&c, &DockerClient::connectionChanged);
        QElapsedTimer t;
        t.start();
        const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { c.ping(cb); });
        QVERIFY(ping);
        QVERIFY(!ping->ok());
        QCOMPARE(ping->error.kind, DockerError::Kind::Unreachable);
        const QString expected
            = QStringLiteral("cannot reach Docker at unix://") + deadSocketPath() + QStringLiteral(": ");
        QVERIFY2(ping->error.message.startsWith(expected), qPrintable(ping->error.message));
        QVERIFY2(ping->error.message.contains(QLatin1String("No such file")), qPrintable(ping->error.message));
        // A versioned call waits for the negotiation, which fails the same way.
        const auto listed = await<QList<ContainerSummary>>(
            [&](DockerClient::Callback<QList<ContainerSummary>> cb) { c.listContainers({}, cb); });
        QVERIFY(listed && listed->error.kind == DockerError::Kind::Unreachable);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY(!c.isConnected());
        QCOMPARE(state.count(), 1);
        QCOMPARE(state.first().at(0).toBool(), false);
        QVERIFY(state.first().at(1).toString().startsWith(QLatin1String("cannot reach Docker at unix://")));
    }

    void hungDaemonTimesOutWithoutFreezing()
    {
        SocketProxy proxy;
        proxy.setHang(true);
        const QString path = m_tmp.filePath(QStringLiteral("hung.sock"));
        QVERIFY(proxy.listenUnix(path));
        DockerClient c(*parseDockerHost(QStringLiteral("unix://") + path, nullptr));
        c.setTimeout(800);
        int ticks = 0;
        QTimer heartbeat;
        connect(&heartbeat, &QTimer::timeout, this, [&] { ++ticks; });
        heartbeat.start(50);
        QElapsedTimer t;
        t.start();
        const auto listed = await<QList<ContainerSummary>>(
            [&](DockerClient::Callback<QList<ContainerSummary>> cb) { c.listContainers({}, cb); });
        const qint64 ms = t.elapsed();
        QVERIFY(listed);
        QCOMPARE(listed->error.kind, DockerError::Kind::Unreachable);
        QVERIFY(listed->error.timedOut);
        QVERIFY2(listed->error.message.contains(QLatin1String("no answer within 0.8 s")),
                 qPrintable(listed->error.message));
        QVERIFY2(ms >= 700 && ms < 4000, qPrintable(QString::number(ms)));
        QVERIFY2(ticks >= 10, "the event loop kept running while waiting");
        QVERIFY(!c.isConnected());
    }

    void hungEventStreamIsRetried()
    {
        SocketProxy proxy;
        proxy.setHang(true);
        const QString path = m_tmp.filePath(QStringLiteral("hung-events.sock"));
        QVERIFY(proxy.listenUnix(path));
        DockerClient c(*parseDockerHost(QStringLiteral("unix://") + path, nullptr));
        c.setTimeout(400);
        c.setEventsBackoff(100, 200);
        QSignalSpy lost(&c, &DockerClient::eventsStreamLost);
        c.startEvents();
        QVERIFY(lost.wait(3000));
        QVERIFY2(lost.first().at(0).toString().contains(QLatin1String("no answer within 0.4 s")),
                 qPrintable(lost.first().at(0).toString()));
        QVERIFY(!c.isConnected());
        QVERIFY(waitUntil([&] { return proxy.accepted() >= 3; }, 5000)); // it keeps trying
        QCOMPARE(lost.count(), 1); // reported once per outage
        c.stopEvents();
    }

    void cancelIsInstantAndSilent()
    {
        SocketProxy proxy;
        proxy.setHang(true);
        const QString path = m_tmp.filePath(QStringLiteral("cancel.sock"));
        QVERIFY(proxy.listenUnix(path));
        auto c = std::make_unique<DockerClient>(*parseDockerHost(QStringLiteral("unix://") + path, nullptr));
        c->setTimeout(5000);
        int called = 0;
        const quint64 id = c->ping([&](const DockerResult<PingInfo>&) { ++called; });
        QVERIFY(waitUntil([&] { return proxy.accepted() > 0; }, 3000));
        QElapsedTimer t;
        t.start();
        c->cancel(id);
        QVERIFY(t.elapsed() < 50);
        QCOMPARE(c->pendingCalls(), 0);
        QTest::qWait(300);
        QCOMPARE(called, 0);
        // Destroying a client with calls in flight is fine too.
        c->listContainers({}, [&](const DockerResult<QList<ContainerSummary>>&) { ++called; });
        c->inspectContainer(QStringLiteral("x"), [&](const DockerResult<ContainerInfo>&) { ++called; });
        c.reset();
        QTest::qWait(200);
        QCOMPARE(called, 0);
    }

    void contextObjectDropsCallbacks()
    {
        DockerClient c(m_client->endpoint());
        int called = 0;
        auto* context = new QObject;
        c.ping([&](const DockerResult<PingInfo>&) { ++called; }, context);
        delete context;
        int control = 0;
        c.ping([&](const DockerResult<PingInfo>&) { ++control; });
        QVERIFY(waitUntil([&] { return control == 1; }, 10000));
        QTest::qWait(100);
        QCOMPARE(called, 0);
    }

    void clientMayBeDeletedInsideItsCallback()
    {
        auto* c = new DockerClient(m_client->endpoint());
        bool done = false;
        c->ping([&](const DockerResult<PingInfo>& r) {
            QVERIFY(r.ok());
            delete c; // must not crash the dispatch loop that called us
            done = true;
        });
        c->version([&](const DockerResult<VersionInfo>&) { QFAIL("called after its client was deleted"); });
        QVERIFY(waitUntil([&] { return done; }, 10000));
        QTest::qWait(200);
    }

    void eventsReconnectWhenTheDaemonComesBack()
    {
        SocketProxy proxy;
        const QString path = m_tmp.filePath(QStringLiteral("flaky.sock"));
        QVERIFY(proxy.listenUnix(path));
        DockerClient c(*parseDockerHost(QStringLiteral("unix://") + path, nullptr));
        c.setEventsBackoff(100, 400);
        QSignalSpy up(&c, &DockerClient::eventsStreamConnected);
        QSignalSpy lost(&c, &DockerClient::eventsStreamLost);
        QSignalSpy state(&c, &DockerClient::connectionChanged);
        QList<DockerEvent> events;
        connect(&c, &DockerClient::eventReceived, this, [&](const DockerEvent& e) { events.append(e); });
        EventFilter f;
        f.labels = { testLabel() + QLatin1Char('=') + m_run };
        c.startEvents(f);
        QVERIFY(up.wait(10000));
        QVERIFY(c.isConnected());

        proxy.stop(); // the daemon goes away
        QVERIFY(waitUntil([&] { return lost.count() >= 1 && !c.isConnected(); }, 5000));
        QVERIFY(!c.eventsConnected());
        QTest::qWait(600); // a few failed reconnection attempts
        QVERIFY(!c.isConnected());

        QVERIFY(proxy.restart()); // and comes back
        QVERIFY(waitUntil([&] { return up.count() >= 2; }, 5000));
        QVERIFY(c.isConnected());
        QVERIFY(c.eventsConnected());
        // connected → disconnected → connected, each once.
        QCOMPARE(state.count(), 3);

        // The new stream works.
        const auto created = run(*m_client, sleeper(QStringLiteral("after-reconnect")));
        QVERIFY2(created.ok(), qPrintable(created.error.message));
        QVERIFY(waitUntil(
            [&] {
                return std::any_of(events.cbegin(), events.cend(), [&](const DockerEvent& e) {
                    return e.id == created.value && e.action == QLatin1String("start");
                });
            },
            10000));
        // And ordinary calls through the same client too.
        const auto info = inspect(c, created.value);
        QVERIFY2(info.ok(), qPrintable(info.error.message));
    }

    void latency()
    {
        // Figures for the report, and a guard against a transport that only
        // makes progress on timer ticks (each call would then take ~1 s).
        DockerClient c(m_client->endpoint());
        QVERIFY(await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { c.ping(cb); }));
        const int n = 50;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < n; ++i) {
            const auto r = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { c.ping(cb); });
            QVERIFY(r && r->ok());
        }
        const double sequentialPing = double(t.nsecsElapsed()) / 1e6 / n;
        t.restart();
        for (int i = 0; i < n; ++i) {
            const auto r = await<QList<ContainerSummary>>(
                [&](DockerClient::Callback<QList<ContainerSummary>> cb) { c.listContainers({}, cb); });
            QVERIFY(r && r->ok());
        }
        const double sequentialList = double(t.nsecsElapsed()) / 1e6 / n;
        int done = 0;
        t.restart();
        for (int i = 0; i < n; ++i)
            c.ping([&](const DockerResult<PingInfo>& r) { done += r.ok() ? 1 : 1000; });
        QVERIFY(waitUntil([&] { return done >= n; }, 20000));
        QCOMPARE(done, n);
        const double concurrent = double(t.nsecsElapsed()) / 1e6;
        qInfo("ping %.2f ms, list %.2f ms (sequential, mean of %d); %d concurrent pings in %.1f ms", sequentialPing,
              sequentialList, n, n, concurrent);
        QVERIFY2(sequentialPing < 100, "a ping should take milliseconds");
    }

    void tcpHostsWorkThroughTheSameTransport()
    {
        SocketProxy proxy;
        QVERIFY(proxy.listenTcp());
        const auto endpoint = parseDockerHost(QStringLiteral("tcp://127.0.0.1:%1").arg(proxy.tcpPort()), nullptr);
        QVERIFY(endpoint);
        DockerClient c(*endpoint);
        const auto ping = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { c.ping(cb); });
        QVERIFY2(ping && ping->ok(), ping ? qPrintable(ping->error.message) : "timeout");
        QVERIFY(!ping->value.apiVersion.isEmpty());
        const auto mine = list(c, { testLabel() + QLatin1Char('=') + m_run });
        QCOMPARE(mine.size(), list(*m_client, { testLabel() + QLatin1Char('=') + m_run }).size());
    }
};

QTEST_GUILESS_MAIN(TestDockerClient)
#include "tst_dockerclient.moc"
