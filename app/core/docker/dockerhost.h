#pragma once

#include <QString>

#include <optional>

// Where the Docker daemon listens. Only the two transports libcurl can speak
// without TLS set-up: a unix socket and plain tcp.
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

    // The canonical spelling: unix:///path or tcp://host:port.
    QString url() const;
    // What libcurl is given as URL prefix (the path is appended).
    QByteArray baseUrl() const;

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
    QString dockerHost; // $DOCKER_HOST
    QString dockerContext; // $DOCKER_CONTEXT
    QString configDir; // $DOCKER_CONFIG, else ~/.docker
    // Whether the default Docker socket exists, and the first Podman socket
    // that does (rootful /run/podman/podman.sock, then the rootless one in
    // $XDG_RUNTIME_DIR). Podman's service speaks the Docker Engine API, so a
    // host that runs Podman instead of Docker is watched with no flag. The
    // defaults keep the Docker socket: inputs built by hand stay as before.
    bool dockerSocketExists = true;
    QString podmanSocket;

    // Reads the environment and the home directory of this process.
    static DockerHostInputs fromEnvironment(const QString& explicitHost);
};

// Same order as the docker CLI: --docker-host, DOCKER_HOST, the context
// named by DOCKER_CONTEXT or by currentContext in <configDir>/config.json
// (its endpoint in contexts/meta/<sha256(name)>/meta.json), then
// unix:///var/run/docker.sock, or Podman's socket when no Docker socket
// exists and a Podman one does (origin "podman socket"). A context that is named but cannot be read is
// an error (the CLI refuses too) rather than a silent fallback to another
// daemon.
std::optional<DockerEndpoint> resolveDockerHost(const DockerHostInputs& inputs, QString* error);
