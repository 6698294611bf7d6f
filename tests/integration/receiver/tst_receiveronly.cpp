// `stevedore --receiver-only` (issue 14, item 2) as a user runs it: the real
// program as a central receiver, another real stevedore reporting to it
// (--no-gui --no-manage --no-listen --report-to) under its own --host-name;
// GET /logs?host= returns that host's entries and no one else's.
#include "rawhttp.h"
#include "receivertestutil.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

using nlohmann::json;

namespace {
using testutil::freePort;
using testutil::waitFor;

void stop(QProcess& p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(15000)) {
        p.kill();
        p.waitForFinished(5000);
    }
}
} // namespace

class TestReceiverOnly : public QObject
{
    Q_OBJECT

    QByteArray get(const QByteArray& path) const
    {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + m_token + "\r\n\r\n";
    }

    QByteArray m_token = "receiver-only-test-token";

private Q_SLOTS:
    void agentReportsToACentralReceiver_data()
    {
        QTest::addColumn<QString>("hostName");
        QTest::addColumn<QByteArray>("query"); // ?host= as a client writes it
        QTest::newRow("plain") << QStringLiteral("agent-one") << QByteArray("agent-one");
        QTest::newRow("space, percent-encoded") << QStringLiteral("rack 2 node") << QByteArray("rack%202%20node");
    }
    void agentReportsToACentralReceiver()
    {
        QFETCH(QString, hostName);
        QFETCH(QByteArray, query);
        QTemporaryDir tmp;
        const QString tokenFile = tmp.filePath(QStringLiteral("token"));
        {
            QFile f(tokenFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(m_token + "\n");
            f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));

        const quint16 port = freePort();
        QProcess central;
        central.setProcessEnvironment(env);
        central.start(QStringLiteral(STEVEDORE_PROGRAM),
                      { QStringLiteral("--receiver-only"), QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--token-file"), tokenFile,
                        QStringLiteral("--data-dir"), tmp.filePath(QStringLiteral("central")) });
        QVERIFY(central.waitForStarted(5000));
        QVERIFY2(waitFor(
                     [&] {
                         return central.state() != QProcess::Running
                             || rawhttp::exchange(port, get("/healthz"), 500).status == 200;
                     },
                     30000),
                 "the central receiver did not answer /healthz");
        QVERIFY2(central.state() == QProcess::Running, "the central receiver exited at start");

        // Nothing of its own: no metrics source, so /metrics has no host
        // figures and the store is empty until an agent reports.
        auto r = rawhttp::exchange(port, get("/metrics"));
        QCOMPARE(r.status, 200);
        QVERIFY2(!r.body.contains("stevedore_host_memory_total_bytes"), r.body.constData());
        r = rawhttp::exchange(port, get("/logs"));
        QCOMPARE(r.status, 200);
        QCOMPARE(json::parse(r.body.toStdString()).size(), size_t(0));

        QProcess agent;
        agent.setProcessEnvironment(env);
        agent.start(QStringLiteral(STEVEDORE_PROGRAM),
                    { QStringLiteral("--no-gui"), QStringLiteral("--no-manage"), QStringLiteral("--no-listen"),
                      QStringLiteral("--quiet"), QStringLiteral("--source"), QStringLiteral("cgroup"),
                      QStringLiteral("--interval"), QStringLiteral("1"), QStringLiteral("--host-name"), hostName,
                      QStringLiteral("--report-to"), QStringLiteral("http://127.0.0.1:%1/logs").arg(port),
                      QStringLiteral("--token-file"), tokenFile, QStringLiteral("--data-dir"),
                      tmp.filePath(QStringLiteral("agent")) });
        QVERIFY(agent.waitForStarted(5000));
        json entries;
        const bool arrived = waitFor(
            [&] {
                const auto got = rawhttp::exchange(port, get("/logs?host=" + query), 2000);
                if (got.status != 200)
                    return false;
                entries = json::parse(got.body.toStdString(), nullptr, false);
                return entries.is_array() && !entries.empty();
            },
            30000);
        stop(agent);
        QVERIFY2(arrived, agent.readAll().right(2000).constData());
        for (const json& e : entries) {
            QCOMPARE(QString::fromStdString(e["host"]["name"].get<std::string>()), hostName);
            QVERIFY(e["sysinfo"]["Memory"].is_object()); // the original's LogEntry shape
            QFile id(QStringLiteral("/etc/machine-id"));
            if (id.open(QIODevice::ReadOnly)) // the id says which machine, whatever its name
                QCOMPARE(e["host"]["id"].get<std::string>(), id.readAll().trimmed().toStdString());
        }
        // Another host's filter sees none of them; /metrics now names the host.
        r = rawhttp::exchange(port, get("/logs?host=someone-else"));
        QCOMPARE(r.status, 200);
        QCOMPARE(json::parse(r.body.toStdString()).size(), size_t(0));
        r = rawhttp::exchange(port, get("/metrics"));
        QVERIFY2(r.body.contains(QByteArray("stevedore_host_memory_total_bytes{host=\"" + hostName.toUtf8() + "\"}")),
                 r.body.left(1500).constData());

        stop(central);
        QCOMPARE(central.exitStatus(), QProcess::NormalExit);
        QCOMPARE(central.exitCode(), 0);
        const QByteArray said = central.readAllStandardOutput();
        QVERIFY2(said.contains("receiver only") && !said.contains("Docker"), said.constData());
    }
};

QTEST_GUILESS_MAIN(TestReceiverOnly)
#include "tst_receiveronly.moc"
