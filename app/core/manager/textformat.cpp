#include "core/manager/textformat.h"

#include <algorithm>

namespace ManagerText {

QString asciiTable(const QStringList& headers, const QList<QStringList>& rows)
{
    QList<qsizetype> widths;
    for (const QString& h : headers)
        widths.append(h.size());
    for (const QStringList& row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    }
    QString rule = QStringLiteral("+");
    for (const qsizetype w : std::as_const(widths))
        rule += QString(w + 2, QLatin1Char('-')) + QLatin1Char('+');
    rule += QLatin1Char('\n');
    auto line = [&](const QStringList& cells) -> QString {
        QString out = QStringLiteral("|");
        for (qsizetype i = 0; i < widths.size(); ++i) {
            const QString cell = i < cells.size() ? cells.at(i) : QString();
            out += QLatin1Char(' ') + cell.leftJustified(widths.at(i)) + QStringLiteral(" |");
        }
        return out + QLatin1Char('\n');
    };
    QString out = rule + line(headers) + rule;
    for (const QStringList& row : rows)
        out += line(row) + rule;
    return out;
}

QString decisionLine(const Decision& d, bool dryRun)
{
    const QString who = QStringLiteral("%1 (ID %2, category %3, PID %4)")
                            .arg(d.name.isEmpty() ? QStringLiteral("?") : d.name, d.shortId(), categoryName(d.category))
                            .arg(d.pid);
    switch (d.action) {
    case Decision::Action::Kill:
        return (dryRun ? QStringLiteral("[DRY-RUN] Would remove old container: ")
                       : QStringLiteral("[INFO] Removing old container: "))
            + who + QStringLiteral(": ") + d.reason;
    case Decision::Action::Keep:
        return QStringLiteral("[INFO] Keeping container: ") + who + QStringLiteral(": ") + d.reason;
    case Decision::Action::Ignore:
        break;
    }
    return QStringLiteral("[DEBUG] Leaving container alone: ") + who + QStringLiteral(": ") + d.reason;
}

QString resultLine(const Decision& d)
{
    switch (d.result) {
    case Decision::Result::Removed:
        return QStringLiteral("[DEBUG] Container %1 removed").arg(d.shortId());
    case Decision::Result::AlreadyGone:
        return QStringLiteral("[DEBUG] Container %1 was already gone").arg(d.shortId());
    case Decision::Result::Failed:
        return QStringLiteral("[WARN] Could not remove container %1: %2").arg(d.shortId(), d.error);
    case Decision::Result::DryRun:
        return QStringLiteral("[DRY-RUN] Container %1 left running").arg(d.shortId());
    default:
        break;
    }
    return {};
}

QString removedTable(const QList<Decision>& decisions, bool dryRun)
{
    QList<QStringList> rows;
    for (const Decision& d : decisions) {
        const bool counted = dryRun
            ? d.result == Decision::Result::DryRun
            : (d.result == Decision::Result::Removed || d.result == Decision::Result::AlreadyGone);
        if (d.action == Decision::Action::Kill && counted)
            rows.append({ d.shortId(), categoryName(d.category), QString::number(d.pid) });
    }
    const QString title = dryRun ? QStringLiteral("[DRY-RUN] Containers that would be removed:")
                                 : QStringLiteral("[INFO] Removed containers:");
    if (rows.isEmpty())
        return title + QStringLiteral(" none\n");
    return title + QLatin1Char('\n')
        + asciiTable({ QStringLiteral("Container ID"), QStringLiteral("Category"), QStringLiteral("PID") }, rows);
}

} // namespace ManagerText
