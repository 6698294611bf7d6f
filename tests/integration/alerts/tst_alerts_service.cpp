// `stevedore --no-gui` with alert rules, against real stress containers:
// a CPU rule with for: 3s fires on a --cpu 1 container and resolves once it
// is gone; the webhook reaches a local HTTP listener with the documented
// JSON (after a 503, so the retry is exercised too); GET /alerts and
// /metrics show it; a kill action removes only the managed container;
// --dry-run removes nothing but audits it; the audit survives kill -9;
// SIGHUP with a bad file keeps the rules in force.
#include "../dockercli.h"
#include "rulestemplates.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

namespace {
const QString token = QStringLiteral("alerts-test-token");

// A minimal HTTP/1.1 receiver for webhook POSTs: answers 503 to the first
// `failFirst` requests, 200 after, and keeps every JSON body it was sent.
class HookListener : public QObject
{
    Q_OBJECT
public:
    explicit HookListener(int failFirst)
        : m_failFirst(failFirst)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QList<QJsonObject> documents;
    int requests = 0;
Q_SIGNALS:
    void received();

private:
    void onData(QTcpSocket* s)
    {
        QByteArray& buf = m_buffers[s];
        buf += s->readAll();
        for (;;) {
            const qsizetype end = buf.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            qsizetype length = 0;
            for (const QByteArray& line : buf.left(end).split('\n'))
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            if (buf.size() < end + 4 + length)
                return;
            const QByteArray body = buf.mid(end + 4, length);
            buf.remove(0, end + 4 + length);
            ++requests;
            if (requests <= m_failFirst) {
                s->write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n");
                continue;
            }
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
            documents.append(QJsonDocument::fromJson(body).object());
            Q_EMIT received();
        }
    }
    QTcpServer m_server;
    int m_failFirst;
    QHash<QTcpSocket*, QByteArray> m_buffers;
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}
} // namespace

class TestAlertsService : public QObject
{
    Q_OBJECT

    QString m_run;
    QTemporaryDir m_tmp;
    QNetworkAccessManager m_net;

    struct Service
    {
        std::unique_ptr<QProcess> process;
        QString output;
        quint16 port = 0;
        QString dataDir;
    };

    std::unique_ptr<Service> startService(const QString& rules, const QString& dataDir, const QStringList& extra = {})
    {
        auto svc = std::make_unique<Service>();
        svc->port = freePort();
        svc->dataDir = dataDir;
        svc->process = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STEVEDORE_SCOPE_LABELS"), QStringLiteral("stevedore.test=") + m_run);
        svc->process->setProcessEnvironment(env);
        svc->process->setProcessChannelMode(QProcess::MergedChannels);
        Service* raw = svc.get();
        connect(svc->process.get(), &QProcess::readyRead, this,
                [raw] { raw->output += QString::fromUtf8(raw->process->readAll()); });
        svc->process->start(QStringLiteral(STEVEDORE_EXE),
                            QStringList { QStringLiteral("--no-gui"), QStringLiteral("--quiet"),
                                          QStringLiteral("--interval"), QStringLiteral("1"), QStringLiteral("--rules"),
                                          rules, QStringLiteral("--data-dir"), dataDir, QStringLiteral("--listen"),
                                          QStringLiteral("127.0.0.1:%1").arg(svc->port), QStringLiteral("--token"),
                                          token }
                                + extra);
        if (!svc->process->waitForStarted(5000))
            return nullptr;
        return svc;
    }

    static void stop(Service& svc)
    {
        // SIGKILL: a graceful stop renders the run's charts in a child
        // process, seconds on a loaded machine, and nothing here needs them.
        if (svc.process->state() == QProcess::NotRunning)
            return;
        svc.process->kill();
        svc.process->waitForFinished(5000);
    }

    QByteArray get(const Service& svc, const QString& route, int* status = nullptr, bool withToken = true)
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(svc.port).arg(route)));
        if (withToken)
            request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QNetworkReply* reply = m_net.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        done.wait(5000);
        if (status)
            *status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return reply->readAll();
    }

    QString writeRules(const QString& name, const QByteArray& json)
    {
        const QString path = m_tmp.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return QString();
        f.write(json);
        return path;
    }

    QString stress(const QString& name, const QStringList& labels = {})
    {
        // --timeout: even a crashed test leaves nothing running for long.
        return DockerCli::runStress(m_run, name + QLatin1Char('-') + m_run, QStringLiteral("--cpu 1 --timeout 90s"),
                                    labels);
    }

    static bool exists(const QString& id)
    {
        return DockerCli::docker({ QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.Id}}"), id })
                   .exitCode
            == 0;
    }

    QList<QJsonObject> audit(const Service& svc)
    {
        QList<QJsonObject> out;
        for (const QJsonValue& v : QJsonDocument::fromJson(get(svc, QStringLiteral("/audit?limit=1000"))).array())
            out.append(v.toObject());
        return out;
    }

    static const QJsonObject* findRecord(const QList<QJsonObject>& records, const QString& action,
                                         const QString& result, const QString& id)
    {
        for (const QJsonObject& r : records)
            if (r[QStringLiteral("action")].toString() == action && r[QStringLiteral("result")].toString() == result
                && r[QStringLiteral("container")][QStringLiteral("id")].toString() == id)
                return &r;
        return nullptr;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        const auto info
            = DockerCli::docker({ QStringLiteral("info"), QStringLiteral("-f"), QStringLiteral("{{.ID}}") });
        QVERIFY2(info.exitCode == 0, qPrintable(QStringLiteral("dockerd is not reachable: ") + info.err));
        const auto image = DockerCli::docker(
            { QStringLiteral("image"), QStringLiteral("inspect"), QStringLiteral("containerstack/alpine-stress") });
        QVERIFY2(image.exitCode == 0, "the local image is missing: run scripts/build-stress-image.sh");
        m_run = DockerCli::newRunId();
    }

    void cleanupTestCase() { DockerCli::removeRun(m_run); }

    void cpuRuleFiresResolvesAndCallsTheWebhook()
    {
        HookListener hook(1);
        QVERIFY(hook.listen());
        // The host is shared and loaded: a --cpu 1 container shows well
        // above 10% even on a busy machine, and nothing else carries the label.
        const QString rules = writeRules(QStringLiteral("cpu.json"),
                                         QString::fromUtf8(cpuRulesTemplate()).arg(m_run).arg(hook.port()).toUtf8());
        const QString id = stress(QStringLiteral("alert-cpu"));
        QVERIFY(!id.isEmpty());
        auto svc = startService(rules, m_tmp.filePath(QStringLiteral("data-cpu")));
        QVERIFY(svc);

        QTRY_VERIFY_WITH_TIMEOUT(svc->output.contains(QLatin1String("[ALERT] FIRING cpu-busy")), 20000);
        // The webhook got the firing document (its first attempt got a 503).
        QTRY_VERIFY_WITH_TIMEOUT(!hook.documents.isEmpty(), 10000);
        QVERIFY(hook.requests >= 2);
        const QJsonObject fired = hook.documents.first();
        QCOMPARE(fired[QStringLiteral("rule")].toString(), QStringLiteral("cpu-busy"));
        QCOMPARE(fired[QStringLiteral("state")].toString(), QStringLiteral("firing"));
        QCOMPARE(fired[QStringLiteral("severity")].toString(), QStringLiteral("critical"));
        QCOMPARE(fired[QStringLiteral("container")][QStringLiteral("id")].toString(), id);
        QCOMPARE(fired[QStringLiteral("container")][QStringLiteral("name")].toString(),
                 QStringLiteral("alert-cpu-") + m_run);
        QCOMPARE(fired[QStringLiteral("container")][QStringLiteral("category")].toString(), QStringLiteral("cpu"));
        QVERIFY(fired[QStringLiteral("value")].toDouble() > 10);
        QCOMPARE(fired[QStringLiteral("threshold")].toDouble(), 10.0);
        QVERIFY(!fired[QStringLiteral("host")].toString().isEmpty());
        // Fired after holding for 3 s, within one interval (1 s) of that,
        // with slack for a loaded machine.
        const QDateTime since = QDateTime::fromString(fired[QStringLiteral("since")].toString(), Qt::ISODateWithMs);
        const QDateTime at = QDateTime::fromString(fired[QStringLiteral("at")].toString(), Qt::ISODateWithMs);
        QVERIFY(since.isValid() && at.isValid());
        const qint64 held = since.msecsTo(at);
        qInfo("condition held %lld ms when the alert fired (for: 3 s, interval 1 s)", qlonglong(held));
        QVERIFY2(held >= 3000 && held <= 3000 + 1000 + 1500, qPrintable(QString::number(held)));

        // GET /alerts (token required) and /metrics show it.
        int status = 0;
        get(*svc, QStringLiteral("/alerts"), &status, false);
        QCOMPARE(status, 401);
        const QJsonArray alerts = QJsonDocument::fromJson(get(*svc, QStringLiteral("/alerts"), &status))
                                      .object()[QStringLiteral("alerts")]
                                      .toArray();
        QCOMPARE(status, 200);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts[0][QStringLiteral("state")].toString(), QStringLiteral("firing"));
        QVERIFY(get(*svc, QStringLiteral("/metrics"))
                    .contains("stevedore_alert_firing{rule=\"cpu-busy\",severity=\"critical\"} 1"));

        // Gone: resolved once, webhook told.
        DockerCli::docker({ QStringLiteral("rm"), QStringLiteral("-f"), id });
        QTRY_VERIFY_WITH_TIMEOUT(svc->output.contains(QLatin1String("[ALERT] RESOLVED cpu-busy")), 15000);
        QTRY_COMPARE_WITH_TIMEOUT(hook.documents.size(), 2, 10000);
        QCOMPARE(hook.documents[1][QStringLiteral("state")].toString(), QStringLiteral("resolved"));
        QCOMPARE(svc->output.count(QLatin1String("[ALERT] FIRING")), 1);
        QCOMPARE(svc->output.count(QLatin1String("[ALERT] RESOLVED")), 1);
        QVERIFY(get(*svc, QStringLiteral("/metrics"))
                    .contains("stevedore_alert_firing{rule=\"cpu-busy\",severity=\"critical\"} 0"));

        // SIGHUP: a bad file keeps the rule and says why; a good one replaces it.
        QFile::copy(rules, rules + QStringLiteral(".good"));
        writeRules(QStringLiteral("cpu.json"),
                   "{\"rules\": [ {\"name\": \"x\", \"metric\": \"cpu_percent\",\n"
                   "  \"treshold\": 1} ]}");
        ::kill(pid_t(svc->process->processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(svc->output.contains(QLatin1String("rules not reloaded")), 5000);
        QVERIFY2(svc->output.contains(QLatin1String("line 2: unknown key \"treshold\"")), qPrintable(svc->output));
        QVERIFY(get(*svc, QStringLiteral("/metrics")).contains("rule=\"cpu-busy\""));
        writeRules(QStringLiteral("cpu.json"), otherRules());
        ::kill(pid_t(svc->process->processId()), SIGHUP);
        QTRY_VERIFY_WITH_TIMEOUT(get(*svc, QStringLiteral("/metrics")).contains("rule=\"other\""), 5000);
        stop(*svc);
    }

    void actionsOnlyOnManagedContainers_data()
    {
        QTest::addColumn<bool>("dryRun");
        QTest::newRow("kill") << false;
        QTest::newRow("dry-run") << true;
    }
    void actionsOnlyOnManagedContainers()
    {
        QFETCH(bool, dryRun);
        const QString tag = dryRun ? QStringLiteral("dry") : QStringLiteral("kill");
        const QString managed
            = stress(QStringLiteral("alert-managed-") + tag,
                     { QStringLiteral("stevedore.managed=true"), QStringLiteral("stevedore.category=cpu") });
        const QString unmanaged = stress(QStringLiteral("alert-mine-") + tag);
        QVERIFY(!managed.isEmpty() && !unmanaged.isEmpty());
        const QString rules = writeRules(QStringLiteral("kill-%1.json").arg(tag),
                                         QString::fromUtf8(killRulesTemplate()).arg(m_run).toUtf8());
        const QString dataDir = m_tmp.filePath(QStringLiteral("data-") + tag);
        auto svc = startService(rules, dataDir, dryRun ? QStringList { QStringLiteral("--dry-run") } : QStringList {});
        QVERIFY(svc);

        const QString expected = dryRun ? QStringLiteral("dry-run") : QStringLiteral("done");
        QTRY_VERIFY_WITH_TIMEOUT(findRecord(audit(*svc), QStringLiteral("kill"), expected, managed), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(findRecord(audit(*svc), QStringLiteral("kill"), QStringLiteral("refused"), unmanaged),
                                 5000);
        QCOMPARE(exists(managed), dryRun);
        QVERIFY(exists(unmanaged)); // never Stevedore's to touch
        QCOMPARE(DockerCli::inspect(unmanaged, QStringLiteral("{{.State.Running}}")), QStringLiteral("true"));

        if (dryRun) {
            // kill -9: every record that was reported is on disk.
            const int before = int(audit(*svc).size());
            QVERIFY(before >= 2);
            ::kill(pid_t(svc->process->processId()), SIGKILL);
            QVERIFY(svc->process->waitForFinished(5000));
            const QString exportFile = m_tmp.filePath(QStringLiteral("audit-export.json"));
            QProcess exporter;
            exporter.start(QStringLiteral(STEVEDORE_EXE),
                           { QStringLiteral("--export-audit"), exportFile, QStringLiteral("--data-dir"), dataDir });
            QVERIFY(exporter.waitForFinished(10000));
            QCOMPARE(exporter.exitCode(), 0);
            QFile f(exportFile);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QList<QJsonObject> records;
            for (const QJsonValue& v : QJsonDocument::fromJson(f.readAll()).array())
                records.append(v.toObject());
            QVERIFY(int(records.size()) >= before);
            QVERIFY(findRecord(records, QStringLiteral("kill"), QStringLiteral("dry-run"), managed));
            QVERIFY(findRecord(records, QStringLiteral("firing"), QStringLiteral("firing"), managed));
        } else {
            stop(*svc);
        }
        DockerCli::docker({ QStringLiteral("rm"), QStringLiteral("-f"), managed, unmanaged });
    }
};

QTEST_GUILESS_MAIN(TestAlertsService)
#include "tst_alerts_service.moc"
