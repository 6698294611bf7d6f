#pragma once

#include "core/alerts/audit.h"
#include "core/alerts/evaluator.h"
#include "core/alerts/rules.h"
#include "core/alerts/webhook.h"

#include <QObject>
#include <QSet>
#include <QUrlQuery>

#include <memory>

class ContainerActions;
class DockerClient;
struct ContainerInfo;
struct Decision;

// What the alerts library needs from the command line (built by the front
// end's settings code; the library never sees Options).
struct AlertSettings
{
    QString rulesFile; // --rules FILE, or the default <config-dir>/stevedore/rules.json
    bool rulesFileExplicit = false; // --rules given: a missing file is an error, not the defaults
    bool dryRun = false; // container actions are audited, not done
    QString auditDir; // the data directory
    QString hostName; // "host" of the webhook documents
    WebhookSettings webhook;
};

// The default rules file: <QStandardPaths config>/stevedore/rules.json.
QString defaultRulesFile();

// Rules -> evaluator -> actions, plus the audit trail. The engine feeds it
// each tick's snapshot and the manager's decisions; front ends read the
// current alerts and the trail from it and listen to its signals.
class AlertService : public QObject
{
    Q_OBJECT
public:
    AlertService(AlertSettings settings, DockerClient* docker, QObject* parent = nullptr);
    ~AlertService() override;

    // Loads (or reloads) the rules file. On failure the rules in force stay
    // and `message` says why; on success it says what was loaded.
    bool reloadRules(QString* message);
    const RuleSet& rules() const { return m_rules; }
    void setDryRun(bool dryRun) { m_settings.dryRun = dryRun; }
    const AlertSettings& settings() const { return m_settings; }

    void evaluate(const Snapshot& snapshot, const QHash<QString, ContainerInfo>& metadata);
    // Test and editor entry point: evaluate prepared subjects at a given time.
    void evaluateSubjects(const QList<AlertSubject>& subjects, const QDateTime& now);
    QList<ActiveAlert> active() const { return m_evaluator.active(); }

    // The audit trail.
    void recordDecisions(const QList<Decision>& decisions);
    // Kill/stop/pause done from the window (actor user:<login name>).
    void recordUserAction(const Decision& decision, const QString& action = QStringLiteral("kill"));
    bool audit(const AuditRecord& record);
    AuditLog& auditLog() { return *m_audit; }

    // The webhook document of one event (the contract).
    QByteArray webhookJson(const AlertEvent& event) const;
    // GET /alerts, GET /audit?since=&limit=, the lines added to /metrics:
    // stevedore_alert_firing{rule,severity}, and the container states the
    // Prometheus rules need (stevedore_container_restarting,
    // stevedore_container_exit_code).
    QByteArray alertsJson() const;
    QByteArray auditJson(const QUrlQuery& query, int* status) const;
    QByteArray prometheusText() const;

    WebhookSender& webhooks() { return *m_webhooks; }

Q_SIGNALS:
    void alertEvent(const AlertEvent& event);
    void alertsChanged();
    void rulesReloaded(bool ok, const QString& message);
    void audited(const AuditRecord& record);
    // For the log: fire/resolve lines, action results, webhook failures.
    void logLine(const QString& line);

private:
    void handle(const QList<AlertEvent>& events);
    void runContainerAction(const AlertEvent& event, const AlertAction& action);

    AlertSettings m_settings;
    RuleSet m_rules;
    AlertEvaluator m_evaluator;
    std::unique_ptr<AuditLog> m_audit;
    WebhookSender* m_webhooks = nullptr;
    ContainerActions* m_actions = nullptr;
    QHash<int, QString> m_lastKept; // only changes of the kept container are audited
    // Dry-run kills are re-decided every tick: audited once per container.
    QSet<QString> m_dryRunAudited;
    QList<AlertSubject> m_lastSubjects; // for the state families of /metrics
};
