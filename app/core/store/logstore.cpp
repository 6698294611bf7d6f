#include "core/store/logstore.h"

#include "core/model/snapshot.h"
#include "core/model/snapshotjson.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSaveFile>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStore, "stevedore.store")

namespace {
QString errnoText(int err)
{
    return QString::fromLocal8Bit(std::strerror(err));
}

QByteArray path8(const QString& path)
{
    return QFile::encodeName(path);
}

// mkdir -p that keeps errno, so "Permission denied" reaches the user.
bool makePath(const QString& dir, QString* error)
{
    QFileInfo info(dir);
    if (info.isDir())
        return true;
    const QString parent = info.absolutePath();
    if (parent != info.absoluteFilePath() && !QFileInfo(parent).isDir() && !makePath(parent, error))
        return false;
    if (::mkdir(path8(dir).constData(), 0750) != 0 && errno != EEXIST) {
        if (error)
            *error = QStringLiteral("cannot create data directory %1: %2").arg(dir, errnoText(errno));
        return false;
    }
    return true;
}

void fsyncDir(const QString& dir)
{
    const int fd = ::open(path8(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Rotated files by number, highest (oldest) first.
QList<QPair<int, QString>> rotatedFiles(const QString& dataDir)
{
    QList<QPair<int, QString>> out;
    const QString prefix = LogStore::fileName() + QLatin1Char('.');
    const QStringList names = QDir(dataDir).entryList({ prefix + QLatin1Char('*') }, QDir::Files);
    for (const QString& name : names) {
        bool ok = false;
        const int n = name.mid(prefix.size()).toInt(&ok);
        if (ok && n > 0)
            out.append({ n, QDir(dataDir).filePath(name) });
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    return out;
}

bool preadFull(int fd, char* buf, qint64 len, qint64 offset)
{
    qint64 done = 0;
    while (done < len) {
        const ssize_t r = ::pread(fd, buf + done, size_t(len - done), off_t(offset + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        done += r;
    }
    return true;
}

// Offset just past the last '\n' before `end` (0 when there is none).
qint64 lineStartBefore(int fd, qint64 end)
{
    constexpr qint64 block = 64 * 1024;
    QByteArray buf;
    qint64 pos = end;
    while (pos > 0) {
        const qint64 len = std::min(block, pos);
        buf.resize(len);
        if (!preadFull(fd, buf.data(), len, pos - len))
            return 0;
        const qsizetype nl = buf.lastIndexOf('\n');
        if (nl >= 0)
            return pos - len + nl + 1;
        pos -= len;
    }
    return 0;
}
} // namespace

LogStore::LogStore(StoreSettings options)
    : m_options(std::move(options))
{ }

LogStore::~LogStore()
{
    close();
}

QString LogStore::activePath() const
{
    return QDir(m_options.dataDir).filePath(fileName());
}

QString LogStore::lastSyncError() const
{
    std::lock_guard<std::mutex> lock(m_fdMutex);
    return m_syncError;
}

bool dataDirSafe(const QString& dir, QString* error)
{
    // Another user who can write here could swap the log for a link to a
    // file of ours, or read the token: refuse rather than follow.
    struct stat st = {};
    if (::lstat(path8(dir).constData(), &st) != 0) {
        if (error)
            *error = QStringLiteral("cannot examine data directory %1: %2").arg(dir, errnoText(errno));
        return false;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (error)
            *error = QStringLiteral("data directory %1 is not a directory (a symbolic link is not followed)").arg(dir);
        return false;
    }
    if (st.st_uid != ::geteuid()) {
        if (error)
            *error = QStringLiteral("refusing data directory %1: it belongs to user %2, not to this user (%3); "
                                    "use a directory of your own or chown it")
                         .arg(dir)
                         .arg(st.st_uid)
                         .arg(::geteuid());
        return false;
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        if (error)
            *error = QStringLiteral("refusing data directory %1: others can write to it (mode %2); run chmod go-w %1")
                         .arg(dir)
                         .arg(st.st_mode & 07777, 4, 8, QLatin1Char('0'));
        return false;
    }
    return true;
}

bool LogStore::open(QString* error)
{
    if (isOpen())
        return true;
    m_notes.clear();
    if (m_options.dataDir.isEmpty()) {
        if (error)
            *error = QStringLiteral("no data directory given");
        return false;
    }
    if (!makePath(m_options.dataDir, error) || !dataDirSafe(m_options.dataDir, error))
        return false;
    if (m_lockFd < 0) {
        const QString lockPath = QDir(m_options.dataDir).filePath(QStringLiteral("logs.lock"));
        m_lockFd = ::open(path8(lockPath).constData(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (m_lockFd < 0) {
            if (error)
                *error
                    = QStringLiteral("cannot write in data directory %1: %2").arg(m_options.dataDir, errnoText(errno));
            return false;
        }
        if (::flock(m_lockFd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            ::close(m_lockFd);
            m_lockFd = -1;
            if (error)
                *error = err == EWOULDBLOCK
                    ? QStringLiteral("another process is writing to the log store in %1").arg(m_options.dataDir)
                    : QStringLiteral("cannot lock %1: %2").arg(lockPath, errnoText(err));
            return false;
        }
    }
    if (!openActive(error) || !recover(error)) {
        close();
        return false;
    }
    for (const QString& note : std::as_const(m_notes))
        qCWarning(lcStore).noquote() << note;
    startSyncer();
    return true;
}

bool LogStore::openActive(QString* error)
{
    const int fd
        = ::open(path8(activePath()).constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("cannot open %1 for writing: %2").arg(activePath(), errnoText(errno));
        return false;
    }
    struct stat st = {};
    if (::fstat(fd, &st) != 0) {
        if (error)
            *error = QStringLiteral("cannot stat %1: %2").arg(activePath(), errnoText(errno));
        ::close(fd);
        return false;
    }
    {
        std::lock_guard<std::mutex> lock(m_fdMutex);
        m_fd = fd;
    }
    m_size = st.st_size;
    return true;
}

// A crash or a power loss can leave the last line incomplete (no newline) or,
// on some file systems, a tail of NUL bytes. Cut such a tail back to the last
// complete, parseable entry; never touch anything before it.
bool LogStore::recover(QString* error)
{
    m_lastLine.clear();
    if (m_size == 0)
        return true;
    const int rfd = ::open(path8(activePath()).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (rfd < 0) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(activePath(), errnoText(errno));
        return false;
    }
    qint64 good = m_size;
    char last = 0;
    if (!preadFull(rfd, &last, 1, m_size - 1)) {
        ::close(rfd);
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(activePath(), errnoText(errno));
        return false;
    }
    if (last != '\n') {
        good = lineStartBefore(rfd, m_size);
        m_notes.append(QStringLiteral("%1: cut %2 bytes of an incomplete last entry (left by a crash or a full disk)")
                           .arg(activePath())
                           .arg(m_size - good));
    }
    // Complete lines at the end that are not JSON (zero-filled blocks after a
    // power loss) are a torn tail too. Stop at the first good one.
    int junk = 0;
    while (good > 0) {
        const qint64 start = lineStartBefore(rfd, good - 1);
        QByteArray line(good - 1 - start, Qt::Uninitialized);
        if (!line.isEmpty() && !preadFull(rfd, line.data(), line.size(), start))
            break;
        if (!line.isEmpty() && nlohmann::json::accept(line.constData(), line.constData() + line.size())) {
            m_lastLine = line;
            break;
        }
        good = start;
        ++junk;
    }
    ::close(rfd);
    if (junk > 0)
        m_notes.append(QStringLiteral("%1: cut %2 damaged line(s) at the end").arg(activePath()).arg(junk));
    if (good != m_size) {
        if (::ftruncate(m_fd, good) != 0) {
            if (error)
                *error = QStringLiteral("cannot repair %1: %2").arg(activePath(), errnoText(errno));
            return false;
        }
        ::fdatasync(m_fd);
        m_size = good;
    }
    return true;
}

void LogStore::close()
{
    stopSyncer();
    {
        std::lock_guard<std::mutex> lock(m_fdMutex);
        if (m_fd >= 0) {
            if (::fdatasync(m_fd) != 0)
                m_syncError = QStringLiteral("fdatasync %1: %2").arg(activePath(), errnoText(errno));
            ::close(m_fd);
            m_fd = -1;
        }
    }
    if (m_lockFd >= 0) {
        ::close(m_lockFd); // releases the flock
        m_lockFd = -1;
    }
}

StoreStatus LogStore::append(const QByteArray& line, QString* error)
{
    if (m_fd < 0) {
        if (error)
            *error = QStringLiteral("the log store is not open");
        return StoreStatus::Unavailable;
    }
    if (line.isEmpty() || line.contains('\n')) {
        if (error)
            *error = QStringLiteral("an entry must be one non-empty line");
        return StoreStatus::Unavailable;
    }
    if (m_size > 0 && m_size + line.size() + 1 > m_options.maxFileBytes) {
        QString why;
        if (!rotate(&why)) {
            if (m_fd < 0) {
                if (error)
                    *error = why;
                return StoreStatus::Unavailable;
            }
            // The active file is still usable: keep appending, say why once.
            qCWarning(lcStore).noquote() << "rotation failed, appending to the current file:" << why;
        }
    }
    QByteArray buf;
    buf.reserve(line.size() + 1);
    buf.append(line).append('\n');
    qint64 done = 0;
    int err = 0;
    while (done < buf.size()) {
        const ssize_t r = ::write(m_fd, buf.constData() + done, size_t(buf.size() - done));
        if (r < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            break;
        }
        if (r == 0) {
            err = EIO;
            break;
        }
        done += r;
    }
    if (err == 0 && m_options.syncIntervalMs <= 0 && ::fdatasync(m_fd) != 0)
        err = errno;
    if (err != 0) {
        // Roll back whatever part of the line reached the file: the entry is
        // not acknowledged, so it must not appear either.
        if (::ftruncate(m_fd, m_size) != 0) {
            // The file now ends in a torn line we cannot remove: stop writing
            // to it. The next open() cuts it.
            qCCritical(lcStore).noquote()
                << "cannot roll back a failed write to" << activePath() << ":" << errnoText(errno);
            std::lock_guard<std::mutex> lock(m_fdMutex);
            ::close(m_fd);
            m_fd = -1;
        }
        if (error)
            *error = QStringLiteral("cannot write to %1: %2 (entry not stored)").arg(activePath(), errnoText(err));
        return (err == ENOSPC || err == EDQUOT) ? StoreStatus::NoSpace : StoreStatus::Unavailable;
    }
    m_size += buf.size();
    ++m_appended;
    m_lastLine = line;
    if (m_options.syncIntervalMs > 0) {
        m_dirty.store(true, std::memory_order_release);
    }
    return StoreStatus::Ok;
}

bool LogStore::sync(QString* error)
{
    std::lock_guard<std::mutex> lock(m_fdMutex);
    if (m_fd < 0)
        return true;
    m_dirty.store(false);
    if (::fdatasync(m_fd) != 0) {
        m_syncError = QStringLiteral("fdatasync %1: %2").arg(activePath(), errnoText(errno));
        if (error)
            *error = m_syncError;
        return false;
    }
    return true;
}

bool LogStore::rotate(QString* error)
{
    {
        std::lock_guard<std::mutex> lock(m_fdMutex);
        ::fdatasync(m_fd);
        ::close(m_fd);
        m_fd = -1;
        m_dirty.store(false);
    }
    const QString dir = m_options.dataDir;
    bool ok = true;
    // Shift .n to .n+1, oldest first, dropping what falls past the retention.
    for (const auto& [n, path] : rotatedFiles(dir)) {
        if (n >= m_options.retainedFiles) {
            ::unlink(path8(path).constData());
            continue;
        }
        const QString to = QDir(dir).filePath(fileName() + QLatin1Char('.') + QString::number(n + 1));
        if (::rename(path8(path).constData(), path8(to).constData()) != 0) {
            if (error)
                *error = QStringLiteral("cannot rename %1: %2").arg(path, errnoText(errno));
            ok = false;
            break;
        }
    }
    if (ok) {
        const QString to = QDir(dir).filePath(fileName() + QStringLiteral(".1"));
        const int rc = m_options.retainedFiles > 0 ? ::rename(path8(activePath()).constData(), path8(to).constData())
                                                   : ::unlink(path8(activePath()).constData());
        if (rc != 0) {
            if (error)
                *error = QStringLiteral("cannot rotate %1: %2").arg(activePath(), errnoText(errno));
            ok = false;
        }
    }
    QString openError;
    if (!openActive(&openError)) {
        if (error)
            *error = openError;
        return false;
    }
    fsyncDir(dir);
    if (ok)
        ++m_rotations;
    return ok;
}

void LogStore::startSyncer()
{
    if (m_options.syncIntervalMs <= 0 || m_syncer.joinable())
        return;
    m_stopSyncer = false;
    m_syncer = std::thread([this] { syncLoop(); });
}

void LogStore::stopSyncer()
{
    if (!m_syncer.joinable())
        return;
    {
        std::lock_guard<std::mutex> lock(m_fdMutex);
        m_stopSyncer = true;
    }
    m_wake.notify_all();
    m_syncer.join();
}

void LogStore::syncLoop()
{
    std::unique_lock<std::mutex> lock(m_fdMutex);
    const auto interval = std::chrono::milliseconds(m_options.syncIntervalMs);
    while (!m_stopSyncer) {
        m_wake.wait_for(lock, interval, [this] { return m_stopSyncer; });
        if (m_fd >= 0 && m_dirty.exchange(false, std::memory_order_acq_rel)) {
            if (::fdatasync(m_fd) != 0) {
                m_syncError = QStringLiteral("fdatasync %1: %2 (entries of the last %3 ms may not be on disk)")
                                  .arg(activePath(), errnoText(errno))
                                  .arg(m_options.syncIntervalMs);
                qCCritical(lcStore).noquote() << m_syncError;
            }
        }
    }
}

QStringList LogStore::files(const QString& dataDir)
{
    QStringList out;
    for (const auto& [n, path] : rotatedFiles(dataDir))
        out.append(path);
    const QString active = QDir(dataDir).filePath(fileName());
    if (QFileInfo::exists(active))
        out.append(active);
    return out;
}

// ---------------------------------------------------------------------------

struct LogReader::File
{
    int fd = -1;
    qint64 size = 0; // as it was at open(): later appends are not read
    qint64 offset = 0; // next byte to read into the buffer
    QByteArray buf;
    qsizetype begin = 0; // unread part of buf: [begin, end)
    qsizetype end = 0;

    ~File()
    {
        if (fd >= 0)
            ::close(fd);
    }

    void rewind()
    {
        offset = 0;
        begin = end = 0;
    }

    // One line without its '\n'. A last line without a newline is a write in
    // progress (or a torn one): not an entry yet.
    bool readLine(QByteArray& line)
    {
        constexpr qsizetype chunk = 256 * 1024;
        qsizetype scanFrom = begin;
        while (true) {
            const char* p
                = static_cast<const char*>(std::memchr(buf.constData() + scanFrom, '\n', size_t(end - scanFrom)));
            if (p) {
                const qsizetype nl = p - buf.constData();
                line = QByteArray(buf.constData() + begin, nl - begin);
                begin = nl + 1;
                return true;
            }
            if (offset >= size)
                return false;
            // Keep the partial line, make room, read more.
            const qsizetype pending = end - begin;
            if (begin > 0) {
                std::memmove(buf.data(), buf.constData() + begin, size_t(pending));
                begin = 0;
                end = pending;
            }
            if (buf.size() - end < chunk)
                buf.resize(end + chunk);
            const qint64 want = std::min<qint64>(buf.size() - end, size - offset);
            ssize_t r;
            do {
                r = ::pread(fd, buf.data() + end, size_t(want), off_t(offset));
            } while (r < 0 && errno == EINTR);
            if (r <= 0)
                return false;
            scanFrom = end;
            end += r;
            offset += r;
        }
    }
};

LogReader::LogReader(QString dataDir, LogQuery query)
    : m_dataDir(std::move(dataDir))
    , m_query(std::move(query))
{
    if (m_query.since.isValid())
        m_sinceKey = toRfc3339(m_query.since).toUtf8();
    if (m_query.until.isValid())
        m_untilKey = toRfc3339(m_query.until).toUtf8();
}

LogReader::~LogReader() = default;

bool LogReader::hostNameIs(const QByteArray& line, const QString& name)
{
    // Parsed, not searched: the embedded snapshot carries a "host" too, and
    // a name may need JSON escapes.
    const auto doc = nlohmann::json::parse(line.constBegin(), line.constEnd(), nullptr, false);
    if (!doc.is_object())
        return false;
    HostIdentity host;
    if (!hostFromJson(doc, host, nullptr))
        return false;
    return host.name == name;
}

QByteArray LogReader::timestampKey(const QByteArray& line)
{
    // Stevedore writes {"timestamp":"<24 chars>",...} first: no parse needed.
    static const QByteArray prefix = QByteArrayLiteral("{\"timestamp\":\"");
    constexpr qsizetype width = 24;
    if (line.startsWith(prefix) && line.size() > prefix.size() + width && line.at(prefix.size() + width) == '"'
        && line.at(prefix.size() + width - 1) == 'Z')
        return line.mid(prefix.size(), width);
    const auto json = nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
    if (!json.is_object())
        return {};
    const auto it = json.find("timestamp");
    if (it == json.end() || !it->is_string())
        return {};
    const QDateTime t = fromRfc3339(it->get<std::string>());
    return t.isValid() ? toRfc3339(t).toUtf8() : QByteArray();
}

bool LogReader::matches(const QByteArray& line) const
{
    if (!m_query.host.isEmpty() && !hostNameIs(line, m_query.host))
        return false;
    if (m_sinceKey.isEmpty() && m_untilKey.isEmpty())
        return true;
    // Fixed-width UTC text: byte order is time order.
    const QByteArray key = timestampKey(line);
    return !key.isEmpty() && (m_sinceKey.isEmpty() || key >= m_sinceKey) && (m_untilKey.isEmpty() || key <= m_untilKey);
}

bool LogReader::open(QString* error)
{
    m_files.clear();
    m_current = 0;
    m_skipped = 0;
    if (!QFileInfo(m_dataDir).isDir()) {
        if (error)
            *error = QStringLiteral("no log store in %1 (not a directory)").arg(m_dataDir);
        return false;
    }
    const QStringList paths = m_query.files.isEmpty() ? LogStore::files(m_dataDir) : m_query.files;
    for (const QString& path : paths) {
        auto f = std::make_unique<File>();
        f->fd = ::open(path8(path).constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (f->fd < 0) {
            if (errno == ENOENT) // rotated away between listing and opening
                continue;
            if (error)
                *error = QStringLiteral("cannot read %1: %2").arg(path, errnoText(errno));
            return false;
        }
        struct stat st = {};
        if (::fstat(f->fd, &st) != 0) {
            if (error)
                *error = QStringLiteral("cannot stat %1: %2").arg(path, errnoText(errno));
            return false;
        }
        f->size = st.st_size;
        m_files.push_back(std::move(f));
    }
    m_end = m_files.size();
    m_toSkip = 0;
    if (m_query.limit >= 0) {
        // First pass: count the matching entries, so the second can skip to
        // the `limit` most recent without holding any of them.
        qint64 total = 0;
        QByteArray line;
        for (auto& f : m_files) {
            while (f->readLine(line)) {
                if (matches(line))
                    ++total;
            }
            f->rewind();
        }
        m_toSkip = std::max<qint64>(0, total - m_query.limit);
    }
    return true;
}

bool LogReader::readLine(QByteArray& line)
{
    while (m_current < m_end) {
        if (m_files[m_current] && m_files[m_current]->readLine(line))
            return true;
        m_files[m_current].reset(); // done with it: close the descriptor
        ++m_current;
    }
    return false;
}

QByteArray LogReader::firstKey(int index)
{
    if (index < 0 || size_t(index) >= m_files.size() || !m_files[size_t(index)])
        return {};
    File& f = *m_files[size_t(index)];
    f.rewind();
    QByteArray line;
    QByteArray key;
    while (key.isEmpty() && f.readLine(line)) {
        if (nlohmann::json::accept(line.constData(), line.constData() + line.size()))
            key = timestampKey(line);
    }
    f.rewind();
    return key;
}

void LogReader::readOnly(int index)
{
    if (index < 0 || size_t(index) >= m_files.size()) {
        m_current = m_end = m_files.size();
        return;
    }
    m_current = size_t(index);
    m_end = m_current + 1;
    if (m_files[m_current])
        m_files[m_current]->rewind();
}

bool LogReader::next(QByteArray& line)
{
    while (readLine(line)) {
        if (!matches(line))
            continue;
        if (m_toSkip > 0) {
            --m_toSkip;
            continue;
        }
        if (!nlohmann::json::accept(line.constData(), line.constData() + line.size())) {
            ++m_skipped;
            continue;
        }
        return true;
    }
    return false;
}

namespace {
// Parses what `reader` returns into Snapshots; entries that do not parse are
// skipped.
void appendSnapshots(LogReader& reader, QList<Snapshot>* out)
{
    QByteArray line;
    while (reader.next(line)) {
        const auto json = nlohmann::json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
        Snapshot s;
        if (snapshotFromLogEntry(json, s, nullptr))
            out->append(std::move(s));
    }
}
} // namespace

QList<Snapshot> readSnapshots(const QString& dataDir, const LogQuery& query, QString* error)
{
    QList<Snapshot> out;
    LogReader reader(dataDir, query);
    if (reader.open(error))
        appendSnapshots(reader, &out);
    return out;
}

bool readRecentSnapshots(const QString& dataDir, const LogQuery& query, const EnoughEntries& enough,
                         QList<Snapshot>* out, QString* error, StoreReadStats* stats)
{
    StoreReadStats counts;
    LogQuery bounds;
    bounds.since = query.since;
    bounds.until = query.until;
    bounds.host = query.host;
    LogReader reader(dataDir, bounds);
    if (!reader.open(error))
        return false;
    counts.filesInStore = reader.fileCount();
    const QByteArray sinceKey = query.since.isValid() ? toRfc3339(query.since).toUtf8() : QByteArray();
    const QByteArray untilKey = query.until.isValid() ? toRfc3339(query.until).toUtf8() : QByteArray();
    const bool ranged = !sinceKey.isEmpty() || !untilKey.isEmpty();
    // Newest file first; each file's entries go in front of the newer ones.
    QList<QList<Snapshot>> parts;
    QList<Snapshot> soFar;
    for (int i = reader.fileCount() - 1; i >= 0; --i) {
        const QByteArray firstKey = reader.firstKey(i);
        if (!untilKey.isEmpty() && !firstKey.isEmpty() && firstKey > untilKey) {
            ++counts.filesSkipped;
            continue;
        }
        QList<Snapshot> part;
        reader.readOnly(i);
        appendSnapshots(reader, &part);
        ++counts.filesRead;
        if (ranged) {
            parts.prepend(std::move(part));
            if (!sinceKey.isEmpty() && !firstKey.isEmpty() && firstKey < sinceKey)
                break; // the older files end before `since`
            continue;
        }
        part.append(std::move(soFar));
        soFar = std::move(part);
        if (enough && enough(soFar))
            break;
    }
    for (auto& part : parts)
        soFar.append(std::move(part));
    counts.entries = soFar.size();
    *out = std::move(soFar);
    if (stats)
        *stats = counts;
    return true;
}

bool writeLogsJson(const QString& dataDir, QIODevice& dev, QString* error, qint64* count)
{
    LogReader reader(dataDir);
    if (!reader.open(error))
        return false;
    qint64 n = 0;
    QByteArray line;
    QByteArray chunk;
    bool ok = dev.write("[") == 1;
    while (ok && reader.next(line)) {
        chunk.append(n == 0 ? "\n" : ",\n").append(line);
        ++n;
        if (chunk.size() > (1 << 20)) {
            ok = dev.write(chunk) == chunk.size();
            chunk.clear();
        }
    }
    chunk.append(n == 0 ? "]\n" : "\n]\n");
    ok = ok && dev.write(chunk) == chunk.size();
    if (!ok) {
        if (error)
            *error = dev.errorString();
        return false;
    }
    if (count)
        *count = n;
    return true;
}

bool exportLogs(const QString& dataDir, const QString& file, QString* error, qint64* count)
{
    // An unreadable store is said as such, before any file is made.
    LogReader probe(dataDir);
    if (!probe.open(error))
        return false;
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(file, out.errorString());
        return false;
    }
    QString why;
    if (!writeLogsJson(dataDir, out, &why, count) || !out.commit()) {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(file, why.isEmpty() ? out.errorString() : why);
        out.cancelWriting();
        return false;
    }
    return true;
}
