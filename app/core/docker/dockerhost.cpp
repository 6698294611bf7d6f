#include "core/docker/dockerhost.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QUrl>

namespace {
const QLatin1String kDefaultSocket("/var/run/docker.sock");

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

// Reads a JSON file; nullopt when it does not exist, error set when it is
// unreadable or malformed.
std::optional<nlohmann::json> readJson(const QString& path, bool* exists, QString* error)
{
    QFile file(path);
    *exists = file.exists();
    if (!*exists)
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    const QByteArray bytes = file.readAll();
    auto json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size(), nullptr, false);
    if (json.is_discarded()) {
        fail(error, QStringLiteral("%1 is not valid JSON").arg(path));
        return std::nullopt;
    }
    return json;
}

QString stringAt(const nlohmann::json& json, std::initializer_list<const char*> keys)
{
    const nlohmann::json* node = &json;
    for (const char* key : keys) {
        if (!node->is_object())
            return {};
        const auto it = node->find(key);
        if (it == node->end())
            return {};
        node = &*it;
    }
    return node->is_string() ? QString::fromStdString(node->get<std::string>()) : QString();
}
} // namespace

QString DockerEndpoint::url() const
{
    if (kind == Kind::Unix)
        return QStringLiteral("unix://") + socketPath;
    const QString h = host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(host) : host;
    return QStringLiteral("tcp://%1:%2").arg(h).arg(port);
}

QByteArray DockerEndpoint::baseUrl() const
{
    if (kind == Kind::Unix)
        return QByteArrayLiteral("http://localhost"); // the socket path goes to CURLOPT_UNIX_SOCKET_PATH
    const QString h = host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(host) : host;
    return QStringLiteral("http://%1:%2").arg(h).arg(port).toUtf8();
}

DockerEndpoint DockerEndpoint::defaultEndpoint()
{
    DockerEndpoint e;
    e.kind = Kind::Unix;
    e.socketPath = kDefaultSocket;
    e.origin = QStringLiteral("default");
    return e;
}

std::optional<DockerEndpoint> parseDockerHost(const QString& input, QString* error)
{
    const QString text = input.trimmed();
    DockerEndpoint e;
    if (text.isEmpty()) {
        fail(error, QStringLiteral("empty Docker host"));
        return std::nullopt;
    }
    if (text.startsWith(QLatin1Char('/'))) {
        e.kind = DockerEndpoint::Kind::Unix;
        e.socketPath = text;
        return e;
    }
    const int sep = text.indexOf(QLatin1String("://"));
    if (sep <= 0) {
        fail(error,
             QStringLiteral("'%1' is not a Docker host: use unix:///path/to/docker.sock or tcp://host:port").arg(text));
        return std::nullopt;
    }
    const QString scheme = text.left(sep).toLower();
    const QString rest = text.mid(sep + 3);
    if (scheme == QLatin1String("unix")) {
        if (!rest.startsWith(QLatin1Char('/'))) {
            fail(error,
                 QStringLiteral("'%1' needs an absolute socket path, e.g. unix:///var/run/docker.sock").arg(text));
            return std::nullopt;
        }
        e.kind = DockerEndpoint::Kind::Unix;
        e.socketPath = rest;
        return e;
    }
    if (scheme == QLatin1String("tcp") || scheme == QLatin1String("http")) {
        // QUrl understands [v6]:port and rejects garbage; a path after the
        // authority (tcp://host:2375/base) is not supported and refused.
        const QUrl url(QStringLiteral("http://") + rest, QUrl::StrictMode);
        if (!url.isValid() || (!url.path().isEmpty() && url.path() != QLatin1String("/")) || url.hasQuery()) {
            fail(error, QStringLiteral("'%1' is not a valid tcp Docker host (tcp://host:port)").arg(text));
            return std::nullopt;
        }
        e.kind = DockerEndpoint::Kind::Tcp;
        e.host = url.host().isEmpty() ? QStringLiteral("127.0.0.1") : url.host();
        e.port = url.port(2375);
        if (e.port <= 0 || e.port > 65535) {
            fail(error, QStringLiteral("'%1' has an invalid port").arg(text));
            return std::nullopt;
        }
        return e;
    }
    if (scheme == QLatin1String("ssh") || scheme == QLatin1String("npipe") || scheme == QLatin1String("fd")
        || scheme == QLatin1String("https")) {
        fail(error,
             QStringLiteral("Docker host '%1': %2:// is not supported by Stevedore (use unix:// or tcp://)")
                 .arg(text, scheme));
        return std::nullopt;
    }
    fail(error, QStringLiteral("Docker host '%1' has an unknown scheme '%2'").arg(text, scheme));
    return std::nullopt;
}

DockerHostInputs DockerHostInputs::fromEnvironment(const QString& explicitHost)
{
    DockerHostInputs in;
    in.explicitHost = explicitHost;
    in.dockerHost = qEnvironmentVariable("DOCKER_HOST");
    in.dockerContext = qEnvironmentVariable("DOCKER_CONTEXT");
    in.configDir = qEnvironmentVariable("DOCKER_CONFIG");
    if (in.configDir.isEmpty())
        in.configDir = QDir::homePath() + QStringLiteral("/.docker");
    return in;
}

std::optional<DockerEndpoint> resolveDockerHost(const DockerHostInputs& in, QString* error)
{
    auto from = [error](const QString& text, const QString& origin) -> std::optional<DockerEndpoint> {
        QString why;
        auto e = parseDockerHost(text, &why);
        if (!e) {
            fail(error, QStringLiteral("%1: %2").arg(origin, why));
            return std::nullopt;
        }
        e->origin = origin;
        return e;
    };
    if (!in.explicitHost.trimmed().isEmpty())
        return from(in.explicitHost, QStringLiteral("--docker-host"));
    if (!in.dockerHost.trimmed().isEmpty())
        return from(in.dockerHost, QStringLiteral("DOCKER_HOST"));

    QString context = in.dockerContext.trimmed();
    QString contextOrigin = QStringLiteral("DOCKER_CONTEXT");
    if (context.isEmpty() && !in.configDir.isEmpty()) {
        bool exists = false;
        QString why;
        const auto config = readJson(in.configDir + QStringLiteral("/config.json"), &exists, &why);
        if (exists && !config) {
            fail(error, why);
            return std::nullopt;
        }
        if (config) {
            context = stringAt(*config, { "currentContext" }).trimmed();
            contextOrigin = QStringLiteral("currentContext in %1/config.json").arg(in.configDir);
        }
    }
    // "default" is the CLI's built-in context: DOCKER_HOST or the default socket.
    if (!context.isEmpty() && context != QLatin1String("default")) {
        const QByteArray digest = QCryptographicHash::hash(context.toUtf8(), QCryptographicHash::Sha256).toHex();
        const QString metaPath
            = QStringLiteral("%1/contexts/meta/%2/meta.json").arg(in.configDir, QString::fromLatin1(digest));
        bool exists = false;
        QString why;
        const auto meta = readJson(metaPath, &exists, &why);
        if (!meta) {
            fail(error,
                 exists ? why
                        : QStringLiteral("docker context \"%1\" (from %2) does not exist: no %3")
                              .arg(context, contextOrigin, metaPath));
            return std::nullopt;
        }
        const QString host = stringAt(*meta, { "Endpoints", "docker", "Host" });
        if (host.isEmpty()) {
            fail(error, QStringLiteral("docker context \"%1\" has no docker endpoint (%2)").arg(context, metaPath));
            return std::nullopt;
        }
        return from(host, QStringLiteral("docker context \"%1\"").arg(context));
    }
    return DockerEndpoint::defaultEndpoint();
}
