#include "commands/commands.h"

#include "charts/chartexport.h"
#include "cmdoptions.h"
#include "commands/output.h"
#include "core/store/logstore.h"

#include <QDir>
#include <QRegularExpression>

namespace Commands {

namespace {
// A host name as a directory name: what a file system and a shell take.
QString hostDirName(const QString& host)
{
    QString name = host;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return QStringLiteral("host-")
        + (name.isEmpty() || name.startsWith(QLatin1Char('.')) ? QStringLiteral("_") + name : name);
}

QList<Snapshot> ofHost(const QList<Snapshot>& all, const QString& host)
{
    QList<Snapshot> out;
    for (const Snapshot& s : all) {
        if (s.host.name == host)
            out.append(s);
    }
    return out;
}

bool drawOne(const QList<Snapshot>& stored, const Options& options, const QString& dir, QStringList* written)
{
    QString note, error;
    const ChartHistory history = chartsToDraw(stored, options.since, options.until, &note);
    if (!note.isEmpty())
        Output::error(note);
    if (history.isEmpty())
        Output::error(stored.isEmpty() ? CommandText::tr("the log is empty: the charts say \"no data\"")
                                       : CommandText::tr("no entry in that time range: the charts say \"no data\""));
    // exportCharts() replaces the list: one host's files added to the others'.
    QStringList files;
    if (!::exportCharts(history, dir, &files, &error)) {
        Output::error(error);
        return false;
    }
    *written += files;
    return true;
}
} // namespace

int exportCharts(const Options& options)
{
    QString error;
    if (LogStore::files(options.dataDir).isEmpty()) {
        Output::error(CommandText::tr("no stored log in %1 (nothing to draw)").arg(options.dataDir));
        return 1;
    }
    QList<Snapshot> stored;
    StoreReadStats stats;
    if (!loadStoreForCharts(options.dataDir, options.since, options.until, &stored, &error, &stats)) {
        Output::error(error);
        return 1;
    }
    // Says the export read only the end of the store.
    Output::error(CommandText::tr("read %1 of %2 store files (%n entries)", nullptr, int(stats.entries))
                      .arg(stats.filesRead)
                      .arg(stats.filesInStore));

    QStringList written;
    if (!options.chartsHost.isEmpty()) {
        const QList<Snapshot> mine = ofHost(stored, options.chartsHost);
        if (mine.isEmpty() && !stored.isEmpty())
            Output::error(CommandText::tr("no entry from host '%1'").arg(options.chartsHost));
        if (!drawOne(mine, options, options.exportPath, &written))
            return 1;
    } else {
        QStringList hosts;
        for (const Snapshot& s : std::as_const(stored)) {
            if (!hosts.contains(s.host.name))
                hosts.append(s.host.name);
        }
        if (hosts.size() <= 1) {
            if (!drawOne(stored, options, options.exportPath, &written))
                return 1;
        } else {
            // Several hosts: one set of charts each, in DIR/host-NAME/
            // (entries without a host in DIR/host-_/).
            for (const QString& host : std::as_const(hosts)) {
                if (!drawOne(ofHost(stored, host), options, QDir(options.exportPath).filePath(hostDirName(host)),
                             &written))
                    return 1;
            }
        }
    }
    for (const QString& file : std::as_const(written))
        Output::printLine(file);
    return 0;
}

} // namespace Commands
