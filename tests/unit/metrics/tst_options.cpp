#include "options.h"

#include <QTest>

class TestOptions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valid_data();
    void valid();
    void invalid_data();
    void invalid();
    void listenAddress_data();
    void listenAddress();
};

Q_DECLARE_METATYPE(Options::Mode)

void TestOptions::valid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<Options::Mode>("mode");
    QTest::newRow("default is the window") << QStringList() << Options::Mode::Gui;
    QTest::newRow("help") << QStringList {QStringLiteral("--help")} << Options::Mode::Help;
    QTest::newRow("version") << QStringList {QStringLiteral("-v")} << Options::Mode::Version;
    QTest::newRow("service") << QStringList {QStringLiteral("--no-gui"), QStringLiteral("--interval"),
                                             QStringLiteral("2.5")}
                             << Options::Mode::Service;
    QTest::newRow("once json") << QStringList {QStringLiteral("--once"), QStringLiteral("--json"),
                                               QStringLiteral("--source"), QStringLiteral("cgroup")}
                               << Options::Mode::Once;
    QTest::newRow("spawn") << QStringList {QStringLiteral("--spawn"), QStringLiteral("10")} << Options::Mode::Spawn;
    QTest::newRow("export charts") << QStringList {QStringLiteral("--export-charts"), QStringLiteral("/tmp/x")}
                                   << Options::Mode::ExportCharts;
    QTest::newRow("public listen with token")
        << QStringList {QStringLiteral("--no-gui"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:5000"),
                        QStringLiteral("--token"), QStringLiteral("s3cret")}
        << Options::Mode::Service;
}

void TestOptions::valid()
{
    QFETCH(QStringList, args);
    args.prepend(QStringLiteral("stevedore"));
    QString error;
    const auto o = parseOptions(args, &error);
    QVERIFY2(o, qPrintable(error));
    QTEST(o->mode, "mode");
    if (args.contains(QStringLiteral("2.5")))
        QCOMPARE(o->intervalSeconds, 2.5);
    if (args.contains(QStringLiteral("cgroup")))
        QCOMPARE(o->source.kind, SourceOptions::Kind::Cgroup);
    QCOMPARE(o->listenPort, quint16(5000));
}

void TestOptions::invalid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mention");
    QTest::newRow("unknown flag") << QStringList {QStringLiteral("--frobnicate")} << "frobnicate";
    QTest::newRow("bad source") << QStringList {QStringLiteral("--source"), QStringLiteral("ebpf")} << "--source";
    QTest::newRow("zero interval") << QStringList {QStringLiteral("--interval"), QStringLiteral("0")}
                                   << "--interval";
    QTest::newRow("spawn zero") << QStringList {QStringLiteral("--spawn"), QStringLiteral("0")} << "--spawn";
    QTest::newRow("two modes") << QStringList {QStringLiteral("--once"), QStringLiteral("--no-gui")}
                               << "choose one";
    QTest::newRow("json alone") << QStringList {QStringLiteral("--json")} << "--json goes with --once";
    QTest::newRow("public listen without token")
        << QStringList {QStringLiteral("--listen"), QStringLiteral("0.0.0.0:5000")} << "--token";
    QTest::newRow("bad listen") << QStringList {QStringLiteral("--listen"), QStringLiteral("nowhere")}
                                << "HOST:PORT";
    QTest::newRow("bad cron") << QStringList {QStringLiteral("--cron-spawn"), QStringLiteral("* *")}
                              << "five cron fields";
    QTest::newRow("positional") << QStringList {QStringLiteral("extra")} << "unexpected argument";
}

void TestOptions::invalid()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mention);
    args.prepend(QStringLiteral("stevedore"));
    QString error;
    QVERIFY(!parseOptions(args, &error));
    QVERIFY2(error.contains(mention), qPrintable(error));
}

void TestOptions::listenAddress_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("default") << "127.0.0.1:5000" << true << "127.0.0.1" << 5000 << true;
    QTest::newRow("ipv6") << "[::1]:8080" << true << "::1" << 8080 << true;
    QTest::newRow("port only") << ":7000" << true << "127.0.0.1" << 7000 << true;
    QTest::newRow("localhost") << "localhost:1" << true << "localhost" << 1 << true;
    QTest::newRow("any") << "0.0.0.0:5000" << true << "0.0.0.0" << 5000 << false;
    QTest::newRow("port too big") << "127.0.0.1:70000" << false << QString() << 0 << false;
    QTest::newRow("hostname") << "example.org:80" << false << QString() << 0 << false;
}

void TestOptions::listenAddress()
{
    QFETCH(QString, text);
    QString host;
    quint16 port = 0;
    QTEST(parseListenAddress(text, host, port), "ok");
    QFETCH(bool, ok);
    if (ok) {
        QTEST(host, "host");
        QTEST(int(port), "port");
        QTEST(isLoopbackHost(host), "loopback");
    }
}

QTEST_GUILESS_MAIN(TestOptions)
#include "tst_options.moc"
