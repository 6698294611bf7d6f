// The Engine's shutdown as the original did it (final entry, GET
// /generate_graphs, then GET /show_graphs on a receiver that outlives this
// process), --live-charts, and `--once`'s Docker look-up.
#include "charts/chartexport.h"
#include "core/engine/dockerlookup.h"
#include "core/engine/engine.h"
#include "core/receiver/chartrenderer.h"
#include "core/receiver/logreceiver.h"
#include "guitestutil.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace GuiTest;

namespace {
// Draws with the real chart export, as the window's receiver does.
std::shared_ptr<ChartRenderer> renderer(const QString& dataDir, QStringList* calls)
{
    return std::make_shared<FunctionChartRenderer>([dataDir, calls](const QString& outDir, QString* error) {
        calls->append(outDir);
        QStringList files;
        QString readError;
        const QList<Snapshot> stored = readSnapshots(dataDir, LogQuery(), &readError);
        if (!readError.isEmpty()) {
            *error = readError;
            return files;
        }
        exportCharts(chartsToDraw(stored, QDateTime(), QDateTime()), outDir, &files, error);
        return files;
    });
}
} // namespace

class TestEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void shutdownAsksGenerateThenShow();
    void shutdownWithoutReceiverSaysSo();
    void liveChartsFromTheStart();
    void onceLooksUpDocker();
    void onceDegradesWithoutDocker();

private:
    EngineSettings settings() const;
    std::unique_ptr<DockerClient> m_docker;
};

EngineSettings TestEngine::settings() const
{
    EngineSettings s;
    s.source.kind = SourceOptions::Kind::Kmod;
    s.source.procFile = QFINDTESTDATA("../../gui/fixtures/kmod_three.json");
    s.intervalSeconds = 0.2;
    // No Docker needed for the shutdown: it is not an error when it is down.
    s.dockerHost = QStringLiteral("unix:///nonexistent/stevedore-test.sock");
    s.manager.manage = false;
    s.listen = false;
    s.reporter.url = QUrl(); // --no-listen and no --report-to: nothing to report to
    return s;
}

void TestEngine::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    m_docker = std::make_unique<DockerClient>(DockerEndpoint::defaultEndpoint());
}

void TestEngine::cleanupTestCase()
{
    if (m_docker)
        cleanUp(*m_docker);
}

void TestEngine::shutdownAsksGenerateThenShow()
{
    // A central receiver of its own (as --report-to would reach).
    QTemporaryDir data;
    StoreSettings store;
    store.dataDir = data.path();
    ReceiverSettings ro;
    ro.port = 0;
    LogReceiver receiver(ro, store);
    QString error;
    QVERIFY2(receiver.start(&error), qPrintable(error));
    QStringList renders;
    receiver.setChartRenderer(renderer(data.path(), &renders));

    EngineSettings o = settings();
    o.reporter.url = receiver.logsUrl(); // --report-to
    o.reportsElsewhere = true;
    Engine engine(o);
    QStringList log;
    connect(&engine, &Engine::logLine, this, [&log](const QString& line) { log.append(line); });
    QVERIFY2(engine.start(&error), qPrintable(error));
    QSignalSpy ticks(&engine, &Engine::snapshotReady);
    QTRY_VERIFY_WITH_TIMEOUT(ticks.count() >= 2, 15000);

    bool done = false;
    QStringList files;
    QString shutdownError;
    bool liveWhenDrawn = true;
    engine.shutdown([&](const QStringList& f, const QString& e) {
        files = f;
        shutdownError = e;
        done = true;
    });
    // The first rendering is /generate_graphs: live charts are not on yet.
    QTRY_VERIFY_WITH_TIMEOUT(!renders.isEmpty(), 60000);
    liveWhenDrawn = receiver.liveCharts();
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    QVERIFY2(shutdownError.isEmpty(), qPrintable(shutdownError));
    QVERIFY(!liveWhenDrawn);
    QVERIFY2(files.contains(QDir(receiver.chartsDir()).filePath(QStringLiteral("cpu_usage.png"))),
             qPrintable(files.join(QLatin1Char(' '))));
    // Then /show_graphs: the receiver goes on drawing live.
    QVERIFY(receiver.liveCharts());
    QVERIFY2(log.join(QLatin1Char('\n')).contains(QLatin1String("Live charts running")),
             qPrintable(log.join(QLatin1Char('\n'))));
    // The final entry was stored before the charts were drawn.
    QString readError;
    QVERIFY(readSnapshots(data.path(), LogQuery(), &readError).size() >= ticks.count());
}

void TestEngine::shutdownWithoutReceiverSaysSo()
{
    Engine engine(settings()); // --no-listen, no --report-to
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    bool done = false;
    QStringList files;
    engine.shutdown([&](const QStringList& f, const QString& e) {
        files = f;
        error = e;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 10000);
    QVERIFY(files.isEmpty());
    QVERIFY2(error.startsWith(QLatin1String("charts not generated")), qPrintable(error));
}

void TestEngine::liveChartsFromTheStart()
{
    QTemporaryDir data;
    EngineSettings o = settings();
    o.listen = true;
    o.receiver.port = 0; // any free port
    o.store.dataDir = data.path();
    o.liveCharts = true;
    o.reporter.url = QUrl(QStringLiteral("http://127.0.0.1:9/logs")); // nobody: the entries wait in the queue
    o.reportsElsewhere = true;
    Engine engine(o);
    QStringList renders;
    engine.setChartRenderer(renderer(data.path(), &renders));
    QString error;
    QVERIFY2(engine.start(&error), qPrintable(error));
    QVERIFY(engine.receiver());
    QVERIFY(engine.receiver()->liveCharts());
    QTRY_VERIFY_WITH_TIMEOUT(!renders.isEmpty(), 30000);

    // Without --live-charts the receiver waits for GET /show_graphs.
    QTemporaryDir other;
    o.store.dataDir = other.path();
    o.liveCharts = false;
    Engine quiet(o);
    quiet.setChartRenderer(renderer(other.path(), &renders));
    QVERIFY2(quiet.start(&error), qPrintable(error));
    QVERIFY(!quiet.receiver()->liveCharts());
}

void TestEngine::onceLooksUpDocker()
{
    const auto ping = wait<PingInfo>([&](auto done) { m_docker->ping(done); });
    QVERIFY2(ping.ok(), qPrintable(QStringLiteral("dockerd must run: ") + ping.error.message));
    const QString name = QStringLiteral("stevedore-enginetest-%1").arg(runId());
    ContainerSpec spec = sleeperSpec(name);
    spec.labels.insert(QStringLiteral("stevedore.category"), QStringLiteral("ram"));
    const auto run = wait<QString>([&](auto done) { m_docker->runContainer(spec, done); });
    QVERIFY2(run.ok(), qPrintable(run.error.message));

    // What the collector knows: the id and the process, no Docker name.
    Snapshot s;
    ContainerMetrics c;
    c.id = run.value;
    c.processName = QStringLiteral("sleep");
    s.containers.append(c);
    const DockerLookup found = lookUpDockerMetadata(s, QString(), 10000);
    QVERIFY2(found.reached, qPrintable(found.error));
    QCOMPARE(found.snapshot.containers.size(), 1);
    const ContainerMetrics& e = found.snapshot.containers.at(0);
    QCOMPARE(e.name, name);
    QCOMPARE(e.labels.value(testLabel()), runId());
    QCOMPARE(e.category, Category::Ram); // from its stevedore.category label
    QVERIFY(!e.managed); // no stevedore.managed=true label
    QVERIFY(e.created.isValid());
}

void TestEngine::onceDegradesWithoutDocker()
{
    Snapshot s;
    ContainerMetrics c;
    c.id = QString(64, QLatin1Char('a'));
    c.processName = QStringLiteral("stress");
    s.containers.append(c);
    QElapsedTimer t;
    t.start();
    const DockerLookup found = lookUpDockerMetadata(s, QStringLiteral("unix:///nonexistent/stevedore-test.sock"), 2000);
    QVERIFY(!found.reached);
    QVERIFY(!found.error.isEmpty());
    QVERIFY2(t.elapsed() < 10000, "the look-up is bounded by its timeout");
    QCOMPARE(found.snapshot.containers.at(0).processName, QStringLiteral("stress"));
    QVERIFY(found.snapshot.containers.at(0).name.isEmpty());
}

QTEST_MAIN(TestEngine)
#include "tst_engine.moc"
