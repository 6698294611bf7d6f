#include "core/store/history.h"

#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"
#include "core/store/logstore.h"

#include <nlohmann/json.hpp>

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QSaveFile>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
constexpr quint32 kMagic = 0x53484958; // "SHIX"
constexpr quint32 kVersion = 1;
const char kIndexSuffix[] = ".hidx";

// One sample of one container: 8 + 6 * 8 = 56 bytes in the index.
struct Sample
{
    qint64 msecs = 0;
    std::array<double, kHistorySeriesCount> values {};
};
constexpr qint64 kSampleBytes = 8 + 8 * kHistorySeriesCount;

using BlockKey = QPair<QString, QString>; // host name, container id

struct BlockRef
{
    BlockKey key;
    quint32 count = 0;
    qint64 offset = 0; // from the start of the records
};

// A file's index: in memory while it is built or extended, or only its
// head (the table of blocks) when a query reads through it.
struct FileIndex
{
    quint64 inode = 0;
    QByteArray firstKey;
    qint64 covered = 0; // bytes of the file indexed: up to the end of lastOffset's line
    qint64 lastOffset = -1; // where the last indexed entry starts
    QByteArray lastKey; // and its timestamp key
    QMap<BlockKey, QList<Sample>> blocks; // full index only
    QList<BlockRef> table; // head only
    qint64 recordsStart = 0; // head only: file offset of the records
};

QString indexPath(const QString& dataDir, quint64 inode)
{
    return QDir(historyIndexDir(dataDir)).filePath(QString::number(inode) + QLatin1String(kIndexSuffix));
}

qint64 keyMsecs(const QByteArray& key)
{
    const QDateTime t = fromRfc3339(key.toStdString());
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

bool idMatches(const QString& stored, const QString& wanted)
{
    return stored == wanted || (wanted.size() >= 12 && stored.startsWith(wanted));
}

// Reads a file's complete lines from `offset` on, one callback per line with
// the offset where it starts. A last line without '\n' is a write in
// progress (or a torn one): not a line yet.
template<typename F>
bool forEachLine(QFile& file, qint64 offset, qint64 size, const std::atomic<bool>* cancel, F&& onLine)
{
    constexpr qint64 chunk = 1 << 20;
    if (!file.seek(offset))
        return false;
    QByteArray buf;
    qint64 bufStart = offset; // file offset of buf[0]
    qint64 pos = offset;
    while (pos < size) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return false;
        const QByteArray more = file.read(std::min(chunk, size - pos));
        if (more.isEmpty())
            return false;
        pos += more.size();
        buf.append(more);
        qsizetype begin = 0;
        while (true) {
            const qsizetype nl = buf.indexOf('\n', begin);
            if (nl < 0)
                break;
            onLine(QByteArrayView(buf.constData() + begin, nl - begin), bufStart + begin);
            begin = nl + 1;
        }
        buf.remove(0, begin);
        bufStart += begin;
    }
    return true;
}

QByteArray firstEntryKey(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    // Stevedore writes the timestamp first: its first bytes say it, without
    // reading (or parsing) an entry of every container.
    const QByteArray head = f.read(64);
    const QByteArray quick = head.contains('\n') ? QByteArray() : LogReader::timestampKey(head);
    if (!quick.isEmpty() && head.startsWith("{\"timestamp\":\""))
        return quick;
    f.seek(0);
    // A few lines at most: the first is an entry unless damaged.
    for (int i = 0; i < 16 && !f.atEnd(); ++i) {
        QByteArray line = f.readLine();
        if (!line.endsWith('\n'))
            return {};
        line.chop(1);
        if (nlohmann::json::accept(line.constData(), line.constData() + line.size()))
            return LogReader::timestampKey(line);
    }
    return {};
}

double number(const nlohmann::json& object, const char* key)
{
    const auto it = object.find(key);
    return it != object.end() && it->is_number() ? it->get<double>() : 0.0;
}

// The fast path for what Stevedore stores (the "snapshot" part): only the
// fields the history needs, without making a Snapshot of every container
// (names, labels, command lines). False when the entry is not of that shape.
bool indexOwnSnapshot(const nlohmann::json& entry, FileIndex& index)
{
    const auto own = entry.find("snapshot");
    if (own == entry.end() || !own->is_object())
        return false;
    const auto ts = own->find("timestamp");
    const auto list = own->find("containers");
    if (ts == own->end() || !ts->is_string() || list == own->end() || !list->is_array())
        return false;
    const QDateTime when = fromRfc3339(ts->get_ref<const std::string&>());
    if (!when.isValid())
        return false;
    // The entry's own "host" is what the store filters on: it wins (as in
    // snapshotFromLogEntry).
    HostIdentity host;
    if (!hostFromJson(entry, host, nullptr) || (host.isEmpty() && !hostFromJson(*own, host, nullptr)))
        return false;
    const qint64 ms = when.toMSecsSinceEpoch();
    for (const auto& c : *list) {
        if (!c.is_object())
            continue;
        const auto id = c.find("id");
        if (id == c.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
            continue;
        Sample sample;
        sample.msecs = ms;
        sample.values = { number(c, "cpu_percent"),          number(c, "memory_bytes"),
                          number(c, "read_bytes_per_sec"),   number(c, "write_bytes_per_sec"),
                          number(c, "net_rx_bytes_per_sec"), number(c, "net_tx_bytes_per_sec") };
        index.blocks[{ host.name, QString::fromStdString(id->get_ref<const std::string&>()) }].append(sample);
    }
    return true;
}

// Parses one stored entry into the index: one sample per container.
bool indexLine(QByteArrayView line, FileIndex& index)
{
    const auto json = nlohmann::json::parse(line.data(), line.data() + line.size(), nullptr, false);
    if (!json.is_object())
        return false;
    if (indexOwnSnapshot(json, index))
        return true;
    // The original's entries (sysinfo only), through the one converter.
    Snapshot s;
    if (!snapshotFromLogEntry(json, s, nullptr) || !s.timestamp.isValid())
        return false;
    const qint64 ms = s.timestamp.toMSecsSinceEpoch();
    for (const ContainerMetrics& c : std::as_const(s.containers)) {
        if (c.id.isEmpty())
            continue;
        Sample sample;
        sample.msecs = ms;
        sample.values = { c.cpuPercent,       double(c.memoryBytes), c.readBytesPerSec,
                          c.writeBytesPerSec, c.netRxBytesPerSec,    c.netTxBytesPerSec };
        index.blocks[{ s.host.name, c.id }].append(sample);
    }
    return true;
}

// Parses the file from index.covered to its last complete line.
bool extendIndex(const QString& path, qint64 size, FileIndex& index, qint64* parsed, const std::atomic<bool>* cancel)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    QSet<BlockKey> touched;
    const qint64 start = index.covered;
    const bool ok = forEachLine(file, start, size, cancel, [&](QByteArrayView line, qint64 at) {
        if (line.isEmpty())
            return;
        const QByteArray text = line.toByteArray();
        if (!indexLine(text, index))
            return; // damage outside Stevedore: skipped, like LogReader does
        index.lastOffset = at;
        index.lastKey = LogReader::timestampKey(text);
        index.covered = at + line.size() + 1;
    });
    *parsed += index.covered - start;
    // Entries of remote hosts can arrive a little out of order.
    for (auto& block : index.blocks) {
        if (!std::is_sorted(block.cbegin(), block.cend(),
                            [](const Sample& a, const Sample& b) { return a.msecs < b.msecs; }))
            std::stable_sort(block.begin(), block.end(),
                             [](const Sample& a, const Sample& b) { return a.msecs < b.msecs; });
    }
    return ok;
}

void writeHead(QDataStream& out, const FileIndex& index)
{
    out << kMagic << kVersion << index.inode << index.firstKey << index.covered << index.lastOffset << index.lastKey;
}

bool saveIndex(const QString& dataDir, const FileIndex& index)
{
    if (!QDir().mkpath(historyIndexDir(dataDir)))
        return false;
    QSaveFile file(indexPath(dataDir, index.inode));
    if (!file.open(QIODevice::WriteOnly))
        return false;
    QDataStream out(&file);
    out.setByteOrder(QDataStream::LittleEndian);
    writeHead(out, index);
    out << quint32(index.blocks.size());
    qint64 offset = 0;
    for (auto it = index.blocks.cbegin(); it != index.blocks.cend(); ++it) {
        out << it.key().first << it.key().second << quint32(it.value().size()) << offset;
        offset += qint64(it.value().size()) * kSampleBytes;
    }
    for (const QList<Sample>& block : std::as_const(index.blocks)) {
        for (const Sample& s : block) {
            out << s.msecs;
            for (double v : s.values)
                out << v;
        }
    }
    return out.status() == QDataStream::Ok && file.commit();
}

// Reads the head of an index file (not the records).
std::optional<FileIndex> readHead(QFile& file)
{
    QDataStream in(&file);
    in.setByteOrder(QDataStream::LittleEndian);
    quint32 magic = 0;
    quint32 version = 0;
    FileIndex index;
    in >> magic >> version;
    if (magic != kMagic || version != kVersion)
        return std::nullopt;
    in >> index.inode >> index.firstKey >> index.covered >> index.lastOffset >> index.lastKey;
    quint32 blocks = 0;
    in >> blocks;
    if (in.status() != QDataStream::Ok || blocks > (1u << 24))
        return std::nullopt;
    index.table.reserve(qsizetype(blocks));
    for (quint32 i = 0; i < blocks; ++i) {
        BlockRef ref;
        in >> ref.key.first >> ref.key.second >> ref.count >> ref.offset;
        if (in.status() != QDataStream::Ok || ref.offset < 0)
            return std::nullopt;
        index.table.append(ref);
    }
    index.recordsStart = file.pos();
    return index;
}

bool readBlock(QFile& file, const FileIndex& head, const BlockRef& ref, QList<Sample>* out, qint64* bytes)
{
    const qint64 len = qint64(ref.count) * kSampleBytes;
    if (!file.seek(head.recordsStart + ref.offset))
        return false;
    const QByteArray raw = file.read(len);
    *bytes += raw.size();
    if (raw.size() != len)
        return false;
    QDataStream in(raw);
    in.setByteOrder(QDataStream::LittleEndian);
    out->reserve(out->size() + qsizetype(ref.count));
    for (quint32 i = 0; i < ref.count; ++i) {
        Sample s;
        in >> s.msecs;
        for (double& v : s.values)
            in >> v;
        out->append(s);
    }
    return in.status() == QDataStream::Ok;
}

bool loadFull(QFile& file, FileIndex& head, qint64* bytes)
{
    for (const BlockRef& ref : std::as_const(head.table)) {
        QList<Sample> samples;
        if (!readBlock(file, head, ref, &samples, bytes))
            return false;
        head.blocks.insert(ref.key, std::move(samples));
    }
    head.table.clear();
    return true;
}

// Whether the index still describes the file: same file (inode, first
// entry), not cut below what was indexed, and the last indexed entry still
// at its place (a torn tail cut and written again is a different entry).
bool matchesFile(const FileIndex& index, const QString& path, quint64 inode, qint64 size, const QByteArray& firstKey)
{
    if (index.inode != inode || index.firstKey != firstKey || index.covered > size || index.covered < 0)
        return false;
    if (index.lastOffset < 0)
        return index.covered == 0;
    if (index.lastOffset >= index.covered)
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    if (index.lastOffset > 0) {
        char before = 0;
        if (!file.seek(index.lastOffset - 1) || file.read(&before, 1) != 1 || before != '\n')
            return false;
    }
    if (!file.seek(index.lastOffset))
        return false;
    QByteArray line = file.read(index.covered - index.lastOffset);
    if (!line.endsWith('\n'))
        return false;
    line.chop(1);
    return LogReader::timestampKey(line) == index.lastKey;
}

// Points of the matching blocks within [fromMs, toMs].
void collect(const QList<Sample>& samples, qint64 fromMs, qint64 toMs, QList<Sample>* out)
{
    const auto lo = std::lower_bound(samples.cbegin(), samples.cend(), fromMs,
                                     [](const Sample& s, qint64 t) { return s.msecs < t; });
    const auto hi = std::upper_bound(lo, samples.cend(), toMs, [](qint64 t, const Sample& s) { return t < s.msecs; });
    out->append(QList<Sample>(lo, hi));
}

bool cancelled(const HistoryQuery& query)
{
    return query.cancel && query.cancel->load();
}

void removeStaleIndexes(const QString& dataDir, const QSet<quint64>& live)
{
    QDir dir(historyIndexDir(dataDir));
    const QStringList names = dir.entryList({ QLatin1String("*") + QLatin1String(kIndexSuffix) }, QDir::Files);
    for (const QString& name : names) {
        bool ok = false;
        const quint64 inode = name.chopped(int(std::strlen(kIndexSuffix))).toULongLong(&ok);
        if (!ok || !live.contains(inode))
            dir.remove(name);
    }
}
} // namespace

QString historyIndexDir(const QString& dataDir)
{
    return QDir(dataDir).filePath(QStringLiteral("history-index"));
}

QList<HistoryPoint> thinMinMax(const QList<HistoryPoint>& points, qint64 fromMs, qint64 toMs, int buckets)
{
    QList<HistoryPoint> out;
    if (toMs < fromMs)
        return out;
    if (buckets <= 0) {
        for (const HistoryPoint& p : points) {
            if (p.msecs >= fromMs && p.msecs <= toMs)
                out.append(p);
        }
        return out;
    }
    // Bucket b covers [fromMs + b*span/buckets, fromMs + (b+1)*span/buckets).
    const double span = double(toMs - fromMs) + 1;
    int current = -1;
    HistoryPoint lo;
    HistoryPoint hi;
    const auto flush = [&] {
        if (current < 0)
            return;
        if (lo.msecs == hi.msecs && lo.value == hi.value) {
            out.append(lo);
        } else if (lo.msecs <= hi.msecs) {
            out.append(lo);
            out.append(hi);
        } else {
            out.append(hi);
            out.append(lo);
        }
    };
    for (const HistoryPoint& p : points) {
        if (p.msecs < fromMs || p.msecs > toMs || std::isnan(p.value))
            continue;
        const int b = std::min(buckets - 1, int(double(p.msecs - fromMs) * buckets / span));
        if (b != current) {
            flush();
            current = b;
            lo = hi = p;
            continue;
        }
        // Ties keep the earlier sample: the same input gives the same line.
        if (p.value < lo.value)
            lo = p;
        if (p.value > hi.value)
            hi = p;
    }
    flush();
    return out;
}

bool readContainerHistory(const QString& dataDir, const HistoryQuery& query, ContainerHistory* out, QString* error)
{
    *out = ContainerHistory();
    HistoryReadStats& stats = out->stats;
    if (!QFileInfo(dataDir).isDir()) {
        if (error)
            *error = QStringLiteral("no log store in %1 (not a directory)").arg(dataDir);
        return false;
    }
    if (query.containerId.isEmpty()) {
        if (error)
            *error = QStringLiteral("no container given");
        return false;
    }
    const qint64 fromMs = query.from.isValid() ? query.from.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
    const qint64 toMs = query.to.isValid() ? query.to.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
    const QStringList files = LogStore::files(dataDir);
    stats.filesInStore = int(files.size());
    const bool writable = QFileInfo(dataDir).isWritable();

    // The first entry's time of every file: the files are in time order, so
    // these bound each file's range.
    QList<QByteArray> firstKeys;
    firstKeys.reserve(files.size());
    for (const QString& path : files)
        firstKeys.append(firstEntryKey(path));

    QList<Sample> samples;
    QSet<quint64> liveInodes;
    for (qsizetype i = 0; i < files.size(); ++i) {
        const QString& path = files.at(i);
        struct stat st = {};
        if (::stat(QFile::encodeName(path).constData(), &st) != 0) {
            if (errno == ENOENT)
                continue; // rotated away meanwhile
            if (error)
                *error = QStringLiteral("cannot stat %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        const quint64 inode = quint64(st.st_ino);
        liveInodes.insert(inode);
        const QByteArray& firstKey = firstKeys.at(i);
        if (st.st_size == 0) {
            ++stats.filesSkipped;
            continue;
        }
        if (!firstKey.isEmpty()) {
            const qint64 firstMs = keyMsecs(firstKey);
            const QByteArray& nextKey = i + 1 < files.size() ? firstKeys.at(i + 1) : QByteArray();
            const bool afterRange = toMs != std::numeric_limits<qint64>::max() && firstMs > toMs + kOrderSlackMs;
            const bool beforeRange = !nextKey.isEmpty() && fromMs != std::numeric_limits<qint64>::min()
                && keyMsecs(nextKey) < fromMs - kOrderSlackMs;
            if (afterRange || beforeRange) {
                ++stats.filesSkipped;
                continue;
            }
        } // else: no readable first entry (damage): read the file

        // An index that matches the file, read through or extended; else built.
        std::optional<FileIndex> index;
        QFile indexFile(indexPath(dataDir, inode));
        if (indexFile.open(QIODevice::ReadOnly)) {
            index = readHead(indexFile);
            if (index && !matchesFile(*index, path, inode, st.st_size, firstKey))
                index.reset();
        }
        bool fullInMemory = false;
        if (index && index->covered < st.st_size) {
            if (loadFull(indexFile, *index, &stats.indexBytesRead)) {
                const qint64 before = index->covered;
                if (!extendIndex(path, st.st_size, *index, &stats.bytesParsed, query.cancel)) {
                    if (error)
                        *error = cancelled(query) ? QStringLiteral("cancelled")
                                                  : QStringLiteral("cannot read %1").arg(path);
                    return false;
                }
                fullInMemory = true;
                if (index->covered != before) {
                    ++stats.indexesExtended;
                    if (writable)
                        saveIndex(dataDir, *index);
                }
            } else {
                index.reset();
            }
        }
        if (!index) {
            index = FileIndex();
            index->inode = inode;
            index->firstKey = firstKey;
            if (!extendIndex(path, st.st_size, *index, &stats.bytesParsed, query.cancel)) {
                if (error)
                    *error
                        = cancelled(query) ? QStringLiteral("cancelled") : QStringLiteral("cannot read %1").arg(path);
                return false;
            }
            ++stats.indexesBuilt;
            fullInMemory = true;
            if (writable)
                saveIndex(dataDir, *index);
        }

        if (fullInMemory) {
            for (auto it = index->blocks.cbegin(); it != index->blocks.cend(); ++it) {
                if ((query.host.isEmpty() || it.key().first == query.host)
                    && idMatches(it.key().second, query.containerId))
                    collect(it.value(), fromMs, toMs, &samples);
            }
            continue;
        }
        // Read through the head: only the wanted blocks.
        QList<Sample> found;
        bool damaged = false;
        for (const BlockRef& ref : std::as_const(index->table)) {
            if ((!query.host.isEmpty() && ref.key.first != query.host) || !idMatches(ref.key.second, query.containerId))
                continue;
            QList<Sample> block;
            if (!readBlock(indexFile, *index, ref, &block, &stats.indexBytesRead)) {
                damaged = true;
                break;
            }
            collect(block, fromMs, toMs, &found);
        }
        if (!damaged) {
            ++stats.indexesUsed;
            samples.append(found);
            continue;
        }
        // A damaged index (cut short, overwritten): build it again.
        indexFile.close();
        FileIndex rebuilt;
        rebuilt.inode = inode;
        rebuilt.firstKey = firstKey;
        if (!extendIndex(path, st.st_size, rebuilt, &stats.bytesParsed, query.cancel)) {
            if (error)
                *error = cancelled(query) ? QStringLiteral("cancelled") : QStringLiteral("cannot read %1").arg(path);
            return false;
        }
        ++stats.indexesBuilt;
        if (writable)
            saveIndex(dataDir, rebuilt);
        for (auto it = rebuilt.blocks.cbegin(); it != rebuilt.blocks.cend(); ++it) {
            if ((query.host.isEmpty() || it.key().first == query.host) && idMatches(it.key().second, query.containerId))
                collect(it.value(), fromMs, toMs, &samples);
        }
    }
    if (writable && QFileInfo(historyIndexDir(dataDir)).isDir())
        removeStaleIndexes(dataDir, liveInodes);

    const auto byTime = [](const Sample& a, const Sample& b) {
        return a.msecs < b.msecs;
    };
    if (!std::is_sorted(samples.cbegin(), samples.cend(), byTime))
        std::stable_sort(samples.begin(), samples.end(), byTime);
    out->samples = samples.size();
    if (samples.isEmpty())
        return true;
    out->firstMsecs = samples.first().msecs;
    out->lastMsecs = samples.last().msecs;
    // Thinning spans the asked range, or the data where a bound is open.
    const qint64 spanFrom = query.from.isValid() ? fromMs : out->firstMsecs;
    const qint64 spanTo = query.to.isValid() ? toMs : out->lastMsecs;
    for (int s = 0; s < kHistorySeriesCount; ++s) {
        QList<HistoryPoint> raw;
        raw.reserve(samples.size());
        for (const Sample& sample : std::as_const(samples))
            raw.append({ sample.msecs, sample.values[size_t(s)] });
        out->series[size_t(s)] = thinMinMax(raw, spanFrom, spanTo, query.maxPoints);
    }
    return true;
}
