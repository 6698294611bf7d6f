#pragma once

#include "core/docker/dockerhost.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

// What went wrong with one Docker call, in words a user can act on.
struct DockerError
{
    enum class Kind {
        None,
        Unreachable, // no connection, connection lost, or no answer in time
        Http, // the daemon answered with an error status
        BadResponse, // the answer could not be understood
        Invalid, // refused before sending (bad argument)
        Cancelled,
    };
    Kind kind = Kind::None;
    bool timedOut = false; // Unreachable because the timeout expired
    int httpStatus = 0;
    QString daemonMessage; // the daemon's {"message": ...}, verbatim
    QString endpoint; // unix:///var/run/docker.sock
    QString request; // "GET /containers/json"
    // The whole sentence: "cannot reach Docker at unix:///var/run/docker.sock:
    // connection refused (GET /_ping)".
    QString message;
    // Unreachable because TLS failed, and how: message then starts with
    // "Docker TLS:" and says what to fix. (Last: tests build errors
    // positionally.)
    DockerTlsFailure tls = DockerTlsFailure::None;

    bool isError() const { return kind != Kind::None; }
    bool isNotFound() const { return kind == Kind::Http && httpStatus == 404; }
};

template<typename T> struct DockerResult
{
    T value {};
    DockerError error;
    bool ok() const { return !error.isError(); }
};
using DockerNothing = std::monostate;

struct PingInfo
{
    QString apiVersion; // API-Version header ("1.41")
    QString osType;
};

struct VersionInfo
{
    QString version; // "20.10.24+dfsg1"
    QString apiVersion;
    QString minApiVersion;
    QString os;
    QString arch;
    QString kernelVersion;
};

// One entry of GET /containers/json.
struct ContainerSummary
{
    QString id;
    QString name; // first name, without the leading '/'
    QString image;
    QString command;
    qint64 createdSeconds = 0; // the list only has whole seconds: inspect for ordering
    QString state; // "running", "exited", ...
    QString status; // "Up 3 seconds"
    QHash<QString, QString> labels;
};

// GET /containers/{id}/json, the fields Stevedore reads.
struct ContainerInfo
{
    QString id;
    QString name; // without the leading '/'
    QString image; // Config.Image as given at create time
    qint64 createdNs = 0; // nanoseconds since the epoch: exact creation order
    QString state; // State.Status
    bool running = false;
    qint64 pid = 0; // State.Pid, 0 when not running
    qint64 startedAtNs = 0; // 0 when never started
    int exitCode = 0;
    QStringList cmd; // Config.Cmd
    QStringList entrypoint; // Config.Entrypoint
    QHash<QString, QString> labels; // Config.Labels
    bool tty = false; // Config.Tty: its logs are a raw stream, not multiplexed
    bool paused = false; // State.Paused
    int restartCount = 0; // RestartCount
    QString restartPolicy; // HostConfig.RestartPolicy.Name
    qint64 memoryLimitBytes = 0; // HostConfig.Memory, 0 = none
    qint64 nanoCpus = 0; // HostConfig.NanoCpus, 0 = none
    QString networkMode; // HostConfig.NetworkMode
    QStringList mounts; // "source -> destination (type, ro)"
    QString error; // State.Error

    QDateTime created() const; // millisecond precision, UTC
    QString commandLine() const; // entrypoint + cmd joined by spaces
};

// What to create. Mirrors `docker run -d --name NAME --label k=v --network M IMAGE CMD...`.
struct ContainerSpec
{
    QString name;
    QString image;
    QStringList cmd;
    QHash<QString, QString> labels;
    QString networkMode; // empty: the daemon's default network
    bool autoRemove = false;
};

struct ImageInfo
{
    QString id;
    QStringList repoTags;
    qint64 sizeBytes = 0;
};

// One line of the pull stream, plus the running totals over all layers.
struct PullProgress
{
    QString status; // "Downloading", "Pull complete", ...
    QString layer; // layer id, empty for whole-image lines
    qint64 current = 0;
    qint64 total = 0;
    QString error; // set on an {"error": ...} line: the pull failed
    qint64 totalCurrent = 0; // sums over every layer seen so far
    qint64 totalBytes = 0;
};

// One /events message (type container, image, network, ...).
struct DockerEvent
{
    QString type; // "container"
    QString action; // "start", "die", "destroy", "exec_start: sh", ...
    QString id; // Actor.ID
    QHash<QString, QString> attributes; // name, image, labels, exitCode, ...
    qint64 timeNs = 0;

    // "exec_start: sh" → "exec_start"
    QString baseAction() const;
};

struct EventFilter
{
    QStringList types = { QStringLiteral("container") };
    QStringList labels; // "key" or "key=value"
};

// GET /containers/{id}/logs: what to ask for.
struct LogsQuery
{
    bool follow = true; // keep the stream open for new lines
    bool timestamps = true; // each line starts with an RFC 3339 time
    bool stdoutStream = true;
    bool stderrStream = true;
    int tail = 500; // the last N lines first; < 0 = all
};

struct ContainerListQuery
{
    bool all = false; // include stopped containers
    QStringList labels; // "key" or "key=value": all must match
    QStringList names;
    QStringList ids;
    QStringList statuses; // "running", "exited", ...
};

Q_DECLARE_METATYPE(DockerEvent)
Q_DECLARE_METATYPE(PullProgress)

// Pure parsers for the daemon's JSON, exposed for tests. Each returns false
// and sets `error` when the reply is not JSON, is nested deeper than
// kMaxNestingDepth, or a field it needs is missing or has the wrong type; none
// throws. Optional numbers that do not fit a qint64 (1e400 is refused as not
// JSON; 1e30 or 2^64) read as absent (0).
namespace DockerJson {
constexpr int kMaxNestingDepth = 64;

// RFC 3339 with up to nine fractional digits and Z or ±hh:mm → ns since the
// epoch. Docker's zero time (0001-01-01T00:00:00Z) and anything outside what
// a qint64 of nanoseconds can hold → nullopt.
std::optional<qint64> parseTimestampNs(QStringView text);
QString formatTimestampNs(qint64 ns); // RFC 3339 UTC with nine fractional digits

bool parseContainerList(const QByteArray& body, QList<ContainerSummary>& out, QString* error);
bool parseContainerInspect(const QByteArray& body, ContainerInfo& out, QString* error);
bool parseImageInspect(const QByteArray& body, ImageInfo& out, QString* error);
bool parseVersion(const QByteArray& body, VersionInfo& out, QString* error);
bool parseCreateResponse(const QByteArray& body, QString& id, QStringList& warnings, QString* error);
bool parseEvent(const QByteArray& line, DockerEvent& out, QString* error);
// One line of the pull stream. Returns false for a line that is not JSON.
bool parsePullLine(const QByteArray& line, PullProgress& out, QString* error);
// The daemon's {"message": "..."}; the trimmed body when it is not that JSON.
QString errorMessage(const QByteArray& body);

QByteArray containerSpecToJson(const ContainerSpec& spec);
// {"label": ["a=b"], "type": [...]} as Docker's `filters` query parameter wants it.
QByteArray filtersJson(const QList<QPair<QString, QStringList>>& filters);

// "1.41" < "1.9"? No: compares numerically component by component.
int compareApiVersions(QStringView a, QStringView b);
} // namespace DockerJson
