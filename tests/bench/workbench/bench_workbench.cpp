// Workbench benchmark (not a test). One command:
//
//   build/tests/bench/workbench/bench_workbench [--containers 200] [--seconds 60] [--rate 1000]
//       [--no-logs] [--no-history]   (a breakdown: without that part shown)
//
// The window as a container workbench, steady state (issue 12):
// - 200 containers in the table at 1 s (the kernel-module source reading a
//   generated file: fixture metrics), one of them a REAL container of the
//   local dockerd that prints --rate lines a second;
// - the log pane following that container (Docker's logs API, live), shown
//   in a window of its own so it paints (a hidden pane does not stream);
// - that container's page open on the 24 h history range, drawn from a
//   store that holds 24 h of it at 1 Hz (written by LogStore beforehand),
//   live ticks appended.
// A child process runs the real window (Engine + MainWindow). After a
// warm-up the parent measures, over --seconds, the whole child process: CPU
// time of all its threads (/proc/PID/task/*/schedstat, so the history
// reader's and libcurl's threads count) and VmRSS. The comparator, in the
// same run and over the same seconds: `docker logs -f` of the same
// container (what a user would otherwise run in a terminal), its CPU from
// the same counters; its output is counted to give the real line rate.
//
// Target (issue 12): the window under 3 % of one core and 200 MB RSS.
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "core/model/logentry.h"
#include "core/store/logstore.h"
#include "gui/containerpage.h"
#include "gui/containertablemodel.h"
#include "gui/containerview.h"
#include "gui/historyview.h"
#include "gui/logpane.h"
#include "gui/mainwindow.h"
#include "kmodbenchdocument.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

namespace {
const char* kImage = STEVEDORE_DEFAULT_IMAGE;

// CPU time of every thread of `pid`, in seconds (schedstat: ns on a CPU).
double cpuSeconds(qint64 pid)
{
    double total = 0;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString& tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile f(tasks.filePath(tid + QStringLiteral("/schedstat")));
        if (f.open(QIODevice::ReadOnly))
            total += f.readAll().split(' ').value(0).toDouble() / 1e9;
    }
    return total;
}

double statusMb(qint64 pid, const char* key)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray& line : status.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(int(qstrlen(key))).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return 0;
}

// 24 h at 1 Hz of the real container (and one neighbour), ending now.
bool writeDay(const QString& dir, const QString& id)
{
    StoreSettings settings;
    settings.dataDir = dir;
    settings.retainedFiles = 1000;
    LogStore store(settings);
    QString error;
    if (!store.open(&error)) {
        std::fprintf(stderr, "store: %s\n", qPrintable(error));
        return false;
    }
    const QDateTime end = QDateTime::currentDateTimeUtc().addSecs(-1);
    for (qint64 t = 24 * 3600; t > 0; --t) {
        Snapshot s;
        s.source = QStringLiteral("cgroup");
        s.timestamp = end.addSecs(-t);
        s.intervalSeconds = 1;
        s.system.memoryTotalBytes = 24ull << 30;
        s.system.memoryAvailableBytes = 20ull << 30;
        s.system.memoryUsedBytes = 4ull << 30;
        for (int i = 0; i < 2; ++i) {
            ContainerMetrics c;
            c.id = i == 0 ? id : QString(64, QLatin1Char('e'));
            c.name = QStringLiteral("chatty_%1").arg(i);
            c.cpuPercent = 5 + double(t % 300) / 10;
            c.memoryBytes = (8ull << 20) + quint64(t % 1000) * 4096;
            c.writeBytesPerSec = double(t % 60) * 1000;
            c.netRxBytesPerSec = 100;
            s.containers.append(c);
        }
        NormalisedEntry entry;
        if (!normaliseLogEntry(reportEntryBytes(s), entry, &error)
            || store.append(entry.line, &error) != StoreStatus::Ok) {
            std::fprintf(stderr, "store: %s\n", qPrintable(error));
            return false;
        }
    }
    return true;
}

int child(const QString& procFile, const QString& storeDir, const QString& id, int seconds, bool logs, bool history)
{
    EngineSettings o;
    o.source.kind = SourceOptions::Kind::Kmod;
    o.source.procFile = procFile;
    o.intervalSeconds = 1.0;
    o.manager.manage = false; // never touch anyone's containers
    o.listen = false; // the store was written beforehand: the window reads it
    o.store.dataDir = storeDir;
    Engine engine(o);
    QString error;
    if (!engine.start(&error)) {
        std::fprintf(stderr, "engine: %s\n", qPrintable(error));
        return 1;
    }
    ContainerActions actions(engine.docker(), SpawnSettings());
    MainWindow window(&engine, &actions);
    window.resize(1400, 900);
    window.show();
    auto* view = window.findChild<ContainerView*>(QStringLiteral("containerView"));
    auto* page = window.findChild<ContainerPage*>(QStringLiteral("containerPage"));
    auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("chartTabs"));
    // The log pane in a window of its own, so it is shown with the page.
    std::unique_ptr<LogPane> logPane(window.findChild<LogPane*>(QStringLiteral("logPane")));
    logPane->setParent(nullptr);
    logPane->resize(900, 500);
    bool selected = false;
    QObject::connect(&window, &MainWindow::snapshotShown, &window, [&] {
        if (selected)
            return;
        const int row = view->model()->rowOf(id);
        if (row < 0)
            return;
        selected = true;
        view->table()->selectRow(view->proxy()->mapFromSource(view->model()->index(row, 0)).row());
        page->history()->setRange(HistoryView::Range::Day);
        if (history)
            tabs->setCurrentWidget(page);
        if (logs)
            logPane->show();
    });
    QTimer::singleShot(seconds * 1000, qApp, [&] {
        std::printf("child: log pane %s, %d lines shown; history page %s, 24 h range %s, %d CPU points drawn\n",
                    logPane->isStreaming() ? "streaming" : "NOT streaming", logPane->lineCount(),
                    page->isVisible() ? "shown" : "hidden",
                    page->history()->range() == HistoryView::Range::Day ? "on" : "off",
                    page->history()->pointCount(HistorySeries::CpuPercent));
        std::fflush(stdout);
        QApplication::quit();
    });
    return QApplication::exec();
}

QString docker(const QStringList& args, bool* ok = nullptr)
{
    QProcess p;
    p.start(QStringLiteral("docker"), args);
    const bool done = p.waitForFinished(60000) && p.exitCode() == 0;
    if (ok)
        *ok = done;
    if (!done)
        std::fprintf(stderr, "docker %s: %s\n", qPrintable(args.join(QLatin1Char(' '))),
                     p.readAllStandardError().constData());
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

int arg(const QStringList& args, const QString& name, int fallback)
{
    const qsizetype i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
}
} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // figures as they come, also into a file
    const QStringList args = app.arguments();
    if (args.contains(QStringLiteral("--child"))) {
        const qsizetype i = args.indexOf(QStringLiteral("--child"));
        return child(args.value(i + 1), args.value(i + 2), args.value(i + 3),
                     arg(args, QStringLiteral("--seconds"), 60), !args.contains(QStringLiteral("--no-logs")),
                     !args.contains(QStringLiteral("--no-history")));
    }
    const int containers = arg(args, QStringLiteral("--containers"), 200);
    const int seconds = arg(args, QStringLiteral("--seconds"), 60);
    const int rate = arg(args, QStringLiteral("--rate"), 1000);
    constexpr int warmup = 20;

    // The chatty container: --rate lines a second, labelled as ours.
    const QString label = QStringLiteral("stevedore.test=bench-workbench-%1").arg(QCoreApplication::applicationPid());
    const QString loop = QStringLiteral("while :; do i=0; while [ $i -lt %1 ]; do echo \"line $i of a chatty "
                                        "container, printed to be followed\"; i=$((i+1)); done; sleep 1; done")
                             .arg(rate);
    bool ok = false;
    const QString id = docker({ QStringLiteral("run"), QStringLiteral("-d"), QStringLiteral("--network"),
                                QStringLiteral("none"), QStringLiteral("--label"), label, QString::fromLatin1(kImage),
                                QStringLiteral("sh"), QStringLiteral("-c"), loop },
                              &ok);
    if (!ok)
        return 1;
    const auto cleanup = [&] {
        docker({ QStringLiteral("rm"), QStringLiteral("-f"), id });
    };
    const qint64 realPid
        = docker({ QStringLiteral("inspect"), QStringLiteral("-f"), QStringLiteral("{{.State.Pid}}"), id })
              .toLongLong();

    QTemporaryDir dir;
    const QString procFile = dir.filePath(QStringLiteral("kmod.json"));
    QFile fixture(procFile);
    if (!fixture.open(QIODevice::WriteOnly)
        || fixture.write(kmodBenchDocument(containers,
                                           [&](int i, nlohmann::json& record) {
                                               if (i != 0)
                                                   return;
                                               // The one real container: the log pane follows it.
                                               record["PID"] = realPid;
                                               record["Name"] = "sh";
                                               record["ContainerID"] = id.toStdString();
                                               record["Cmdline"] = "sh -c chatty";
                                           }))
            < 0) {
        cleanup();
        return 1;
    }
    fixture.close();
    const QString storeDir = dir.filePath(QStringLiteral("store"));
    QElapsedTimer clock;
    clock.start();
    if (!writeDay(storeDir, id)) {
        cleanup();
        return 1;
    }
    std::printf("Workbench benchmark: %d containers, a real one printing %d lines/s (%s), 24 h history of it "
                "(store written in %.0f s)\n",
                containers, rate, qPrintable(id.left(12)), double(clock.elapsed()) / 1000);

    QProcess window;
    window.setProcessChannelMode(QProcess::ForwardedChannels);
    QStringList childArgs = { QStringLiteral("--child"),
                              procFile,
                              storeDir,
                              id,
                              QStringLiteral("--seconds"),
                              QString::number(warmup + seconds + 5) };
    // For a breakdown: the window without the log pane, or without the page.
    for (const char* part : { "--no-logs", "--no-history" }) {
        if (args.contains(QLatin1String(part)))
            childArgs.append(QLatin1String(part));
    }
    window.start(QCoreApplication::applicationFilePath(), childArgs);
    if (!window.waitForStarted()) {
        cleanup();
        return 1;
    }
    const qint64 pid = window.processId();
    QThread::sleep(warmup); // the first history read, the last 500 lines, the first ticks

    // The comparator, started now: docker logs -f, from its last 500 lines
    // as the pane starts, its output counted.
    QProcess follow;
    qint64 lines = 0;
    QObject::connect(&follow, &QProcess::readyReadStandardOutput, &follow,
                     [&] { lines += follow.readAllStandardOutput().count('\n'); });
    follow.start(QStringLiteral("docker"),
                 { QStringLiteral("logs"), QStringLiteral("-f"), QStringLiteral("--tail"), QStringLiteral("500"), id });
    follow.waitForStarted();
    QThread::msleep(2000);
    QCoreApplication::processEvents();
    const qint64 linesBefore = lines;
    const double cpu0 = cpuSeconds(pid);
    const double follow0 = cpuSeconds(follow.processId());
    double rssMax = 0;
    QElapsedTimer wall;
    wall.start();
    while (wall.elapsed() < qint64(seconds) * 1000 && window.state() == QProcess::Running) {
        QThread::msleep(200);
        QCoreApplication::processEvents();
        rssMax = std::max(rssMax, statusMb(pid, "VmRSS:"));
    }
    const double elapsed = double(wall.elapsed()) / 1000;
    const double cpu = (cpuSeconds(pid) - cpu0) / elapsed * 100;
    const double followCpu = (cpuSeconds(follow.processId()) - follow0) / elapsed * 100;
    const double rss = statusMb(pid, "VmRSS:");
    const double lineRate = double(lines - linesBefore) / elapsed;
    follow.kill();
    follow.waitForFinished(5000);
    window.waitForFinished(30000);
    cleanup();

    std::printf("lines printed by the container: %.0f/s (counted on docker logs -f)\n", lineRate);
    std::printf("window (whole process, all threads): %.2f %% of one core, RSS %.1f MB (max %.1f MB) over %.0f s\n",
                cpu, rss, rssMax, elapsed);
    std::printf("comparator, docker logs -f of the same container: %.2f %% of one core\n", followCpu);
    std::printf("ratio window / docker logs -f: %.2f\n", followCpu > 0 ? cpu / followCpu : 0.0);
    std::printf("target < 3 %% and < 200 MB: %s\n", cpu < 3 && rssMax < 200 ? "PASS" : "FAIL");
    return 0;
}
