#include "commands/commands.h"

#include "cmdoptions.h"
#include "commands/output.h"
#include "core/store/logstore.h"

#include <QFile>

#include <cstdio>

namespace Commands {

int exportLogs(const Options& options)
{
    QString error;
    qint64 count = 0;
    if (options.exportPath == QLatin1String("-")) {
        // The array itself is the result: nothing else goes to stdout.
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly)) {
            Output::error(CommandText::tr("cannot write to standard output"));
            return 1;
        }
        if (!writeLogsJson(options.dataDir, out, &error, &count)) {
            Output::error(error);
            return 1;
        }
        return 0;
    }
    if (!::exportLogs(options.dataDir, options.exportPath, &error, &count)) {
        Output::error(error);
        return 1;
    }
    Output::printLine(CommandText::tr("%n entries from %1 written to %2", nullptr, int(count))
                          .arg(options.dataDir, options.exportPath));
    return 0;
}

} // namespace Commands
