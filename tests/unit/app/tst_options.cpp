#include "cmdoptions.h"

#include <QFile>
#include <QProcess>
#include <QSysInfo>
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
    void badNumbers_data();
    void badNumbers();
    void goodNumbers_data();
    void goodNumbers();
    void hostIdentity_data();
    void hostIdentity();
#ifdef STEVEDORE_EXE
    void badNumbersThroughTheBinary_data()
    {
        badNumbers_data();
    }
    void badNumbersThroughTheBinary();
    void badEnvironmentThroughTheBinary_data();
    void badEnvironmentThroughTheBinary();
#endif
};

Q_DECLARE_METATYPE(Options::Mode)

void TestOptions::valid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<Options::Mode>("mode");
    QTest::newRow("default is the window") << QStringList() << Options::Mode::Gui;
    QTest::newRow("help") << QStringList { QStringLiteral("--help") } << Options::Mode::Help;
    QTest::newRow("version") << QStringList { QStringLiteral("-v") } << Options::Mode::Version;
    QTest::newRow("service") << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--interval"),
                                              QStringLiteral("2.5") }
                             << Options::Mode::Service;
    QTest::newRow("once json") << QStringList { QStringLiteral("--once"), QStringLiteral("--json"),
                                                QStringLiteral("--source"), QStringLiteral("cgroup") }
                               << Options::Mode::Once;
    QTest::newRow("network with lo") << QStringList { QStringLiteral("--no-gui"),
                                                      QStringLiteral("--net-all-interfaces") }
                                     << Options::Mode::Service;
    QTest::newRow("spawn") << QStringList { QStringLiteral("--spawn"), QStringLiteral("10") } << Options::Mode::Spawn;
    QTest::newRow("export charts") << QStringList { QStringLiteral("--export-charts"), QStringLiteral("/tmp/x") }
                                   << Options::Mode::ExportCharts;
    QTest::newRow("export audit") << QStringList { QStringLiteral("--export-audit"), QStringLiteral("/tmp/a.json") }
                                  << Options::Mode::ExportAudit;
    QTest::newRow("rules") << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--rules"),
                                            QStringLiteral("/etc/stevedore/rules.json") }
                           << Options::Mode::Service;
    QTest::newRow("public listen with token")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--listen"), QStringLiteral("0.0.0.0:5000"),
                         QStringLiteral("--token"), QStringLiteral("s3cret") }
        << Options::Mode::Service;
    QTest::newRow("receiver only") << QStringList { QStringLiteral("--receiver-only") } << Options::Mode::Service;
    QTest::newRow("receiver only, --no-gui too")
        << QStringList { QStringLiteral("--receiver-only"), QStringLiteral("--no-gui") } << Options::Mode::Service;
    QTest::newRow("export charts of one host")
        << QStringList { QStringLiteral("--export-charts"), QStringLiteral("/tmp/x"), QStringLiteral("--host"),
                         QStringLiteral("node-a") }
        << Options::Mode::ExportCharts;
    // The bearer token goes over TLS, to this host, or with --insecure.
    QTest::newRow("plain-http token to loopback")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--report-to"),
                         QStringLiteral("http://127.0.0.1:5001"), QStringLiteral("--token"), QStringLiteral("t") }
        << Options::Mode::Service;
    QTest::newRow("plain-http token to localhost")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--report-to"),
                         QStringLiteral("http://localhost:5001/logs"), QStringLiteral("--token"), QStringLiteral("t") }
        << Options::Mode::Service;
    QTest::newRow("https token to another host")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--report-to"),
                         QStringLiteral("https://central:5000"), QStringLiteral("--token"), QStringLiteral("t") }
        << Options::Mode::Service;
    QTest::newRow("plain-http token to another host with --insecure") << QStringList {
        QStringLiteral("--no-gui"), QStringLiteral("--report-to"), QStringLiteral("http://central:5000"),
        QStringLiteral("--token"),  QStringLiteral("t"),           QStringLiteral("--insecure")
    } << Options::Mode::Service;
    QTest::newRow("plain http to another host, no token to send")
        << QStringList { QStringLiteral("--no-gui"),    QStringLiteral("--no-listen"),
                         QStringLiteral("--report-to"), QStringLiteral("http://central:5000"),
                         QStringLiteral("--data-dir"),  QStringLiteral("/nonexistent/stevedore-options-test") }
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
    // Loopback is left out of the network figures unless asked for.
    QCOMPARE(o->source.netAllInterfaces, args.contains(QStringLiteral("--net-all-interfaces")));
    if (args.contains(QStringLiteral("--rules")))
        QCOMPARE(o->rulesFile, QStringLiteral("/etc/stevedore/rules.json"));
    QCOMPARE(o->listenPort, quint16(5000));
}

void TestOptions::invalid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mention");
    QTest::newRow("unknown flag") << QStringList { QStringLiteral("--frobnicate") } << "frobnicate";
    QTest::newRow("bad source") << QStringList { QStringLiteral("--source"), QStringLiteral("ebpf") } << "--source";
    QTest::newRow("zero interval") << QStringList { QStringLiteral("--interval"), QStringLiteral("0") } << "--interval";
    QTest::newRow("spawn zero") << QStringList { QStringLiteral("--spawn"), QStringLiteral("0") } << "--spawn";
    QTest::newRow("two modes") << QStringList { QStringLiteral("--once"), QStringLiteral("--no-gui") } << "choose one";
    QTest::newRow("json alone") << QStringList { QStringLiteral("--json") } << "--json goes with --once";
    QTest::newRow("--context and --docker-host")
        << QStringList { QStringLiteral("--context"), QStringLiteral("remote"), QStringLiteral("--docker-host"),
                         QStringLiteral("unix:///x.sock") }
        << "either specify --docker-host or --context";
    QTest::newRow("--context blank") << QStringList { QStringLiteral("--context"), QStringLiteral(" ") }
                                     << "--context needs a context name";
    QTest::newRow("export audit and service")
        << QStringList { QStringLiteral("--export-audit"), QStringLiteral("a.json"), QStringLiteral("--no-gui") }
        << "choose one";
    QTest::newRow("empty rules") << QStringList { QStringLiteral("--rules"), QString() } << "--rules";
    QTest::newRow("public listen without token")
        << QStringList { QStringLiteral("--listen"), QStringLiteral("0.0.0.0:5000") } << "--token";
    QTest::newRow("bad listen") << QStringList { QStringLiteral("--listen"), QStringLiteral("nowhere") } << "HOST:PORT";
    QTest::newRow("bad cron") << QStringList { QStringLiteral("--cron-spawn"), QStringLiteral("* *") }
                              << "five cron fields";
    QTest::newRow("positional") << QStringList { QStringLiteral("extra") } << "unexpected argument";
    QTest::newRow("receiver only and once")
        << QStringList { QStringLiteral("--receiver-only"), QStringLiteral("--once") } << "--receiver-only";
    QTest::newRow("receiver only without a receiver")
        << QStringList { QStringLiteral("--receiver-only"), QStringLiteral("--no-listen") } << "--no-listen";
    QTest::newRow("receiver only reporting elsewhere")
        << QStringList { QStringLiteral("--receiver-only"), QStringLiteral("--report-to"),
                         QStringLiteral("http://x:5000/logs") }
        << "--report-to";
    QTest::newRow("host without export charts")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--host"), QStringLiteral("a") } << "--host";
    QTest::newRow("empty host name") << QStringList { QStringLiteral("--host-name"), QStringLiteral(" ") }
                                     << "--host-name";
    QTest::newRow("host name with a line break")
        << QStringList { QStringLiteral("--host-name"), QStringLiteral("a\nb") } << "--host-name";
    QTest::newRow("plain-http token to another host")
        << QStringList { QStringLiteral("--no-gui"),    QStringLiteral("--no-listen"),
                         QStringLiteral("--report-to"), QStringLiteral("http://192.0.2.1:5000/logs"),
                         QStringLiteral("--token"),     QStringLiteral("t") }
        << "clear text";
    // Without --token, the token its own receiver makes would be sent.
    QTest::newRow("own receiver's token to another host")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--report-to"),
                         QStringLiteral("http://central:5000") }
        << "--insecure";
    QTest::newRow("--ca-file without https")
        << QStringList { QStringLiteral("--no-gui"), QStringLiteral("--report-to"),
                         QStringLiteral("http://127.0.0.1:5000"), QStringLiteral("--ca-file"),
                         QStringLiteral("/etc/ssl/certs/ca-certificates.crt") }
        << "--ca-file goes with --report-to https://";
    QTest::newRow("--tls-cert without --tls-key")
        << QStringList { QStringLiteral("--tls-cert"), QStringLiteral("/etc/hostname") } << "go together";
    QTest::newRow("--tls-key without --tls-cert")
        << QStringList { QStringLiteral("--tls-key"), QStringLiteral("/etc/hostname") } << "go together";
    QTest::newRow("TLS without the receiver")
        << QStringList { QStringLiteral("--no-listen"), QStringLiteral("--tls-cert"), QStringLiteral("a.pem"),
                         QStringLiteral("--tls-key"), QStringLiteral("a.key") }
        << "drop --no-listen";
    QTest::newRow("unreadable --tls-cert")
        << QStringList { QStringLiteral("--tls-cert"), QStringLiteral("/nonexistent/a.pem"),
                         QStringLiteral("--tls-key"), QStringLiteral("/nonexistent/a.key") }
        << "/nonexistent/a.pem";
}

void TestOptions::hostIdentity_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("name"); // empty: the machine's hostname
    QTest::newRow("default: the hostname") << QStringList() << QString();
    QTest::newRow("--host-name") << QStringList { QStringLiteral("--host-name"), QStringLiteral("rack-2") }
                                 << QStringLiteral("rack-2");
    QTest::newRow("--host-name trimmed") << QStringList { QStringLiteral("--host-name"), QStringLiteral(" n1 ") }
                                         << QStringLiteral("n1");
}

void TestOptions::hostIdentity()
{
    QFETCH(QStringList, args);
    QFETCH(QString, name);
    args.prepend(QStringLiteral("stevedore"));
    QString error;
    const auto o = parseOptions(args, &error);
    QVERIFY2(o, qPrintable(error));
    QCOMPARE(o->hostName, name.isEmpty() ? QSysInfo::machineHostName() : name);
    QFile id(QStringLiteral("/etc/machine-id"));
    if (id.open(QIODevice::ReadOnly))
        QCOMPARE(o->machineId, QString::fromLatin1(id.readAll().trimmed()));
    else
        QVERIFY(o->machineId.isEmpty());
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

// Every numeric flag, with every value that is not a finite number in its
// range: refused (exit 2 through the binary) with a message naming the flag.
void TestOptions::badNumbers_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mention");
    const QStringList notNumbers
        = { QStringLiteral("nan"),  QStringLiteral("NaN"),      QStringLiteral("-nan"),  QStringLiteral("inf"),
            QStringLiteral("-inf"), QStringLiteral("infinity"), QStringLiteral("1e400"), QStringLiteral(""),
            QStringLiteral("10s"),  QStringLiteral("0x10"),     QStringLiteral("1,5") };
    struct Flag
    {
        const char* name;
        QStringList outOfRange;
        QStringList extra; // what makes the flag valid in its mode
    };
    const QList<Flag> flags = {
        { "--interval",
          { QStringLiteral("0"), QStringLiteral("0.09"), QStringLiteral("-1"), QStringLiteral("86401"),
            QStringLiteral("1e300") },
          { QStringLiteral("--no-gui") } },
        { "--sample-gap",
          { QStringLiteral("-0.001"), QStringLiteral("-1"), QStringLiteral("86400.5"), QStringLiteral("1e300") },
          { QStringLiteral("--once") } },
        { "--spawn",
          { QStringLiteral("0"), QStringLiteral("-1"), QStringLiteral("1001"), QStringLiteral("2.5"),
            QStringLiteral("4294967297") },
          {} },
    };
    for (const Flag& f : flags) {
        for (const QString& v : notNumbers + f.outOfRange)
            QTest::addRow("%s %s", f.name, qPrintable(v))
                << (QStringList { QLatin1String(f.name), v } + f.extra) << QString::fromLatin1(f.name);
    }
    for (const QString& port : { QStringLiteral("nan"), QStringLiteral("inf"), QStringLiteral("65536"),
                                 QStringLiteral("-1"), QStringLiteral("1e3"), QStringLiteral("99999999999") })
        QTest::addRow("--listen port %s", qPrintable(port))
            << QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:") + port } << "--listen";
    // Line breaks in what goes into the crontab line.
    QTest::newRow("cron schedule with \\r")
        << QStringList { QStringLiteral("--cron-spawn"), QStringLiteral("* * * * *\r") } << "--cron-spawn";
    QTest::newRow("cron schedule with \\n")
        << QStringList { QStringLiteral("--cron-spawn"), QStringLiteral("* * * *\n*") } << "--cron-spawn";
    QTest::newRow("image with \\r") << QStringList { QStringLiteral("--image"), QStringLiteral("img\r* * * * * x") }
                                    << "--image";
}

void TestOptions::badNumbers()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mention);
    args.prepend(QStringLiteral("stevedore"));
    QString error;
    QVERIFY(!parseOptions(args, &error));
    QVERIFY2(error.contains(mention), qPrintable(error));
}

void TestOptions::goodNumbers_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("value");
    QTest::addColumn<double>("seconds");
    QTest::newRow("interval min") << "--interval"
                                  << "0.1" << 0.1;
    QTest::newRow("interval max") << "--interval"
                                  << "86400" << 86400.0;
    QTest::newRow("interval exponent") << "--interval"
                                       << "2.5e1" << 25.0;
    QTest::newRow("sample-gap zero") << "--sample-gap"
                                     << "0" << 0.0;
    QTest::newRow("sample-gap max") << "--sample-gap"
                                    << "86400" << 86400.0;
}

void TestOptions::goodNumbers()
{
    QFETCH(QString, flag);
    QFETCH(QString, value);
    QString error;
    const auto o = parseOptions({ QStringLiteral("stevedore"), QStringLiteral("--once"), flag, value }, &error);
    QVERIFY2(o, qPrintable(error));
    QTEST(flag == QLatin1String("--interval") ? o->intervalSeconds : o->sampleGapSeconds, "seconds");
}

#ifdef STEVEDORE_EXE
namespace {
struct Run
{
    int exitCode = -1;
    QByteArray err;
};

Run runBinary(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(STEVEDORE_EXE), args);
    // A flag that slipped through would start the service: stop it.
    if (!p.waitForFinished(15000)) {
        p.kill();
        p.waitForFinished(5000);
        return {};
    }
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardError() };
}
} // namespace

void TestOptions::badNumbersThroughTheBinary()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mention);
    // --no-listen: nothing binds a port if a value were wrongly accepted.
    const Run r = runBinary(args + QStringList { QStringLiteral("--no-listen") });
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mention.toUtf8()), r.err.constData());
}

void TestOptions::badEnvironmentThroughTheBinary_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::newRow("vm bytes with a command") << "STEVEDORE_VM_BYTES"
                                             << "1G; reboot";
    QTest::newRow("hdd bytes nan") << "STEVEDORE_HDD_BYTES"
                                   << "nan";
}

void TestOptions::badEnvironmentThroughTheBinary()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(name, value);
    // Refused before Docker is asked anything: no daemon listens there.
    env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("unix:///nonexistent/docker.sock"));
    const Run r = runBinary({ QStringLiteral("--spawn"), QStringLiteral("1") }, env);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(name.toUtf8()), r.err.constData());
}
#endif

QTEST_GUILESS_MAIN(TestOptions)
#include "tst_options.moc"
