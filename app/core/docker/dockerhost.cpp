#include "core/docker/dockerhost.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>
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

const nlohmann::json* nodeAt(const nlohmann::json& json, std::initializer_list<const char*> keys)
{
    const nlohmann::json* node = &json;
    for (const char* key : keys) {
        if (!node->is_object())
            return nullptr;
        const auto it = node->find(key);
        if (it == node->end())
            return nullptr;
        node = &*it;
    }
    return node;
}

QString stringAt(const nlohmann::json& json, std::initializer_list<const char*> keys)
{
    const nlohmann::json* node = nodeAt(json, keys);
    return node && node->is_string() ? QString::fromStdString(node->get<std::string>()) : QString();
}

bool boolAt(const nlohmann::json& json, std::initializer_list<const char*> keys)
{
    const nlohmann::json* node = nodeAt(json, keys);
    return node && node->is_boolean() && node->get<bool>();
}

QString contextDigest(const QString& name)
{
    return QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex());
}

enum class Pem { Certificate, PrivateKey };

// Reads a file that must be there and checks that it holds what libcurl
// will need, so a wrong file is named now rather than as an opaque
// handshake failure later. The key is not kept: libcurl reads it itself.
bool checkPem(const QString& path, Pem kind, QString* error)
{
    const QString what = kind == Pem::Certificate ? QStringLiteral("certificate") : QStringLiteral("private key");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(error, QStringLiteral("Docker TLS: cannot read the %1 %2: %3").arg(what, path, file.errorString()));
    const QByteArray bytes = file.read(1024 * 1024);
    if (kind == Pem::Certificate) {
        if (!bytes.contains("-----BEGIN CERTIFICATE-----"))
            return fail(error, QStringLiteral("Docker TLS: %1 is not a PEM certificate").arg(path));
        return true;
    }
    if (!bytes.contains("-----BEGIN ") || !bytes.contains("PRIVATE KEY-----"))
        return fail(error, QStringLiteral("Docker TLS: %1 is not a PEM private key").arg(path));
    // The docker CLI dropped encrypted keys too: nobody could type the
    // passphrase for a service.
    if (bytes.contains("ENCRYPTED"))
        return fail(error,
                    QStringLiteral("Docker TLS: the private key %1 is encrypted; Stevedore, like the docker CLI, "
                                   "needs it unencrypted (openssl pkey -in key.pem -out key.pem)")
                        .arg(path));
    return true;
}

// The client certificate and key of `dir`: both, or neither.
bool addClientCertificate(DockerTls& tls, const QString& dir, QString* error)
{
    const QString cert = dir + QStringLiteral("/cert.pem");
    const QString key = dir + QStringLiteral("/key.pem");
    const bool hasCert = QFileInfo::exists(cert);
    const bool hasKey = QFileInfo::exists(key);
    if (!hasCert && !hasKey)
        return true;
    if (hasCert != hasKey)
        return fail(error,
                    QStringLiteral("Docker TLS: %1 is there but %2 is not: a client certificate needs its key")
                        .arg(hasCert ? cert : key, hasCert ? key : cert));
    if (!checkPem(cert, Pem::Certificate, error) || !checkPem(key, Pem::PrivateKey, error))
        return false;
    tls.certFile = cert;
    tls.keyFile = key;
    return true;
}

// The default context's TLS (no named context): DOCKER_TLS_VERIFY /
// DOCKER_TLS and the files in DOCKER_CERT_PATH, as the docker CLI's
// SetDefaultOptions: cert.pem and key.pem are used when present; ca.pem
// must be there to verify the daemon (the CLI refuses without it too).
std::optional<DockerTls> tlsFromVariables(const DockerHostInputs& in, QString* error)
{
    DockerTls tls;
    const bool verify = !in.tlsVerify.isEmpty();
    if (!verify && in.tls.isEmpty())
        return tls;
    tls.enabled = true;
    tls.verify = verify;
    tls.certDir = in.certPath.isEmpty() ? in.configDir : in.certPath;
    if (verify) {
        const QString ca = tls.certDir + QStringLiteral("/ca.pem");
        if (!QFileInfo::exists(ca)) {
            fail(error,
                 QStringLiteral("Docker TLS: DOCKER_TLS_VERIFY is set but there is no %1 (the CA that signed the "
                                "daemon's certificate; DOCKER_CERT_PATH names the directory holding ca.pem, "
                                "cert.pem and key.pem)")
                     .arg(ca));
            return std::nullopt;
        }
        if (!checkPem(ca, Pem::Certificate, error))
            return std::nullopt;
        tls.caFile = ca;
    }
    if (!addClientCertificate(tls, tls.certDir, error))
        return std::nullopt;
    return tls;
}

// A named context's TLS: its files under contexts/tls/<digest>/docker (any
// of ca.pem, cert.pem, key.pem) and its SkipTLSVerify, as the CLI's
// Endpoint::tlsConfig(): no files and no SkipTLSVerify is plain tcp; no
// ca.pem verifies against the system's CAs.
std::optional<DockerTls> tlsFromContext(const QString& configDir, const QString& name, bool skipVerify, QString* error)
{
    DockerTls tls;
    const QString dir = QStringLiteral("%1/contexts/tls/%2/docker").arg(configDir, contextDigest(name));
    const QString ca = dir + QStringLiteral("/ca.pem");
    const bool hasCa = QFileInfo::exists(ca);
    const bool hasAny = hasCa || QFileInfo::exists(dir + QStringLiteral("/cert.pem"))
        || QFileInfo::exists(dir + QStringLiteral("/key.pem"));
    if (!hasAny && !skipVerify)
        return tls;
    tls.enabled = true;
    tls.verify = !skipVerify;
    tls.certDir = dir;
    if (hasCa && tls.verify) {
        if (!checkPem(ca, Pem::Certificate, error))
            return std::nullopt;
        tls.caFile = ca;
    }
    if (!addClientCertificate(tls, dir, error)) {
        if (error)
            *error += QStringLiteral(" (docker context \"%1\")").arg(name);
        return std::nullopt;
    }
    return tls;
}
} // namespace

QString DockerEndpoint::url() const
{
    if (kind == Kind::Unix)
        return QStringLiteral("unix://") + socketPath;
    const QString h = host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(host) : host;
    return QStringLiteral("tcp://%1:%2").arg(h).arg(port);
}

QString DockerEndpoint::describe() const
{
    if (kind == Kind::Unix || !tls.enabled)
        return url();
    const QString server = tls.verify ? QStringLiteral("daemon verified against %1")
                                            .arg(tls.caFile.isEmpty() ? QStringLiteral("the system's CAs") : tls.caFile)
                                      : QStringLiteral("daemon NOT verified");
    const QString client = tls.hasClientCertificate() ? QStringLiteral("client certificate %1").arg(tls.certFile)
                                                      : QStringLiteral("no client certificate");
    return QStringLiteral("%1 (TLS, %2, %3)").arg(url(), server, client);
}

QByteArray DockerEndpoint::baseUrl() const
{
    if (kind == Kind::Unix)
        return QByteArrayLiteral("http://localhost"); // the socket path goes to CURLOPT_UNIX_SOCKET_PATH
    const QString h = host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(host) : host;
    const QLatin1String scheme = tls.enabled ? QLatin1String("https") : QLatin1String("http");
    return QStringLiteral("%1://%2:%3").arg(scheme, h).arg(port).toUtf8();
}

QList<QPair<QString, QString>> DockerEndpoint::cliEnvironment() const
{
    QList<QPair<QString, QString>> env { { QStringLiteral("DOCKER_HOST"), url() } };
    if (kind == Kind::Tcp && tls.enabled) {
        env.append(
            { tls.verify ? QStringLiteral("DOCKER_TLS_VERIFY") : QStringLiteral("DOCKER_TLS"), QStringLiteral("1") });
        env.append({ QStringLiteral("DOCKER_CERT_PATH"), tls.certDir });
    }
    return env;
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
    if (scheme == QLatin1String("https")) {
        // The docker CLI has no https:// host either: TLS is a setting of a
        // tcp:// host.
        fail(error,
             QStringLiteral("Docker host '%1': write tcp://%2 and set DOCKER_TLS_VERIFY=1 (with DOCKER_CERT_PATH) or "
                            "use a docker context with TLS material, as for the docker CLI")
                 .arg(text, rest));
        return std::nullopt;
    }
    if (scheme == QLatin1String("ssh") || scheme == QLatin1String("npipe") || scheme == QLatin1String("fd")) {
        fail(error,
             QStringLiteral("Docker host '%1': %2:// is not supported by Stevedore (use unix:// or tcp://)")
                 .arg(text, scheme));
        return std::nullopt;
    }
    fail(error, QStringLiteral("Docker host '%1' has an unknown scheme '%2'").arg(text, scheme));
    return std::nullopt;
}

DockerHostInputs DockerHostInputs::fromEnvironment(const QString& explicitHost, const QString& explicitContext)
{
    DockerHostInputs in;
    in.explicitHost = explicitHost;
    in.explicitContext = explicitContext;
    in.dockerHost = qEnvironmentVariable("DOCKER_HOST");
    in.dockerContext = qEnvironmentVariable("DOCKER_CONTEXT");
    in.configDir = qEnvironmentVariable("DOCKER_CONFIG");
    if (in.configDir.isEmpty())
        in.configDir = QDir::homePath() + QStringLiteral("/.docker");
    in.tlsVerify = qEnvironmentVariable("DOCKER_TLS_VERIFY");
    in.tls = qEnvironmentVariable("DOCKER_TLS");
    in.certPath = qEnvironmentVariable("DOCKER_CERT_PATH");
    in.dockerSocketExists = QFileInfo::exists(kDefaultSocket);
    QStringList podman { QStringLiteral("/run/podman/podman.sock") };
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtimeDir.isEmpty())
        podman << runtimeDir + QStringLiteral("/podman/podman.sock");
    for (const QString& path : podman) {
        if (QFileInfo::exists(path)) {
            in.podmanSocket = path;
            break;
        }
    }
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
    // The default context: a host named by flag or variable (or none), with
    // the TLS variables.
    auto withVariables = [&](std::optional<DockerEndpoint> e) -> std::optional<DockerEndpoint> {
        if (!e || e->kind != DockerEndpoint::Kind::Tcp)
            return e;
        auto tls = tlsFromVariables(in, error);
        if (!tls)
            return std::nullopt;
        e->tls = *tls;
        return e;
    };
    const QString explicitContext = in.explicitContext.trimmed();
    if (!explicitContext.isEmpty() && !in.explicitHost.trimmed().isEmpty()) {
        fail(error, QStringLiteral("conflicting options: --docker-host and --context name the daemon twice; give one"));
        return std::nullopt;
    }
    if (!in.explicitHost.trimmed().isEmpty())
        return withVariables(from(in.explicitHost, QStringLiteral("--docker-host")));
    // --context beats DOCKER_HOST; --context default is the CLI's built-in
    // context, which is DOCKER_HOST or the default socket.
    if (!in.dockerHost.trimmed().isEmpty()
        && (explicitContext.isEmpty() || explicitContext == QLatin1String("default")))
        return withVariables(from(in.dockerHost, QStringLiteral("DOCKER_HOST")));

    QString context = explicitContext.isEmpty() ? in.dockerContext.trimmed() : explicitContext;
    QString contextOrigin = explicitContext.isEmpty() ? QStringLiteral("DOCKER_CONTEXT") : QStringLiteral("--context");
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
        const QString metaPath
            = QStringLiteral("%1/contexts/meta/%2/meta.json").arg(in.configDir, contextDigest(context));
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
        auto e = from(host, QStringLiteral("docker context \"%1\"").arg(context));
        if (!e || e->kind != DockerEndpoint::Kind::Tcp)
            return e;
        const auto tls
            = tlsFromContext(in.configDir, context, boolAt(*meta, { "Endpoints", "docker", "SkipTLSVerify" }), error);
        if (!tls)
            return std::nullopt;
        e->tls = *tls;
        return e;
    }
    // With TLS asked for and no host named the CLI goes to the TLS port of
    // this machine, not to the socket.
    if (!in.tlsVerify.isEmpty() || !in.tls.isEmpty()) {
        const QString variable
            = in.tlsVerify.isEmpty() ? QStringLiteral("DOCKER_TLS") : QStringLiteral("DOCKER_TLS_VERIFY");
        return withVariables(
            from(QStringLiteral("tcp://localhost:2376"), QStringLiteral("default (%1)").arg(variable)));
    }
    // Only when Docker's socket is absent: a host with both keeps Docker, as
    // the docker CLI would.
    if (!in.dockerSocketExists && !in.podmanSocket.isEmpty())
        return from(QStringLiteral("unix://") + in.podmanSocket, QStringLiteral("podman socket"));
    return DockerEndpoint::defaultEndpoint();
}
