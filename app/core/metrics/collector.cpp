#include "core/metrics/collector.h"

#include "core/metrics/cgroupsource.h"
#include "core/metrics/fileutil.h"
#include "core/metrics/kmodsource.h"
#include "core/metrics/netdev.h"

QString SourceOptions::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Kmod:
        return QStringLiteral("kmod");
    case Kind::Cgroup:
        return QStringLiteral("cgroup");
    case Kind::Auto:
        break;
    }
    return QStringLiteral("auto");
}

std::optional<SourceOptions::Kind> SourceOptions::kindFromName(const QString& name)
{
    for (Kind kind : { Kind::Auto, Kind::Kmod, Kind::Cgroup }) {
        if (name == kindName(kind))
            return kind;
    }
    return std::nullopt;
}

Collector::Collector(SourceOptions options)
    : m_options(std::move(options))
{ }

Collector::~Collector() = default;

std::unique_ptr<MetricSource> Collector::chooseSource(const SourceOptions& o, QString* note)
{
    switch (o.kind) {
    case SourceOptions::Kind::Kmod: {
        const QString file = o.procFile.isEmpty() ? KmodSource::detect(o.procRoot) : o.procFile;
        return std::make_unique<KmodSource>(file.isEmpty() ? o.procRoot + QLatin1String("/container_sysinfo") : file);
    }
    case SourceOptions::Kind::Cgroup:
        return std::make_unique<CgroupSource>(o.procRoot, o.cgroupRoot);
    case SourceOptions::Kind::Auto:
        break;
    }
    const QString file = o.procFile.isEmpty() ? KmodSource::detect(o.procRoot) : o.procFile;
    if (!file.isEmpty()) {
        auto kmod = std::make_unique<KmodSource>(file);
        RawSample probe;
        QString why;
        if (kmod->sample(probe, &why))
            return kmod;
        if (note)
            *note = QStringLiteral("kernel module file unusable, using cgroup files: %1").arg(why);
    } else if (note) {
        *note
            = QStringLiteral("kernel module not loaded (no %1/container_sysinfo), using cgroup files").arg(o.procRoot);
    }
    return std::make_unique<CgroupSource>(o.procRoot, o.cgroupRoot);
}

std::optional<Snapshot> Collector::collect(QString* error)
{
    if (!m_source)
        m_source = chooseSource(m_options, &m_note);

    RawSample raw;
    QString why;
    if (!m_source->sample(raw, &why)) {
        if (m_options.kind == SourceOptions::Kind::Auto && m_source->name() == QLatin1String("kmod")) {
            // The module was unloaded (or broke) under us: go on with cgroups.
            m_note = QStringLiteral("kernel module file stopped working, switched to cgroup files: %1").arg(why);
            m_source = std::make_unique<CgroupSource>(m_options.procRoot, m_options.cgroupRoot);
            m_previous.reset();
            if (!m_source->sample(raw, &why)) {
                if (error)
                    *error = why;
                return std::nullopt;
            }
        } else {
            if (error)
                *error = why;
            return std::nullopt;
        }
    }
    addNetworkCounters(raw, m_options.procRoot, m_options.netAllInterfaces);
    Snapshot s = computeSnapshot(m_previous ? &*m_previous : nullptr, raw);
    if (!m_note.isEmpty())
        s.warnings.prepend(m_note);
    m_previous = std::move(raw);
    return s;
}

void Collector::addNetworkCounters(RawSample& sample, const QString& procRoot, bool includeLoopback)
{
    for (RawContainer& c : sample.containers) {
        if (c.pid <= 0)
            continue;
        const QString path = procRoot + QLatin1Char('/') + QString::number(c.pid) + QLatin1String("/net/dev");
        const std::optional<QByteArray> text = FileUtil::readFile(path);
        if (!text)
            continue; // the process exited between the sample and now
        QString why;
        const std::optional<NetCounters> net = NetDev::parse(*text, includeLoopback, &why);
        if (!net) {
            sample.warnings.append(QStringLiteral("%1: %2").arg(path, why));
            continue;
        }
        c.raw.netRxBytes = net->rxBytes;
        c.raw.netTxBytes = net->txBytes;
        c.raw.netRxPackets = net->rxPackets;
        c.raw.netTxPackets = net->txPackets;
    }
}

QString Collector::sourceName() const
{
    return m_source ? m_source->name() : QString();
}

QString Collector::sourceLocation() const
{
    return m_source ? m_source->location() : QString();
}
