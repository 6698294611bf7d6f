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

class CachedFile;

// Bounds the descriptors CachedFiles keep open, so that the descriptors a
// process uses do not grow with the containers it watches (with 1000
// containers and six files each, a hard limit of 1024 would otherwise run
// out, and with it every other open(), /proc/meminfo included).
//
// The open files form an LRU list. Reads come in passes (one tick reads
// every container's files in turn): a file read in this pass or the
// previous one is hot and never evicted, because evicting in a cyclic scan
// larger than the pool would make every read a miss; a file not read for two
// passes (its container went away, or it is read only sometimes) is evicted
// first, oldest first. A file that finds the pool full of hot files is read
// with open/read/close and not kept. So a tick costs one pread for each of
// the first `capacity` files and open+read+close for the rest.
class OpenFilePool
{
public:
    explicit OpenFilePool(int capacity);
    ~OpenFilePool();
    OpenFilePool(const OpenFilePool&) = delete;
    OpenFilePool& operator=(const OpenFilePool&) = delete;

    // The descriptors worth keeping for a soft RLIMIT_NOFILE of `fileLimit`:
    // half of what is left after a reserve for everything else (sockets,
    // the log store, a transient open per read), 0 below that.
    static int budgetFor(quint64 fileLimit);

    int capacity() const { return m_capacity; }
    // Shrinking closes the least recently used files at once.
    void setCapacity(int capacity);
    int openCount() const { return m_open; }
    // Starts a new pass of reads (a tick).
    void beginPass() { ++m_pass; }
    // Reads that had to open and close their file (pool full or EMFILE).
    quint64 transientReads() const { return m_transientReads; }

private:
    friend class CachedFile;
    // May `f` (not open) keep a descriptor? Evicts a cold file if needed.
    bool admit();
    void link(CachedFile* f); // at the front (most recent)
    void unlink(CachedFile* f);
    void touch(CachedFile* f);
    // Closes the least recently used file; false when none is open.
    bool evictOne();

    int m_capacity = 0;
    int m_open = 0;
    quint64 m_pass = 2;
    quint64 m_transientReads = 0;
    CachedFile* m_head = nullptr; // most recently read
    CachedFile* m_tail = nullptr; // least recently read
};

// A pseudo-file kept open and re-read with pread(…, 0): kernfs (cgroup) and
// procfs seq files regenerate their contents on every read from offset 0, so
// a tick costs one syscall per file instead of open + read + close and a
// path walk. With a pool, it keeps its descriptor only while the pool
// allows (see OpenFilePool); without one it keeps it for its lifetime. When
// the process runs out of descriptors it falls back to open/read/close.
class CachedFile
{
public:
    CachedFile() = default;
    // `detectUnlink`: also report the file gone once it has been unlinked
    // (a plain file keeps reading after unlink; kernfs/procfs files fail
    // with ENODEV/ESRCH by themselves, so there it costs nothing; elsewhere
    // one fstat per read).
    // `pool` must outlive the file.
    explicit CachedFile(QByteArray path, bool detectUnlink = false, OpenFilePool* pool = nullptr);
    CachedFile(const CachedFile&) = delete;
    CachedFile& operator=(const CachedFile&) = delete;
    CachedFile(CachedFile&& other) noexcept;
    CachedFile& operator=(CachedFile&& other) noexcept;
    ~CachedFile();

    bool isNull() const { return m_path.isEmpty(); }
    const QByteArray& path() const { return m_path; }
    bool isOpen() const { return m_fd >= 0; }
    // nullopt when the file is gone (cgroup removed, process exited).
    std::optional<QByteArray> read();

private:
    friend class OpenFilePool;
    void close();
    void takeFrom(CachedFile& other);
    std::optional<QByteArray> readTransient();
    QByteArray m_path;
    int m_fd = -1;
    bool m_detectUnlink = false;
    bool m_checkLinks = false; // open and detectUnlink on a file system that keeps reading unlinked files
    OpenFilePool* m_pool = nullptr;
    // The pool's LRU list; linked only while open.
    CachedFile* m_prev = nullptr;
    CachedFile* m_next = nullptr;
    quint64 m_lastPass = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (cached files are
// cheaper than reopened ones). Returns the new soft limit.
quint64 raiseFileLimit();
// Reads the whole of an open descriptor from offset 0 with pread. False
// on an error (errno set) or when it is larger than `limit`. With
// `shortReadIsEnd`, a read that returns less than asked is taken as the end
// of the file, which saves the second syscall that would only return 0: true
// of regular files and of seq_file pseudo-files (cgroup files, /proc/<pid>/io),
// whose read fills the buffer unless the contents end; not of every procfs
// file (/proc/<pid>/cmdline is read a page at a time).
bool preadAll(int fd, QByteArray& out, qsizetype limit = 4 * 1024 * 1024, bool shortReadIsEnd = false);
} // namespace FileUtil
