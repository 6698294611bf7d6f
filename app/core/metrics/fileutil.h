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

// A pseudo-file kept open and re-read with pread(…, 0): kernfs (cgroup) and
// procfs seq files regenerate their contents on every read from offset 0, so
// a tick costs one syscall per file instead of open + read + close and a
// path walk. When the process runs out of descriptors it silently falls back
// to open/read/close for this file.
class CachedFile
{
public:
    CachedFile() = default;
    // `detectUnlink`: also report the file gone once it has been unlinked
    // (a plain file keeps reading after unlink; kernfs/procfs files fail
    // with ENODEV/ESRCH by themselves). Costs one fstat per read.
    explicit CachedFile(QByteArray path, bool detectUnlink = false);
    CachedFile(const CachedFile&) = delete;
    CachedFile& operator=(const CachedFile&) = delete;
    CachedFile(CachedFile&& other) noexcept;
    CachedFile& operator=(CachedFile&& other) noexcept;
    ~CachedFile();

    bool isNull() const { return m_path.isEmpty(); }
    const QByteArray& path() const { return m_path; }
    // nullopt when the file is gone (cgroup removed, process exited).
    std::optional<QByteArray> read();

private:
    void close();
    QByteArray m_path;
    int m_fd = -1;
    bool m_detectUnlink = false;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (CachedFile needs a few
// descriptors per container). Returns the new soft limit.
quint64 raiseFileLimit();
}
