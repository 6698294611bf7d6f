// Network counters against the real Docker engine: a container without a
// network reads zeros without an error, and a container that sent traffic to
// a peer on a user-defined network reads what its own interface counters
// (sysfs inside it, as `ip -s link` shows them) say.
#include "../dockercli.h"
#include "core/metrics/collector.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

class TestNetworkDocker : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void noNetworkReadsZero();
    void sentBytesMatchTheInterface();

private:
    std::optional<ContainerMetrics> measure(const QString& id, QStringList* warnings);
    QString m_runId = DockerCli::newRunId();
    QString m_network = QStringLiteral("stevedore_test_net_") + m_runId;
    QString m_none, m_sink, m_sender;
};

namespace {
constexpr quint64 kSendBytes = 2 * 1024 * 1024;

QStringList labelled(const QString& runId, const QString& name, const QString& network)
{
    return { QStringLiteral("run"),       QStringLiteral("-d"),
             QStringLiteral("--network"), network,
             QStringLiteral("--name"),    name,
             QStringLiteral("--label"),   QStringLiteral("stevedore.test=") + runId };
}

std::optional<quint64> sysfsCounter(const QString& id, const QString& counter)
{
    const auto r = DockerCli::docker({ QStringLiteral("exec"), id, QStringLiteral("cat"),
                                       QStringLiteral("/sys/class/net/eth0/statistics/") + counter });
    bool ok = false;
    const quint64 v = r.out.toULongLong(&ok);
    return r.exitCode == 0 && ok ? std::optional<quint64>(v) : std::nullopt;
}
} // namespace

void TestNetworkDocker::initTestCase()
{
    const auto info = DockerCli::docker({ QStringLiteral("info"), QStringLiteral("-f"), QStringLiteral("{{.ID}}") });
    QVERIFY2(info.exitCode == 0, qPrintable(QStringLiteral("Docker engine not reachable: ") + info.err));
    // --internal: the traffic stays between the two containers.
    const auto net
        = DockerCli::docker({ QStringLiteral("network"), QStringLiteral("create"), QStringLiteral("--internal"),
                              QStringLiteral("--label"), QStringLiteral("stevedore.test=") + m_runId, m_network });
    QVERIFY2(net.exitCode == 0, qPrintable(net.err));

    const QString image = QStringLiteral("containerstack/alpine-stress");
    auto run = [&](const QString& name, const QString& network, const QString& script) {
        const auto r = DockerCli::docker(labelled(m_runId, name, network)
                                         << image << QStringLiteral("sh") << QStringLiteral("-c") << script);
        return r.exitCode == 0 ? r.out.section(QLatin1Char('\n'), -1) : QString();
    };
    m_none = run(QStringLiteral("stevedore_test_netnone_") + m_runId, QStringLiteral("none"),
                 QStringLiteral("exec busybox sleep 600"));
    QVERIFY(!m_none.isEmpty());
    // The sink's stdin never ends: busybox nc stops at EOF on its stdin,
    // which would cut the sender short.
    const QString sinkName = QStringLiteral("stevedore_test_netsink_") + m_runId;
    m_sink = run(sinkName, m_network, QStringLiteral("busybox sleep 600 | busybox nc -l -p 9000 > /dev/null"));
    QVERIFY(!m_sink.isEmpty());
    // Retries until the sink listens; then stays alive to be measured.
    m_sender = run(QStringLiteral("stevedore_test_netsend_") + m_runId, m_network,
                   QStringLiteral("for i in 1 2 3 4 5 6 7 8 9 10; do busybox dd if=/dev/zero bs=1024 count=%1 "
                                  "2>/dev/null | busybox nc -w 2 %2 9000 && break; busybox sleep 0.5; done; "
                                  "busybox touch /tmp/sent; exec busybox sleep 600")
                       .arg(kSendBytes / 1024)
                       .arg(sinkName));
    QVERIFY(!m_sender.isEmpty());
}

void TestNetworkDocker::cleanupTestCase()
{
    DockerCli::removeRun(m_runId);
    DockerCli::docker({ QStringLiteral("network"), QStringLiteral("rm"), m_network });
}

std::optional<ContainerMetrics> TestNetworkDocker::measure(const QString& id, QStringList* warnings)
{
    SourceOptions o;
    o.kind = SourceOptions::Kind::Cgroup;
    Collector collector(o);
    QString error;
    const std::optional<Snapshot> s = collector.collect(&error);
    if (!s) {
        qWarning("%s", qPrintable(error));
        return std::nullopt;
    }
    *warnings = s->warnings;
    const ContainerMetrics* c = s->find(id);
    return c ? std::optional<ContainerMetrics>(*c) : std::nullopt;
}

void TestNetworkDocker::noNetworkReadsZero()
{
    QStringList warnings;
    const std::optional<ContainerMetrics> c = measure(m_none, &warnings);
    QVERIFY2(c, "the --network none container is not in the snapshot");
    QVERIFY(c->pid > 0);
    for (const QString& w : warnings)
        QVERIFY2(!w.contains(QLatin1String("net/dev")), qPrintable(w));
    QCOMPARE(c->netRxBytes, quint64(0));
    QCOMPARE(c->netTxBytes, quint64(0));
    QCOMPARE(c->netRxPackets, quint64(0));
    QCOMPARE(c->netTxPackets, quint64(0));
}

void TestNetworkDocker::sentBytesMatchTheInterface()
{
    // The image has only a few commands outside busybox; cat is one of them.
    QElapsedTimer t;
    t.start();
    while (DockerCli::docker({ QStringLiteral("exec"), m_sender, QStringLiteral("cat"), QStringLiteral("/tmp/sent") })
               .exitCode
           != 0) {
        QVERIFY2(t.elapsed() < 20000, "the sender did not finish within 20 s");
        QThread::msleep(200);
    }
    const std::optional<quint64> tx = sysfsCounter(m_sender, QStringLiteral("tx_bytes"));
    const std::optional<quint64> rx = sysfsCounter(m_sender, QStringLiteral("rx_bytes"));
    QVERIFY(tx && rx);
    QVERIFY2(*tx >= kSendBytes, qPrintable(QStringLiteral("only %1 bytes left eth0").arg(*tx)));

    QStringList warnings;
    const std::optional<ContainerMetrics> c = measure(m_sender, &warnings);
    QVERIFY2(c, "the sender is not in the snapshot");
    // A stray packet (neighbour discovery) may pass between the reads: the
    // figure must lie within 1 % of the interface's before and after.
    const std::optional<quint64> txAfter = sysfsCounter(m_sender, QStringLiteral("tx_bytes"));
    const std::optional<quint64> rxAfter = sysfsCounter(m_sender, QStringLiteral("rx_bytes"));
    QVERIFY(txAfter && rxAfter);
    qInfo("sender: eth0 tx %llu..%llu rx %llu..%llu; Stevedore tx %llu (%llu packets) rx %llu (%llu packets)", *tx,
          *txAfter, *rx, *rxAfter, c->netTxBytes, c->netTxPackets, c->netRxBytes, c->netRxPackets);
    auto within1Percent = [](quint64 measured, quint64 before, quint64 after) {
        return double(measured) >= 0.99 * double(before) && double(measured) <= 1.01 * double(after);
    };
    QVERIFY2(within1Percent(c->netTxBytes, *tx, *txAfter), qPrintable(QString::number(c->netTxBytes)));
    QVERIFY2(within1Percent(c->netRxBytes, *rx, *rxAfter), qPrintable(QString::number(c->netRxBytes)));
    QVERIFY(c->netTxPackets > 0);
}

QTEST_GUILESS_MAIN(TestNetworkDocker)
#include "tst_network_docker.moc"
