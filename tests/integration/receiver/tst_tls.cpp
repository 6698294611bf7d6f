// TLS for the receiver and the reporter (issue 14, item 3) as a user runs
// it: a throwaway CA and server certificates made with the openssl command
// at test time, the real program as `--receiver-only --tls-cert --tls-key`,
// real agents (`--no-gui --no-manage --no-listen --report-to https://...`)
// reporting to it, and hostile clients that must not stop an honest one.
#include "rawhttp.h"
#include "receivertestutil.h"

#include "core/model/snapshotjson.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <vector>

using nlohmann::json;

namespace {
using testutil::freePort;
using testutil::waitFor;

const QByteArray kToken = "tls-test-token";

void stop(QProcess& p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished(5000);
    }
}

// One request over a new TLS connection that verifies the server against
// `cas` under `peerName`. `tlsError` gets the handshake's failure.
rawhttp::Response tlsExchange(quint16 port, const QByteArray& request, const QList<QSslCertificate>& cas,
                              const QString& peerName = QStringLiteral("127.0.0.1"), QString* tlsError = nullptr,
                              int timeoutMs = 5000)
{
    rawhttp::Response r;
    QElapsedTimer clock;
    clock.start();
    QSslSocket socket;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(cas);
    socket.setSslConfiguration(config);
    socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port, peerName);
    if (!socket.waitForEncrypted(timeoutMs)) {
        if (tlsError)
            *tlsError = socket.errorString();
        return r;
    }
    socket.write(request);
    QByteArray buf;
    while (clock.elapsed() < timeoutMs) {
        socket.waitForReadyRead(100);
        buf += socket.readAll();
        const bool eof = socket.state() != QAbstractSocket::ConnectedState;
        if (rawhttp::parseResponse(buf, r, eof) || eof)
            break;
    }
    r.elapsedMs = clock.elapsed();
    return r;
}

QByteArray get(const QByteArray& path)
{
    return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken + "\r\n\r\n";
}

// stevedore_receiver_connections_cut_total{reason="REASON"} from /metrics.
double cutCount(const QByteArray& metrics, const char* reason)
{
    const QByteArray key = QByteArray("stevedore_receiver_connections_cut_total{reason=\"") + reason + "\"} ";
    const qsizetype at = metrics.indexOf(key);
    if (at < 0)
        return 0;
    const qsizetype end = metrics.indexOf('\n', at);
    return metrics.mid(at + key.size(), end - at - key.size()).trimmed().toDouble();
}
} // namespace

class TestTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_openssl;
    QList<QSslCertificate> m_ca;
    QProcessEnvironment m_env;
    QProcess m_central;
    quint16 m_port = 0;

    QString path(const QString& name) const { return m_dir.filePath(name); }

    bool openssl(const QStringList& args)
    {
        QProcess p;
        p.start(m_openssl, args);
        if (!p.waitForFinished(30000) || p.exitCode() != 0) {
            qWarning().noquote() << "openssl" << args.join(QLatin1Char(' ')) << p.readAllStandardError();
            return false;
        }
        return true;
    }

    // An EC P-256 key and a certificate for `sans` signed by the test CA.
    bool issue(const QString& name, const QString& sans)
    {
        QFile ext(path(name + QStringLiteral(".ext")));
        if (!ext.open(QIODevice::WriteOnly))
            return false;
        ext.write("subjectAltName=" + sans.toUtf8() + "\nextendedKeyUsage=serverAuth\n");
        ext.close();
        return openssl({ QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                         QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                         QStringLiteral("-nodes"), QStringLiteral("-keyout"), path(name + QStringLiteral(".key")),
                         QStringLiteral("-out"), path(name + QStringLiteral(".csr")), QStringLiteral("-subj"),
                         QStringLiteral("/CN=") + name })
            && openssl({ QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                         path(name + QStringLiteral(".csr")), QStringLiteral("-CA"), path(QStringLiteral("ca.pem")),
                         QStringLiteral("-CAkey"), path(QStringLiteral("ca.key")), QStringLiteral("-CAcreateserial"),
                         QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-out"),
                         path(name + QStringLiteral(".pem")), QStringLiteral("-extfile"),
                         path(name + QStringLiteral(".ext")) });
    }

    // The real program as a TLS central receiver on `port`.
    void startReceiver(QProcess& p, quint16 port, const QString& cert, const QString& dataDir)
    {
        p.setProcessEnvironment(m_env);
        p.start(QStringLiteral(STEVEDORE_PROGRAM),
                { QStringLiteral("--receiver-only"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--token-file"),
                  path(QStringLiteral("token")), QStringLiteral("--tls-cert"), path(cert + QStringLiteral(".pem")),
                  QStringLiteral("--tls-key"), path(cert + QStringLiteral(".key")), QStringLiteral("--data-dir"),
                  path(dataDir) });
    }

    bool receiverUp(QProcess& p, quint16 port, const QString& peerName)
    {
        return waitFor(
                   [&] {
                       return p.state() != QProcess::Running
                           || tlsExchange(port, get("/healthz"), m_ca, peerName, nullptr, 500).status == 200;
                   },
                   30000)
            && p.state() == QProcess::Running;
    }

    std::unique_ptr<QProcess> startAgent(const QString& hostName, const QStringList& extra)
    {
        auto agent = std::make_unique<QProcess>();
        agent->setProcessEnvironment(m_env);
        agent->setProcessChannelMode(QProcess::MergedChannels);
        agent->start(QStringLiteral(STEVEDORE_PROGRAM),
                     QStringList { QStringLiteral("--no-gui"), QStringLiteral("--no-manage"),
                                   QStringLiteral("--no-listen"), QStringLiteral("--quiet"), QStringLiteral("--source"),
                                   QStringLiteral("cgroup"), QStringLiteral("--interval"), QStringLiteral("1"),
                                   QStringLiteral("--host-name"), hostName, QStringLiteral("--token-file"),
                                   path(QStringLiteral("token")), QStringLiteral("--data-dir"), path(hostName) }
                         + extra);
        return agent;
    }

    json entriesOf(quint16 port, const QByteArray& host, const QString& peerName = QStringLiteral("127.0.0.1"))
    {
        const auto r = tlsExchange(port, get("/logs?host=" + host), m_ca, peerName);
        return r.status == 200 ? json::parse(r.body.toStdString(), nullptr, false) : json();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Installed by scripts/test.sh (TEST_PACKAGES): a missing tool is a
        // failure, never a silent pass.
        m_openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        QVERIFY2(!m_openssl.isEmpty(), "the openssl command is not installed (apt-get install openssl)");
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend (libssl3)");
        QVERIFY(openssl({ QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                          QStringLiteral("ec"), QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                          QStringLiteral("-nodes"), QStringLiteral("-keyout"), path(QStringLiteral("ca.key")),
                          QStringLiteral("-out"), path(QStringLiteral("ca.pem")), QStringLiteral("-days"),
                          QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=Stevedore test CA") }));
        QVERIFY(issue(QStringLiteral("server"), QStringLiteral("IP:127.0.0.1,DNS:localhost")));
        QVERIFY(issue(QStringLiteral("elsewhere"), QStringLiteral("DNS:elsewhere.invalid")));
        m_ca = QSslCertificate::fromPath(path(QStringLiteral("ca.pem")));
        QCOMPARE(m_ca.size(), qsizetype(1));
        QFile token(path(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write(kToken + "\n");
        token.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        token.close();

        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        m_port = freePort();
        startReceiver(m_central, m_port, QStringLiteral("server"), QStringLiteral("central"));
        QVERIFY(m_central.waitForStarted(5000));
        QVERIFY2(receiverUp(m_central, m_port, QStringLiteral("127.0.0.1")),
                 m_central.readAllStandardError().right(2000).constData());
        // The name in the URL is checked as well: localhost is in the
        // certificate, so it verifies too.
        QCOMPARE(tlsExchange(m_port, get("/healthz"), m_ca, QStringLiteral("localhost")).status, 200);
    }

    void cleanupTestCase()
    {
        stop(m_central);
        QCOMPARE(m_central.exitCode(), 0);
    }

    // Bad TLS material or a token bound for clear text: refused before
    // anything starts, with "stevedore: ..." and exit status 2.
    void refusedAtStart_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        const QString cert = path(QStringLiteral("server.pem"));
        const QString key = path(QStringLiteral("server.key"));
        const QStringList receiver { QStringLiteral("--receiver-only"), QStringLiteral("--listen"),
                                     QStringLiteral("127.0.0.1:%1").arg(freePort()) };
        QTest::newRow("cert without key") << receiver + QStringList { QStringLiteral("--tls-cert"), cert }
                                          << QStringLiteral("--tls-cert and --tls-key go together");
        QTest::newRow("key without cert") << receiver + QStringList { QStringLiteral("--tls-key"), key }
                                          << QStringLiteral("--tls-cert and --tls-key go together");
        QTest::newRow("unreadable cert") << receiver
                + QStringList { QStringLiteral("--tls-cert"), path(QStringLiteral("missing.pem")),
                                QStringLiteral("--tls-key"), key }
                                         << QStringLiteral("missing.pem: No such file");
        QTest::newRow("key of another certificate") << receiver
                + QStringList { QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"),
                                path(QStringLiteral("elsewhere.key")) }
                                                    << QStringLiteral("does not belong to the certificate");
        QTest::newRow("certificate that is a key")
            << receiver + QStringList { QStringLiteral("--tls-cert"), key, QStringLiteral("--tls-key"), key }
            << QStringLiteral("holds no PEM certificate");
        QTest::newRow("CA file that is not PEM")
            << QStringList { QStringLiteral("--no-gui"),    QStringLiteral("--no-listen"),
                             QStringLiteral("--report-to"), QStringLiteral("https://127.0.0.1:9/logs"),
                             QStringLiteral("--ca-file"),   path(QStringLiteral("token")) }
            << QStringLiteral("--ca-file: ");
        QTest::newRow("plain-http token to another host")
            << QStringList { QStringLiteral("--no-gui"),     QStringLiteral("--no-listen"),
                             QStringLiteral("--report-to"),  QStringLiteral("http://192.0.2.1:5000/logs"),
                             QStringLiteral("--token-file"), path(QStringLiteral("token")) }
            << QStringLiteral("would send the bearer token in clear text");
    }
    void refusedAtStart()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QProcess p;
        p.setProcessEnvironment(m_env);
        p.start(QStringLiteral(STEVEDORE_PROGRAM),
                args + QStringList { QStringLiteral("--data-dir"), path(QStringLiteral("refused")) });
        QVERIFY(p.waitForFinished(15000));
        const QString err = QString::fromLocal8Bit(p.readAllStandardError());
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.startsWith(QStringLiteral("stevedore: ")) && err.contains(says), qPrintable(err));
    }

    // --insecure lets the plain-http token go (the agent runs and tries);
    // it does nothing to https verification (see agents()).
    void insecureAllowsPlainToken()
    {
        auto agent = startAgent(
            QStringLiteral("insecure-agent"),
            { QStringLiteral("--report-to"), QStringLiteral("http://192.0.2.1:9/logs"), QStringLiteral("--insecure") });
        QVERIFY(agent->waitForStarted(5000));
        QVERIFY2(!agent->waitForFinished(1500), agent->readAll().constData()); // still running: accepted
        agent->kill();
        agent->waitForFinished(5000);
    }

    // Three agents at once: one that trusts the test CA delivers (and its
    // shutdown's GET /generate_graphs goes over TLS too); one with the
    // system CAs only delivers nothing and says why; one whose receiver's
    // certificate names another host delivers nothing either.
    void agents()
    {
        const quint16 elsewherePort = freePort();
        QProcess elsewhere;
        startReceiver(elsewhere, elsewherePort, QStringLiteral("elsewhere"), QStringLiteral("elsewhere-store"));
        QVERIFY(elsewhere.waitForStarted(5000));
        QVERIFY2(receiverUp(elsewhere, elsewherePort, QStringLiteral("elsewhere.invalid")),
                 elsewhere.readAllStandardError().right(2000).constData());

        const QString url = QStringLiteral("https://127.0.0.1:%1/logs").arg(m_port);
        auto trusting = startAgent(
            QStringLiteral("trusting-agent"),
            { QStringLiteral("--report-to"), url, QStringLiteral("--ca-file"), path(QStringLiteral("ca.pem")) });
        // --insecure too: it must not turn verification off.
        auto untrusting = startAgent(QStringLiteral("untrusting-agent"),
                                     { QStringLiteral("--report-to"), url, QStringLiteral("--insecure") });
        auto misnamed = startAgent(QStringLiteral("misnamed-agent"),
                                   { QStringLiteral("--report-to"),
                                     QStringLiteral("https://127.0.0.1:%1/logs").arg(elsewherePort),
                                     QStringLiteral("--ca-file"), path(QStringLiteral("ca.pem")) });
        // A service with its own HTTPS receiver and no --report-to: its
        // reporter trusts exactly its own certificate, which names neither
        // 127.0.0.1 nor a CA it knows.
        const quint16 ownPort = freePort();
        QProcess own;
        own.setProcessEnvironment(m_env);
        own.setProcessChannelMode(QProcess::MergedChannels);
        own.start(QStringLiteral(STEVEDORE_PROGRAM),
                  { QStringLiteral("--no-gui"), QStringLiteral("--no-manage"), QStringLiteral("--quiet"),
                    QStringLiteral("--source"), QStringLiteral("cgroup"), QStringLiteral("--interval"),
                    QStringLiteral("1"), QStringLiteral("--host-name"), QStringLiteral("own-receiver"),
                    QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(ownPort),
                    QStringLiteral("--tls-cert"), path(QStringLiteral("elsewhere.pem")), QStringLiteral("--tls-key"),
                    path(QStringLiteral("elsewhere.key")), QStringLiteral("--token-file"),
                    path(QStringLiteral("token")), QStringLiteral("--data-dir"), path(QStringLiteral("own")) });
        QByteArray untrustingSaid;
        QByteArray misnamedSaid;
        json entries;
        json ownEntries;
        const bool settled = waitFor(
            [&] {
                untrustingSaid += untrusting->readAll();
                misnamedSaid += misnamed->readAll();
                entries = entriesOf(m_port, "trusting-agent");
                ownEntries = entriesOf(ownPort, "own-receiver", QStringLiteral("elsewhere.invalid"));
                return entries.is_array() && !entries.empty() && ownEntries.is_array() && !ownEntries.empty()
                    && untrustingSaid.contains("not accepted") && misnamedSaid.contains("not accepted");
            },
            30000);
        const QByteArray ownSaid = own.readAll();
        own.kill();
        own.waitForFinished(5000);
        untrusting->kill();
        misnamed->kill();
        untrusting->waitForFinished(5000);
        misnamed->waitForFinished(5000);
        untrustingSaid += untrusting->readAll();
        misnamedSaid += misnamed->readAll();
        stop(*trusting);
        const QByteArray trustingSaid = trusting->readAll();
        const QByteArray said = ownSaid.right(1500) + "\n---\n" + trustingSaid.right(1500) + "\n---\n"
            + untrustingSaid.right(1500) + "\n---\n" + misnamedSaid.right(1500);
        QVERIFY2(settled, said.constData());

        QVERIFY(entries.is_array() && !entries.empty());
        for (const json& e : entries)
            QCOMPARE(e["host"]["name"].get<std::string>(), std::string("trusting-agent"));
        // The shutdown asked the central receiver for its charts over TLS.
        QVERIFY2(trustingSaid.contains("Charts generated"), trustingSaid.right(2000).constData());
        // The others said why in their logs, and nothing of theirs arrived.
        QVERIFY2(untrustingSaid.contains("issuer certificate"), untrustingSaid.right(1500).constData());
        QVERIFY2(misnamedSaid.contains("host name did not match"), misnamedSaid.right(1500).constData());
        QCOMPARE(entriesOf(m_port, "untrusting-agent").size(), size_t(0));
        const json none = entriesOf(elsewherePort, "misnamed-agent", QStringLiteral("elsewhere.invalid"));
        QVERIFY(none.is_array());
        QCOMPARE(none.size(), size_t(0));
        stop(elsewhere);
    }

    // A plain-HTTP request to the HTTPS port: a plain 400 that says so, and
    // the receiver goes on.
    void plainHttpToTheHttpsPort()
    {
        const auto r = rawhttp::exchange(m_port, get("/healthz"), 5000);
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("HTTPS") && r.body.contains("https://"), r.body.constData());
        QCOMPARE(tlsExchange(m_port, get("/healthz"), m_ca).status, 200);
    }

    // The guards answer over TLS as over plain HTTP, and the answer gets out
    // before the connection is closed.
    void guardsAnswerOverTls_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("body over 1 MiB: 413 at the headers")
            << QByteArray("POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken
                          + "\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n")
            << 413;
        QTest::newRow("headers over 32 KiB: 431")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + QByteArray(40000, 'a') + "\r\n\r\n")
            << 431;
        QTest::newRow("malformed request line: 400") << QByteArray("NOT HTTP AT ALL\r\n\r\n") << 400;
        QTest::newRow("no token: 401") << QByteArray("GET /logs HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") << 401;
    }
    void guardsAnswerOverTls()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const auto r = tlsExchange(m_port, request, m_ca);
        QCOMPARE(r.status, status);
        QVERIFY2(r.body.contains("\"error\""), r.body.constData());
    }

    // GET /logs streams from the store as the client reads: a client that
    // reads nothing holds the server to about one piece, not the whole log
    // (over TLS the encrypted bytes still queued count too).
    void slowReaderOfALargeLog()
    {
        // About 20 MiB of entries (each under the 1 MiB body limit).
        QSslSocket s;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates(m_ca);
        s.setSslConfiguration(config);
        s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port);
        QVERIFY(s.waitForEncrypted(5000));
        qint64 posted = 0;
        for (int i = 0; i < 85; ++i) {
            const QByteArray body = testutil::dump(snapshotToJson(testutil::makeSnapshot(i, 400)));
            posted += body.size();
            s.write("POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size())
                    + "\r\n\r\n" + body);
            QByteArray buf;
            rawhttp::Response r;
            QElapsedTimer w;
            w.start();
            while (!rawhttp::parseResponse(buf, r, false) && w.elapsed() < 10000) {
                s.waitForReadyRead(100);
                buf += s.readAll();
            }
            QCOMPARE(r.status, 201);
        }
        const qint64 pid = m_central.processId();
        const qint64 before = testutil::procStatusKb(pid, "VmRSS:");
        s.write(get("/logs"));
        s.flush();
        s.waitForBytesWritten(1000);
        QThread::msleep(2500); // read nothing meanwhile
        const qint64 held = testutil::procStatusKb(pid, "VmRSS:") - before;
        // Now read it all: every entry arrives, in one JSON array.
        QByteArray buf;
        rawhttp::Response r;
        QElapsedTimer w;
        w.start();
        while (!rawhttp::parseResponse(buf, r, false) && w.elapsed() < 30000) {
            s.waitForReadyRead(100);
            buf += s.readAll();
        }
        qInfo("%lld MiB of entries posted over TLS; a client reading none of GET /logs grew the receiver by %lld KiB",
              qlonglong(posted >> 20), qlonglong(held));
        QCOMPARE(r.status, 200);
        const json all = json::parse(r.body.toStdString(), nullptr, false);
        QVERIFY(all.is_array() && all.size() >= 85);
        QVERIFY2(held < 12 * 1024, qPrintable(QString::number(held)));
    }

    // Garbage, handshakes that never finish and 200 idle TLS connections,
    // 500 connections from one address (the bound is 256): an honest client
    // still gets its answer, and the unfinished handshakes are timed out.
    void hostileClients()
    {
        const QByteArray before = tlsExchange(m_port, get("/metrics"), m_ca).body;

        // A TLS record of garbage: the handshake fails, the server closes.
        QTcpSocket garbage;
        garbage.connectToHost(QHostAddress::LocalHost, m_port);
        QVERIFY(garbage.waitForConnected(3000));
        garbage.write(QByteArray("\x16\x03\x01\x00\x10", 5) + QByteArray(16, '\xee'));
        QVERIFY2(waitFor([&] { return garbage.state() == QAbstractSocket::UnconnectedState; }, 5000),
                 "a garbage handshake was not closed");

        // 200 idle connections that finished their handshake.
        std::vector<std::unique_ptr<QSslSocket>> idle;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates(m_ca);
        QElapsedTimer handshakes;
        handshakes.start();
        for (int i = 0; i < 200; ++i) {
            auto s = std::make_unique<QSslSocket>();
            s->setSslConfiguration(config);
            s->connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_port);
            QVERIFY2(s->waitForEncrypted(5000), qPrintable(s->errorString()));
            idle.push_back(std::move(s));
        }
        const qint64 handshakeMs = handshakes.elapsed();
        // 300 handshakes that never finish: a record header announcing a
        // ClientHello that never comes.
        std::vector<std::unique_ptr<QTcpSocket>> stalled;
        for (int i = 0; i < 300; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            s->connectToHost(QHostAddress::LocalHost, m_port);
            QVERIFY(s->waitForConnected(3000));
            s->write(QByteArray("\x16\x03\x01\x00\xc8\x01", 6));
            s->flush();
            stalled.push_back(std::move(s));
        }
        QCoreApplication::processEvents();
        // What 500 TLS connections (most mid-handshake) cost the server: the
        // unit's MemoryMax is 512 MiB.
        const qint64 rssKb = testutil::procStatusKb(m_central.processId(), "VmRSS:");
        qInfo("receiver resident memory with 500 hostile TLS connections open: %lld KiB", qlonglong(rssKb));
        QVERIFY2(rssKb > 0 && rssKb < 300 * 1024, qPrintable(QString::number(rssKb)));
        QElapsedTimer honest;
        honest.start();
        const auto r = tlsExchange(m_port, get("/healthz"), m_ca, QStringLiteral("127.0.0.1"), nullptr, 10000);
        qInfo("200 TLS handshakes in %lld ms (%.2f ms each); honest client with 500 hostile connections open: %d in "
              "%lld ms",
              qlonglong(handshakeMs), double(handshakeMs) / 200, r.status, qlonglong(honest.elapsed()));
        QCOMPARE(r.status, 200);
        QVERIFY2(honest.elapsed() < 3000, qPrintable(QString::number(honest.elapsed())));

        // The unfinished handshakes are on the first request's clock (10 s):
        // every one is closed by then, evicted or timed out.
        const bool allClosed = waitFor(
            [&] {
                for (const auto& s : stalled) {
                    if (s->state() != QAbstractSocket::UnconnectedState)
                        return false;
                }
                return true;
            },
            20000);
        QVERIFY2(allClosed, "handshakes that never finish were left open");
        const QByteArray after = tlsExchange(m_port, get("/metrics"), m_ca).body;
        QVERIFY2(cutCount(after, "tls") > cutCount(before, "tls"), after.constData());
        QVERIFY2(cutCount(after, "handshake") > cutCount(before, "handshake"), after.constData());
        QVERIFY2(cutCount(after, "evicted") >= cutCount(before, "evicted") + 200, after.constData());
        QCOMPARE(m_central.state(), QProcess::Running);
    }

    // What TLS costs, against the same program over plain HTTP measured in
    // the same run: a request on a new connection, one on a kept-alive
    // connection, and entries/s posted one after another on one connection
    // (as the reporter does).
    void figures()
    {
        struct Figures
        {
            double perConnectionMs = 0;
            double keptAliveMs = 0;
            double entriesPerSecond = 0;
        };
        auto measure = [this](quint16 port, bool tls, Figures& f) {
            const int n = 30;
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < n; ++i) {
                const int status = tls ? tlsExchange(port, get("/healthz"), m_ca).status
                                       : rawhttp::exchange(port, get("/healthz")).status;
                QCOMPARE(status, 200);
            }
            f.perConnectionMs = double(t.elapsed()) / n;

            QSslSocket s; // unencrypted unless asked: a plain TCP socket then
            QSslConfiguration config = QSslConfiguration::defaultConfiguration();
            config.setCaCertificates(m_ca);
            s.setSslConfiguration(config);
            if (tls) {
                s.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
                QVERIFY(s.waitForEncrypted(5000));
            } else {
                s.connectToHost(QHostAddress::LocalHost, port);
                QVERIFY(s.waitForConnected(5000));
            }
            auto roundTrip = [&](const QByteArray& request) {
                s.write(request);
                QByteArray buf;
                rawhttp::Response r;
                QElapsedTimer w;
                w.start();
                while (!rawhttp::parseResponse(buf, r, false) && w.elapsed() < 5000) {
                    s.waitForReadyRead(100);
                    buf += s.readAll();
                }
                return r.status;
            };
            t.restart();
            for (int i = 0; i < n; ++i)
                QCOMPARE(roundTrip(get("/healthz")), 200);
            f.keptAliveMs = double(t.elapsed()) / n;

            const int entries = 200;
            t.restart();
            for (int i = 0; i < entries; ++i) {
                const QByteArray body = testutil::snapshotBody(i);
                const int status = roundTrip("POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kToken
                                             + "\r\nContent-Type: application/json\r\nContent-Length: "
                                             + QByteArray::number(body.size()) + "\r\n\r\n" + body);
                QVERIFY2(status == 201, qPrintable(QString::number(status)));
            }
            f.entriesPerSecond = entries * 1000.0 / std::max<qint64>(1, t.elapsed());
        };

        const quint16 plainPort = freePort();
        QProcess plain;
        plain.setProcessEnvironment(m_env);
        plain.start(QStringLiteral(STEVEDORE_PROGRAM),
                    { QStringLiteral("--receiver-only"), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:%1").arg(plainPort), QStringLiteral("--token-file"),
                      path(QStringLiteral("token")), QStringLiteral("--data-dir"), path(QStringLiteral("plain")) });
        QVERIFY(plain.waitForStarted(5000));
        QVERIFY(waitFor(
            [&] {
                return plain.state() != QProcess::Running
                    || rawhttp::exchange(plainPort, get("/healthz"), 500).status == 200;
            },
            30000));
        Figures overTls;
        Figures overPlain;
        measure(plainPort, false, overPlain);
        measure(m_port, true, overTls);
        stop(plain);
        if (QTest::currentTestFailed())
            return;
        qInfo("new connection per request: TLS %.2f ms, plain %.2f ms (x%.1f); kept-alive: TLS %.2f ms, plain %.2f ms "
              "(x%.1f); entries/s on one connection: TLS %.0f, plain %.0f (x%.2f)",
              overTls.perConnectionMs, overPlain.perConnectionMs, overTls.perConnectionMs / overPlain.perConnectionMs,
              overTls.keptAliveMs, overPlain.keptAliveMs, overTls.keptAliveMs / std::max(0.001, overPlain.keptAliveMs),
              overTls.entriesPerSecond, overPlain.entriesPerSecond,
              overTls.entriesPerSecond / overPlain.entriesPerSecond);
        QVERIFY(overTls.entriesPerSecond > 0 && overPlain.entriesPerSecond > 0);
    }
};

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
