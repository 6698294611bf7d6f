// The real service with 100 real containers: under `ulimit -n 64` every tick
// still measures every container (the old source kept six descriptors per
// container and then could not even open /proc/meminfo), and however many
// containers start at once (100 start events, 100 inspects) it never holds
// more than four connections to the engine.
#include "../dockercli.h"
#include "core/docker/curltransport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

class TestServiceScale : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void hundredContainersUnderUlimit64();

private:
    QString m_runId = DockerCli::newRunId();
};

namespace {
constexpr int count = 100;

// Unix connections from `pid` to the Docker socket: its sockets whose peer
// is a socket the daemon accepted on docker.sock (ss from iproute2 reads the
// peers through sock_diag; /proc alone does not tell them).
int dockerConnections(qint64 pid)
{
    QProcess ss;
    ss.start(QStringLiteral("ss"), { QStringLiteral("-xpn") });
    if (!ss.waitForFinished(10000))
        return -1;
    QSet<QString> server;
    QSet<QString> peers;
    const QString mark = QStringLiteral("pid=%1,").arg(pid);
    for (const QString& line : QString::fromUtf8(ss.readAllStandardOutput()).split(QLatin1Char('\n'))) {
        const QStringList f = line.simplified().split(QLatin1Char(' '));
        if (f.size() < 8)
            continue;
        if (f.at(4).endsWith(QLatin1String("docker.sock")))
            server.insert(f.at(5));
        if (line.contains(mark))
            peers.insert(f.at(7));
    }
    return int((peers & server).size());
}
} // namespace

void TestServiceScale::initTestCase()
{
    const auto info = DockerCli::docker({ QStringLiteral("info"), QStringLiteral("-f"), QStringLiteral("{{.ID}}") });
    QVERIFY2(info.exitCode == 0, qPrintable(QStringLiteral("Docker engine not reachable: ") + info.err));
    QProcess ss;
    ss.start(QStringLiteral("ss"), { QStringLiteral("-V") });
    QVERIFY2(ss.waitForFinished(10000) && ss.exitCode() == 0, "ss (iproute2) is needed to count connections");
}

void TestServiceScale::cleanupTestCase()
{
    DockerCli::removeRun(m_runId);
}

void TestServiceScale::hundredContainersUnderUlimit64()
{
    // The service first, with a descriptor limit lower than the containers.
    QProcess service;
    service.setProcessChannelMode(QProcess::MergedChannels);
    service.start(
        QStringLiteral("bash"),
        { QStringLiteral("-c"),
          QStringLiteral("ulimit -n 64 && exec \"$0\" --no-gui --no-manage --no-listen --interval 0.5 --quiet"),
          QStringLiteral(STEVEDORE_EXE) });
    QVERIFY(service.waitForStarted());
    auto stop = qScopeGuard([&] {
        service.kill();
        service.waitForFinished();
    });
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += service.readAll()).contains("[INFO] System ("), 30000);

    // Then 100 containers at once (four `docker run` in parallel): every
    // start event makes the manager look the container up.
    QProcess starter;
    starter.start(QStringLiteral("bash"),
                  { QStringLiteral("-c"),
                    QStringLiteral("seq %1 | xargs -P 4 -I{} docker run -d --network none --log-driver none "
                                   "--label stevedore.test=%2 containerstack/alpine-stress sleep 100000 >/dev/null")
                        .arg(count)
                        .arg(m_runId) });
    QVERIFY(starter.waitForStarted());
    int maxConnections = 0;
    QElapsedTimer timer;
    timer.start();
    while (starter.state() != QProcess::NotRunning && timer.elapsed() < 240000) {
        starter.waitForFinished(200);
        output += service.readAll();
        maxConnections = std::max(maxConnections, dockerConnections(service.processId()));
    }
    QCOMPARE(starter.exitCode(), 0);
    // A few more ticks with every container running.
    for (int i = 0; i < 15; ++i) {
        QTest::qWait(200);
        output += service.readAll();
        maxConnections = std::max(maxConnections, dockerConnections(service.processId()));
    }
    QVERIFY2(service.state() == QProcess::Running, output.right(2000).constData());
    QVERIFY2(maxConnections >= 1 && maxConnections <= CurlTransport::maxConnections,
             qPrintable(QStringLiteral("%1 connections to Docker").arg(maxConnections)));
    const int fds = int(QDir(QStringLiteral("/proc/%1/fd").arg(service.processId()))
                            .entryList(QDir::AllEntries | QDir::NoDotAndDotDot)
                            .size());
    QVERIFY2(fds <= 64, qPrintable(QString::number(fds)));

    // Every summary since the last container started counts them all (and
    // others' containers on this shared daemon), and nothing failed.
    const auto ids = DockerCli::docker({ QStringLiteral("ps"), QStringLiteral("-q"), QStringLiteral("--filter"),
                                         QStringLiteral("label=stevedore.test=") + m_runId });
    const QStringList ours = ids.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(ours.size(), count);
    output += service.readAll();
    const QString text = QString::fromUtf8(output);
    QVERIFY2(!text.contains(QLatin1String("[ERROR]")), qPrintable(text.right(2000)));
    const QString lastTicks = text.right(600);
    static const QRegularExpression summary(QStringLiteral("; (\\d+) containers \\("));
    auto it = summary.globalMatch(lastTicks);
    int checked = 0;
    while (it.hasNext()) {
        const int n = it.next().captured(1).toInt();
        QVERIFY2(n >= count, qPrintable(lastTicks));
        ++checked;
    }
    QVERIFY2(checked >= 1, qPrintable(lastTicks));

    // SIGUSR1: the full tables, with every one of our containers.
    service.readAll();
    ::kill(pid_t(service.processId()), SIGUSR1);
    QByteArray tables;
    QTRY_VERIFY_WITH_TIMEOUT((tables += service.readAll()).contains("Containers by category")
                                 && tables.count("[INFO] System (") >= 2,
                             10000);
    // The tables of 100 containers arrive in several writes: read on until
    // every one of ours has been shown (or the time runs out).
    QString missing;
    const auto allShown = [&] {
        tables += service.readAll();
        for (const QString& id : ours) {
            if (!tables.contains(id.left(12).toLatin1())) {
                missing = id;
                return false;
            }
        }
        return true;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(allShown(), qPrintable(missing), 10000);
}

QTEST_GUILESS_MAIN(TestServiceScale)
#include "tst_service_scale.moc"
