#include "metrics/containerid.h"

#include <QTest>

class TestContainerId : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void paths_data();
    void paths();
};

void TestContainerId::paths_data()
{
    const QString id = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("systemd") << QString(QStringLiteral("/system.slice/docker-") + id + QStringLiteral(".scope")) << id;
    QTest::newRow("cgroupfs") << QString(QStringLiteral("/docker/") + id) << id;
    QTest::newRow("cgroupfs nested") << QString(QStringLiteral("/docker/") + id + QStringLiteral("/init")) << id;
    QTest::newRow("podman") << QString(QStringLiteral("/machine.slice/libpod-") + id + QStringLiteral(".scope")) << id;
    QTest::newRow("containerd") << QString(QStringLiteral("/kubepods.slice/kubepods-besteffort.slice/cri-containerd-") + id + QStringLiteral(".scope")) << id;
    QTest::newRow("crio") << QString(QStringLiteral("/kubepods.slice/crio-") + id + QStringLiteral(".scope")) << id;
    QTest::newRow("host") << "/user.slice/user-0.slice/session-1.scope" << QString();
    QTest::newRow("root") << "/" << QString();
    QTest::newRow("short id") << "/docker/0123456789ab" << QString();
    QTest::newRow("upper-case is not an id") << QString(QStringLiteral("/docker/") + id).toUpper() << QString();
    QTest::newRow("bare hex outside a runtime dir") << QString(QStringLiteral("/random/") + id) << QString();
    QTest::newRow("docker daemon itself") << "/system.slice/docker.service" << QString();
}

void TestContainerId::paths()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QCOMPARE(containerIdFromCgroupPath(path), expected);
}

QTEST_GUILESS_MAIN(TestContainerId)
#include "tst_containerid.moc"
