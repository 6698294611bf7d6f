#include "core/docker/dockerhost.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

class TestDockerHost : public QObject
{
    Q_OBJECT

private:
    // Writes a docker config dir: config.json (when currentContext is not
    // null) and one meta.json per context name → host.
    static void writeConfig(const QString& dir, const QString& currentContext, const QHash<QString, QString>& contexts)
    {
        QDir().mkpath(dir);
        if (!currentContext.isNull()) {
            QFile f(dir + QStringLiteral("/config.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral("{\"auths\": {}, \"currentContext\": \"%1\"}").arg(currentContext).toUtf8());
        }
        for (auto it = contexts.cbegin(); it != contexts.cend(); ++it) {
            const QString hash
                = QString::fromLatin1(QCryptographicHash::hash(it.key().toUtf8(), QCryptographicHash::Sha256).toHex());
            const QString metaDir = dir + QStringLiteral("/contexts/meta/") + hash;
            QDir().mkpath(metaDir);
            QFile f(metaDir + QStringLiteral("/meta.json"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            if (it.value().isEmpty())
                f.write(QStringLiteral("{\"Name\":\"%1\",\"Metadata\":{},\"Endpoints\":{}}").arg(it.key()).toUtf8());
            else
                f.write(QStringLiteral("{\"Name\":\"%1\",\"Metadata\":{},\"Endpoints\":{\"docker\":{\"Host\":\"%2\","
                                       "\"SkipTLSVerify\":false}}}")
                            .arg(it.key(), it.value())
                            .toUtf8());
        }
    }

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("url"); // canonical, or a word of the error
        QTest::addColumn<QByteArray>("base");

        QTest::newRow("unix") << "unix:///var/run/docker.sock" << true << "unix:///var/run/docker.sock"
                              << QByteArray("http://localhost");
        QTest::newRow("unix other") << "unix:///run/user/1000/docker.sock" << true
                                    << "unix:///run/user/1000/docker.sock" << QByteArray("http://localhost");
        QTest::newRow("bare path") << "/tmp/d.sock" << true << "unix:///tmp/d.sock" << QByteArray("http://localhost");
        QTest::newRow("tcp") << "tcp://127.0.0.1:2375" << true << "tcp://127.0.0.1:2375"
                             << QByteArray("http://127.0.0.1:2375");
        QTest::newRow("tcp default port") << "tcp://docker.example" << true << "tcp://docker.example:2375"
                                          << QByteArray("http://docker.example:2375");
        QTest::newRow("tcp v6") << "tcp://[::1]:2376" << true << "tcp://[::1]:2376" << QByteArray("http://[::1]:2376");
        QTest::newRow("tcp trailing slash")
            << "tcp://10.0.0.1:2375/" << true << "tcp://10.0.0.1:2375" << QByteArray("http://10.0.0.1:2375");
        QTest::newRow("spaces") << "  unix:///x.sock  " << true << "unix:///x.sock" << QByteArray("http://localhost");
        QTest::newRow("empty") << "" << false << "empty" << QByteArray();
        QTest::newRow("no scheme") << "localhost:2375" << false << "unix://" << QByteArray();
        QTest::newRow("unix relative") << "unix://docker.sock" << false << "absolute" << QByteArray();
        QTest::newRow("ssh") << "ssh://me@host" << false << "not supported" << QByteArray();
        QTest::newRow("npipe") << "npipe:////./pipe/docker_engine" << false << "not supported" << QByteArray();
        QTest::newRow("tcp base path") << "tcp://host:2375/prefix" << false << "tcp" << QByteArray();
        QTest::newRow("bad port") << "tcp://host:99999" << false << "" << QByteArray();
        QTest::newRow("unknown") << "gopher://x" << false << "unknown scheme" << QByteArray();
        // TLS is a setting of a tcp:// host, as for the docker CLI.
        QTest::newRow("https") << "https://host:2376" << false << "DOCKER_TLS_VERIFY" << QByteArray();
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, url);
        QFETCH(QByteArray, base);
        QString error;
        const auto e = parseDockerHost(text, &error);
        QCOMPARE(e.has_value(), ok);
        if (ok) {
            QCOMPARE(e->url(), url);
            QCOMPARE(e->baseUrl(), base);
            QVERIFY(error.isEmpty());
        } else {
            QVERIFY2(!error.isEmpty(), "an error must say why");
            QVERIFY2(error.contains(url), qPrintable(error));
        }
    }

    void resolve_data()
    {
        QTest::addColumn<QString>("explicitHost");
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<QString>("dockerContext");
        QTest::addColumn<QString>("currentContext"); // null: no config.json
        QTest::addColumn<QString>("expected"); // url, or "error:<word>"
        QTest::addColumn<QString>("origin");

        const QString none; // null
        QTest::newRow("default") << ""
                                 << ""
                                 << "" << none << "unix:///var/run/docker.sock"
                                 << "default";
        QTest::newRow("explicit wins") << "tcp://1.2.3.4:2375"
                                       << "unix:///env.sock"
                                       << "ctx"
                                       << "ctx"
                                       << "tcp://1.2.3.4:2375"
                                       << "--docker-host";
        QTest::newRow("DOCKER_HOST over context") << ""
                                                  << "unix:///env.sock"
                                                  << "ctx"
                                                  << "ctx"
                                                  << "unix:///env.sock"
                                                  << "DOCKER_HOST";
        QTest::newRow("DOCKER_CONTEXT over config") << ""
                                                    << ""
                                                    << "ctx"
                                                    << "other"
                                                    << "unix:///ctx.sock"
                                                    << "docker context \"ctx\"";
        QTest::newRow("config currentContext") << ""
                                               << ""
                                               << ""
                                               << "other"
                                               << "tcp://10.1.1.1:2375"
                                               << "docker context \"other\"";
        QTest::newRow("default context") << ""
                                         << ""
                                         << ""
                                         << "default"
                                         << "unix:///var/run/docker.sock"
                                         << "default";
        QTest::newRow("empty currentContext") << ""
                                              << ""
                                              << ""
                                              << ""
                                              << "unix:///var/run/docker.sock"
                                              << "default";
        QTest::newRow("missing context") << ""
                                         << ""
                                         << ""
                                         << "ghost"
                                         << "error:does not exist"
                                         << "";
        QTest::newRow("context without endpoint") << ""
                                                  << ""
                                                  << ""
                                                  << "bare"
                                                  << "error:no docker endpoint"
                                                  << "";
        QTest::newRow("bad explicit") << "ssh://x"
                                      << ""
                                      << "" << none << "error:--docker-host"
                                      << "";
        QTest::newRow("bad DOCKER_HOST") << ""
                                         << "nonsense"
                                         << "" << none << "error:DOCKER_HOST"
                                         << "";
        QTest::newRow("blank explicit ignored") << "  "
                                                << "unix:///env.sock"
                                                << "" << none << "unix:///env.sock"
                                                << "DOCKER_HOST";
    }

    void resolve()
    {
        QFETCH(QString, explicitHost);
        QFETCH(QString, dockerHost);
        QFETCH(QString, dockerContext);
        QFETCH(QString, currentContext);
        QFETCH(QString, expected);
        QFETCH(QString, origin);

        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString config = tmp.path() + QStringLiteral("/docker");
        writeConfig(config, currentContext,
                    { { QStringLiteral("ctx"), QStringLiteral("unix:///ctx.sock") },
                      { QStringLiteral("other"), QStringLiteral("tcp://10.1.1.1:2375") },
                      { QStringLiteral("bare"), QString() } });
        DockerHostInputs in;
        in.explicitHost = explicitHost;
        in.dockerHost = dockerHost;
        in.dockerContext = dockerContext;
        in.configDir = config;
        QString error;
        const auto e = resolveDockerHost(in, &error);
        if (expected.startsWith(QLatin1String("error:"))) {
            QVERIFY(!e);
            QVERIFY2(error.contains(expected.mid(6)), qPrintable(error));
            return;
        }
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->url(), expected);
        QCOMPARE(e->origin, origin);
    }

    void malformedConfigIsAnError()
    {
        QTemporaryDir tmp;
        QFile f(tmp.path() + QStringLiteral("/config.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{ not json");
        f.close();
        DockerHostInputs in;
        in.configDir = tmp.path();
        QString error;
        QVERIFY(!resolveDockerHost(in, &error));
        QVERIFY2(error.contains(QLatin1String("config.json")), qPrintable(error));
    }

    void missingConfigDirMeansDefault()
    {
        DockerHostInputs in;
        in.configDir = QStringLiteral("/nonexistent/stevedore-test/.docker");
        QString error;
        const auto e = resolveDockerHost(in, &error);
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->socketPath, QStringLiteral("/var/run/docker.sock"));
    }

    // Podman's Docker-compatible socket is picked only when Docker's is
    // absent; anything the user names (flag, DOCKER_HOST, context) wins.
    void podmanFallback_data()
    {
        QTest::addColumn<bool>("dockerSocket");
        QTest::addColumn<QString>("podmanSocket");
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("origin");
        QTest::newRow("no docker, podman") << false << "/run/podman/podman.sock"
                                           << ""
                                           << "unix:///run/podman/podman.sock"
                                           << "podman socket";
        QTest::newRow("rootless podman") << false << "/run/user/1000/podman/podman.sock"
                                         << ""
                                         << "unix:///run/user/1000/podman/podman.sock"
                                         << "podman socket";
        QTest::newRow("both: docker wins") << true << "/run/podman/podman.sock"
                                           << ""
                                           << "unix:///var/run/docker.sock"
                                           << "default";
        QTest::newRow("neither: docker default") << false << ""
                                                 << ""
                                                 << "unix:///var/run/docker.sock"
                                                 << "default";
        QTest::newRow("DOCKER_HOST over podman") << false << "/run/podman/podman.sock"
                                                 << "unix:///env.sock"
                                                 << "unix:///env.sock"
                                                 << "DOCKER_HOST";
    }

    void podmanFallback()
    {
        QFETCH(bool, dockerSocket);
        QFETCH(QString, podmanSocket);
        QFETCH(QString, dockerHost);
        QFETCH(QString, expected);
        QFETCH(QString, origin);
        DockerHostInputs in;
        in.configDir = QStringLiteral("/nonexistent/stevedore-test/.docker");
        in.dockerHost = dockerHost;
        in.dockerSocketExists = dockerSocket;
        in.podmanSocket = podmanSocket;
        QString error;
        const auto e = resolveDockerHost(in, &error);
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->url(), expected);
        QCOMPARE(e->origin, origin);
    }

    // TLS for tcp:// hosts, as the docker CLI: the variables for the default
    // context, a named context's own material. Fixtures: fixtures/tls
    // (certs/<set>/ are DOCKER_CERT_PATH directories, config/ a docker
    // config directory with contexts).
    void tls_data()
    {
        QTest::addColumn<QString>("explicitHost");
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<QString>("dockerContext");
        QTest::addColumn<QString>("tlsVerify"); // $DOCKER_TLS_VERIFY
        QTest::addColumn<QString>("tls"); // $DOCKER_TLS
        QTest::addColumn<QString>("certPath"); // a set under certs/, "" unset, "missing": no such dir
        QTest::addColumn<QString>("config"); // "config", a set under certs/, "" a missing dir
        QTest::addColumn<QString>("expected"); // url, or "error:<words>"
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<bool>("verify");
        QTest::addColumn<QString>("ca"); // tail of caFile, "" none
        QTest::addColumn<bool>("client");
        QTest::addColumn<QByteArray>("base");

        const QString h = QStringLiteral("tcp://docker.example:2376");
        const QByteArray https("https://docker.example:2376");
        const QString sha = QString::fromLatin1(QCryptographicHash::hash("secure", QCryptographicHash::Sha256).toHex());

        // The variables, with DOCKER_HOST or --docker-host.
        QTest::newRow("verify: ca, cert, key") << "" << h << ""
                                               << "1"
                                               << ""
                                               << "full"
                                               << "" << h << true << true << "certs/full/ca.pem" << true << https;
        QTest::newRow("DOCKER_TLS_VERIFY=0 verifies too (set is set)")
            << "" << h << ""
            << "0"
            << ""
            << "full"
            << "" << h << true << true << "certs/full/ca.pem" << true << https;
        QTest::newRow("--docker-host takes the variables")
            << h << ""
            << ""
            << "1"
            << ""
            << "full"
            << "" << h << true << true << "certs/full/ca.pem" << true << https;
        QTest::newRow("DOCKER_TLS: encrypted, not verified") << "" << h << ""
                                                             << ""
                                                             << "1"
                                                             << "full"
                                                             << "" << h << true << false << "" << true << https;
        QTest::newRow("DOCKER_TLS with no files at all") << "" << h << ""
                                                         << ""
                                                         << "1"
                                                         << "missing"
                                                         << "" << h << true << false << "" << false << https;
        QTest::newRow("verify without a client certificate")
            << "" << h << ""
            << "1"
            << ""
            << "caonly"
            << "" << h << true << true << "certs/caonly/ca.pem" << false << https;
        QTest::newRow("EC key") << "" << h << ""
                                << "1"
                                << ""
                                << "eckey"
                                << "" << h << true << true << "certs/eckey/ca.pem" << true << https;
        QTest::newRow("cert path defaults to the config dir")
            << "" << h << ""
            << "1"
            << ""
            << ""
            << "full" << h << true << true << "certs/full/ca.pem" << true << https;
        QTest::newRow("no TLS variable: plain tcp")
            << "" << QStringLiteral("tcp://docker.example:2375") << ""
            << ""
            << ""
            << "full"
            << ""
            << "tcp://docker.example:2375" << false << true << "" << false << QByteArray("http://docker.example:2375");
        QTest::newRow("a unix socket ignores TLS")
            << ""
            << "unix:///x.sock"
            << ""
            << "1"
            << ""
            << "missing"
            << ""
            << "unix:///x.sock" << false << true << "" << false << QByteArray("http://localhost");
        QTest::newRow("TLS and no host: localhost:2376")
            << ""
            << ""
            << ""
            << "1"
            << ""
            << "full"
            << ""
            << "tcp://localhost:2376" << true << true << "certs/full/ca.pem" << true
            << QByteArray("https://localhost:2376");
        QTest::newRow("DOCKER_HOST over a context, with the variables")
            << "" << h << ""
            << "1"
            << ""
            << "full"
            << "config" << h << true << true << "certs/full/ca.pem" << true << https;
        QTest::newRow("context \"default\" takes the variables")
            << ""
            << ""
            << "default"
            << "1"
            << ""
            << "full"
            << "config"
            << "tcp://localhost:2376" << true << true << "certs/full/ca.pem" << true
            << QByteArray("https://localhost:2376");

        // What the variables cannot do without.
        QTest::newRow("verify without ca.pem") << "" << h << ""
                                               << "1"
                                               << ""
                                               << "clientonly"
                                               << ""
                                               << "error:ca.pem" << false << false << "" << false << QByteArray();
        QTest::newRow("verify, cert path missing")
            << "" << h << ""
            << "1"
            << ""
            << "missing"
            << ""
            << "error:DOCKER_TLS_VERIFY is set but there is no" << false << false << "" << false << QByteArray();
        QTest::newRow("cert.pem without key.pem")
            << "" << h << ""
            << "1"
            << ""
            << "certnokey"
            << ""
            << "error:needs its key" << false << false << "" << false << QByteArray();
        QTest::newRow("key.pem without cert.pem")
            << "" << h << ""
            << ""
            << "1"
            << "keynocert"
            << ""
            << "error:needs its key" << false << false << "" << false << QByteArray();
        QTest::newRow("encrypted key") << "" << h << ""
                                       << "1"
                                       << ""
                                       << "encryptedkey"
                                       << ""
                                       << "error:encrypted" << false << false << "" << false << QByteArray();
        QTest::newRow("legacy encrypted key") << "" << h << ""
                                              << "1"
                                              << ""
                                              << "legacyencryptedkey"
                                              << ""
                                              << "error:encrypted" << false << false << "" << false << QByteArray();
        QTest::newRow("ca.pem not PEM") << "" << h << ""
                                        << "1"
                                        << ""
                                        << "canotpem"
                                        << ""
                                        << "error:not a PEM certificate" << false << false << "" << false
                                        << QByteArray();
        QTest::newRow("key.pem not a key")
            << "" << h << ""
            << "1"
            << ""
            << "keynotpem"
            << ""
            << "error:not a PEM private key" << false << false << "" << false << QByteArray();

        // Contexts bring their own material; the variables do not apply.
        QTest::newRow("currentContext with ca, cert, key")
            << ""
            << ""
            << ""
            << ""
            << ""
            << ""
            << "config" << h << true << true << QStringLiteral("contexts/tls/%1/docker/ca.pem").arg(sha) << true
            << https;
        QTest::newRow("context without ca.pem: system CAs") << ""
                                                            << ""
                                                            << "systemca"
                                                            << ""
                                                            << ""
                                                            << ""
                                                            << "config" << h << true << true << "" << true << https;
        QTest::newRow("context SkipTLSVerify, no files") << ""
                                                         << ""
                                                         << "skip"
                                                         << ""
                                                         << ""
                                                         << ""
                                                         << "config" << h << true << false << "" << false << https;
        QTest::newRow("context SkipTLSVerify with files") << ""
                                                          << ""
                                                          << "skipwithfiles"
                                                          << ""
                                                          << ""
                                                          << ""
                                                          << "config" << h << true << false << "" << true << https;
        QTest::newRow("context without TLS: plain tcp")
            << ""
            << ""
            << "plain"
            << ""
            << ""
            << ""
            << "config"
            << "tcp://docker.example:2375" << false << true << "" << false << QByteArray("http://docker.example:2375");
        QTest::newRow("context ignores DOCKER_TLS_VERIFY")
            << ""
            << ""
            << "plain"
            << "1"
            << ""
            << "missing"
            << "config"
            << "tcp://docker.example:2375" << false << true << "" << false << QByteArray("http://docker.example:2375");
        QTest::newRow("context on a unix socket: no TLS")
            << ""
            << ""
            << "socket"
            << ""
            << ""
            << ""
            << "config"
            << "unix:///run/ctx.sock" << false << true << "" << false << QByteArray("http://localhost");
        QTest::newRow("context with cert.pem, no key.pem")
            << ""
            << ""
            << "halfpair"
            << ""
            << ""
            << ""
            << "config"
            << "error:docker context \"halfpair\"" << false << false << "" << false << QByteArray();
    }

    void tls()
    {
        QFETCH(QString, explicitHost);
        QFETCH(QString, dockerHost);
        QFETCH(QString, dockerContext);
        QFETCH(QString, tlsVerify);
        QFETCH(QString, tls);
        QFETCH(QString, certPath);
        QFETCH(QString, config);
        QFETCH(QString, expected);
        QFETCH(bool, enabled);
        QFETCH(bool, verify);
        QFETCH(QString, ca);
        QFETCH(bool, client);
        QFETCH(QByteArray, base);

        const QString fixtures = QFINDTESTDATA("fixtures/tls/README.md").section(QLatin1Char('/'), 0, -2);
        QVERIFY(!fixtures.isEmpty());
        const QString missing = QStringLiteral("/nonexistent/stevedore-test/certs");
        DockerHostInputs in;
        in.explicitHost = explicitHost;
        in.dockerHost = dockerHost;
        in.dockerContext = dockerContext;
        in.tlsVerify = tlsVerify;
        in.tls = tls;
        in.certPath = certPath.isEmpty()           ? QString()
            : certPath == QLatin1String("missing") ? missing
                                                   : QString(fixtures + QStringLiteral("/certs/") + certPath);
        in.configDir = config.isEmpty()         ? QStringLiteral("/nonexistent/stevedore-test/.docker")
            : config == QLatin1String("config") ? QString(fixtures + QStringLiteral("/config"))
                                                : QString(fixtures + QStringLiteral("/certs/") + config);
        QString error;
        const auto e = resolveDockerHost(in, &error);
        if (expected.startsWith(QLatin1String("error:"))) {
            QVERIFY2(!e, e ? qPrintable(e->describe()) : "");
            QVERIFY2(error.contains(expected.mid(6)), qPrintable(error));
            QVERIFY2(error.startsWith(QLatin1String("Docker TLS: ")), qPrintable(error));
            return;
        }
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->url(), expected);
        QCOMPARE(e->baseUrl(), base);
        QCOMPARE(e->tls.enabled, enabled);
        if (!enabled)
            return;
        QCOMPARE(e->tls.verify, verify);
        if (ca.isEmpty())
            QVERIFY2(e->tls.caFile.isEmpty(), qPrintable(e->tls.caFile));
        else
            QVERIFY2(e->tls.caFile.endsWith(QLatin1Char('/') + ca), qPrintable(e->tls.caFile));
        QCOMPARE(e->tls.hasClientCertificate(), client);
        QCOMPARE(e->tls.keyFile.isEmpty(), !client);
        if (client) {
            QVERIFY(QFileInfo(e->tls.certFile).isFile());
            QVERIFY(QFileInfo(e->tls.keyFile).isFile());
            QCOMPARE(QFileInfo(e->tls.certFile).absolutePath(), QFileInfo(e->tls.keyFile).absolutePath());
        }
    }

    // A key that exists but cannot be read (here: a directory named
    // key.pem; as root a mode 000 file would still be readable).
    // --context, as the docker CLI's: over DOCKER_HOST and DOCKER_CONTEXT,
    // "default" is DOCKER_HOST or the socket, and never with --docker-host.
    void explicitContext_data()
    {
        QTest::addColumn<QString>("explicitHost");
        QTest::addColumn<QString>("explicitContext");
        QTest::addColumn<QString>("dockerHost");
        QTest::addColumn<QString>("dockerContext");
        QTest::addColumn<QString>("expected"); // url, or "error:<words>"
        QTest::addColumn<QString>("origin");
        QTest::addColumn<bool>("tls");
        QTest::newRow("over DOCKER_HOST") << ""
                                          << "secure"
                                          << "unix:///env.sock"
                                          << ""
                                          << "tcp://docker.example:2376"
                                          << "docker context \"secure\"" << true;
        QTest::newRow("over DOCKER_CONTEXT") << ""
                                             << "plain"
                                             << ""
                                             << "skip"
                                             << "tcp://docker.example:2375"
                                             << "docker context \"plain\"" << false;
        QTest::newRow("default: DOCKER_HOST") << ""
                                              << "default"
                                              << "unix:///env.sock"
                                              << "secure"
                                              << "unix:///env.sock"
                                              << "DOCKER_HOST" << false;
        QTest::newRow("default: the socket") << ""
                                             << "default"
                                             << ""
                                             << "secure"
                                             << "unix:///var/run/docker.sock"
                                             << "default" << false;
        QTest::newRow("missing") << ""
                                 << "ghost"
                                 << ""
                                 << ""
                                 << "error:(from --context) does not exist"
                                 << "" << false;
        QTest::newRow("with --docker-host") << "unix:///x.sock"
                                            << "secure"
                                            << ""
                                            << ""
                                            << "error:conflicting options"
                                            << "" << false;
    }

    void explicitContext()
    {
        QFETCH(QString, explicitHost);
        QFETCH(QString, explicitContext);
        QFETCH(QString, dockerHost);
        QFETCH(QString, dockerContext);
        QFETCH(QString, expected);
        QFETCH(QString, origin);
        QFETCH(bool, tls);
        const QString config = QFINDTESTDATA("fixtures/tls/config/config.json").section(QLatin1Char('/'), 0, -2);
        QVERIFY(!config.isEmpty());
        DockerHostInputs in;
        in.explicitHost = explicitHost;
        in.explicitContext = explicitContext;
        in.dockerHost = dockerHost;
        in.dockerContext = dockerContext;
        in.configDir = config;
        QString error;
        const auto e = resolveDockerHost(in, &error);
        if (expected.startsWith(QLatin1String("error:"))) {
            QVERIFY(!e);
            QVERIFY2(error.contains(expected.mid(6)), qPrintable(error));
            return;
        }
        QVERIFY2(e, qPrintable(error));
        QCOMPARE(e->url(), expected);
        QCOMPARE(e->origin, origin);
        QCOMPARE(e->tls.enabled, tls);
    }

    void unreadableKeyIsNamed()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString full = QFINDTESTDATA("fixtures/tls/certs/full/ca.pem").section(QLatin1Char('/'), 0, -2);
        QVERIFY(!full.isEmpty());
        QVERIFY(QFile::copy(full + QStringLiteral("/ca.pem"), tmp.path() + QStringLiteral("/ca.pem")));
        QVERIFY(QFile::copy(full + QStringLiteral("/cert.pem"), tmp.path() + QStringLiteral("/cert.pem")));
        QVERIFY(QDir().mkpath(tmp.path() + QStringLiteral("/key.pem")));
        DockerHostInputs in;
        in.dockerHost = QStringLiteral("tcp://127.0.0.1:2376");
        in.tlsVerify = QStringLiteral("1");
        in.certPath = tmp.path();
        QString error;
        QVERIFY(!resolveDockerHost(in, &error));
        QVERIFY2(error.contains(QStringLiteral("cannot read the private key %1/key.pem").arg(tmp.path())),
                 qPrintable(error));
    }

    // What the log shows and what the spawn script gets.
    void describeAndCliEnvironment()
    {
        DockerEndpoint unix = DockerEndpoint::defaultEndpoint();
        QCOMPARE(unix.describe(), QStringLiteral("unix:///var/run/docker.sock"));
        QCOMPARE(unix.cliEnvironment().size(), 1);

        DockerEndpoint e = *parseDockerHost(QStringLiteral("tcp://10.0.0.1:2376"), nullptr);
        QCOMPARE(e.describe(), QStringLiteral("tcp://10.0.0.1:2376"));
        e.tls.enabled = true;
        e.tls.verify = true;
        e.tls.caFile = QStringLiteral("/certs/ca.pem");
        e.tls.certFile = QStringLiteral("/certs/cert.pem");
        e.tls.keyFile = QStringLiteral("/certs/key.pem");
        e.tls.certDir = QStringLiteral("/certs");
        QCOMPARE(e.describe(),
                 QStringLiteral("tcp://10.0.0.1:2376 (TLS, daemon verified against /certs/ca.pem, client "
                                "certificate /certs/cert.pem)"));
        const QList<QPair<QString, QString>> verified {
            { QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://10.0.0.1:2376") },
            { QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1") },
            { QStringLiteral("DOCKER_CERT_PATH"), QStringLiteral("/certs") }
        };
        QCOMPARE(e.cliEnvironment(), verified);

        e.tls.verify = false;
        e.tls.caFile.clear();
        e.tls.certFile.clear();
        e.tls.keyFile.clear();
        QCOMPARE(e.describe(), QStringLiteral("tcp://10.0.0.1:2376 (TLS, daemon NOT verified, no client certificate)"));
        QCOMPARE(e.cliEnvironment().at(1), qMakePair(QStringLiteral("DOCKER_TLS"), QStringLiteral("1")));
    }

    void fromEnvironmentReadsVariables()
    {
        qputenv("DOCKER_HOST", "tcp://192.0.2.1:2375");
        qputenv("DOCKER_CONTEXT", "c1");
        qputenv("DOCKER_CONFIG", "/tmp/cfg");
        qputenv("DOCKER_TLS_VERIFY", "1");
        qputenv("DOCKER_TLS", "yes");
        qputenv("DOCKER_CERT_PATH", "/tmp/certs");
        const auto in = DockerHostInputs::fromEnvironment(QStringLiteral("unix:///x"));
        for (const char* name : { "DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY", "DOCKER_TLS",
                                  "DOCKER_CERT_PATH" })
            qunsetenv(name);
        QCOMPARE(in.tlsVerify, QStringLiteral("1"));
        QCOMPARE(in.tls, QStringLiteral("yes"));
        QCOMPARE(in.certPath, QStringLiteral("/tmp/certs"));
        QCOMPARE(in.explicitHost, QStringLiteral("unix:///x"));
        QCOMPARE(in.dockerHost, QStringLiteral("tcp://192.0.2.1:2375"));
        QCOMPARE(in.dockerContext, QStringLiteral("c1"));
        QCOMPARE(in.configDir, QStringLiteral("/tmp/cfg"));
        const auto home = DockerHostInputs::fromEnvironment({});
        QCOMPARE(home.configDir, QDir::homePath() + QStringLiteral("/.docker"));
    }
};

QTEST_GUILESS_MAIN(TestDockerHost)
#include "tst_dockerhost.moc"
