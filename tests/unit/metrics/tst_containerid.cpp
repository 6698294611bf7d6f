#include "core/metrics/containerid.h"

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
    QTest::newRow("containerd") << QString(QStringLiteral("/kubepods.slice/kubepods-besteffort.slice/cri-containerd-")
                                           + id + QStringLiteral(".scope"))
                                << id;
    QTest::newRow("crio") << QString(QStringLiteral("/kubepods.slice/crio-") + id + QStringLiteral(".scope")) << id;
    QTest::newRow("host") << "/user.slice/user-0.slice/session-1.scope" << QString();
    QTest::newRow("root") << "/" << QString();
    QTest::newRow("short id") << "/docker/0123456789ab" << QString();
    QTest::newRow("upper-case is not an id") << QString(QStringLiteral("/docker/") + id).toUpper() << QString();
    QTest::newRow("--cgroup-parent cgroupfs") << QString(QStringLiteral("/my-parent/") + id) << id;
    QTest::newRow("--cgroup-parent systemd")
        << QString(QStringLiteral("/my-parent.slice/docker-") + id + QStringLiteral(".scope")) << id;
    QTest::newRow("kubelet cgroupfs") << QString(
        QStringLiteral("/kubepods/besteffort/pod0b7c2d4e-1f2a-4b3c-9d8e-7f6a5b4c3d2e/") + id)
                                      << id;
    QTest::newRow("kubelet cgroupfs guaranteed")
        << QString(QStringLiteral("/kubepods/pod0b7c2d4e-1f2a-4b3c-9d8e-7f6a5b4c3d2e/") + id) << id;
    QTest::newRow("nerdctl cgroupfs") << QString(QStringLiteral("/default/") + id) << id;
    QTest::newRow("nerdctl systemd") << QString(QStringLiteral("/system.slice/nerdctl-") + id
                                                + QStringLiteral(".scope"))
                                     << id;
    QTest::newRow("unknown prefix") << QString(QStringLiteral("/other.slice/foo-") + id + QStringLiteral(".scope"))
                                    << QString();
    QTest::newRow("id glued to a word") << QString(QStringLiteral("/other.slice/x") + id) << QString();
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
