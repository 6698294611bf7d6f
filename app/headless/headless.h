#pragma once

struct Options;

// The headless front end. Each function runs under a QCoreApplication that
// main() has created, and returns the process exit code.
namespace Headless {
int runOnce(const Options& options);
int runService(const Options& options);
} // namespace Headless
