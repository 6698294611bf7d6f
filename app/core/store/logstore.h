#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

class QIODevice;
struct Snapshot;

struct StoreSettings
{
    QString dataDir;
    // The active file is rotated before an append would take it past this.
    qint64 maxFileBytes = 64 * 1024 * 1024;
    // Rotated files kept (logs.jsonl.1 newest .. logs.jsonl.N oldest).
    int retainedFiles = 8;
    // fdatasync at most this often, from a background thread, so a slow disk
    // never stalls the event loop. 0: fdatasync before every append returns.
    int syncIntervalMs = 1000;
};

// What a failed append means for the client: 507 for NoSpace (ENOSPC,
// EDQUOT), 503 for everything else (EIO, EROFS, permissions, store not open).
enum class StoreStatus { Ok, NoSpace, Unavailable };

// Append-only JSON Lines store: <dataDir>/logs.jsonl plus rotated
// logs.jsonl.1..N. One entry is one line, written with one write(2) at the
// end of the file: O(1) per entry whatever the log's size, and no rewrite.
//
// Durability: append() returns Ok only after write(2) took the whole line,
// so an acknowledged entry survives a crash of this process (it is in the
// kernel's page cache). It reaches the disk at the next fdatasync, at most
// syncIntervalMs later: a power loss or kernel crash can lose the entries of
// that last interval, nothing older. With syncIntervalMs = 0 it is on disk
// before append() returns.
//
// A failed or short write is rolled back (ftruncate to the size before it),
// so a full disk never leaves half a line behind. A crash in the middle of a
// write (or a power loss) can: open() cuts such a torn tail back to the last
// complete entry and says so in recoveryNotes().
//
// One writer per directory (flock on <dataDir>/logs.lock); readers
// (LogReader, exportLogs) need no lock. Not thread-safe: use one thread.
class LogStore
{
public:
    static QString fileName() { return QStringLiteral("logs.jsonl"); }

    explicit LogStore(StoreSettings options);
    ~LogStore(); // syncs and closes
    LogStore(const LogStore&) = delete;
    LogStore& operator=(const LogStore&) = delete;

    // Creates the directory, takes the lock, repairs a torn tail.
    bool open(QString* error);
    bool isOpen() const { return m_fd >= 0; }
    void close();

    // Appends one entry: a JSON object on one line, without the newline.
    StoreStatus append(const QByteArray& line, QString* error);
    // fdatasync now (the shutdown path calls it; close() does too).
    bool sync(QString* error);

    // What open() found and repaired (torn tail, junk at the end).
    QStringList recoveryNotes() const { return m_notes; }
    // The last sync error (EIO on writeback): entries acknowledged before it
    // may not be on disk. Empty when all went well.
    QString lastSyncError() const;

    const StoreSettings& options() const { return m_options; }
    QString activePath() const;
    qint64 activeBytes() const { return m_size; }
    quint64 appendedEntries() const { return m_appended; }
    quint64 rotations() const { return m_rotations; }
    QByteArray lastLine() const { return m_lastLine; }

    // Every file of the store in chronological order (oldest rotated first,
    // the active file last). Missing numbers (a crash mid-rotation) are fine.
    static QStringList files(const QString& dataDir);

private:
    bool openActive(QString* error);
    bool recover(QString* error);
    bool rotate(QString* error);
    void startSyncer();
    void stopSyncer();
    void syncLoop();

    StoreSettings m_options;
    int m_fd = -1;
    int m_lockFd = -1;
    qint64 m_size = 0;
    quint64 m_appended = 0;
    quint64 m_rotations = 0;
    QStringList m_notes;
    QByteArray m_lastLine;

    // The background fdatasync. m_fdMutex guards m_fd against the syncer while
    // rotate()/close() swap it; appends run on the owner thread only.
    mutable std::mutex m_fdMutex;
    std::condition_variable m_wake;
    std::thread m_syncer;
    bool m_stopSyncer = false;
    std::atomic<bool> m_dirty { false };
    QString m_syncError;
};

// Which entries a reader returns: timestamp >= since (when valid), and of
// those at most the `limit` most recent (limit < 0: all), in stored order.
// The data directory is a real directory (not a symbolic link), owned by
// this user, writable by no one else. False with a message saying how to fix.
bool dataDirSafe(const QString& dir, QString* error);

struct LogQuery
{
    QDateTime since;
    // Entries with a timestamp after it are left out (when valid).
    QDateTime until;
    qint64 limit = -1;
    // Only entries whose "host"."name" is this (GET /logs?host=); empty: all.
    QString host;
    // Only these files of the store (paths from LogStore::files), in this
    // order; empty: every file.
    QStringList files;
};

// Reads the store as it is when open() runs (later appends are not seen;
// rotation meanwhile does not matter: the files are already open). Memory is
// one read buffer whatever the log's size. Lines that are not valid JSON
// (damage outside Stevedore) are skipped and counted.
class LogReader
{
public:
    explicit LogReader(QString dataDir, LogQuery query = {});
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;

    bool open(QString* error);
    // The next entry (one JSON object, no newline); false at the end.
    bool next(QByteArray& line);
    qint64 skippedLines() const { return m_skipped; }

    // For a reader that chooses which files to read (readRecentSnapshots):
    // the files opened, oldest first; the timestamp key of file `index`'s
    // first entry (empty when it has none), reading only up to it; and
    // readOnly(index), after which next() reads that file alone from its
    // start. Every file was opened by open(), so a rotation meanwhile does
    // not matter.
    int fileCount() const { return int(m_files.size()); }
    QByteArray firstKey(int index);
    void readOnly(int index);

    // The stored timestamp of a line written by Stevedore, as the
    // fixed-width UTC text ("2024-01-02T03:04:05.678Z"); parses the line
    // when it was written by something else. Empty when it has none.
    static QByteArray timestampKey(const QByteArray& line);
    // Whether the entry's "host"."name" is `name`.
    static bool hostNameIs(const QByteArray& line, const QString& name);

private:
    struct File;
    bool readLine(QByteArray& line);
    bool matches(const QByteArray& line) const;

    QString m_dataDir;
    LogQuery m_query;
    QByteArray m_sinceKey;
    QByteArray m_untilKey;
    std::vector<std::unique_ptr<File>> m_files;
    size_t m_current = 0;
    size_t m_end = 0; // next() stops before this file
    qint64 m_toSkip = 0; // matching entries before the `limit` most recent
    qint64 m_skipped = 0;
};

// Parsed entries for the charts and GET /metrics (snapshotFromLogEntry on
// each line). Entries that do not parse are skipped.
QList<Snapshot> readSnapshots(const QString& dataDir, const LogQuery& query, QString* error);

// What readRecentSnapshots did, so a caller (and a test) can see it read only
// the end of the store.
struct StoreReadStats
{
    int filesInStore = 0;
    int filesRead = 0; // read whole
    int filesSkipped = 0; // only the first entry looked at: all after `until`
    qint64 entries = 0; // returned
};

// Reads the end of the store, newest file first, for a reader that needs
// only recent entries (the charts of the latest run, or a time range):
// - a file whose first entry is after query.until is skipped (only that
//   first line is read);
// - a file whose first entry is before query.since is the last one read:
//   older files hold only older entries;
// - with no time bound, `enough` (when set) is asked after each file with
//   everything read so far (in stored order) and stops the reading when it
//   says so (the charts stop once the start of the latest run is behind).
// Entries come back in stored order, filtered by since/until; query.limit and
// query.files are ignored. False with `error` when a file cannot be read.
using EnoughEntries = std::function<bool(const QList<Snapshot>& readSoFar)>;
bool readRecentSnapshots(const QString& dataDir, const LogQuery& query, const EnoughEntries& enough,
                         QList<Snapshot>* out, QString* error, StoreReadStats* stats = nullptr);

// The whole store as the original's logs.json (a JSON array of LogEntry
// objects) onto `out`, open for writing (the command's standard output for
// `--export-logs -`).
bool writeLogsJson(const QString& dataDir, QIODevice& out, QString* error, qint64* count = nullptr);
// `stevedore --export-logs FILE`: writeLogsJson() into FILE, atomically
// (temporary file, fsync, rename).
bool exportLogs(const QString& dataDir, const QString& file, QString* error, qint64* count = nullptr);
