#include "cmdoptions.h"

#include "core/receiver/tlsfiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSysInfo>
#include <QUrl>

#include <cmath>

namespace {
// The context of the command line's strings in the catalogues: --help's
// descriptions and the errors a bad command line gets.
struct Cli
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

// "2026-11-30T17:00", "2026-11-30 17:00:05", "2026-11-30" (local time), or
// with "Z" or an offset. Invalid when it is none of these.
QDateTime parseTimeArgument(const QString& text)
{
    const QString t = text.trimmed();
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(QString(t).replace(QLatin1Char(' '), QLatin1Char('T')), Qt::ISODate);
    if (!dt.isValid()) {
        const QDate day = QDate::fromString(t, Qt::ISODate);
        if (day.isValid())
            dt = day.startOfDay();
    }
    return dt;
}

// A finite number in [min, max]. QString::toDouble() accepts "nan", "inf" and
// "infinity", and NaN compares false with everything, so a bare range check
// lets NaN through (--interval nan stopped the ticks, --sample-gap nan hung).
bool secondsInRange(const QString& text, double& out, double min, double max)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < min || v > max)
        return false;
    out = v;
    return true;
}

bool hasLineBreak(const QString& text)
{
    return text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'));
}
} // namespace

QString defaultDataDir()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/share");
    return base + QStringLiteral("/stevedore");
}

bool parseListenAddress(const QString& text, QString& host, quint16& port)
{
    const int colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    if (h.isEmpty())
        h = QStringLiteral("127.0.0.1");
    if (h != QLatin1String("localhost") && QHostAddress(h).isNull())
        return false;
    host = h;
    port = quint16(p);
    return true;
}

bool isLoopbackHost(const QString& host)
{
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

namespace {
// systemd's machine-id(5): 32 hex digits, one line. Empty when absent.
QString readMachineId()
{
    QFile file(QStringLiteral("/etc/machine-id"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString id = QString::fromLatin1(file.read(64)).trimmed();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{32}$"));
    return hex.match(id).hasMatch() ? id : QString();
}
} // namespace

namespace {
// The TLS flags, each file read and checked now: a receiver that would come
// up without HTTPS, or an agent that would send its token in clear text, is
// refused before anything starts. nullopt when all is well.
std::optional<QString> checkTlsOptions(Options& o, const QString& cert, const QString& key, const QString& ca,
                                       bool certSet, bool keySet, bool caSet)
{
    if (certSet != keySet)
        return Cli::tr("--tls-cert and --tls-key go together: give both (or neither)");
    if (certSet) {
        if (!o.listen)
            return Cli::tr("--tls-cert/--tls-key are for the receiver: drop --no-listen");
        QString why;
        if (!checkServerTlsFiles(cert, key, &why))
            return Cli::tr("--tls-cert/--tls-key: %1").arg(why);
        o.tlsCertFile = cert;
        o.tlsKeyFile = key;
    }
    const QUrl target = o.reportTo.isEmpty() ? QUrl() : QUrl::fromUserInput(o.reportTo);
    const bool https = target.scheme() == QLatin1String("https");
    if (caSet) {
        if (!https)
            return Cli::tr("--ca-file goes with --report-to https://...");
        QString why;
        if (!checkCaFile(ca, &why))
            return Cli::tr("--ca-file: %1").arg(why);
        o.caFile = ca;
    }
    // The bearer token travels only over TLS or to this host. Without
    // --token the agent sends <data-dir>/token when it exists, and its own
    // receiver (--listen) makes that file: a token would be sent then too.
    const bool tokenSent = !o.token.isEmpty() || o.listen || QFileInfo::exists(o.tokenFile);
    if (!o.reportTo.isEmpty() && !https && tokenSent && !isLoopbackHost(target.host()) && !o.insecure)
        return Cli::tr("--report-to %1 would send the bearer token in clear text to another host: serve the "
                       "receiver over HTTPS (--tls-cert/--tls-key) and use https://, or give --insecure to "
                       "send it anyway")
            .arg(o.reportTo);
    return std::nullopt;
}
} // namespace

std::optional<Options> parseOptions(const QStringList& arguments, QString* error)
{
    auto fail = [error](const QString& message) -> std::optional<Options> {
        if (error)
            *error = message;
        return std::nullopt;
    };

    QCommandLineParser p;
    p.setApplicationDescription(Cli::tr(
        "Stevedore watches and manages Docker stress containers: per-container metrics (kernel module or cgroup "
        "files), a keep-newest-per-category manager, a log receiver with durable storage, and charts.\n"
        "With no options it opens the desktop window; --no-gui runs the same work as a service."));
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, Cli::tr("Show this help."));
    const QCommandLineOption version({ QStringLiteral("v"), QStringLiteral("version") }, Cli::tr("Show the version."));
    const QCommandLineOption noGui(QStringLiteral("no-gui"),
                                   Cli::tr("Run headless: collect, manage, receive and log every interval."));
    const QCommandLineOption once(QStringLiteral("once"),
                                  Cli::tr("Take two samples (see --sample-gap), print one snapshot, exit."));
    const QCommandLineOption json(QStringLiteral("json"), Cli::tr("With --once: print JSON instead of tables."));
    const QCommandLineOption quiet(QStringLiteral("quiet"),
                                   Cli::tr("With --no-gui: one summary line per tick; the full tables only "
                                           "when the containers change or on SIGUSR1."));
    const QCommandLineOption source(QStringLiteral("source"),
                                    Cli::tr("Metrics source: auto (module if loaded, else cgroup), kmod or "
                                            "cgroup. Default: auto."),
                                    Cli::tr("auto|kmod|cgroup"), QStringLiteral("auto"));
    const QCommandLineOption procFile(QStringLiteral("proc-file"),
                                      Cli::tr("The kernel module's /proc file (default: detect "
                                              "/proc/container_sysinfo or /proc/sysinfo_*)."),
                                      Cli::tr("path"));
    const QCommandLineOption procRoot(QStringLiteral("proc-root"), Cli::tr("procfs root (default /proc)."),
                                      Cli::tr("dir"), QStringLiteral("/proc"));
    const QCommandLineOption cgroupRoot(QStringLiteral("cgroup-root"),
                                        Cli::tr("cgroup file system root (default /sys/fs/cgroup)."), Cli::tr("dir"),
                                        QStringLiteral("/sys/fs/cgroup"));
    const QCommandLineOption interval(QStringLiteral("interval"), Cli::tr("Seconds between ticks (default 10)."),
                                      Cli::tr("seconds"), QStringLiteral("10"));
    const QCommandLineOption sampleGap(QStringLiteral("sample-gap"),
                                       Cli::tr("With --once: seconds between the two samples (default 1)."),
                                       Cli::tr("seconds"), QStringLiteral("1"));
    const QCommandLineOption dockerHost(QStringLiteral("docker-host"),
                                        Cli::tr("Docker daemon (unix:///path or tcp://host:port). Default: "
                                                "DOCKER_HOST, the current docker context, then "
                                                "unix:///var/run/docker.sock, then Podman's "
                                                "socket when Docker's does not exist. A tcp:// host uses "
                                                "TLS as the docker CLI does: DOCKER_TLS_VERIFY, DOCKER_TLS, "
                                                "DOCKER_CERT_PATH."),
                                        Cli::tr("url"));
    const QCommandLineOption dockerContext(QStringLiteral("context"),
                                           Cli::tr("The docker context to use (as docker --context: its "
                                                   "endpoint and TLS material), over DOCKER_HOST and "
                                                   "DOCKER_CONTEXT."),
                                           Cli::tr("name"));
    const QCommandLineOption image(QStringLiteral("image"),
                                   Cli::tr("Image for spawned containers (default: STEVEDORE_IMAGE, then %1).")
                                       .arg(QLatin1String(STEVEDORE_DEFAULT_IMAGE)),
                                   Cli::tr("name"), QStringLiteral(STEVEDORE_DEFAULT_IMAGE));
    const QCommandLineOption dryRun(QStringLiteral("dry-run"),
                                    Cli::tr("Decide and log what the manager would kill, kill nothing."));
    const QCommandLineOption noManage(QStringLiteral("no-manage"),
                                      Cli::tr("Only monitor: never kill or remove containers."));
    const QCommandLineOption spawn(QStringLiteral("spawn"),
                                   Cli::tr("Create N random managed stress containers, then exit."), Cli::tr("N"));
    const QCommandLineOption cronSpawn(QStringLiteral("cron-spawn"),
                                       Cli::tr("Install a crontab line running the spawn script on SCHEDULE "
                                               "(e.g. \"* * * * *\") while Stevedore runs; removed at exit."),
                                       Cli::tr("schedule"));
    const QCommandLineOption listen(QStringLiteral("listen"), Cli::tr("Log receiver address (default 127.0.0.1:5000)."),
                                    Cli::tr("host:port"), QStringLiteral("127.0.0.1:5000"));
    const QCommandLineOption noListen(QStringLiteral("no-listen"), Cli::tr("Do not run the log receiver."));
    const QCommandLineOption token(QStringLiteral("token"),
                                   Cli::tr("The receiver's bearer token (shows in ps: prefer --token-file or "
                                           "STEVEDORE_TOKEN). Default: <data-dir>/token, created on first "
                                           "start."),
                                   Cli::tr("token"));
    const QCommandLineOption tokenFile(QStringLiteral("token-file"),
                                       Cli::tr("Read the bearer token (receiver and --report-to) from FILE."),
                                       Cli::tr("file"));
    const QCommandLineOption allowHost(QStringLiteral("allow-host"),
                                       Cli::tr("Also accept requests whose Host header names NAME (repeatable; "
                                               "others get 421)."),
                                       Cli::tr("name"));
    const QCommandLineOption insecureListen(QStringLiteral("insecure-listen"),
                                            Cli::tr("Allow a non-loopback --listen address without --token."));
    const QCommandLineOption dataDir(QStringLiteral("data-dir"),
                                     Cli::tr("Where the log store and charts live (default: "
                                             "$XDG_DATA_HOME/stevedore)."),
                                     Cli::tr("dir"));
    const QCommandLineOption reportTo(QStringLiteral("report-to"),
                                      Cli::tr("POST each tick's log entry to this receiver URL (default: the "
                                              "embedded receiver)."),
                                      Cli::tr("url"));
    const QCommandLineOption exportLogs(QStringLiteral("export-logs"),
                                        Cli::tr("Write the stored log as an original-compatible logs.json array, "
                                                "then exit."),
                                        Cli::tr("file"));
    const QCommandLineOption exportCharts(QStringLiteral("export-charts"),
                                          Cli::tr("Render the charts (PNG, SVG, CSV) from the stored log into "
                                                  "DIR, then exit. Needs no display."),
                                          Cli::tr("dir"));
    p.addOptions({ help,           version,   noGui,      once,      json,      quiet,      source,
                   procFile,       procRoot,  cgroupRoot, interval,  sampleGap, dockerHost, image,
                   dryRun,         noManage,  spawn,      cronSpawn, listen,    noListen,   token,
                   insecureListen, tokenFile, allowHost,  dataDir,   reportTo,  exportLogs, exportCharts });
    p.addOption(dockerContext);
    // Loopback traffic stays inside the container, so it is left out unless asked for.
    const QCommandLineOption netAllInterfaces(QStringLiteral("net-all-interfaces"),
                                              Cli::tr("Count the loopback interface lo in the containers' "
                                                      "network figures too (default: every interface but lo)."));
    p.addOption(netAllInterfaces);
    const QCommandLineOption liveCharts(QStringLiteral("live-charts"),
                                        Cli::tr("Redraw the charts into the data directory every 5 s from the "
                                                "start (as GET /show_graphs does)."));
    const QCommandLineOption since(QStringLiteral("since"),
                                   Cli::tr("With --export-charts: draw entries from TIME on (ISO 8601, local "
                                           "time unless it ends in Z or an offset). Default: the latest run."),
                                   Cli::tr("time"));
    const QCommandLineOption until(QStringLiteral("until"), Cli::tr("With --export-charts: draw entries up to TIME."),
                                   Cli::tr("time"));
    p.addOptions({ liveCharts, since, until });
    // Fleet (issue 14).
    const QCommandLineOption receiverOnly(QStringLiteral("receiver-only"),
                                          Cli::tr("Run only the log receiver and its store (no metrics, no "
                                                  "manager, no Docker): a central receiver for --report-to."));
    const QCommandLineOption hostName(QStringLiteral("host-name"),
                                      Cli::tr("Name this host in its entries and /metrics (default: the "
                                              "hostname)."),
                                      Cli::tr("name"));
    const QCommandLineOption chartsHost(QStringLiteral("host"),
                                        Cli::tr("With --export-charts: draw this host only (default: one set "
                                                "of charts per host)."),
                                        Cli::tr("name"));
    p.addOptions({ receiverOnly, hostName, chartsHost });
    // TLS (issue 14, docs/receiver.md).
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                                     Cli::tr("Serve the receiver over HTTPS with this PEM certificate (its "
                                             "chain may follow it). Needs --tls-key."),
                                     Cli::tr("file"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                                    Cli::tr("The unencrypted PEM private key of --tls-cert."), Cli::tr("file"));
    const QCommandLineOption caFile(QStringLiteral("ca-file"),
                                    Cli::tr("With --report-to https://: verify the receiver against the CA "
                                            "certificates in this PEM bundle instead of the system's."),
                                    Cli::tr("file"));
    const QCommandLineOption insecure(QStringLiteral("insecure"),
                                      Cli::tr("Allow --report-to http:// to another host to send the bearer "
                                              "token in clear text. Does not turn off certificate "
                                              "verification of https:// receivers."));
    p.addOptions({ tlsCert, tlsKey, caFile, insecure });
    // Alerts (docs/alerts.md).
    const QCommandLineOption rules(QStringLiteral("rules"),
                                   Cli::tr("Alert rules file (default: <config-dir>/stevedore/rules.json, "
                                           "else the built-in rules). SIGHUP reloads it."),
                                   Cli::tr("file"));
    const QCommandLineOption exportAudit(QStringLiteral("export-audit"),
                                         Cli::tr("Write the audit trail as a JSON array to FILE, then exit."),
                                         Cli::tr("file"));
    p.addOptions({ rules, exportAudit });

    if (!p.parse(arguments))
        return fail(p.errorText());
    if (!p.positionalArguments().isEmpty())
        return fail(Cli::tr("unexpected argument: %1").arg(p.positionalArguments().first()));

    Options o;
    o.helpText = p.helpText();
    if (p.isSet(help)) {
        o.mode = Options::Mode::Help;
        return o;
    }
    if (p.isSet(version)) {
        o.mode = Options::Mode::Version;
        return o;
    }

    const auto kind = SourceOptions::kindFromName(p.value(source));
    if (!kind)
        return fail(Cli::tr("--source must be auto, kmod or cgroup, not '%1'").arg(p.value(source)));
    o.source.kind = *kind;
    o.source.procFile = p.value(procFile);
    o.source.procRoot = p.value(procRoot);
    o.source.netAllInterfaces = p.isSet(netAllInterfaces);
    o.source.cgroupRoot = p.value(cgroupRoot);
    if (!secondsInRange(p.value(interval), o.intervalSeconds, 0.1, 86400))
        return fail(
            Cli::tr("--interval must be a number of seconds from 0.1 to 86400, not '%1'").arg(p.value(interval)));
    if (!secondsInRange(p.value(sampleGap), o.sampleGapSeconds, 0.0, 86400))
        return fail(
            Cli::tr("--sample-gap must be a number of seconds from 0 to 86400, not '%1'").arg(p.value(sampleGap)));
    o.json = p.isSet(json);
    o.quiet = p.isSet(quiet);

    o.dockerHost = p.value(dockerHost);
    o.dockerContext = p.value(dockerContext).trimmed();
    if (p.isSet(dockerContext) && o.dockerContext.isEmpty())
        return fail(Cli::tr("--context needs a context name"));
    if (!o.dockerContext.isEmpty() && !o.dockerHost.trimmed().isEmpty())
        return fail(Cli::tr("conflicting options: either specify --docker-host or --context, not both"));
    // --image, else STEVEDORE_IMAGE (what scripts/spawn_containers.sh reads),
    // else the default.
    o.image = p.isSet(image) ? p.value(image) : qEnvironmentVariable("STEVEDORE_IMAGE").trimmed();
    if (o.image.isEmpty())
        o.image = QStringLiteral(STEVEDORE_DEFAULT_IMAGE);
    o.dryRun = p.isSet(dryRun);
    o.manage = !p.isSet(noManage);
    o.cronSchedule = p.value(cronSpawn);
    // Both end up in the crontab line; cron would cut it at a line break.
    if (hasLineBreak(o.cronSchedule))
        return fail(Cli::tr("--cron-spawn must be one line (no \\n or \\r)"));
    if (hasLineBreak(o.image))
        return fail(Cli::tr("--image must be one line (no \\n or \\r)"));
    if (p.isSet(cronSpawn) && o.cronSchedule.simplified().split(QLatin1Char(' ')).size() != 5
        && !o.cronSchedule.startsWith(QLatin1Char('@')))
        return fail(Cli::tr("--cron-spawn needs five cron fields or an @keyword, e.g. \"* * * * *\""));

    if (!parseListenAddress(p.value(listen), o.listenHost, o.listenPort))
        return fail(Cli::tr("--listen must be HOST:PORT, not '%1'").arg(p.value(listen)));
    o.listen = !p.isSet(noListen);
    // The token: --token, else --token-file, else STEVEDORE_TOKEN; with
    // none, the receiver makes and uses <data-dir>/token.
    o.token = p.value(token);
    if (o.token.isEmpty() && p.isSet(tokenFile)) {
        QFile file(p.value(tokenFile));
        if (!file.open(QIODevice::ReadOnly))
            return fail(Cli::tr("--token-file %1: %2").arg(file.fileName(), file.errorString()));
        o.token = QString::fromUtf8(file.read(4096).split('\n').constFirst()).trimmed();
        if (o.token.isEmpty())
            return fail(Cli::tr("--token-file %1 is empty").arg(file.fileName()));
    }
    if (o.token.isEmpty())
        o.token = qEnvironmentVariable("STEVEDORE_TOKEN").trimmed();
    o.allowHosts = p.values(allowHost);
    o.insecureListen = p.isSet(insecureListen);
    if (o.listen && !isLoopbackHost(o.listenHost) && o.token.isEmpty() && !o.insecureListen)
        return fail(Cli::tr("--listen %1 is reachable from other hosts: give --token-file FILE (or --token, "
                            "STEVEDORE_TOKEN), or --insecure-listen to use the generated <data-dir>/token")
                        .arg(p.value(listen)));
    o.dataDir = p.value(dataDir);
    if (o.dataDir.isEmpty())
        o.dataDir = defaultDataDir();
    o.tokenFile = QDir(o.dataDir).filePath(QStringLiteral("token"));
    o.reportTo = p.value(reportTo);
    o.insecure = p.isSet(insecure);

    o.hostName = p.value(hostName).trimmed();
    if (p.isSet(hostName) && (o.hostName.isEmpty() || hasLineBreak(o.hostName)))
        return fail(Cli::tr("--host-name needs a one-line, non-empty name"));
    if (o.hostName.isEmpty())
        o.hostName = QSysInfo::machineHostName();
    o.machineId = readMachineId();
    o.receiverOnly = p.isSet(receiverOnly);

    int modes = 0;
    o.explicitNoGui = p.isSet(noGui);
    if (p.isSet(noGui)) {
        o.mode = Options::Mode::Service;
        ++modes;
    }
    if (p.isSet(once)) {
        o.mode = Options::Mode::Once;
        ++modes;
    }
    if (p.isSet(spawn)) {
        bool ok = false;
        o.spawnCount = p.value(spawn).toInt(&ok);
        if (!ok || o.spawnCount < 1 || o.spawnCount > 1000)
            return fail(Cli::tr("--spawn needs a count from 1 to 1000, not '%1'").arg(p.value(spawn)));
        o.mode = Options::Mode::Spawn;
        ++modes;
    }
    if (p.isSet(exportLogs)) {
        o.mode = Options::Mode::ExportLogs;
        o.exportPath = p.value(exportLogs);
        ++modes;
    }
    if (p.isSet(exportCharts)) {
        o.mode = Options::Mode::ExportCharts;
        o.exportPath = p.value(exportCharts);
        ++modes;
    }
    if (p.isSet(exportAudit)) {
        o.mode = Options::Mode::ExportAudit;
        o.exportPath = p.value(exportAudit);
        ++modes;
    }
    o.rulesFile = p.value(rules);
    if (p.isSet(rules) && o.rulesFile.isEmpty())
        return fail(Cli::tr("--rules needs a file name"));
    if (modes > 1)
        return fail(Cli::tr("choose one of --no-gui, --once, --spawn, --export-logs, --export-charts, --export-audit"));
    if (o.json && o.mode != Options::Mode::Once)
        return fail(Cli::tr("--json goes with --once"));
    o.liveCharts = p.isSet(liveCharts);
    for (const auto& [option, target] : { std::pair { &since, &o.since }, std::pair { &until, &o.until } }) {
        if (!p.isSet(*option))
            continue;
        if (o.mode != Options::Mode::ExportCharts)
            return fail(Cli::tr("--%1 goes with --export-charts").arg(option->names().first()));
        *target = parseTimeArgument(p.value(*option));
        if (!target->isValid())
            return fail(Cli::tr("--%1 must be a time like 2026-11-30T17:00 or 2026-11-30T16:00:00Z, not '%2'")
                            .arg(option->names().first(), p.value(*option)));
    }
    if (o.since.isValid() && o.until.isValid() && o.until <= o.since)
        return fail(Cli::tr("--until must be later than --since"));
    o.chartsHost = p.value(chartsHost);
    if (p.isSet(chartsHost) && (o.mode != Options::Mode::ExportCharts || o.chartsHost.isEmpty()))
        return fail(Cli::tr("--host NAME goes with --export-charts"));
    if (o.receiverOnly) {
        // A service by nature: no window, no metrics, so nothing else to choose.
        if (modes > 1 || (modes == 1 && o.mode != Options::Mode::Service))
            return fail(Cli::tr("--receiver-only runs alone (it may take --no-gui)"));
        if (!o.listen)
            return fail(Cli::tr("--receiver-only needs the receiver: drop --no-listen"));
        if (!o.reportTo.isEmpty())
            return fail(Cli::tr("--receiver-only is the receiver: drop --report-to"));
        o.mode = Options::Mode::Service;
    }
    if (auto tlsError = checkTlsOptions(o, p.value(tlsCert), p.value(tlsKey), p.value(caFile), p.isSet(tlsCert),
                                        p.isSet(tlsKey), p.isSet(caFile)))
        return fail(*tlsError);
    return o;
}
