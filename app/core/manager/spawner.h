#pragma once

// Complete type: moc needs it for the QPointer<DockerClient> member.
#include "core/docker/dockerclient.h"
#include "core/docker/dockertypes.h"
#include "core/model/category.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

#include <optional>

// The original's four loads. The token is the stress option without its dashes,
// which is what the original's script put in names (stress_cpu_, stress_io_,
// stress_vm_, stress_hdd_); the category is what labels and the UI say.
enum class StressType { Cpu, Io, Vm, Hdd };

QString stressTypeToken(StressType type); // "cpu", "io", "vm", "hdd"
Category stressTypeCategory(StressType type); // Cpu, Io, Ram, Disk
// Accepts tokens and category names: cpu, io, vm|ram|memory, hdd|disk.
std::optional<StressType> stressTypeFromName(QStringView name);
QList<StressType> allStressTypes();

// What every spawn uses. fromEnvironment() reads the variables the spawn
// script reads, so `stevedore --spawn` and scripts/spawn_containers.sh make
// the same containers: STEVEDORE_IMAGE, STEVEDORE_VM_BYTES,
// STEVEDORE_HDD_BYTES, STEVEDORE_TYPES ("cpu io" = only those),
// STEVEDORE_NETWORK ("none") and STEVEDORE_LABELS ("k=v,k2=v2", extra labels).
struct SpawnSettings
{
    QString image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
    QString vmBytes = QStringLiteral("256M");
    QString hddBytes = QStringLiteral("1G");
    QString networkMode; // empty: Docker's default network, as `docker run`
    QHash<QString, QString> extraLabels; // on top of the two stevedore.* labels
    QList<StressType> types; // random among these; empty = all four
    bool pullIfMissing = true;

    static SpawnSettings fromEnvironment();
    // What the spawn script checks before it runs anything: the sizes look
    // like 256M (digits and an optional b, k, m or g), since they end up in
    // the container's `sh -c` command line. False with the script's message.
    bool validate(QString* error) const;
};

// "256M", "1G", "4096": what stress accepts for --vm-bytes/--hdd-bytes, as
// scripts/spawn_containers.sh checks it (^[0-9]+[bBkKmMgG]?$).
bool isValidByteSize(QStringView text);

// "--cpu 1", "--io 1", "--vm 2 --vm-bytes 256M", "--hdd 1 --hdd-bytes 1G".
QString stressOptions(StressType type, const SpawnSettings& settings);
// 8 characters from [a-z0-9], as `tr -dc 'a-z0-9' </dev/urandom | head -c 8`.
QString randomNameSuffix(QRandomGenerator& random, int length = 8);
// stress_<token>_<suffix>
QString spawnContainerName(StressType type, const QString& suffix);
// True for names the spawner (or the script) makes.
bool isSpawnName(QStringView name);
// The full create request: sh -c "exec stress <options>", the labels
// stevedore.managed=true and stevedore.category=<category> (+ extra).
ContainerSpec spawnSpec(StressType type, const SpawnSettings& settings, const QString& name);

struct SpawnedContainer
{
    QString id;
    QString name;
    StressType type = StressType::Cpu;
    QString options; // the stress options it runs
};

struct SpawnReport
{
    QList<SpawnedContainer> created;
    QStringList errors; // one per container that could not be made, or the image error
    bool ok() const { return errors.isEmpty(); }
};

Q_DECLARE_METATYPE(SpawnedContainer)
Q_DECLARE_METATYPE(SpawnReport)

// Creates stress containers one after another (so their creation order is
// the order asked for), pulling the image first when it is missing.
class Spawner : public QObject
{
    Q_OBJECT
public:
    Spawner(DockerClient* client, SpawnSettings settings, QObject* parent = nullptr);

    const SpawnSettings& settings() const { return m_settings; }
    bool isRunning() const { return m_running; }

    // `count` containers of random types (among settings.types). Settings
    // that fail validate() end the spawn at once with that error.
    void spawn(int count);
    // Exactly these types, in this order.
    void spawnTypes(const QList<StressType>& types);
    // Stops after the request in flight; finished() still comes.
    void cancel();

Q_SIGNALS:
    void message(const QString& line);
    void pullProgress(const PullProgress& progress);
    void containerSpawned(const SpawnedContainer& container);
    void finished(const SpawnReport& report);

private:
    void ensureImage();
    void next();
    void finish();

    QPointer<DockerClient> m_client;
    SpawnSettings m_settings;
    QList<StressType> m_queue;
    SpawnReport m_report;
    bool m_running = false;
    bool m_cancelled = false;
    quint64 m_call = 0;
};
