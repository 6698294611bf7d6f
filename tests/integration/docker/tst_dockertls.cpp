// DockerClient over TLS against the real dockerd: socat terminates TLS
// (client certificate required) in front of the Docker socket with a CA made
// here by openssl. Checks what the binary-level docker-tls-test.sh cannot:
// the typed failure (DockerError::tls) of each refusal, and that requests,
// the event stream and container creation work over one TLS endpoint.
// Everything created carries stevedore.test=<run> and is removed.

#include "dockertest.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace DockerTest;

Q_DECLARE_METATYPE(DockerTlsFailure)

class TestDockerTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_run;
    QList<QProcess*> m_socats;
    int m_tlsPort = 0;
    int m_plainPort = 0;

    QString path(const QString& name) const { return m_tmp.filePath(name); }

    static bool run(const QString& program, const QStringList& args)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning("%s %s failed: %s", qPrintable(program), qPrintable(args.join(QLatin1Char(' '))),
                     p.readAll().constData());
            return false;
        }
        return true;
    }

    // A P-256 key pair: a self-signed CA when `ca` is empty, else signed by
    // the CA at prefix `ca`.
    bool makeCert(const QString& prefix, const QString& cn, const QString& ca, const QString& extensions)
    {
        const QStringList key { QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes") };
        if (ca.isEmpty())
            return run(QStringLiteral("openssl"),
                       QStringList { QStringLiteral("req"), QStringLiteral("-x509") } + key
                           + QStringList { QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-keyout"),
                                           prefix + QStringLiteral("-key.pem"), QStringLiteral("-out"),
                                           prefix + QStringLiteral(".pem"), QStringLiteral("-subj"),
                                           QStringLiteral("/CN=") + cn });
        QFile ext(prefix + QStringLiteral(".ext"));
        if (!ext.open(QIODevice::WriteOnly))
            return false;
        ext.write(extensions.toUtf8());
        ext.close();
        return run(QStringLiteral("openssl"),
                   QStringList { QStringLiteral("req"), QStringLiteral("-new") } + key
                       + QStringList { QStringLiteral("-keyout"), prefix + QStringLiteral("-key.pem"),
                                       QStringLiteral("-out"), prefix + QStringLiteral(".csr"), QStringLiteral("-subj"),
                                       QStringLiteral("/CN=") + cn })
            && run(QStringLiteral("openssl"),
                   { QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                     prefix + QStringLiteral(".csr"), QStringLiteral("-CA"), ca + QStringLiteral(".pem"),
                     QStringLiteral("-CAkey"), ca + QStringLiteral("-key.pem"), QStringLiteral("-set_serial"),
                     QString::number(QRandomGenerator::system()->bounded(1, 1 << 30)), QStringLiteral("-days"),
                     QStringLiteral("1"), QStringLiteral("-extfile"), prefix + QStringLiteral(".ext"),
                     QStringLiteral("-out"), prefix + QStringLiteral(".pem") });
    }

    static int freePort()
    {
        QTcpServer s;
        return s.listen(QHostAddress::LocalHost, 0) ? s.serverPort() : 0;
    }

    bool startSocat(int port, const QString& listen)
    {
        auto* p = new QProcess(this);
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->start(QStringLiteral("socat"), { listen, QStringLiteral("UNIX-CONNECT:") + defaultSocket() });
        m_socats.append(p);
        return waitUntil(
            [port] {
                QTcpSocket s;
                s.connectToHost(QHostAddress::LocalHost, quint16(port));
                return s.waitForConnected(200);
            },
            5000);
    }

    // The endpoint as resolveDockerHost() gives it for DOCKER_HOST,
    // DOCKER_TLS_VERIFY (or DOCKER_TLS when !verify) and DOCKER_CERT_PATH.
    std::optional<DockerEndpoint> endpoint(const QString& host, const QString& certDir, bool verify,
                                           QString* error) const
    {
        DockerHostInputs in;
        in.dockerHost = host;
        in.configDir = path(QStringLiteral("no-config"));
        (verify ? in.tlsVerify : in.tls) = QStringLiteral("1");
        in.certPath = path(certDir);
        return resolveDockerHost(in, error);
    }

    // A cert path: ca.pem of `ca`, cert.pem/key.pem of `client` (optional).
    bool certDir(const QString& dir, const QString& ca, const QString& client)
    {
        QDir().mkpath(path(dir));
        bool ok = QFile::copy(path(ca + QStringLiteral(".pem")), path(dir + QStringLiteral("/ca.pem")));
        if (!client.isEmpty())
            ok = ok && QFile::copy(path(client + QStringLiteral(".pem")), path(dir + QStringLiteral("/cert.pem")))
                && QFile::copy(path(client + QStringLiteral("-key.pem")), path(dir + QStringLiteral("/key.pem")));
        return ok;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_run = newRunId("tls");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("socat")).isEmpty(),
                 "socat is not installed (TEST_PACKAGES in scripts/lib/common.sh)");
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty(), "openssl is not installed");
        QVERIFY(makeCert(path(QStringLiteral("ca")), QStringLiteral("stevedore test CA"), {}, {}));
        QVERIFY(makeCert(path(QStringLiteral("other-ca")), QStringLiteral("another CA"), {}, {}));
        QVERIFY(makeCert(path(QStringLiteral("server")), QStringLiteral("127.0.0.1"), path(QStringLiteral("ca")),
                         QStringLiteral("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")));
        QVERIFY(makeCert(path(QStringLiteral("client")), QStringLiteral("stevedore"), path(QStringLiteral("ca")),
                         QStringLiteral("extendedKeyUsage=clientAuth\n")));
        QVERIFY(certDir(QStringLiteral("good"), QStringLiteral("ca"), QStringLiteral("client")));
        QVERIFY(certDir(QStringLiteral("noclient"), QStringLiteral("ca"), {}));
        QVERIFY(certDir(QStringLiteral("wrongca"), QStringLiteral("other-ca"), QStringLiteral("client")));

        m_tlsPort = freePort();
        m_plainPort = freePort();
        QVERIFY(m_tlsPort > 0 && m_plainPort > 0 && m_tlsPort != m_plainPort);
        QVERIFY2(startSocat(m_tlsPort,
                            QStringLiteral("OPENSSL-LISTEN:%1,bind=127.0.0.1,reuseaddr,fork,cert=%2,key=%3,cafile=%4,"
                                           "verify=1")
                                .arg(m_tlsPort)
                                .arg(path(QStringLiteral("server.pem")), path(QStringLiteral("server-key.pem")),
                                     path(QStringLiteral("ca.pem")))),
                 "socat (TLS) did not listen");
        QVERIFY2(
            startSocat(m_plainPort, QStringLiteral("TCP-LISTEN:%1,bind=127.0.0.1,reuseaddr,fork").arg(m_plainPort)),
            "socat (plain) did not listen");
    }

    void cleanupTestCase()
    {
        DockerClient local(DockerEndpoint::defaultEndpoint());
        removeRun(local, m_run);
        for (QProcess* p : std::as_const(m_socats)) {
            p->terminate();
            if (!p->waitForFinished(3000))
                p->kill();
            p->waitForFinished(3000);
        }
    }

    // Requests, a container's creation and the event stream, all through
    // the TLS endpoint.
    void worksOverTls()
    {
        QString error;
        const auto e
            = endpoint(QStringLiteral("tcp://127.0.0.1:%1").arg(m_tlsPort), QStringLiteral("good"), true, &error);
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->baseUrl(), QStringLiteral("https://127.0.0.1:%1").arg(m_tlsPort).toUtf8());
        DockerClient c(*e);
        const auto v = await<VersionInfo>([&](DockerClient::Callback<VersionInfo> cb) { c.version(cb); });
        QVERIFY(v);
        QVERIFY2(v->ok(), qPrintable(v->error.message));
        QVERIFY(c.isConnected());

        QSignalSpy streamUp(&c, &DockerClient::eventsStreamConnected);
        QStringList started;
        connect(&c, &DockerClient::eventReceived, this, [&](const DockerEvent& ev) {
            if (ev.action == QLatin1String("start"))
                started << ev.id;
        });
        c.startEvents({ { QStringLiteral("container") }, { testLabel() + QLatin1Char('=') + m_run } });
        QVERIFY(waitUntil([&] { return streamUp.count() > 0; }, 10000));

        ContainerSpec spec;
        spec.name = QStringLiteral("stevedore_t_%1").arg(m_run);
        spec.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
        spec.cmd = { QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("exec sleep 60") };
        spec.labels = { { testLabel(), m_run } };
        spec.networkMode = QStringLiteral("none");
        const auto made = await<QString>([&](DockerClient::Callback<QString> cb) { c.runContainer(spec, cb); });
        QVERIFY(made);
        QVERIFY2(made->ok(), qPrintable(made->error.message));
        QVERIFY2(waitUntil([&] { return started.contains(made->value); }, 10000),
                 "no start event arrived over the TLS event stream");
        c.stopEvents();
        QCOMPARE(removeRun(c, m_run), 1);
    }

    void failures_data()
    {
        QTest::addColumn<QString>("host"); // %1: the TLS port, %2: the plain one
        QTest::addColumn<QString>("certs");
        QTest::addColumn<bool>("verify");
        QTest::addColumn<DockerTlsFailure>("failure");
        QTest::addColumn<QString>("message"); // the start of the error's sentence

        QTest::newRow("CA did not sign the daemon's certificate")
            << "tcp://127.0.0.1:%1"
            << "wrongca" << true << DockerTlsFailure::Verify
            << "Docker TLS: certificate verify failed for tcp://127.0.0.1:%1: ";
        QTest::newRow("certificate does not name the host")
            << "tcp://localhost:%1"
            << "good" << true << DockerTlsFailure::Verify
            << "Docker TLS: certificate verify failed for tcp://localhost:%1: ";
        QTest::newRow("no client certificate") << "tcp://127.0.0.1:%1"
                                               << "noclient" << true << DockerTlsFailure::Rejected
                                               << "Docker TLS: tcp://127.0.0.1:%1 closed the connection after the "
                                                  "handshake";
        QTest::newRow("TLS to a plain port") << "tcp://127.0.0.1:%2"
                                             << "good" << true << DockerTlsFailure::Handshake
                                             << "Docker TLS: handshake failed with tcp://127.0.0.1:%2: ";
        QTest::newRow("TLS without verification to a plain port")
            << "tcp://127.0.0.1:%2"
            << "good" << false << DockerTlsFailure::Handshake
            << "Docker TLS: handshake failed with tcp://127.0.0.1:%2: ";
    }

    void failures()
    {
        QFETCH(QString, host);
        QFETCH(QString, certs);
        QFETCH(bool, verify);
        QFETCH(DockerTlsFailure, failure);
        QFETCH(QString, message);
        // Not arg(): it numbers the placeholders a string has, so a lone %2
        // would take the first value.
        for (QString* text : { &host, &message })
            text->replace(QLatin1String("%1"), QString::number(m_tlsPort))
                .replace(QLatin1String("%2"), QString::number(m_plainPort));
        QString error;
        const auto e = endpoint(host, certs, verify, &error);
        QVERIFY2(e, qPrintable(error));
        DockerClient c(*e);
        c.setTimeout(5000);
        QSignalSpy changed(&c, &DockerClient::connectionChanged);
        const auto r = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { c.ping(cb); });
        QVERIFY(r);
        QVERIFY2(!r->ok(), qPrintable(e->describe() + QLatin1Char(' ') + QString::fromUtf8(e->baseUrl())));
        QCOMPARE(r->error.kind, DockerError::Kind::Unreachable);
        QCOMPARE(r->error.tls, failure);
        QVERIFY2(r->error.message.startsWith(message), qPrintable(r->error.message));
        QVERIFY(!c.isConnected());
        QVERIFY2(c.lastError().startsWith(message), qPrintable(c.lastError()));
        QVERIFY(!changed.isEmpty());
        QVERIFY2(changed.last().at(1).toString().startsWith(message), qPrintable(changed.last().at(1).toString()));
    }

    // A daemon that does answer over TLS without verification, with a
    // stranger's ca.pem (DOCKER_TLS): the CA is not used.
    void noVerificationIgnoresTheCa()
    {
        QString error;
        const auto e
            = endpoint(QStringLiteral("tcp://127.0.0.1:%1").arg(m_tlsPort), QStringLiteral("wrongca"), false, &error);
        QVERIFY2(e, qPrintable(error));
        QVERIFY(!e->tls.verify);
        DockerClient c(*e);
        const auto r = await<PingInfo>([&](DockerClient::Callback<PingInfo> cb) { c.ping(cb); });
        QVERIFY(r);
        QVERIFY2(r->ok(), qPrintable(r->error.message));
    }
};

QTEST_GUILESS_MAIN(TestDockerTls)
#include "tst_dockertls.moc"
