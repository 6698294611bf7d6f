#include "core/metrics/hostreader.h"

#include <QTest>

class TestHostReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void meminfo_data();
    void meminfo();
    void stat_data();
    void stat();
};

void TestHostReader::meminfo_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("available");
    QTest::newRow("modern") << QByteArray("MemTotal: 2048 kB\nMemFree: 512 kB\nMemAvailable: 1024 kB\n") << true
                            << quint64(1024 * 1024);
    QTest::newRow("pre-3.14 kernel: no MemAvailable")
        << QByteArray("MemTotal: 2048 kB\nMemFree: 512 kB\n") << true << quint64(512 * 1024);
    QTest::newRow("garbage") << QByteArray("hello\n") << false << quint64(0);
    QTest::newRow("key prefix is not the key") << QByteArray("MemTotalX: 1 kB\nMemFree: 1 kB\n") << false << quint64(0);
}

void TestHostReader::meminfo()
{
    QFETCH(QByteArray, text);
    RawHost host;
    QTEST(HostReader::parseMeminfo(text, host), "ok");
    QTEST(host.memoryAvailableBytes, "available");
}

void TestHostReader::stat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<quint64>("busy");
    QTest::addColumn<quint64>("total");
    QTest::addColumn<int>("cpus");
    QTest::newRow("two cpus") << QByteArray("cpu  10 1 5 80 4 0 0 0 7 0\ncpu0 5 0 3 40 2 0 0 0 0 0\n"
                                            "cpu1 5 1 2 40 2 0 0 0 0 0\nintr 1\n")
                              << true << quint64(16) << quint64(100) << 2; // guest (7) is inside user
    QTest::newRow("old kernel, 4 fields")
        << QByteArray("cpu 1 2 3 4\ncpu0 1 2 3 4\n") << true << quint64(6) << quint64(10) << 1;
    QTest::newRow("no aggregate line") << QByteArray("cpu0 1 2 3 4 5\n") << false << quint64(0) << quint64(0) << 1;
}

void TestHostReader::stat()
{
    QFETCH(QByteArray, text);
    RawHost host;
    QTEST(HostReader::parseStat(text, host), "ok");
    QTEST(host.cpuBusy, "busy");
    QTEST(host.cpuTotal, "total");
    QTEST(host.cpuCount, "cpus");
}

QTEST_GUILESS_MAIN(TestHostReader)
#include "tst_hostreader.moc"
