#pragma once

struct Options;

// The desktop front end. main() creates the QApplication (and sets the
// application identity for QSettings) and calls run(), which returns the
// exit code.
namespace Gui {
// Starts the Engine (collector, Docker client and manager, the embedded log
// receiver unless --no-listen, the reporter, --cron-spawn) with charts drawn
// in process, shows the main window and runs the event loop. Closing the
// window (or SIGINT/SIGTERM) runs the engine's shutdown sequence: a final
// entry, the charts, the cron line removed.
int run(const Options& options);

// The command line wins; where it left --interval or --source at the
// default, the value the user last chose in the window (QSettings keys
// engine/interval and engine/source) is used.
Options withSavedSettings(Options options);
} // namespace Gui
