#pragma once

struct Options;

// The headless front end: the --no-gui service loop and its console output.
// Runs under a QCoreApplication that main() has created, and returns the
// process exit code. (The one-shot commands are in commands/.)
namespace Headless {
int runService(const Options& options);
} // namespace Headless
