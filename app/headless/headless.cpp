#include "headless.h"

#include "consoleoutput.h"
#include "engine/engine.h"
#include "metrics/collector.h"
#include "receiver/chartrenderer.h"
#include "model/snapshotjson.h"
#include "options.h"
#include "tableprinter.h"
#include "util/unixsignalwatcher.h"

#include <QCoreApplication>
#include <QThread>

#include <csignal>
#include <cstdio>

namespace {
void out(const QString& text)
{
    std::fputs(text.toLocal8Bit().constData(), stdout);
    std::fflush(stdout);
}

void err(const QString& text)
{
    std::fprintf(stderr, "stevedore: %s\n", text.toLocal8Bit().constData());
}
}

namespace Headless {

int runOnce(const Options& options)
{
    Collector collector(options.source);
    QString error;
    // Two samples: rates need a time difference. The first one primes the
    // collector; it is not printed.
    if (!collector.collect(&error)) {
        err(error);
        return 1;
    }
    QThread::usleep(static_cast<unsigned long>(options.sampleGapSeconds * 1e6));
    const auto snapshot = collector.collect(&error);
    if (!snapshot) {
        err(error);
        return 1;
    }
    if (options.json)
        out(QString::fromUtf8(snapshotToJsonBytes(*snapshot)) + QLatin1Char('\n'));
    else
        out(formatSnapshot(*snapshot));
    return 0;
}

int runService(const Options& options)
{
    Engine engine(options);
    QObject::connect(&engine, &Engine::logLine, [](const QString& line) { out(line + QLatin1Char('\n')); });
    // Tables for a few containers, one summary line per tick for many (or
    // --quiet, or the journal); SIGUSR1 asks for the full tables.
    ConsoleOutput console(options.quiet, ConsoleOutput::stdoutIsJournal());
    QObject::connect(&engine, &Engine::snapshotReady,
                     [&console](const Snapshot& snapshot) { out(console.render(snapshot)); });
    QObject::connect(&engine, &Engine::dockerConnectionChanged, [](bool connected, const QString& message) {
        out(connected ? QStringLiteral("[INFO] Docker connected: %1\n").arg(message)
                      : QStringLiteral("[WARN] Docker unreachable: %1 (retrying; nothing is removed meanwhile)\n")
                            .arg(message));
    });
    // QtCharts needs a QApplication, which the service does not have: the
    // receiver draws by running this executable with --export-charts.
    engine.setChartRenderer(ProcessChartRenderer::forThisExecutable());

    const char* source = options.source.kind == SourceOptions::Kind::Kmod     ? "kmod"
        : options.source.kind == SourceOptions::Kind::Cgroup                  ? "cgroup"
                                                                                : "auto";
    const char* manager = !options.manage ? "off (--no-manage)" : options.dryRun ? "dry run" : "on";
    out(QStringLiteral("[INFO] Stevedore %1 starting (interval %2 s, metrics source %3, manager %4)\n")
            .arg(QLatin1String(STEVEDORE_VERSION))
            .arg(options.intervalSeconds)
            .arg(QLatin1String(source), QLatin1String(manager)));
    QString error;
    if (!engine.start(&error)) {
        err(error);
        return 1;
    }
    out(QStringLiteral("[INFO] Docker: %1\n").arg(engine.dockerHost()));

    UnixSignalWatcher signals({SIGINT, SIGTERM, SIGUSR1});
    bool stopping = false;
    QObject::connect(&signals, &UnixSignalWatcher::unixSignal, [&](int sig) {
        if (sig == SIGUSR1) {
            console.requestTables();
            return;
        }
        if (stopping) {
            out(QStringLiteral("[WARN] Signal %1 again: exiting now\n").arg(sig));
            QCoreApplication::exit(130);
            return;
        }
        stopping = true;
        out(QStringLiteral("\n[INFO] Signal %1 received: final entry, charts, clean-up...\n").arg(sig));
        engine.shutdown([](const QStringList& charts, const QString& error) {
            if (!error.isEmpty())
                out(QStringLiteral("[WARN] %1\n").arg(error));
            for (const QString& file : charts)
                out(QStringLiteral("[INFO] Chart: %1\n").arg(file));
            out(QStringLiteral("[INFO] Charts generated. Service stopped.\n"));
            QCoreApplication::quit();
        });
    });
    return QCoreApplication::exec();
}

}
