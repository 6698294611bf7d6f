#include "core/alerts/audit.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {
const char* fileName = "audit.jsonl";

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

bool writeAll(int fd, const QByteArray& data)
{
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + done, size_t(data.size() - done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += n;
    }
    return true;
}
} // namespace

QJsonObject AuditRecord::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("kind"), kind);
    o.insert(QStringLiteral("actor"), actor);
    o.insert(QStringLiteral("action"), action);
    o.insert(QStringLiteral("result"), result);
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    if (!containerId.isEmpty() || !containerName.isEmpty())
        o.insert(QStringLiteral("container"),
                 QJsonObject { { QStringLiteral("id"), containerId },
                               { QStringLiteral("name"), containerName },
                               { QStringLiteral("category"), category } });
    if (!keptId.isEmpty())
        o.insert(QStringLiteral("kept"), keptId);
    if (!rule.isEmpty())
        o.insert(QStringLiteral("rule"), rule);
    if (!severity.isEmpty())
        o.insert(QStringLiteral("severity"), severity);
    if (value)
        o.insert(QStringLiteral("value"), *value);
    if (threshold)
        o.insert(QStringLiteral("threshold"), *threshold);
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

std::optional<AuditRecord> AuditRecord::fromJson(const QJsonObject& o)
{
    AuditRecord r;
    r.time = QDateTime::fromString(o.value(QStringLiteral("time")).toString(), Qt::ISODateWithMs);
    r.kind = o.value(QStringLiteral("kind")).toString();
    if (!r.time.isValid() || r.kind.isEmpty())
        return std::nullopt;
    r.actor = o.value(QStringLiteral("actor")).toString();
    r.action = o.value(QStringLiteral("action")).toString();
    r.result = o.value(QStringLiteral("result")).toString();
    r.reason = o.value(QStringLiteral("reason")).toString();
    const QJsonObject c = o.value(QStringLiteral("container")).toObject();
    r.containerId = c.value(QStringLiteral("id")).toString();
    r.containerName = c.value(QStringLiteral("name")).toString();
    r.category = c.value(QStringLiteral("category")).toString();
    r.keptId = o.value(QStringLiteral("kept")).toString();
    r.rule = o.value(QStringLiteral("rule")).toString();
    r.severity = o.value(QStringLiteral("severity")).toString();
    if (o.value(QStringLiteral("value")).isDouble())
        r.value = o.value(QStringLiteral("value")).toDouble();
    if (o.value(QStringLiteral("threshold")).isDouble())
        r.threshold = o.value(QStringLiteral("threshold")).toDouble();
    r.error = o.value(QStringLiteral("error")).toString();
    return r;
}

AuditLog::AuditLog(QString dataDir, qint64 maxFileBytes, int keepFiles)
    : m_dir(std::move(dataDir))
    , m_maxFileBytes(maxFileBytes)
    , m_keepFiles(std::max(1, keepFiles))
{ }

AuditLog::~AuditLog()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

QString AuditLog::activePath() const
{
    return QDir(m_dir).filePath(QLatin1String(fileName));
}

bool AuditLog::open(QString* error)
{
    if (m_fd >= 0)
        return true;
    if (!QDir().mkpath(m_dir)) {
        *error = QStringLiteral("cannot create %1").arg(m_dir);
        return false;
    }
    const QByteArray path = QFile::encodeName(activePath());
    m_fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_fd < 0) {
        *error = QStringLiteral("cannot open %1: %2").arg(activePath(), errnoText());
        return false;
    }
    struct stat st
    {
    };
    m_size = ::fstat(m_fd, &st) == 0 ? qint64(st.st_size) : 0;
    // A crash may have torn the last line: start ours on a fresh one.
    if (m_size > 0) {
        QFile f(activePath());
        if (f.open(QIODevice::ReadOnly) && f.seek(m_size - 1) && f.read(1) != "\n") {
            if (writeAll(m_fd, "\n"))
                ++m_size;
        }
    }
    return true;
}

bool AuditLog::rotate(QString* error)
{
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    const QDir dir(m_dir);
    const QString base = QLatin1String(fileName);
    QFile::remove(dir.filePath(base + QLatin1Char('.') + QString::number(m_keepFiles)));
    for (int i = m_keepFiles - 1; i >= 1; --i) {
        const QString from = dir.filePath(base + QLatin1Char('.') + QString::number(i));
        if (QFile::exists(from))
            QFile::rename(from, dir.filePath(base + QLatin1Char('.') + QString::number(i + 1)));
    }
    if (!QFile::rename(activePath(), dir.filePath(base + QStringLiteral(".1")))) {
        *error = QStringLiteral("cannot rotate %1").arg(activePath());
        return false;
    }
    // The renames themselves must survive a crash too.
    const int dfd = ::open(QFile::encodeName(m_dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return open(error);
}

bool AuditLog::append(const AuditRecord& record, QString* error)
{
    QString why;
    QByteArray line = QJsonDocument(record.toJson()).toJson(QJsonDocument::Compact);
    line.append('\n');
    bool ok = open(&why);
    if (ok && m_size > 0 && m_size + line.size() > m_maxFileBytes)
        ok = rotate(&why);
    if (ok && !writeAll(m_fd, line)) {
        why = QStringLiteral("cannot write %1: %2").arg(activePath(), errnoText());
        ok = false;
    }
    if (ok && ::fdatasync(m_fd) != 0) {
        why = QStringLiteral("cannot sync %1: %2").arg(activePath(), errnoText());
        ok = false;
    }
    if (!ok) {
        // Reopen next time: the directory may have come back.
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
        m_lastError = why;
        if (error)
            *error = why;
        return false;
    }
    m_size += line.size();
    m_lastError.clear();
    return true;
}

QStringList AuditLog::files(const QString& dataDir)
{
    const QDir dir(dataDir);
    QList<QPair<int, QString>> rotated;
    const QString base = QLatin1String(fileName);
    for (const QString& name : dir.entryList({ base + QStringLiteral(".*") }, QDir::Files)) {
        bool ok = false;
        const int n = name.mid(base.size() + 1).toInt(&ok);
        if (ok && n > 0)
            rotated.append({ n, dir.filePath(name) });
    }
    std::sort(rotated.begin(), rotated.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    QStringList out;
    for (const auto& r : rotated)
        out.append(r.second);
    if (QFile::exists(dir.filePath(base)))
        out.append(dir.filePath(base));
    return out;
}

QList<AuditRecord> AuditLog::read(const QString& dataDir, const QDateTime& since, int limit, int* skipped)
{
    QList<AuditRecord> out;
    int bad = 0;
    for (const QString& path : files(dataDir)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        while (!f.atEnd()) {
            const QByteArray line = f.readLine(1024 * 1024).trimmed();
            if (line.isEmpty())
                continue;
            QJsonParseError pe {};
            const QJsonDocument doc = QJsonDocument::fromJson(line, &pe);
            const auto record = doc.isObject() ? AuditRecord::fromJson(doc.object()) : std::nullopt;
            if (!record) {
                ++bad;
                continue;
            }
            if (since.isValid() && record->time < since)
                continue;
            out.append(*record);
            if (limit > 0 && out.size() > 2 * limit)
                out.erase(out.begin(), out.end() - limit);
        }
    }
    if (limit > 0 && out.size() > limit)
        out.erase(out.begin(), out.end() - limit);
    if (skipped)
        *skipped = bad;
    return out;
}

QByteArray AuditLog::toJsonArray(const QList<AuditRecord>& records)
{
    QJsonArray array;
    for (const AuditRecord& r : records)
        array.append(r.toJson());
    return QJsonDocument(array).toJson(QJsonDocument::Indented);
}
