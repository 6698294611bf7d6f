#include "gui/gui.h"

#include "charts/chartexport.h"
#include "cmdoptions.h"
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "core/receiver/chartrenderer.h"
#include "core/store/logstore.h"
#include "core/util/unixsignalwatcher.h"
#include "gui/mainwindow.h"
#include "settings.h"

#include <QApplication>
#include <QEventLoop>
#include <QMessageBox>
#include <QSettings>
#include <QTimer>

#include <csignal>
#include <memory>

namespace {
// The receiver's GET /generate_graphs, drawn in this process from the store.
std::shared_ptr<ChartRenderer> inProcessRenderer(const QString& dataDir)
{
    return std::make_shared<FunctionChartRenderer>([dataDir](const QString& outDir, QString* error) {
        QStringList files;
        // As `--export-charts` does: the latest run, reading only the files
        // that hold it.
        QList<Snapshot> history;
        if (!loadStoreForCharts(dataDir, QDateTime(), QDateTime(), &history, error))
            return files;
        exportCharts(chartsToDraw(history, QDateTime(), QDateTime()), outDir, &files, error);
        return files;
    });
}

// Starts an engine; when only the receiver is in the way (port taken: a
// `stevedore --no-gui` service often runs beside the window), offers to run
// without it rather than refusing to open.
std::unique_ptr<Engine> startEngine(EngineSettings settings)
{
    auto engine = std::make_unique<Engine>(settings);
    QString error;
    if (engine->start(&error))
        return engine;
    if (settings.listen && engine->startFailure() == Engine::StartFailure::Receiver) {
        const auto answer = QMessageBox::question(
            nullptr, QObject::tr("Stevedore"),
            QObject::tr("%1\n\nOpen the window without the log receiver (--no-listen)?").arg(error));
        if (answer != QMessageBox::Yes)
            return nullptr;
        settings.listen = false;
        engine = std::make_unique<Engine>(settings);
        if (engine->start(&error))
            return engine;
    }
    QMessageBox::critical(nullptr, QObject::tr("Stevedore"), error);
    return nullptr;
}
} // namespace

namespace Gui {

Options withSavedSettings(Options options)
{
    const Options defaults;
    QSettings settings;
    if (options.intervalSeconds == defaults.intervalSeconds) {
        bool ok = false;
        const double saved = settings.value(QStringLiteral("engine/interval")).toDouble(&ok);
        if (ok && saved >= 0.5)
            options.intervalSeconds = saved;
    }
    if (options.source.kind == SourceOptions::Kind::Auto && options.source.procFile.isEmpty()) {
        if (const auto kind = SourceOptions::kindFromName(settings.value(QStringLiteral("engine/source")).toString()))
            options.source.kind = *kind;
    }
    return options;
}

int run(const Options& commandLine)
{
    QApplication::setApplicationDisplayName(QStringLiteral("Stevedore"));
    QApplication::setDesktopFileName(QStringLiteral("stevedore"));

    const Options options = withSavedSettings(commandLine);
    std::unique_ptr<Engine> engine = startEngine(engineSettings(options));
    if (!engine)
        return 1;
    engine->setChartRenderer(inProcessRenderer(engine->dataDir()));
    ContainerActions actions(engine->docker(), spawnSettings(options));
    MainWindow window(engine.get(), &actions);

    UnixSignalWatcher signals({ SIGINT, SIGTERM });
    QObject::connect(&signals, &UnixSignalWatcher::unixSignal, &window, [&window] { window.close(); });

    window.restoreSettings();
    window.show();
    const int rc = QApplication::exec();

    // The original's shutdown: a final entry, then the charts. Bounded, so a
    // stuck receiver cannot keep a closed window's process alive.
    QEventLoop loop;
    bool finished = false;
    engine->shutdown([&](const QStringList&, const QString&) {
        finished = true;
        loop.quit();
    });
    if (!finished) {
        QTimer::singleShot(30000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return rc;
}

} // namespace Gui
