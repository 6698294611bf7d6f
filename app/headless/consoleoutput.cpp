#include "headless/consoleoutput.h"

#include "headless/tableprinter.h"

#include <QHashFunctions>

#include <array>
#include <cstdio>
#include <sys/stat.h>

ConsoleOutput::ConsoleOutput(bool quiet, bool journal)
    : m_quiet(quiet)
    , m_journal(journal)
{ }

bool ConsoleOutput::stdoutIsJournal()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const qsizetype colon = stream.indexOf(':');
    if (colon <= 0)
        return false;
    bool okDev = false;
    bool okIno = false;
    const quint64 dev = stream.left(colon).toULongLong(&okDev);
    const quint64 ino = stream.mid(colon + 1).toULongLong(&okIno);
    struct stat st;
    if (!okDev || !okIno || ::fstat(fileno(stdout), &st) != 0)
        return false;
    return quint64(st.st_dev) == dev && quint64(st.st_ino) == ino;
}

ConsoleOutput::Mode ConsoleOutput::modeFor(const Snapshot& snapshot) const
{
    if (m_quiet || m_journal || snapshot.containers.size() > tablesUpTo)
        return Mode::Summary;
    return Mode::Tables;
}

size_t ConsoleOutput::layoutHash(const Snapshot& s)
{
    // What the tables show that is not a figure: which containers, under
    // which name and category. Figures change every tick; this only when
    // containers come, go, are renamed or re-labelled.
    size_t h = qHash(s.containers.size());
    for (const ContainerMetrics& c : s.containers) {
        h = qHashMulti(h, c.id, c.name, int(c.category), c.pid);
    }
    return h;
}

QString ConsoleOutput::summaryLine(const Snapshot& s)
{
    std::array<int, 5> perCategory {};
    const ContainerMetrics* top = nullptr;
    for (const ContainerMetrics& c : s.containers) {
        const auto i = size_t(c.category);
        if (i < perCategory.size())
            ++perCategory[i];
        if (!top || c.cpuPercent > top->cpuPercent)
            top = &c;
    }
    QString line = QStringLiteral("[INFO] System (%1, source: %2): CPU %3%, memory used %4 of %5 MB; %6 containers (")
                       .arg(s.timestamp.toLocalTime().toString(Qt::ISODate), s.source)
                       .arg(s.system.cpuPercent, 0, 'f', 2)
                       .arg(formatBytesMiB(s.system.memoryUsedBytes), formatBytesMiB(s.system.memoryTotalBytes))
                       .arg(s.containers.size());
    const std::array<Category, 5> order { Category::Cpu, Category::Ram, Category::Io, Category::Disk, Category::Other };
    for (size_t i = 0; i < order.size(); ++i) {
        if (i)
            line += QLatin1String(", ");
        line += categoryName(order[i]) + QLatin1Char(' ') + QString::number(perCategory[size_t(order[i])]);
    }
    line += QLatin1Char(')');
    if (top)
        line += QStringLiteral("; top CPU %1 %2%")
                    .arg(top->name.isEmpty() ? top->id.left(12) : top->name)
                    .arg(top->cpuPercent, 0, 'f', 2);
    return line;
}

QString ConsoleOutput::render(const Snapshot& snapshot)
{
    if (modeFor(snapshot) == Mode::Tables) {
        m_printedTables = false; // a switch back to summaries starts with tables
        return formatSnapshot(snapshot) + QLatin1Char('\n');
    }
    QString out = summaryLine(snapshot) + QLatin1Char('\n');
    // Warnings are repeated every tick by the collector; a summary shows
    // them when they change.
    if (snapshot.warnings != m_lastWarnings) {
        for (const QString& w : snapshot.warnings)
            out += QLatin1String("[WARN] ") + w + QLatin1Char('\n');
        m_lastWarnings = snapshot.warnings;
    }
    const size_t layout = layoutHash(snapshot);
    if (m_tablesRequested || !m_printedTables || layout != m_lastLayout) {
        out += formatSnapshot(snapshot) + QLatin1Char('\n');
        m_tablesRequested = false;
        m_printedTables = true;
        m_lastLayout = layout;
    }
    return out;
}
