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
    Output::printLine(QStringLiteral("%1 audit records from %2 written to %3")
                          .arg(records.size())
                          .arg(options.dataDir, options.exportPath));
    return 0;
}

} // namespace Commands
