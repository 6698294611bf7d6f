#include "core/alerts/alertservice.h"

#include "core/docker/dockertypes.h"
#include "core/manager/containeractions.h"
#include "core/manager/policy.h"
#include "core/model/snapshot.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <pwd.h>
#include <unistd.h>

QString defaultRulesFile()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation);
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/stevedore/rules.json");
}

namespace {
QString isoUtc(const QDateTime& t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QString shortId(const QString& id)
{
    return id.left(12);
}

// A label value as the Prometheus text format wants it.
QByteArray labelValue(const QString& value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// What every audit record of a rule's event says: who (the rule), on what
// container, at which value against which threshold. The caller adds what
// happened (action, result, reason).
AuditRecord alertRecord(const AlertEvent& e, const QDateTime& time)
{
    AuditRecord r;
    r.time = time;
    r.kind = QStringLiteral("alert");
    r.actor = QStringLiteral("rule:") + e.rule;
    r.containerId = e.containerId;
    r.containerName = e.containerName;
    r.category = categoryName(e.category);
    r.rule = e.rule;
    r.severity = alertSeverityName(e.severity);
    r.value = e.value;
    r.threshold = e.threshold;
    return r;
}
} // namespace

AlertService::AlertService(AlertSettings settings, DockerClient* docker, QObject* parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_audit(std::make_unique<AuditLog>(m_settings.auditDir))
    , m_webhooks(new WebhookSender(m_settings.webhook, this))
    , m_actions(new ContainerActions(docker, SpawnSettings {}, this))
{
    qRegisterMetaType<AlertEvent>();
    qRegisterMetaType<AuditRecord>();
    m_rules.origin = QStringLiteral("none");
    connect(m_webhooks, &WebhookSender::failed, this, [this](const QUrl& url, const QString& why) {
        Q_EMIT logLine(QStringLiteral("[WARN] alert webhook %1: %2").arg(url.toDisplayString(), why));
    });
}

AlertService::~AlertService() = default;

bool AlertService::reloadRules(QString* message)
{
    RulesError error;
    std::optional<RuleSet> set;
    if (!m_settings.rulesFileExplicit && !QFileInfo::exists(m_settings.rulesFile))
        set = defaultRules(); // the documented defaults until the user writes a file
    else
        set = loadRules(m_settings.rulesFile, &error);
    QString text;
    const bool ok = set.has_value();
    if (ok) {
        handle(m_evaluator.setRules(set->rules, QDateTime::currentDateTimeUtc()));
        m_rules = *set;
        int enabled = 0;
        for (const AlertRule& r : m_rules.rules)
            enabled += r.enabled ? 1 : 0;
        text = tr("%1 alert rules (%2 enabled) from %3").arg(m_rules.rules.size()).arg(enabled).arg(m_rules.origin);
    } else {
        text = m_rules.origin == QLatin1String("none")
            ? tr("rules not loaded: %1; no alert rules in force").arg(error.message)
            : tr("rules not reloaded: %1; keeping the %2 rules from %3")
                  .arg(error.message)
                  .arg(m_rules.rules.size())
                  .arg(m_rules.origin);
    }
    if (message)
        *message = text;
    Q_EMIT rulesReloaded(ok, text);
    Q_EMIT alertsChanged();
    return ok;
}

void AlertService::evaluate(const Snapshot& snapshot, const QHash<QString, ContainerInfo>& metadata)
{
    const QDateTime now = snapshot.timestamp.isValid() ? snapshot.timestamp : QDateTime::currentDateTimeUtc();
    evaluateSubjects(alertSubjects(snapshot, metadata), now);
}

void AlertService::evaluateSubjects(const QList<AlertSubject>& subjects, const QDateTime& now)
{
    m_lastSubjects = subjects;
    handle(m_evaluator.evaluate(subjects, now));
    Q_EMIT alertsChanged();
}

void AlertService::handle(const QList<AlertEvent>& events)
{
    for (const AlertEvent& e : events) {
        const bool firing = e.state == AlertEvent::State::Firing;
        Q_EMIT logLine(QStringLiteral("[ALERT] %1 %2 (%3) container %4 (%5) value %6 threshold %7 since %8%9")
                           .arg(firing ? QStringLiteral("FIRING") : QStringLiteral("RESOLVED"), e.rule,
                                alertSeverityName(e.severity), e.containerName, shortId(e.containerId))
                           .arg(e.value, 0, 'g', 6)
                           .arg(e.threshold, 0, 'g', 6)
                           .arg(isoUtc(e.since), e.reason.isEmpty() ? QString() : QStringLiteral(": ") + e.reason));
        AuditRecord r = alertRecord(e, e.at.isValid() ? e.at : QDateTime::currentDateTimeUtc());
        r.action = alertStateName(e.state);
        r.result = alertStateName(e.state);
        r.reason = e.reason;
        audit(r);
        Q_EMIT alertEvent(e);
        for (const AlertAction& a : e.actions) {
            if (a.type == AlertAction::Type::Webhook)
                m_webhooks->post(a.url, webhookJson(e));
            else if (firing)
                runContainerAction(e, a);
        }
    }
}

void AlertService::runContainerAction(const AlertEvent& e, const AlertAction& action)
{
    AuditRecord r = alertRecord(e, QDateTime::currentDateTimeUtc());
    r.action = alertActionName(action.type);
    if (!e.managed) {
        // The manager's first rule: never touch what Stevedore does not own.
        r.result = QStringLiteral("refused");
        r.reason = tr("not a managed container (no stevedore.managed=true)");
        audit(r);
        Q_EMIT logLine(
            QStringLiteral("[WARN] alert %1: %2 refused on %3: %4").arg(e.rule, r.action, e.containerName, r.reason));
        return;
    }
    if (m_settings.dryRun) {
        r.result = QStringLiteral("dry-run");
        r.reason = tr("--dry-run: would have run %1").arg(r.action);
        audit(r);
        Q_EMIT logLine(QStringLiteral("[DRY-RUN] alert %1: would %2 %3 (%4)")
                           .arg(e.rule, r.action, e.containerName, shortId(e.containerId)));
        return;
    }
    const auto kind = action.type == AlertAction::Type::Stop ? ContainerActions::RuleAction::Stop
        : action.type == AlertAction::Type::Pause            ? ContainerActions::RuleAction::Pause
                                                             : ContainerActions::RuleAction::Kill;
    m_actions->ruleAction(kind, e.containerId, [this, r](const QString& error) mutable {
        r.time = QDateTime::currentDateTimeUtc();
        r.result = error.isEmpty() ? QStringLiteral("done") : QStringLiteral("failed");
        r.error = error;
        audit(r);
        Q_EMIT logLine(
            error.isEmpty()
                ? QStringLiteral("[INFO] alert %1: %2 %3 (%4) done")
                      .arg(r.rule, r.action, r.containerName, shortId(r.containerId))
                : QStringLiteral("[ERROR] alert %1: %2 %3 failed: %4").arg(r.rule, r.action, r.containerName, error));
    });
}

bool AlertService::audit(const AuditRecord& record)
{
    QString error;
    const bool ok = m_audit->append(record, &error);
    if (!ok)
        Q_EMIT logLine(QStringLiteral("[ERROR] audit trail: %1").arg(error));
    Q_EMIT audited(record);
    return ok;
}

void AlertService::recordDecisions(const QList<Decision>& decisions)
{
    // A dry-run kill stays a dry-run kill tick after tick: record it when it
    // is first decided, again only after the container left the verdicts.
    QSet<QString> dryRunNow;
    for (const Decision& d : decisions)
        if (d.action == Decision::Action::Kill && d.result == Decision::Result::DryRun)
            dryRunNow.insert(d.id);
    const QSet<QString> dryRunBefore = std::exchange(m_dryRunAudited, dryRunNow);
    for (const Decision& d : decisions) {
        if (d.action == Decision::Action::Kill && d.result == Decision::Result::DryRun && dryRunBefore.contains(d.id))
            continue;
        AuditRecord r;
        r.time = d.time.isValid() ? d.time.toUTC() : QDateTime::currentDateTimeUtc();
        r.kind = QStringLiteral("decision");
        r.actor = QStringLiteral("manager");
        r.action = decisionActionName(d.action);
        r.reason = d.reason;
        r.containerId = d.id;
        r.containerName = d.name;
        r.category = categoryName(d.category);
        r.error = d.error;
        if (d.action == Decision::Action::Keep) {
            // Every tick re-decides the same keep: record only a new winner.
            if (m_lastKept.value(int(d.category)) == d.id)
                continue;
            m_lastKept.insert(int(d.category), d.id);
            r.result = QStringLiteral("kept");
        } else if (d.action == Decision::Action::Kill) {
            r.keptId = d.keptId;
            r.result = decisionResultName(d.result);
        } else {
            continue; // ignore verdicts say nothing was Stevedore's to do
        }
        audit(r);
    }
}

void AlertService::recordUserAction(const Decision& d, const QString& action)
{
    AuditRecord r;
    r.time = d.time.isValid() ? d.time.toUTC() : QDateTime::currentDateTimeUtc();
    r.kind = QStringLiteral("action");
    // The account running the window (USER can be unset or stale when the
    // desktop starts it).
    QString user;
    if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        user = QString::fromLocal8Bit(pw->pw_name);
    if (user.isEmpty())
        user = qEnvironmentVariable("USER");
    r.actor = QStringLiteral("user:") + (user.isEmpty() ? QStringLiteral("unknown") : user);
    r.action = action;
    r.result = decisionResultName(d.result);
    r.reason = d.reason;
    r.containerId = d.id;
    r.containerName = d.name;
    r.category = categoryName(d.category);
    r.error = d.error;
    audit(r);
}

namespace {
// The "container" object of the webhook document and of GET /alerts alike.
QJsonObject containerJson(const QString& id, const QString& name, Category category)
{
    return QJsonObject { { QStringLiteral("id"), id },
                         { QStringLiteral("name"), name },
                         { QStringLiteral("category"), categoryName(category) } };
}
} // namespace

QByteArray AlertService::webhookJson(const AlertEvent& e) const
{
    QJsonObject o;
    o.insert(QStringLiteral("rule"), e.rule);
    o.insert(QStringLiteral("state"), alertStateName(e.state));
    o.insert(QStringLiteral("severity"), alertSeverityName(e.severity));
    o.insert(QStringLiteral("container"), containerJson(e.containerId, e.containerName, e.category));
    o.insert(QStringLiteral("value"), e.value);
    o.insert(QStringLiteral("threshold"), e.threshold);
    o.insert(QStringLiteral("since"), isoUtc(e.since));
    o.insert(QStringLiteral("host"), m_settings.hostName);
    o.insert(QStringLiteral("at"), isoUtc(e.at));
    if (!e.reason.isEmpty())
        o.insert(QStringLiteral("reason"), e.reason);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray AlertService::alertsJson() const
{
    QJsonArray list;
    for (const ActiveAlert& a : m_evaluator.active()) {
        QJsonObject o;
        o.insert(QStringLiteral("rule"), a.rule);
        o.insert(QStringLiteral("state"), a.firing ? QStringLiteral("firing") : QStringLiteral("pending"));
        o.insert(QStringLiteral("severity"), alertSeverityName(a.severity));
        o.insert(QStringLiteral("container"), containerJson(a.containerId, a.containerName, a.category));
        o.insert(QStringLiteral("value"), a.lastValue);
        o.insert(QStringLiteral("threshold"), a.threshold);
        o.insert(QStringLiteral("first_seen"), isoUtc(a.firstSeen));
        if (a.firing)
            o.insert(QStringLiteral("since"), isoUtc(a.firingSince));
        o.insert(QStringLiteral("last_seen"), isoUtc(a.lastSeen));
        list.append(o);
    }
    QJsonObject doc;
    doc.insert(QStringLiteral("alerts"), list);
    doc.insert(QStringLiteral("rules"), int(m_rules.rules.size()));
    doc.insert(QStringLiteral("rules_origin"), m_rules.origin);
    return QJsonDocument(doc).toJson(QJsonDocument::Compact);
}

QByteArray AlertService::auditJson(const QUrlQuery& query, int* status) const
{
    QDateTime since;
    if (query.hasQueryItem(QStringLiteral("since"))) {
        const QString text = query.queryItemValue(QStringLiteral("since"), QUrl::FullyDecoded);
        since = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!since.isValid()) {
            *status = 400;
            return QStringLiteral("since must be an ISO 8601 time like 2026-11-30T17:00:00Z, not '%1'")
                .arg(text)
                .toUtf8();
        }
    }
    int limit = 100;
    if (query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 10000) {
            *status = 400;
            return QByteArrayLiteral("limit must be a number from 1 to 10000");
        }
    }
    *status = 200;
    return AuditLog::toJsonArray(AuditLog::read(m_audit->dataDir(), since, limit));
}

QByteArray AlertService::prometheusText() const
{
    QByteArray out;
    out += "# HELP stevedore_alert_firing Containers for which the alert rule is firing.\n";
    out += "# TYPE stevedore_alert_firing gauge\n";
    for (const AlertRule& r : m_rules.rules) {
        out += "stevedore_alert_firing{rule=\"" + labelValue(r.name) + "\",severity=\""
            + labelValue(alertSeverityName(r.severity)) + "\"} " + QByteArray::number(m_evaluator.firingCount(r.name))
            + '\n';
    }
    // The inputs of packaging/prometheus/stevedore-rules.yml's state alerts.
    const auto labels = [](const AlertSubject& s) -> QByteArray {
        return "{id=\"" + labelValue(s.id) + "\",name=\"" + labelValue(s.name) + "\",category=\""
            + labelValue(categoryName(s.category)) + "\"}";
    };
    QList<const AlertSubject*> known;
    for (const AlertSubject& s : m_lastSubjects)
        if (!s.state.isEmpty())
            known.append(&s);
    if (known.isEmpty())
        return out;
    out += "# HELP stevedore_container_restarting 1 while Docker is restarting the container.\n";
    out += "# TYPE stevedore_container_restarting gauge\n";
    for (const AlertSubject* s : known)
        out += "stevedore_container_restarting" + labels(*s) + ' '
            + (s->state == QLatin1String("restarting") ? "1" : "0") + '\n';
    out += "# HELP stevedore_container_exit_code Exit code of an exited container, else 0.\n";
    out += "# TYPE stevedore_container_exit_code gauge\n";
    for (const AlertSubject* s : known)
        out += "stevedore_container_exit_code" + labels(*s) + ' '
            + QByteArray::number(s->state == QLatin1String("exited") ? s->exitCode : 0) + '\n';
    return out;
}
