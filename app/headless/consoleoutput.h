#pragma once

#include "core/model/snapshot.h"

#include <QString>
#include <QStringList>

// What the --no-gui service prints per tick. The original's per-category
// tables are the default while there are few containers; with many (or
// --quiet, or when stdout is the systemd journal) each tick prints one
// summary line and the full tables only when the set of containers changes
// or when asked (SIGUSR1), so printing never dominates the tick and the
// journal does not fill with thousands of rows a second.
class ConsoleOutput
{
public:
    enum class Mode {
        Tables, // the original's tables every tick
        Summary, // one line per tick, tables on change or request
    };
    // More containers than this switch a default console to summaries.
    static constexpr int tablesUpTo = 20;

    explicit ConsoleOutput(bool quiet = false, bool journal = false);

    // True when stdout is the journal: systemd sets JOURNAL_STREAM to the
    // "device:inode" of the stream it connects to stdout/stderr.
    static bool stdoutIsJournal();

    Mode modeFor(const Snapshot& snapshot) const;
    // Asks for the full tables with the next tick (SIGUSR1).
    void requestTables() { m_tablesRequested = true; }
    // The text for this tick (ends with a newline).
    QString render(const Snapshot& snapshot);

    // "[INFO] System (…, source: cgroup): CPU 3.20%, memory used 2345 of
    // 7890 MB; 1000 containers (cpu 1, ram 0, io 0, disk 0, other 999);
    // top CPU web 12.50%"
    static QString summaryLine(const Snapshot& snapshot);

private:
    static size_t layoutHash(const Snapshot& snapshot);

    bool m_quiet = false;
    bool m_journal = false;
    bool m_tablesRequested = false;
    bool m_printedTables = false;
    size_t m_lastLayout = 0;
    QStringList m_lastWarnings;
};
