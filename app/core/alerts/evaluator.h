#pragma once

#include "core/alerts/rules.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

struct Snapshot;
struct ContainerInfo;

// One container as the rules see it at one tick: live metrics when it is
// running, Docker's state either way.
struct AlertSubject
{
    QString id;
    QString name;
    Category category = Category::Other;
    QHash<QString, QString> labels;
    bool managed = false;
    QString state; // Docker's: "running", "restarting", "exited", ... ("" unknown)
    int exitCode = 0;
    bool hasMetrics = false; // the metrics below come from this tick's snapshot
    double cpuPercent = 0;
    double memoryBytes = 0;
    double memoryPercent = 0;
    double readBytesPerSec = 0;
    double writeBytesPerSec = 0;

    // The rule's metric, or nothing when this subject cannot have it (no
    // live metrics for a stopped container).
    std::optional<double> value(AlertMetric metric) const;
};

// The subjects of one tick: every container of the snapshot, plus the
// containers Docker knows that are not running (for the state metrics).
QList<AlertSubject> alertSubjects(const Snapshot& snapshot, const QHash<QString, ContainerInfo>& metadata);

// A fire or a resolve: each alert (rule, container) produces exactly one of
// each per episode.
struct AlertEvent
{
    enum class State { Firing, Resolved };
    State state = State::Firing;
    QString rule;
    AlertSeverity severity = AlertSeverity::Warning;
    QString containerId;
    QString containerName;
    Category category = Category::Other;
    bool managed = false;
    double value = 0; // the value that fired (or resolved) it
    double threshold = 0;
    QDateTime since; // when the condition started holding (firing) / the alert fired (resolved)
    QDateTime at; // the tick that made this event
    QList<AlertAction> actions;
    QString reason; // resolved: "condition cleared", "container gone", "rule removed"
};
Q_DECLARE_METATYPE(AlertEvent)
QString alertStateName(AlertEvent::State state); // "firing", "resolved"

// What GET /alerts, /metrics and the window's alert list show.
struct ActiveAlert
{
    QString rule;
    AlertSeverity severity = AlertSeverity::Warning;
    QString containerId;
    QString containerName;
    Category category = Category::Other;
    bool firing = false; // false: pending, the condition holds but not for `for` yet
    QDateTime firstSeen; // when the condition started holding
    QDateTime firingSince; // firing only
    QDateTime lastSeen;
    double lastValue = 0;
    double threshold = 0;
};

// Evaluates rules on ticks. Pure: time comes in with each call, nothing is
// done besides returning the events.
//
// An alert is keyed by (rule, container). It becomes pending at the first
// tick where the rule's condition holds, fires at the first tick where it
// has held for `for` seconds, and from then on stays firing until the value
// stops passing the clear threshold (default: the threshold) for
// `clear_for` seconds: then it resolves. A value hovering around the
// threshold therefore produces one fire and, at most, one resolve per
// episode. A container that disappears resolves its firing alerts.
class AlertEvaluator
{
public:
    // Keeps the state of alerts whose rule is unchanged; alerts of removed
    // or changed rules are resolved (returned) or forgotten (pending).
    QList<AlertEvent> setRules(const QList<AlertRule>& rules, const QDateTime& now);
    const QList<AlertRule>& rules() const { return m_rules; }

    QList<AlertEvent> evaluate(const QList<AlertSubject>& subjects, const QDateTime& now);

    QList<ActiveAlert> active() const; // sorted by rule, then container name
    int firingCount(const QString& rule) const;

private:
    struct State
    {
        ActiveAlert alert;
        QDateTime clearSince; // firing: when the value first stopped passing the clear threshold
    };
    static QString key(const QString& rule, const QString& id) { return rule + QLatin1Char('\x1f') + id; }
    AlertEvent resolve(const AlertRule& rule, const State& state, const QDateTime& now, const QString& reason) const;

    QList<AlertRule> m_rules;
    QHash<QString, State> m_states;
};

// "Would have fired at ...": the rules replayed over stored snapshots (oldest
// first), each at its own timestamp, as if they had been in force then. No
// Docker state is stored, so the state metrics see only what the snapshots
// say. Actions are not run: only the events are returned.
QList<AlertEvent> replayRules(const QList<AlertRule>& rules, const QList<Snapshot>& history);
