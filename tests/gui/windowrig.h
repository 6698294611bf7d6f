#pragma once

// The window as the GUI front end builds it (an engine, the container
// actions, the MainWindow over them), for the GUI tests that need a whole
// window: tst_firstlook, tst_mainwindow, tst_translations_gui.
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "gui/mainwindow.h"
#include "guitestutil.h"

#include <QSignalSpy>

#include <memory>

namespace GuiTest {

// Members in construction order, so that the window goes first.
struct WindowRig
{
    std::unique_ptr<Engine> engine;
    std::unique_ptr<ContainerActions> actions;
    std::unique_ptr<MainWindow> window;
};

// Starts the engine and opens the window on it, then waits for the tick the
// engine takes at start to be shown, so that a test's own snapshots come
// after it. showStopped=false hides stopped containers before that tick:
// the shared daemon's stopped containers are other people's.
inline WindowRig openWindow(const EngineSettings& settings, const SpawnSettings& spawn = {}, bool showStopped = true)
{
    WindowRig r;
    r.engine = std::make_unique<Engine>(settings);
    QString error;
    if (!r.engine->start(&error))
        qFatal("engine: %s", qPrintable(error));
    r.actions = std::make_unique<ContainerActions>(r.engine->docker(), spawn);
    r.window = std::make_unique<MainWindow>(r.engine.get(), r.actions.get());
    if (!showStopped)
        action(*r.window, "showStoppedAction")->setChecked(false);
    QSignalSpy first(r.window.get(), &MainWindow::snapshotShown);
    if (!first.wait(10000))
        qFatal("no first tick");
    return r;
}

} // namespace GuiTest
