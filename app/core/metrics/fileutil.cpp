#include "fileutil.h"

#include <utility>

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace FileUtil {

std::optional<QByteArray> readFile(const QByteArray& path, qsizetype limit)
{
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    QByteArray data;
    char buf[8192];
    bool ok = true;
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        if (n == 0)
            break;
        data.append(buf, n);
        if (data.size() > limit) {
            ok = false;
            break;
        }
    }
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

CachedFile::CachedFile(QByteArray path, bool detectUnlink)
    : m_path(std::move(path))
    , m_detectUnlink(detectUnlink)
{
}

CachedFile::CachedFile(CachedFile&& other) noexcept
    : m_path(std::move(other.m_path))
    , m_fd(std::exchange(other.m_fd, -1))
    , m_detectUnlink(other.m_detectUnlink)
{
}

CachedFile& CachedFile::operator=(CachedFile&& other) noexcept
{
    if (this != &other) {
        close();
        m_path = std::move(other.m_path);
        m_fd = std::exchange(other.m_fd, -1);
        m_detectUnlink = other.m_detectUnlink;
    }
    return *this;
}

CachedFile::~CachedFile()
{
    close();
}

void CachedFile::close()
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

std::optional<QByteArray> CachedFile::read()
{
    if (m_path.isEmpty())
        return std::nullopt;
    if (m_fd < 0) {
        m_fd = ::open(m_path.constData(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            return errno == EMFILE || errno == ENFILE ? readFile(m_path) : std::nullopt;
    }
    if (m_detectUnlink) {
        struct stat st;
        if (::fstat(m_fd, &st) != 0 || st.st_nlink == 0) {
            close();
            return std::nullopt;
        }
    }
    QByteArray data;
    char buf[8192];
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(m_fd, buf, sizeof buf, offset);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(); // ENODEV/ESRCH: the cgroup or process is gone
            return std::nullopt;
        }
        if (n == 0)
            break;
        data.append(buf, n);
        offset += n;
        if (data.size() > 4 * 1024 * 1024) {
            close();
            return std::nullopt;
        }
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

}
