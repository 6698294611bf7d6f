#include "core/docker/dockerhost.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
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

    void fromEnvironmentReadsVariables()
    {
        qputenv("DOCKER_HOST", "tcp://192.0.2.1:2375");
        qputenv("DOCKER_CONTEXT", "c1");
        qputenv("DOCKER_CONFIG", "/tmp/cfg");
        const auto in = DockerHostInputs::fromEnvironment(QStringLiteral("unix:///x"));
        qunsetenv("DOCKER_HOST");
        qunsetenv("DOCKER_CONTEXT");
        qunsetenv("DOCKER_CONFIG");
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
