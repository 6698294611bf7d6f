#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// Network counters of one network namespace, summed over its interfaces.
struct NetCounters
{
    quint64 rxBytes = 0;
    quint64 rxPackets = 0;
    quint64 txBytes = 0;
    quint64 txPackets = 0;
    int interfaces = 0; // how many interfaces were summed
};

namespace NetDev {
// Parses the text of /proc/<pid>/net/dev (the namespace of <pid>). Sums every
// interface except the loopback `lo` unless `includeLoopback`: traffic a
// container sends to itself is not network I/O a user wants to see. A
// namespace with only `lo` (docker's `--network none`) reads zeros, which is
// not an error. Returns nullopt with `error` naming the line when the header
// is missing or a line is not "name: 16 unsigned integers".
std::optional<NetCounters> parse(const QByteArray& text, bool includeLoopback, QString* error);
} // namespace NetDev
