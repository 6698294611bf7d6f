#include "commands/commands.h"

#include "cmdoptions.h"
#include "commands/output.h"
#include "core/alerts/audit.h"

#include <QFile>

namespace Commands {

int exportAudit(const Options& options)
{
    const auto records = AuditLog::read(options.dataDir, {}, 0);
    QFile file(options.exportPath);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(AuditLog::toJsonArray(records)) < 0
        || !file.flush()) {
        Output::error(QStringLiteral("%1: %2").arg(options.exportPath, file.errorString()));
        return 1;
    }
    Output::printLine(CommandText::tr("%n audit records from %1 written to %2", nullptr, int(records.size()))
                          .arg(options.dataDir, options.exportPath));
    return 0;
}

} // namespace Commands
