#pragma once

#include "core/manager/policy.h"

#include <QList>
#include <QString>
#include <QStringList>

// The manager's log text, in the original's style.
namespace ManagerText {
// +----+ ruled ASCII table with a rule under the header and after every row,
// cells padded to the widest (counted in characters, not bytes).
QString asciiTable(const QStringList& headers, const QList<QStringList>& rows);

// "[INFO] Removing old container: stress_cpu_x (ID 57a511dff574, category
// cpu, PID 53106): older than ..." and the keep/dry-run variants.
QString decisionLine(const Decision& decision, bool dryRun);
// "[DEBUG] Container 57a511dff574 removed" / "[WARN] Could not remove ...".
QString resultLine(const Decision& decision);
// "[INFO] Removed containers:" and a Container ID | Category | PID table of
// the decisions that were removed (or would be, in a dry run).
QString removedTable(const QList<Decision>& decisions, bool dryRun);
} // namespace ManagerText
