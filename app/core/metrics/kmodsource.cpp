#include "core/metrics/kmodsource.h"

#include "core/metrics/containerid.h"
#include "core/metrics/fileutil.h"
#include "core/model/kmodjson.h"

#include <QDir>
#include <QElapsedTimer>

#include <cerrno>
#include <cstring>
#include <time.h>

KmodSource::KmodSource(QString procFile)
    : m_procFile(std::move(procFile))
{ }

bool KmodSource::sample(RawSample& out, QString* error)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const qint64 now = qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;

    const auto text = FileUtil::readFile(m_procFile, 64 * 1024 * 1024);
    if (!text) {
        const int err = errno;
        // The module's file is root only unless loaded with read_gid=.
        const QString hint = err == EACCES || err == EPERM
            ? QStringLiteral("root only, unless the module was loaded with read_gid=<group>")
            : QStringLiteral("is the container_sysinfo module loaded?");
        if (error)
            *error = QStringLiteral("cannot read %1: %2 (%3)")
                         .arg(m_procFile, QString::fromLocal8Bit(strerror(err)), hint);
        return false;
    }
    QString why;
    if (!m_reader.parse(*text, out, &why)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(m_procFile, why);
        return false;
    }
    // The module stamps its own CLOCK_MONOTONIC (ktime_get_ns) time; the
    // original's module does not, so stamp the read ourselves.
    if (out.monotonicNs == 0)
        out.monotonicNs = now;
    return true;
}

bool KmodSource::parse(const QByteArray& text, RawSample& out, QString* error)
{
    if (!parseKmodJson(text, out, error))
        return false;
    for (RawContainer& c : out.containers)
        nameFromCgroup(c);
    return true;
}

void KmodSource::nameFromCgroup(RawContainer& c)
{
    const QString named = containerIdFromCgroupPath(c.cgroupPath);
    if (!named.isEmpty())
        c.id = named;
}

QString KmodSource::detect(const QString& procRoot)
{
    const QString preferred = procRoot + QLatin1String("/container_sysinfo");
    if (FileUtil::exists(QFile::encodeName(preferred)))
        return preferred;
    const QDir dir(procRoot);
    const QStringList legacy = dir.entryList({ QStringLiteral("sysinfo_*") }, QDir::Files | QDir::Readable, QDir::Name);
    return legacy.isEmpty() ? QString() : dir.filePath(legacy.first());
}
