#pragma once

#include "core/model/snapshot.h"

#include <QByteArray>

// Host-wide figures from procfs text, pure functions so fixtures can feed them.
namespace HostReader {
// /proc/meminfo: MemTotal, MemFree, MemAvailable (kB) into bytes.
bool parseMeminfo(const QByteArray& text, RawHost& host);
// /proc/stat: the aggregate "cpu" line over all CPUs (busy = all - idle -
// iowait, in USER_HZ ticks) and the number of "cpuN" lines.
bool parseStat(const QByteArray& text, RawHost& host);
// Reads both from `procRoot`; false with a message naming the file.
bool read(const QString& procRoot, RawHost& host, QString* error);
} // namespace HostReader
