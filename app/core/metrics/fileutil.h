#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

// Small, allocation-light readers for procfs/sysfs files. They use plain
// open/read because QFile's buffering and stat calls cost more than the read
// itself on these tiny pseudo-files, and the cgroup source reads hundreds of
// them per tick.
namespace FileUtil {
// Whole file (pseudo-files report size 0, so read until EOF). nullopt when it
// cannot be opened or read (e.g. the process exited).
std::optional<QByteArray> readFile(const QString& path, qsizetype limit = 4 * 1024 * 1024);
std::optional<QByteArray> readFile(const QByteArray& path, qsizetype limit = 4 * 1024 * 1024);
// First unsigned integer in the file.
std::optional<quint64> readU64(const QByteArray& path);
// "key value" lines (memory.stat, cpu.stat, /proc/<pid>/io with "key: value").
std::optional<quint64> keyValue(const QByteArray& text, const char* key);
bool exists(const QByteArray& path);
}
