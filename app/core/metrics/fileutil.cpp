#include "fileutil.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
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

}
