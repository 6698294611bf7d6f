// The headless command line end to end: the real `stevedore` binary run on
// fixture trees, checking exit codes, output and error messages.
#include "fixturetree.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void helpAndVersionNeedNothing_data();
    void helpAndVersionNeedNothing();
    void onceJsonFromCgroupFixture();
    void onceTablesFromOriginalSample();
    void kmodErrors_data();
    void kmodErrors();
    void autoFallsBackToCgroup();
    void onceSaysWhenDockerIsUnreachable();
    void exportRangeFlags_data();
    void exportRangeFlags();
    void exportChartsDrawsLatestRun();
    void exportChartsPerHost_data();
    void exportChartsPerHost();
    void exportCommandsPrintOnlyResults();
    void serviceShutdownSaysWhatHappened();

private:
    struct Result
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Result run(const QStringList& args);
    QStringList fixtureRoots() const;

    QTemporaryDir m_dir;
};

TestCli::Result TestCli::run(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Neither a display nor a Docker engine is needed for these.
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("unix:///nonexistent/docker.sock"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(STEVEDORE_EXE), args);
    Result r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QStringList TestCli::fixtureRoots() const
{
    return { QStringLiteral("--proc-root"), m_dir.filePath(QStringLiteral("proc")), QStringLiteral("--cgroup-root"),
             m_dir.filePath(QStringLiteral("cgroup")) };
}

void TestCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY(materialiseTree(QFINDTESTDATA("../metrics/fixtures/v1-cgroupfs.tree"), m_dir.path()));
}

void TestCli::helpAndVersionNeedNothing_data()
{
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("expect");
    QTest::newRow("help") << "--help"
                          << "--no-gui";
    QTest::newRow("version") << "--version"
                             << "stevedore " STEVEDORE_VERSION;
}

void TestCli::helpAndVersionNeedNothing()
{
    QFETCH(QString, flag);
    QFETCH(QString, expect);
    const Result r = run({ flag });
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(expect.toUtf8()), r.out.constData());
}

void TestCli::onceJsonFromCgroupFixture()
{
    const Result r = run(QStringList { QStringLiteral("--once"), QStringLiteral("--json"), QStringLiteral("--source"),
                                       QStringLiteral("cgroup"), QStringLiteral("--sample-gap"), QStringLiteral("0") }
                         + fixtureRoots());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const auto j = nlohmann::json::parse(r.out.toStdString());
    QCOMPARE(j.at("source").get<std::string>(), std::string("cgroup"));
    for (const char* key : { "memory_total_bytes", "memory_used_bytes", "memory_available_bytes", "cpu_percent" })
        QVERIFY2(j.at("system").contains(key), key);
    QCOMPARE(j.at("system").at("memory_total_bytes").get<quint64>(), quint64(1024) * 1024 * 1024);
    QCOMPARE(j.at("containers").size(), size_t(1));
    const auto& c = j.at("containers").at(0);
    QCOMPARE(c.at("id").get<std::string>(), std::string(64, 'b'));
    QCOMPARE(c.at("category").get<std::string>(), std::string("ram"));
    QCOMPARE(c.at("pid").get<int>(), 100);
    QCOMPARE(c.at("memory_bytes").get<quint64>(), quint64(209715200 - 62914560));
    for (const char* key :
         { "name", "cmdline", "cpu_percent", "memory_percent", "read_bytes", "write_bytes", "read_ops", "write_ops" })
        QVERIFY2(c.contains(key), key);
}

void TestCli::onceTablesFromOriginalSample()
{
    const Result r = run({ QStringLiteral("--once"), QStringLiteral("--source"), QStringLiteral("kmod"),
                           QStringLiteral("--proc-file"), QFINDTESTDATA("../metrics/fixtures/original_sample.json"),
                           QStringLiteral("--sample-gap"), QStringLiteral("0") });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.contains("source: kmod"), r.out.constData());
    QVERIFY2(r.out.contains("IO:"), r.out.constData());
    QVERIFY2(r.out.contains("| 52643 | stress | c87b60cf51b9 |"), r.out.constData());
    QVERIFY2(r.out.contains("20830"), r.out.constData());
}

void TestCli::kmodErrors_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("mention");
    QTest::newRow("missing") << "/nonexistent/container_sysinfo"
                             << "cannot read /nonexistent/container_sysinfo";
    QTest::newRow("malformed") << "tst_cli.cpp"
                               << "malformed JSON";
}

void TestCli::kmodErrors()
{
    QFETCH(QString, file);
    QFETCH(QString, mention);
    if (!file.startsWith(QLatin1Char('/')))
        file = QFINDTESTDATA(file);
    const Result r = run({ QStringLiteral("--once"), QStringLiteral("--source"), QStringLiteral("kmod"),
                           QStringLiteral("--proc-file"), file, QStringLiteral("--sample-gap"), QStringLiteral("0") });
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(mention.toUtf8()), r.err.constData());
    QVERIFY2(r.err.contains(file.toUtf8()), r.err.constData()); // names the file
}

void TestCli::autoFallsBackToCgroup()
{
    const Result r
        = run(QStringList { QStringLiteral("--once"), QStringLiteral("--json"), QStringLiteral("--proc-file"),
                            QFINDTESTDATA("tst_cli.cpp"), QStringLiteral("--sample-gap"), QStringLiteral("0") }
              + fixtureRoots());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const auto j = nlohmann::json::parse(r.out.toStdString());
    QCOMPARE(j.at("source").get<std::string>(), std::string("cgroup"));
    const std::string warning = j.at("warnings").at(0).get<std::string>();
    QVERIFY2(warning.find("using cgroup files") != std::string::npos, warning.c_str());
}

void TestCli::onceSaysWhenDockerIsUnreachable()
{
    // DOCKER_HOST points nowhere (see run()): the sample is still printed,
    // and both stderr and the JSON say why the names are missing.
    const Result r = run(QStringList { QStringLiteral("--once"), QStringLiteral("--json"), QStringLiteral("--source"),
                                       QStringLiteral("cgroup"), QStringLiteral("--sample-gap"), QStringLiteral("0") }
                         + fixtureRoots());
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("Docker unreachable"), r.err.constData());
    const auto j = nlohmann::json::parse(r.out.toStdString());
    bool said = false;
    for (const auto& w : j.at("warnings"))
        said = said || w.get<std::string>().find("Docker unreachable") != std::string::npos;
    QVERIFY2(said, r.out.constData());
    for (const auto& c : j.at("containers"))
        QCOMPARE(c.at("managed").get<bool>(), false);
}

void TestCli::exportRangeFlags_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mention");
    const QString dir = QStringLiteral("/nonexistent/out");
    QTest::newRow("since without export")
        << QStringList { QStringLiteral("--once"), QStringLiteral("--since"), QStringLiteral("2026-03-14") }
        << "--since goes with --export-charts";
    QTest::newRow("bad time") << QStringList { QStringLiteral("--export-charts"), dir, QStringLiteral("--until"),
                                               QStringLiteral("yesterday") }
                              << "--until must be a time";
    QTest::newRow("reversed") << QStringList { QStringLiteral("--export-charts"), dir,
                                               QStringLiteral("--since"),         QStringLiteral("2026-03-14T10:00"),
                                               QStringLiteral("--until"),         QStringLiteral("2026-03-14T09:00") }
                              << "--until must be later than --since";
}

void TestCli::exportRangeFlags()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mention);
    const Result r = run(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mention.toUtf8()), r.err.constData());
}

void TestCli::exportChartsDrawsLatestRun()
{
    // A store holding a run of last month and today's.
    QTemporaryDir data;
    QVERIFY(
        QFile::copy(QFINDTESTDATA("../charts/fixtures/two_runs.jsonl"), data.filePath(QStringLiteral("logs.jsonl"))));
    const QString out = data.filePath(QStringLiteral("charts"));
    Result r = run({ QStringLiteral("--export-charts"), out, QStringLiteral("--data-dir"), data.path() });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("drawing the latest run: 8 of 12 entries"), r.err.constData());
    for (const char* name : { "system_metrics.png", "containers_metrics.png", "cpu_usage.png", "memory_usage.png" })
        QVERIFY2(r.out.contains(name), r.out.constData());
    QFile csv(out + QStringLiteral("/charts_series.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 8 + 1);
    csv.close();

    // --since reaches back to last month.
    r = run({ QStringLiteral("--export-charts"), out, QStringLiteral("--data-dir"), data.path(),
              QStringLiteral("--since"), QStringLiteral("2026-02-01T00:00:00Z") });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("drawing 12 of 12 entries"), r.err.constData());
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 12 + 1);
    csv.close();

    // The same two runs rotated over four files: the export reads back only
    // to the file that shows the gap before today's run (.2), not .3.
    QTemporaryDir rotated;
    QFile fixture(QFINDTESTDATA("../charts/fixtures/two_runs.jsonl"));
    QVERIFY(fixture.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = fixture.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), 12);
    const QList<QPair<const char*, QList<int>>> layout = {
        { "logs.jsonl.3", { 0, 1 } },
        { "logs.jsonl.2", { 2, 3 } },
        { "logs.jsonl.1", { 4, 5, 6, 7 } },
        { "logs.jsonl", { 8, 9, 10, 11 } },
    };
    for (const auto& [name, which] : layout) {
        QFile f(rotated.filePath(QLatin1String(name)));
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i : which)
            f.write(lines[i] + '\n');
    }
    r = run({ QStringLiteral("--export-charts"), out, QStringLiteral("--data-dir"), rotated.path() });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("read 3 of 4 store files (10 entries)"), r.err.constData());
    QVERIFY2(r.err.contains("drawing the latest run: 8 of 10 entries"), r.err.constData());
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 8 + 1);
    csv.close();
    r = run({ QStringLiteral("--export-charts"), out, QStringLiteral("--data-dir"), rotated.path(),
              QStringLiteral("--since"), QStringLiteral("2026-02-01T00:00:00Z") });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.err.contains("read 4 of 4 store files (12 entries)"), r.err.constData());
    QVERIFY2(r.err.contains("drawing 12 of 12 entries"), r.err.constData());
}

void TestCli::exportChartsPerHost_data()
{
    QTest::addColumn<QStringList>("hostArgs");
    QTest::addColumn<QStringList>("csvs"); // relative to the output directory, each with the 8 latest entries
    QTest::addColumn<QStringList>("absent");
    QTest::newRow("--host alpha") << QStringList { QStringLiteral("--host"), QStringLiteral("alpha") }
                                  << QStringList { QStringLiteral("charts_series.csv") }
                                  << QStringList { QStringLiteral("host-alpha"), QStringLiteral("host-beta") };
    QTest::newRow("no --host: one set per host")
        << QStringList()
        << QStringList { QStringLiteral("host-alpha/charts_series.csv"), QStringLiteral("host-beta/charts_series.csv") }
        << QStringList { QStringLiteral("charts_series.csv") };
}

void TestCli::exportChartsPerHost()
{
    QFETCH(QStringList, hostArgs);
    QFETCH(QStringList, csvs);
    QFETCH(QStringList, absent);
    // Every entry of the two-run fixture from two hosts (issue 14).
    QTemporaryDir data;
    QFile fixture(QFINDTESTDATA("../charts/fixtures/two_runs.jsonl"));
    QVERIFY(fixture.open(QIODevice::ReadOnly));
    QFile store(data.filePath(QStringLiteral("logs.jsonl")));
    QVERIFY(store.open(QIODevice::WriteOnly));
    for (const QByteArray& line : fixture.readAll().trimmed().split('\n')) {
        for (const char* host : { "alpha", "beta" }) {
            nlohmann::json entry = nlohmann::json::parse(line.toStdString());
            entry["host"] = { { "name", host }, { "id", "0123456789abcdef0123456789abcdef" } };
            store.write(QByteArray::fromStdString(entry.dump()) + '\n');
        }
    }
    store.close();
    const QString out = data.filePath(QStringLiteral("charts"));
    const Result r = run(
        QStringList { QStringLiteral("--export-charts"), out, QStringLiteral("--data-dir"), data.path() } + hostArgs);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    for (const QString& name : csvs) {
        QFile csv(out + QLatin1Char('/') + name);
        QVERIFY2(csv.open(QIODevice::ReadOnly), qPrintable(name));
        QCOMPARE(csv.readAll().count('\n'), 8 + 1); // the latest run of that host alone
        QVERIFY2(r.out.contains(csv.fileName().toUtf8()), r.out.constData());
    }
    for (const QString& name : absent)
        QVERIFY2(!QFileInfo::exists(out + QLatin1Char('/') + name), qPrintable(name));
}

void TestCli::exportCommandsPrintOnlyResults()
{
    QTemporaryDir data;
    QVERIFY(
        QFile::copy(QFINDTESTDATA("../charts/fixtures/two_runs.jsonl"), data.filePath(QStringLiteral("logs.jsonl"))));
    // --export-logs -: the array is the whole of stdout (a pipe gets JSON).
    Result r = run({ QStringLiteral("--export-logs"), QStringLiteral("-"), QStringLiteral("--data-dir"), data.path() });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, r.out.constData());
    QCOMPARE(doc.array().size(), 12);
    // To a file: one line on stdout says what was written.
    const QString file = data.filePath(QStringLiteral("logs.json"));
    r = run({ QStringLiteral("--export-logs"), file, QStringLiteral("--data-dir"), data.path() });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY2(r.out.startsWith("12 entries from "), r.out.constData());
    QVERIFY(QFileInfo::exists(file));
    // Errors come through the one helper: "stevedore: ..." on stderr.
    QTemporaryDir empty;
    r = run({ QStringLiteral("--export-charts"), empty.filePath(QStringLiteral("c")), QStringLiteral("--data-dir"),
              empty.path() });
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains("stevedore: no stored log in "), r.err.constData());
    r = run({ QStringLiteral("--export-logs"), QStringLiteral("-"), QStringLiteral("--data-dir"),
              empty.filePath(QStringLiteral("missing")) });
    QCOMPARE(r.exitCode, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains("stevedore: no log store in "), r.err.constData());
}

void TestCli::serviceShutdownSaysWhatHappened()
{
    // --no-gui with nobody to draw charts (--no-listen, no --report-to):
    // the log must not claim charts were generated.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("unix:///nonexistent/docker.sock"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(STEVEDORE_EXE),
            { QStringLiteral("--no-gui"), QStringLiteral("--no-listen"), QStringLiteral("--no-manage"),
              QStringLiteral("--source"), QStringLiteral("kmod"), QStringLiteral("--proc-file"),
              QFINDTESTDATA("../metrics/fixtures/original_sample.json"), QStringLiteral("--interval"),
              QStringLiteral("0.2") });
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("source: kmod"), 20000);
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(30000));
    out += p.readAllStandardOutput();
    QCOMPARE(p.exitCode(), 0);
    const QString log = QString::fromUtf8(out);
    const qsizetype warned = log.indexOf(QLatin1String("[WARN] charts not generated: no log receiver"));
    const qsizetype stopped = log.indexOf(QLatin1String("[INFO] Service stopped."));
    QVERIFY2(warned > 0, qPrintable(log.right(600)));
    QVERIFY2(stopped > warned, qPrintable(log.right(600)));
    QVERIFY2(!log.contains(QLatin1String("Charts generated")), qPrintable(log.right(600)));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
