#pragma once

#include "core/metrics/collector.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

// Everything the command line can say, every default resolved (by
// parseOptions(), once): the data directory, the image, the token. The flags
// are a contract (scripts, the systemd unit and users rely on them): add,
// never rename. settings.h turns it into each library's settings.
struct Options
{
    enum class Mode {
        Gui, // default when a display is available
        Service, // --no-gui
        Once, // --once
        Spawn, // --spawn N
        ExportLogs, // --export-logs FILE
        ExportCharts, // --export-charts DIR
        ExportAudit, // --export-audit FILE (docs/alerts.md)
        Help,
        Version,
    };
    Mode mode = Mode::Gui;
    bool explicitNoGui = false;

    SourceOptions source;
    double intervalSeconds = 10.0; // the original's loop period
    double sampleGapSeconds = 1.0; // --once: gap between its two samples
    bool json = false;
    bool quiet = false; // --quiet: summary lines instead of tables (service)

    // Docker and the manager
    QString dockerHost; // empty: DOCKER_HOST, context, default socket
    QString dockerContext; // --context: a docker context, over DOCKER_HOST and DOCKER_CONTEXT
    QString image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE); // --image, else STEVEDORE_IMAGE, else the default
    bool dryRun = false;
    bool manage = true;
    int spawnCount = 0;
    QString cronSchedule;

    // Receiver, store, reporting
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 5000;
    bool listen = true;
    QString token; // --token, --token-file or STEVEDORE_TOKEN; empty: tokenFile
    QString tokenFile; // <data-dir>/token: made by the receiver when no token is given
    QStringList allowHosts; // --allow-host
    bool insecureListen = false;
    QString dataDir; // --data-dir, else defaultDataDir()
    QString reportTo; // empty: the embedded receiver
    // TLS (issue 14, docs/receiver.md): the receiver serves HTTPS with
    // --tls-cert/--tls-key; --report-to https:// verifies the receiver
    // against --ca-file (else the system CAs). --insecure allows sending the
    // token over plain HTTP to another host; it never turns verification off.
    QString tlsCertFile;
    QString tlsKeyFile;
    QString caFile;
    bool insecure = false;
    QString exportPath; // --export-logs FILE or --export-charts DIR
    // Fleet (issue 14): --receiver-only runs the receiver and store alone.
    bool receiverOnly = false;
    // This machine as entries name it: --host-name, else the hostname; and
    // /etc/machine-id (empty when unreadable).
    QString hostName;
    QString machineId;
    QString chartsHost; // --export-charts --host NAME: that host only

    // Charts (issue 15): live charts from the start, as the original's log
    // service did; the time range --export-charts draws (invalid: open end;
    // neither set: the latest run).
    bool liveCharts = false;
    QDateTime since;
    QDateTime until;

    // Alerts (issue 13, docs/alerts.md): --rules FILE; empty: the default file.
    QString rulesFile;

    QString helpText;
};

// Parses argv (argv[0] included). Returns nullopt and fills `error` for a bad
// command line. No QCoreApplication is needed; with one that has a
// translator (main() parses under a short-lived one), --help and the errors
// are in the user's language.
std::optional<Options> parseOptions(const QStringList& arguments, QString* error);

// $XDG_DATA_HOME/stevedore (~/.local/share/stevedore when unset). The system
// service passes --data-dir /var/lib/stevedore instead.
QString defaultDataDir();

// "HOST:PORT", "[::1]:PORT" or ":PORT".
bool parseListenAddress(const QString& text, QString& host, quint16& port);
bool isLoopbackHost(const QString& host);
