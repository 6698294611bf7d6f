#pragma once

#include <QCoreApplication>

struct Options;

// The one-shot commands of the command line. Each runs under the
// application object main() created for it (QApplication for
// --export-charts, which draws with QtCharts; QCoreApplication otherwise),
// prints its results on stdout and its errors through Output::error(), and
// returns the process exit code.
// The context of the commands' messages in the catalogues
// (docs/translation.md).
struct CommandText
{
    Q_DECLARE_TR_FUNCTIONS(Commands)
};

namespace Commands {
// --once: two samples --sample-gap apart, one snapshot (tables or --json),
// with the names and labels Docker gives (briefly asked).
int once(const Options& options);
// --spawn N: N random managed stress containers with --image on
// --docker-host (sizes from the environment, see SpawnSettings); 0 when all
// were created, 2 when the environment is invalid.
int spawn(const Options& options);
// --export-logs FILE: the store as an original-compatible logs.json array.
int exportLogs(const Options& options);
// --export-audit FILE: the audit trail of --data-dir as one JSON array
// (docs/alerts.md).
int exportAudit(const Options& options);
// --export-charts DIR: the charts (PNG, SVG, CSV) of the latest run, or of
// --since/--until, read with the store's one reader; the written paths on
// stdout, one a line.
int exportCharts(const Options& options);
} // namespace Commands
