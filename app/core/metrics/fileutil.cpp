#include "core/metrics/fileutil.h"

#include <algorithm>
#include <utility>

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

namespace FileUtil {

std::optional<QByteArray> readFile(const QByteArray& path, qsizetype limit)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    QByteArray data;
    const bool ok = preadAll(fd, data, limit);
    ::close(fd);
    if (!ok)
        return std::nullopt;
    return data;
}

std::optional<QByteArray> readFile(const QString& path, qsizetype limit)
{
    return readFile(QFile::encodeName(path), limit);
}

std::optional<quint64> readU64(const QByteArray& path)
{
    const auto data = readFile(path, 4096);
    if (!data)
        return std::nullopt;
    bool ok = false;
    const quint64 v = data->trimmed().split('\n').value(0).split(' ').value(0).toULongLong(&ok);
    return ok ? std::optional<quint64>(v) : std::nullopt;
}

std::optional<quint64> keyValue(const QByteArray& text, const char* key)
{
    const qsizetype keyLen = qsizetype(std::strlen(key));
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        if (end - pos > keyLen && std::memcmp(text.constData() + pos, key, size_t(keyLen)) == 0) {
            const char sep = text.at(pos + keyLen);
            if (sep == ' ' || sep == ':' || sep == '\t') {
                // The value is the first number after the separator; a unit
                // may follow ("MemTotal:  16318480 kB").
                qsizetype i = pos + keyLen + 1;
                while (i < end && (text.at(i) == ' ' || text.at(i) == '\t'))
                    ++i;
                quint64 v = 0;
                const qsizetype digits = i;
                while (i < end && text.at(i) >= '0' && text.at(i) <= '9')
                    v = v * 10 + quint64(text.at(i++) - '0');
                if (i > digits)
                    return v;
            }
        }
        pos = end + 1;
    }
    return std::nullopt;
}

bool exists(const QByteArray& path)
{
    struct stat st;
    return ::stat(path.constData(), &st) == 0;
}

bool preadAll(int fd, QByteArray& out, qsizetype limit, bool shortReadIsEnd)
{
    // One allocation for the usual small file: read into the stack first.
    char buf[8192];
    out.clear();
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        if (n == 0)
            return true;
        if (out.isEmpty() && size_t(n) < sizeof buf) {
            out = QByteArray(buf, qsizetype(n));
        } else {
            out.append(buf, qsizetype(n));
        }
        offset += n;
        if (out.size() > limit) {
            errno = EFBIG;
            return false;
        }
        if (shortReadIsEnd && size_t(n) < sizeof buf)
            return true;
    }
}

namespace {
// kernfs (cgroup v1/v2, sysfs) and procfs files fail to read once their
// cgroup or process is gone, even through a descriptor opened before.
bool failsWhenGone(int fd)
{
    struct statfs fs;
    if (::fstatfs(fd, &fs) != 0)
        return false;
    switch (static_cast<unsigned long>(fs.f_type)) {
    case 0x27e0ebUL: // CGROUP_SUPER_MAGIC
    case 0x63677270UL: // CGROUP2_SUPER_MAGIC
    case 0x62656572UL: // SYSFS_MAGIC
    case 0x9fa0UL: // PROC_SUPER_MAGIC
        return true;
    default:
        return false;
    }
}
} // namespace

// ---- OpenFilePool ---------------------------------------------------------

OpenFilePool::OpenFilePool(int capacity)
    : m_capacity(std::max(0, capacity))
{ }

OpenFilePool::~OpenFilePool()
{
    // Files normally go first (they are owned by the pool's owner); close
    // whatever is left so none points here.
    while (evictOne()) { }
}

int OpenFilePool::budgetFor(quint64 fileLimit)
{
    constexpr quint64 reserve = 64;
    if (fileLimit <= reserve)
        return 0;
    return int(std::min<quint64>((fileLimit - reserve) / 2, 1 << 16));
}

void OpenFilePool::setCapacity(int capacity)
{
    m_capacity = std::max(0, capacity);
    while (m_open > m_capacity && evictOne()) { }
}

bool OpenFilePool::admit()
{
    if (m_open < m_capacity)
        return true;
    // Full: only a file not read in this pass or the previous one may go.
    if (m_tail && m_tail->m_lastPass + 1 < m_pass)
        return evictOne();
    return false;
}

void OpenFilePool::link(CachedFile* f)
{
    f->m_prev = nullptr;
    f->m_next = m_head;
    if (m_head)
        m_head->m_prev = f;
    m_head = f;
    if (!m_tail)
        m_tail = f;
    ++m_open;
}

void OpenFilePool::unlink(CachedFile* f)
{
    if (f->m_prev)
        f->m_prev->m_next = f->m_next;
    else
        m_head = f->m_next;
    if (f->m_next)
        f->m_next->m_prev = f->m_prev;
    else
        m_tail = f->m_prev;
    f->m_prev = f->m_next = nullptr;
    --m_open;
}

void OpenFilePool::touch(CachedFile* f)
{
    f->m_lastPass = m_pass;
    if (m_head == f)
        return;
    unlink(f);
    link(f);
}

bool OpenFilePool::evictOne()
{
    if (!m_tail)
        return false;
    m_tail->close(); // unlinks it
    return true;
}

// ---- CachedFile -----------------------------------------------------------

CachedFile::CachedFile(QByteArray path, bool detectUnlink, OpenFilePool* pool)
    : m_path(std::move(path))
    , m_detectUnlink(detectUnlink)
    , m_pool(pool)
{ }

void CachedFile::takeFrom(CachedFile& other)
{
    m_path = std::move(other.m_path);
    m_detectUnlink = other.m_detectUnlink;
    m_checkLinks = other.m_checkLinks;
    m_pool = other.m_pool;
    m_lastPass = other.m_lastPass;
    m_fd = std::exchange(other.m_fd, -1);
    m_prev = std::exchange(other.m_prev, nullptr);
    m_next = std::exchange(other.m_next, nullptr);
    if (m_fd >= 0 && m_pool) {
        // Take the other's place in the pool's list.
        if (m_prev)
            m_prev->m_next = this;
        else
            m_pool->m_head = this;
        if (m_next)
            m_next->m_prev = this;
        else
            m_pool->m_tail = this;
    }
}

CachedFile::CachedFile(CachedFile&& other) noexcept
{
    takeFrom(other);
}

CachedFile& CachedFile::operator=(CachedFile&& other) noexcept
{
    if (this != &other) {
        close();
        takeFrom(other);
    }
    return *this;
}

CachedFile::~CachedFile()
{
    close();
}

void CachedFile::close()
{
    if (m_fd < 0)
        return;
    ::close(m_fd);
    m_fd = -1;
    if (m_pool)
        m_pool->unlink(this);
}

std::optional<QByteArray> CachedFile::readTransient()
{
    if (m_pool)
        ++m_pool->m_transientReads;
    return readFile(m_path);
}

std::optional<QByteArray> CachedFile::read()
{
    if (m_path.isEmpty())
        return std::nullopt;
    if (m_fd < 0) {
        if (m_pool && !m_pool->admit())
            return readTransient();
        m_fd = ::open(m_path.constData(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0 && (errno == EMFILE || errno == ENFILE) && m_pool && m_pool->evictOne()) {
            // Out of descriptors anyway (a lower limit than the pool was
            // sized for): give one back and keep the pool smaller.
            m_pool->setCapacity(m_pool->openCount());
            return readTransient();
        }
        if (m_fd < 0)
            return errno == EMFILE || errno == ENFILE ? readTransient() : std::nullopt;
        if (m_pool)
            m_pool->link(this);
        m_checkLinks = m_detectUnlink && !failsWhenGone(m_fd);
    }
    if (m_pool)
        m_pool->touch(this);
    if (m_checkLinks) {
        struct stat st;
        if (::fstat(m_fd, &st) != 0 || st.st_nlink == 0) {
            close();
            return std::nullopt;
        }
    }
    QByteArray data;
    if (!preadAll(m_fd, data, 4 * 1024 * 1024, true)) {
        close(); // ENODEV/ESRCH: the cgroup or process is gone
        return std::nullopt;
    }
    return data;
}

quint64 raiseFileLimit()
{
    struct rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
        ::getrlimit(RLIMIT_NOFILE, &rl);
    }
    return quint64(rl.rlim_cur);
}

} // namespace FileUtil
