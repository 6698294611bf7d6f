#include "core/manager/spawner.h"

#include "core/docker/dockerclient.h"

#include <QRegularExpression>

QString stressTypeToken(StressType type)
{
    switch (type) {
    case StressType::Cpu:
        return QStringLiteral("cpu");
    case StressType::Io:
        return QStringLiteral("io");
    case StressType::Vm:
        return QStringLiteral("vm");
    case StressType::Hdd:
        return QStringLiteral("hdd");
    }
    return QStringLiteral("cpu");
}

Category stressTypeCategory(StressType type)
{
    switch (type) {
    case StressType::Cpu:
        return Category::Cpu;
    case StressType::Io:
        return Category::Io;
    case StressType::Vm:
        return Category::Ram;
    case StressType::Hdd:
        return Category::Disk;
    }
    return Category::Other;
}

std::optional<StressType> stressTypeFromName(QStringView name)
{
    const auto category = categoryFromName(name);
    if (!category)
        return std::nullopt;
    switch (*category) {
    case Category::Cpu:
        return StressType::Cpu;
    case Category::Io:
        return StressType::Io;
    case Category::Ram:
        return StressType::Vm;
    case Category::Disk:
        return StressType::Hdd;
    case Category::Other:
        break;
    }
    return std::nullopt;
}

QList<StressType> allStressTypes()
{
    return { StressType::Cpu, StressType::Io, StressType::Vm, StressType::Hdd };
}

SpawnSettings SpawnSettings::fromEnvironment()
{
    SpawnSettings s;
    auto env = [](const char* name, QString& target) {
        const QString value = qEnvironmentVariable(name).trimmed();
        if (!value.isEmpty())
            target = value;
    };
    env("STEVEDORE_IMAGE", s.image);
    env("STEVEDORE_VM_BYTES", s.vmBytes);
    env("STEVEDORE_HDD_BYTES", s.hddBytes);
    env("STEVEDORE_NETWORK", s.networkMode);
    const QStringList labels = qEnvironmentVariable("STEVEDORE_LABELS")
                                   .split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
    for (const QString& label : labels) {
        const int eq = label.indexOf(QLatin1Char('='));
        s.extraLabels.insert(eq < 0 ? label : label.left(eq), eq < 0 ? QString() : label.mid(eq + 1));
    }
    const QStringList types = qEnvironmentVariable("STEVEDORE_TYPES")
                                  .split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
    for (const QString& t : types) {
        if (const auto type = stressTypeFromName(t))
            s.types.append(*type);
    }
    return s;
}

bool isValidByteSize(QStringView text)
{
    static const QRegularExpression re(QStringLiteral("^[0-9]+[bBkKmMgG]?$"));
    return re.match(text).hasMatch();
}

bool SpawnSettings::validate(QString* error) const
{
    // The script's own words, so both spawners say the same thing.
    const auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return false;
    };
    if (!isValidByteSize(vmBytes))
        return fail(QStringLiteral("STEVEDORE_VM_BYTES must look like 256M, not '%1'").arg(vmBytes));
    if (!isValidByteSize(hddBytes))
        return fail(QStringLiteral("STEVEDORE_HDD_BYTES must look like 1G, not '%1'").arg(hddBytes));
    return true;
}

QString stressOptions(StressType type, const SpawnSettings& s)
{
    switch (type) {
    case StressType::Cpu:
        return QStringLiteral("--cpu 1");
    case StressType::Io:
        return QStringLiteral("--io 1");
    case StressType::Vm:
        return QStringLiteral("--vm 2 --vm-bytes ") + s.vmBytes;
    case StressType::Hdd:
        return QStringLiteral("--hdd 1 --hdd-bytes ") + s.hddBytes;
    }
    return {};
}

QString randomNameSuffix(QRandomGenerator& random, int length)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    QString out;
    out.reserve(length);
    for (int i = 0; i < length; ++i)
        out.append(QLatin1Char(alphabet[random.bounded(36)])); // bounded() is unbiased
    return out;
}

QString spawnContainerName(StressType type, const QString& suffix)
{
    return QStringLiteral("stress_") + stressTypeToken(type) + QLatin1Char('_') + suffix;
}

bool isSpawnName(QStringView name)
{
    static const QRegularExpression re(QStringLiteral("^stress_(cpu|io|vm|hdd)_[a-z0-9]{8}$"));
    return re.match(name).hasMatch();
}

ContainerSpec spawnSpec(StressType type, const SpawnSettings& settings, const QString& name)
{
    ContainerSpec spec;
    spec.name = name;
    spec.image = settings.image;
    // exec: stress becomes the container's main process (PID 1's child no
    // more), so the PID the manager reports is the stress process itself.
    spec.cmd = { QStringLiteral("sh"), QStringLiteral("-c"),
                 QStringLiteral("exec stress ") + stressOptions(type, settings) };
    spec.labels = settings.extraLabels;
    spec.labels.insert(QStringLiteral("stevedore.managed"), QStringLiteral("true"));
    spec.labels.insert(QStringLiteral("stevedore.category"), categoryName(stressTypeCategory(type)));
    spec.networkMode = settings.networkMode;
    return spec;
}

Spawner::Spawner(DockerClient* client, SpawnSettings settings, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_settings(std::move(settings))
{
    qRegisterMetaType<PullProgress>();
    qRegisterMetaType<SpawnedContainer>();
    qRegisterMetaType<SpawnReport>();
}

void Spawner::spawn(int count)
{
    const QList<StressType> pool = m_settings.types.isEmpty() ? allStressTypes() : m_settings.types;
    QList<StressType> types;
    for (int i = 0; i < count; ++i)
        types.append(pool.at(int(QRandomGenerator::global()->bounded(quint32(pool.size())))));
    spawnTypes(types);
}

void Spawner::spawnTypes(const QList<StressType>& types)
{
    if (m_running) {
        Q_EMIT message(QStringLiteral("[WARN] A spawn is already running; request ignored"));
        return;
    }
    m_running = true;
    m_cancelled = false;
    m_queue = types;
    m_report = {};
    if (!m_client) {
        m_report.errors.append(QStringLiteral("no Docker client"));
        finish();
        return;
    }
    // The sizes go into `sh -c "exec stress ..."` in the container: a value
    // like "1G; reboot" must never get there.
    QString invalid;
    if (!m_settings.validate(&invalid)) {
        m_report.errors.append(invalid);
        finish();
        return;
    }
    ensureImage();
}

void Spawner::cancel()
{
    m_cancelled = true;
}

void Spawner::ensureImage()
{
    m_call = m_client->inspectImage(
        m_settings.image,
        [this](const DockerResult<ImageInfo>& r) {
            if (r.ok()) {
                next();
                return;
            }
            if (!r.error.isNotFound() || !m_settings.pullIfMissing) {
                m_report.errors.append(r.error.isNotFound()
                                           ? QStringLiteral("image %1 is not present").arg(m_settings.image)
                                           : r.error.message);
                finish();
                return;
            }
            Q_EMIT message(QStringLiteral("[INFO] Image %1 not present, pulling it...").arg(m_settings.image));
            m_call = m_client->pullImage(
                m_settings.image, [this](const PullProgress& p) { Q_EMIT pullProgress(p); },
                [this](const DockerResult<DockerNothing>& pulled) {
                    if (!pulled.ok()) {
                        m_report.errors.append(QStringLiteral("image %1 is not present and could not be pulled: %2")
                                                   .arg(m_settings.image, pulled.error.message));
                        finish();
                        return;
                    }
                    Q_EMIT message(QStringLiteral("[INFO] Image %1 pulled").arg(m_settings.image));
                    next();
                },
                this);
        },
        this);
}

void Spawner::next()
{
    if (m_cancelled || m_queue.isEmpty() || !m_client) {
        finish();
        return;
    }
    const StressType type = m_queue.takeFirst();
    const QString name = spawnContainerName(type, randomNameSuffix(*QRandomGenerator::system()));
    const ContainerSpec spec = spawnSpec(type, m_settings, name);
    const QString options = stressOptions(type, m_settings);
    m_call = m_client->runContainer(
        spec,
        [this, name, type, options](const DockerResult<QString>& r) {
            if (r.ok()) {
                SpawnedContainer c { r.value, name, type, options };
                m_report.created.append(c);
                Q_EMIT message(QStringLiteral("Container created: %1 with option %2 (type: %3)")
                                   .arg(name, options, stressTypeToken(type)));
                Q_EMIT containerSpawned(c);
            } else {
                m_report.errors.append(QStringLiteral("%1: %2").arg(name, r.error.message));
                Q_EMIT message(QStringLiteral("[ERROR] Could not create %1: %2").arg(name, r.error.message));
                if (r.error.kind == DockerError::Kind::Unreachable) {
                    finish(); // the rest would fail the same way
                    return;
                }
            }
            next();
        },
        this);
}

void Spawner::finish()
{
    m_running = false;
    m_call = 0;
    m_queue.clear();
    Q_EMIT finished(m_report);
}
