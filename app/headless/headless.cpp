#include "headless/headless.h"

#include "cmdoptions.h"
#include "commands/output.h"
#include "core/engine/engine.h"
#include "core/receiver/chartrenderer.h"
#include "core/receiver/logreceiver.h"
#include "core/util/unixsignalwatcher.h"
#include "headless/consoleoutput.h"
#include "settings.h"

#include <QCoreApplication>

#include <csignal>

namespace {
void out(const QString& text)
{
    Output::print(text);
}

void err(const QString& text)
{
    Output::error(text);
}
} // namespace

namespace Headless {

namespace {
// --receiver-only: the central receiver of a fleet (issue 14). No metrics,
// no manager, no Docker: the receiver and its store, until a signal.
int runReceiverOnly(const Options& options)
{
    LogReceiver receiver(receiverSettings(options), storeSettings(options));
    receiver.setChartRenderer(ProcessChartRenderer::forThisExecutable());
    out(QStringLiteral("[INFO] Stevedore %1 starting as a receiver only\n").arg(QLatin1String(STEVEDORE_VERSION)));
    QString error;
    if (!receiver.start(&error)) {
        err(QStringLiteral("log receiver: %1").arg(error));
        return 1;
    }
    if (!receiver.storeError().isEmpty())
        out(QStringLiteral("[WARN] log store: %1\n").arg(receiver.storeError()));
    for (const QString& note : receiver.store().recoveryNotes())
        out(QStringLiteral("[WARN] log store: %1\n").arg(note));
    QObject::connect(&receiver, &LogReceiver::storeFailed,
                     [](const QString& message) { out(QStringLiteral("[ERROR] log store: %1\n").arg(message)); });
    out(QStringLiteral("[INFO] Log receiver listening on %1 (data in %2)\n")
            .arg(receiver.baseUrl().toString(), receiver.dataDir()));
    UnixSignalWatcher signals({ SIGINT, SIGTERM });
    QObject::connect(&signals, &UnixSignalWatcher::unixSignal, [](int sig) {
        out(QStringLiteral("[INFO] Signal %1 received: receiver stopped.\n").arg(sig));
        QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}
} // namespace

int runService(const Options& options)
{
    if (options.receiverOnly)
        return runReceiverOnly(options);
    Engine engine(engineSettings(options));
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

    const char* manager = !options.manage ? "off (--no-manage)" : options.dryRun ? "dry run" : "on";
    out(QStringLiteral("[INFO] Stevedore %1 starting (interval %2 s, metrics source %3, manager %4)\n")
            .arg(QLatin1String(STEVEDORE_VERSION))
            .arg(options.intervalSeconds)
            .arg(SourceOptions::kindName(options.source.kind), QLatin1String(manager)));
    QString error;
    if (!engine.start(&error)) {
        err(error);
        return 1;
    }
    out(QStringLiteral("[INFO] Docker: %1\n").arg(engine.dockerHost()));

    UnixSignalWatcher signals({ SIGINT, SIGTERM, SIGUSR1, SIGHUP });
    bool stopping = false;
    QObject::connect(&signals, &UnixSignalWatcher::unixSignal, [&](int sig) {
        if (sig == SIGUSR1) {
            console.requestTables();
            return;
        }
        if (sig == SIGHUP) { // reload the alert rules (docs/alerts.md); the engine logs the outcome
            engine.reloadRules(nullptr);
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
            // Says what happened, and only that: charts are "generated" only
            // when there are files.
            for (const QString& file : charts)
                out(QStringLiteral("[INFO] Chart: %1\n").arg(file));
            if (!charts.isEmpty())
                out(QStringLiteral("[INFO] Charts generated (%1 files).\n").arg(charts.size()));
            if (!error.isEmpty())
                out(QStringLiteral("[WARN] %1\n").arg(error));
            out(QStringLiteral("[INFO] Service stopped.\n"));
            QCoreApplication::quit();
        });
    });
    return QCoreApplication::exec();
}

} // namespace Headless
