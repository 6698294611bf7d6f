#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <array>
#include <atomic>

// A container's history from the durable store (the window's history page):
// CPU %, memory, disk read/write rates and network rates over a time range,
// thinned to a number of points.
//
// Reading does not load the whole store. Every entry of the store is one
// tick of every container, so the store grows with the number of containers
// while a history page wants one of them. Two things keep the read small:
//
// - Seek by time: the store's files are in time order (LogStore::files(),
//   oldest first, entries appended as they arrive), so a file whose first
//   entry is after the range, or whose successor starts before the range,
//   is not opened beyond its first line. kOrderSlackMs allows for entries
//   of other hosts that arrive a little out of order.
// - A per-file index, <dataDir>/history-index/<inode>.hidx: for every
//   (host, container) of the file, its samples (time and the six figures,
//   56 bytes each) in one block, sorted by time, with a table of blocks at
//   the head. A query reads the table and the one block it wants. The
//   index is derived data: it is built the first time a file is read,
//   extended when the file grew (the active file), and rebuilt when it is
//   missing, unreadable, of another version or does not match the file
//   (identity by inode, which rotation's rename keeps, and the first
//   entry's timestamp; the last indexed entry must still be where the index
//   says, so a torn tail cut by LogStore::open() or a file truncated and
//   written again is noticed). Indexes of files that are gone are removed.
//   Only complete lines (ending in '\n') that parse are indexed, so a write
//   in progress is picked up by the next read. When the directory is not
//   writable the index is built in memory for this read only.
//
// Thinning (thinMinMax): the range is cut into N buckets of equal time;
// each bucket keeps the sample with the lowest and the one with the highest
// value (in time order; one point when they are the same sample), so a
// one-second spike survives however long the range. A series has at most
// 2N points; N is the chart's width in pixels, so every pixel column draws
// its true min..max. Each of the six series is thinned on its own.

enum class HistorySeries {
    CpuPercent,
    MemoryBytes,
    ReadBytesPerSec,
    WriteBytesPerSec,
    NetRxBytesPerSec,
    NetTxBytesPerSec
};
constexpr int kHistorySeriesCount = 6;

struct HistoryPoint
{
    qint64 msecs = 0; // UTC, since the epoch
    double value = 0;
    bool operator==(const HistoryPoint& o) const { return msecs == o.msecs && value == o.value; }
};

struct HistoryQuery
{
    QString containerId; // the full id; a prefix of 12 or more characters matches too
    QString host; // "host"."name" of the entries; empty: any host
    QDateTime from; // invalid: from the oldest entry
    QDateTime to; // invalid: up to the newest entry
    int maxPoints = 1000; // buckets (the chart's width in pixels); <= 0: no thinning
    // Set from another thread to stop a read (a window closing while a
    // cold read indexes a large store): it then returns false, "cancelled",
    // and writes no partial index.
    const std::atomic<bool>* cancel = nullptr;
};

// What the read did (a test and the benchmark check that it read little).
struct HistoryReadStats
{
    int filesInStore = 0;
    int filesSkipped = 0; // outside the range: only the first line read
    int indexesUsed = 0; // read through an index that was up to date
    int indexesExtended = 0; // the file had grown: only the new part parsed
    int indexesBuilt = 0; // missing or stale: the whole file parsed
    qint64 bytesParsed = 0; // of the store's files, parsed as JSON
    qint64 indexBytesRead = 0;
};

struct ContainerHistory
{
    std::array<QList<HistoryPoint>, kHistorySeriesCount> series;
    qint64 samples = 0; // stored samples of the container in the range, before thinning
    qint64 firstMsecs = 0; // of those samples (0 when none)
    qint64 lastMsecs = 0;
    HistoryReadStats stats;

    const QList<HistoryPoint>& operator[](HistorySeries s) const { return series[size_t(s)]; }
};

constexpr qint64 kOrderSlackMs = 60 * 1000;

// False with `error` when the directory is not a store or a file cannot be
// read; a range without samples is true with empty series.
bool readContainerHistory(const QString& dataDir, const HistoryQuery& query, ContainerHistory* out, QString* error);

// Min/max thinning of time-ordered points over [fromMs, toMs] into
// `buckets` buckets (see above). Points outside the range are dropped;
// buckets <= 0 returns the points in the range unchanged.
QList<HistoryPoint> thinMinMax(const QList<HistoryPoint>& points, qint64 fromMs, qint64 toMs, int buckets);

// The directory of the indexes, inside the data directory.
QString historyIndexDir(const QString& dataDir);
