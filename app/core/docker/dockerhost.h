#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include <optional>

// TLS towards a tcp:// daemon, as the docker CLI sets it up: from
// DOCKER_TLS_VERIFY / DOCKER_TLS and the files in DOCKER_CERT_PATH, or from a
// docker context's TLS material and its SkipTLSVerify. libcurl reads the
// files when it connects; resolveDockerHost() has already checked that they
// are there, readable and PEM.
struct DockerTls
{
    bool enabled = false;
    // Check the daemon's certificate chain and that it names the host, as
    // the docker CLI does with DOCKER_TLS_VERIFY (Go's InsecureSkipVerify
    // off). Off: encrypted, but any certificate is accepted.
    bool verify = true;
    QString caFile; // trust only this CA; empty: the system's CAs
    QString certFile; // client certificate and its key: both or neither
    QString keyFile;
    // The directory the files came from (DOCKER_CERT_PATH, ~/.docker or the
    // context's TLS folder), named in messages and handed to the scripts.
    QString certDir;

    bool hasClientCertificate() const { return !certFile.isEmpty(); }
};

// Why a TLS connection to the daemon failed, so callers say what to fix
// without reading libcurl's text.
enum class DockerTlsFailure {
    None,
    Handshake, // no TLS session: the endpoint does not speak TLS, or refused ours
    Verify, // the daemon's certificate is not trusted (CA) or does not name the host
    Rejected, // the daemon closed the connection right after the handshake (client certificate refused or missing)
    ClientCertificate, // the TLS library cannot use our certificate or key
    CaFile, // the TLS library cannot use the CA file
};

// Where the Docker daemon listens: a unix socket, or tcp with or without TLS.
struct DockerEndpoint
{
    enum class Kind { Unix, Tcp };
    Kind kind = Kind::Unix;
    QString socketPath; // Unix
    QString host; // Tcp (no brackets around IPv6 literals)
    int port = 0; // Tcp
    // How the endpoint was chosen, for messages: "--docker-host",
    // "DOCKER_HOST", "docker context \"name\"", "default".
    QString origin;
    // Only for Tcp: a unix socket never uses TLS (the docker CLI ignores its
    // TLS settings there too).
    DockerTls tls;

    // The canonical spelling: unix:///path or tcp://host:port (the docker
    // CLI's, also with TLS: DOCKER_HOST never says https).
    QString url() const;
    // url() and how it is secured, for the log: "tcp://h:2376 (TLS, daemon
    // verified against <dir>/ca.pem, client certificate <dir>/cert.pem)".
    QString describe() const;
    // What libcurl is given as URL prefix (the path is appended): https://
    // when TLS is on.
    QByteArray baseUrl() const;
    // The variables that make the docker CLI (and scripts/spawn_containers.sh)
    // reach this same daemon the same way: DOCKER_HOST, and with TLS
    // DOCKER_TLS_VERIFY or DOCKER_TLS and DOCKER_CERT_PATH.
    QList<QPair<QString, QString>> cliEnvironment() const;

    static DockerEndpoint defaultEndpoint();
};

// Parses unix:///path, tcp://host[:port] (default port 2375) and, as the
// docker CLI's -H does, a bare absolute socket path. ssh://, npipe:// and
// fd:// are refused with a plain reason.
std::optional<DockerEndpoint> parseDockerHost(const QString& text, QString* error);

// Everything the docker CLI looks at to find the daemon, captured as data so
// the resolution is a pure function.
struct DockerHostInputs
{
    QString explicitHost; // --docker-host
    QString explicitContext; // --context (the docker CLI's --context)
    QString dockerHost; // $DOCKER_HOST
    QString dockerContext; // $DOCKER_CONTEXT
    QString configDir; // $DOCKER_CONFIG, else ~/.docker
    // TLS for the default context (--docker-host, DOCKER_HOST, the default
    // host), as the docker CLI reads them: any non-empty value turns on
    // (DOCKER_TLS_VERIFY=0 too: the CLI only looks for "set").
    QString tlsVerify; // $DOCKER_TLS_VERIFY: TLS, daemon verified
    QString tls; // $DOCKER_TLS: TLS, daemon not verified
    QString certPath; // $DOCKER_CERT_PATH, else configDir
    // Whether the default Docker socket exists, and the first Podman socket
    // that does (rootful /run/podman/podman.sock, then the rootless one in
    // $XDG_RUNTIME_DIR). Podman's service speaks the Docker Engine API, so a
    // host that runs Podman instead of Docker is watched with no flag. The
    // defaults keep the Docker socket: inputs built by hand stay as before.
    bool dockerSocketExists = true;
    QString podmanSocket;

    // Reads the environment and the home directory of this process.
    static DockerHostInputs fromEnvironment(const QString& explicitHost, const QString& explicitContext = {});
};

// Same order as the docker CLI: --context (with --docker-host too: an
// error, as the CLI's "either specify --host or --context"), --docker-host,
// DOCKER_HOST, the context named by DOCKER_CONTEXT or by currentContext in <configDir>/config.json
// (its endpoint in contexts/meta/<sha256(name)>/meta.json), then
// unix:///var/run/docker.sock, or Podman's socket when no Docker socket
// exists and a Podman one does (origin "podman socket"). A context that is named but cannot be read is
// an error (the CLI refuses too) rather than a silent fallback to another
// daemon.
//
// TLS, for tcp:// hosts only, as the CLI: a named context brings its own
// (contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem and its
// SkipTLSVerify; the TLS variables do not apply to it); otherwise
// DOCKER_TLS_VERIFY or DOCKER_TLS turn it on with the files in
// DOCKER_CERT_PATH (default: the config dir), and with no host named the
// default becomes tcp://localhost:2376. Material that is named but missing,
// unreadable, not PEM, an encrypted key or a certificate without its key is
// an error before anything connects.
std::optional<DockerEndpoint> resolveDockerHost(const DockerHostInputs& inputs, QString* error);
