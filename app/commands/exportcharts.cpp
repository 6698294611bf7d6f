#include "commands/commands.h"

#include "charts/chartexport.h"
#include "cmdoptions.h"
#include "commands/output.h"
#include "core/store/logstore.h"

namespace Commands {

int exportCharts(const Options& options)
{
    QString error;
    if (LogStore::files(options.dataDir).isEmpty()) {
        Output::error(QStringLiteral("no stored log in %1 (nothing to draw)").arg(options.dataDir));
        return 1;
    }
    QList<Snapshot> stored;
    StoreReadStats stats;
    if (!loadStoreForCharts(options.dataDir, options.since, options.until, &stored, &error, &stats)) {
        Output::error(error);
        return 1;
    }
    // Says the export read only the end of the store.
    Output::error(QStringLiteral("read %1 of %2 store files (%3 entries)")
                      .arg(stats.filesRead)
                      .arg(stats.filesInStore)
                      .arg(stats.entries));

    QString note;
    const ChartHistory history = chartsToDraw(stored, options.since, options.until, &note);
    if (!note.isEmpty())
        Output::error(note);
    if (history.isEmpty())
        Output::error(QStringLiteral("%1: the charts say \"no data\"")
                          .arg(stored.isEmpty() ? QStringLiteral("the log is empty")
                                                : QStringLiteral("no entry in that time range")));
    QStringList written;
    if (!::exportCharts(history, options.exportPath, &written, &error)) {
        Output::error(error);
        return 1;
    }
    for (const QString& file : std::as_const(written))
        Output::printLine(file);
    return 0;
}

} // namespace Commands
