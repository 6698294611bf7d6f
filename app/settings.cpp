#include "settings.h"

#include "cmdoptions.h"

#include <QRegularExpression>
#include <QSysInfo>

#include <algorithm>

ManagerSettings managerSettings(const Options& options)
{
    ManagerSettings m;
    m.manage = options.manage;
    m.dryRun = options.dryRun;
    // A tick must not wait for metadata longer than about half an interval,
    // or short intervals would pile up behind a slow daemon.
    m.syncWaitMs = std::clamp(int(options.intervalSeconds * 500), 200, 5000);
    // Tests (and side-by-side instances) on a shared daemon keep the
    // manager to their own containers: STEVEDORE_SCOPE_LABELS="k=v,k2=v2".
    const QStringList scope = qEnvironmentVariable("STEVEDORE_SCOPE_LABELS")
                                  .split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
    for (const QString& item : scope) {
        const int eq = item.indexOf(QLatin1Char('='));
        m.policy.scopeLabels.insert(eq < 0 ? item : item.left(eq), eq < 0 ? QString() : item.mid(eq + 1));
    }
    return m;
}

StoreSettings storeSettings(const Options& options)
{
    StoreSettings s;
    s.dataDir = options.dataDir;
    return s;
}

ReceiverSettings receiverSettings(const Options& options)
{
    ReceiverSettings r;
    r.host = options.listenHost;
    r.port = options.listenPort;
    r.token = options.token;
    // No token given: the receiver reads or makes <data-dir>/token.
    if (r.token.isEmpty())
        r.tokenFile = options.tokenFile;
    r.allowedHosts = options.allowHosts;
    r.tlsCertFile = options.tlsCertFile;
    r.tlsKeyFile = options.tlsKeyFile;
    return r;
}

ReporterSettings reporterSettings(const Options& options)
{
    ReporterSettings r;
    if (!options.reportTo.isEmpty())
        r.url = receiverLogsUrl(QUrl::fromUserInput(options.reportTo));
    else if (options.listen) {
        r.url = embeddedReceiverUrl(options.listenHost, options.listenPort);
        if (!options.tlsCertFile.isEmpty()) {
            // Its own receiver over HTTPS, on loopback: trust its certificate
            // as such (it need not name 127.0.0.1).
            r.url.setScheme(QStringLiteral("https"));
            r.pinnedCertFile = options.tlsCertFile;
        }
    }
    r.caFile = options.caFile;
    // --token, --token-file or STEVEDORE_TOKEN, else the token the receiver
    // of this data directory made (read when the engine starts: on a first
    // start the embedded receiver creates it just before).
    r.token = options.token;
    if (r.token.isEmpty())
        r.tokenFile = options.tokenFile;
    return r;
}

SpawnSettings spawnSettings(const Options& options)
{
    // The other STEVEDORE_* variables of scripts/spawn_containers.sh, then
    // the image parseOptions() resolved (--image, else STEVEDORE_IMAGE).
    SpawnSettings s = SpawnSettings::fromEnvironment();
    s.image = options.image;
    return s;
}

CronSettings cronSettings(const Options& options)
{
    CronSettings c;
    c.schedule = options.cronSchedule;
    c.dockerHost = options.dockerHost;
    c.dockerContext = options.dockerContext;
    c.image = options.image;
    c.dataDir = options.dataDir;
    return c;
}

AlertSettings alertSettings(const Options& options)
{
    AlertSettings a;
    a.rulesFile = options.rulesFile.isEmpty() ? defaultRulesFile() : options.rulesFile;
    a.rulesFileExplicit = !options.rulesFile.isEmpty();
    a.dryRun = options.dryRun;
    a.auditDir = options.dataDir;
    a.hostName = options.hostName;
    return a;
}

EngineSettings engineSettings(const Options& options)
{
    EngineSettings e;
    e.source = options.source;
    e.intervalSeconds = options.intervalSeconds;
    e.dockerHost = options.dockerHost;
    e.dockerContext = options.dockerContext;
    e.manager = managerSettings(options);
    e.listen = options.listen;
    e.receiver = receiverSettings(options);
    e.store = storeSettings(options);
    e.reporter = reporterSettings(options);
    e.reportsElsewhere = !options.reportTo.isEmpty();
    e.cron = cronSettings(options);
    e.liveCharts = options.liveCharts;
    e.alerts = alertSettings(options);
    e.host = { options.hostName, options.machineId };
    return e;
}
