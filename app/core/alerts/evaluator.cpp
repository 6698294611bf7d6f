#include "core/alerts/evaluator.h"

#include "core/docker/dockertypes.h"
#include "core/manager/policy.h"
#include "core/model/snapshot.h"

#include <QSet>

#include <algorithm>

std::optional<double> AlertSubject::value(AlertMetric metric) const
{
    switch (metric) {
    case AlertMetric::Restarting:
        if (state.isEmpty())
            return std::nullopt;
        return state == QLatin1String("restarting") ? 1.0 : 0.0;
    case AlertMetric::ExitedNonZero:
        if (state.isEmpty())
            return std::nullopt;
        return state == QLatin1String("exited") ? double(exitCode) : 0.0;
    default:
        break;
    }
    if (!hasMetrics)
        return std::nullopt;
    switch (metric) {
    case AlertMetric::CpuPercent:
        return cpuPercent;
    case AlertMetric::MemoryBytes:
        return memoryBytes;
    case AlertMetric::MemoryPercent:
        return memoryPercent;
    case AlertMetric::DiskReadBytesPerSec:
        return readBytesPerSec;
    case AlertMetric::DiskWriteBytesPerSec:
        return writeBytesPerSec;
    default:
        return std::nullopt;
    }
}

QList<AlertSubject> alertSubjects(const Snapshot& snapshot, const QHash<QString, ContainerInfo>& metadata)
{
    QList<AlertSubject> out;
    QSet<QString> seen;
    for (const ContainerMetrics& c : snapshot.containers) {
        AlertSubject s;
        s.id = c.id;
        s.name = c.name;
        s.category = c.category;
        s.labels = c.labels;
        s.managed = c.managed;
        s.state = c.state.isEmpty() ? QStringLiteral("running") : c.state;
        s.hasMetrics = true;
        s.cpuPercent = c.cpuPercent;
        s.memoryBytes = double(c.memoryBytes);
        s.memoryPercent = c.memoryPercent;
        s.readBytesPerSec = c.readBytesPerSec;
        s.writeBytesPerSec = c.writeBytesPerSec;
        if (const auto it = metadata.constFind(c.id); it != metadata.cend())
            s.exitCode = it->exitCode;
        seen.insert(c.id);
        out.append(s);
    }
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it) {
        if (seen.contains(it.key()) || it->running)
            continue;
        AlertSubject s;
        s.id = it->id.isEmpty() ? it.key() : it->id;
        s.name = it->name;
        s.category = classify(it->labels.value(ManagerLabels::category()), it->commandLine());
        s.labels = it->labels;
        s.managed = ManagerLabels::isManaged(it->labels);
        s.state = it->state;
        s.exitCode = it->exitCode;
        out.append(s);
    }
    return out;
}

QString alertStateName(AlertEvent::State state)
{
    return state == AlertEvent::State::Firing ? QStringLiteral("firing") : QStringLiteral("resolved");
}

AlertEvent AlertEvaluator::resolve(const AlertRule& rule, const State& state, const QDateTime& now,
                                   const QString& reason) const
{
    AlertEvent e;
    e.state = AlertEvent::State::Resolved;
    e.rule = rule.name;
    e.severity = rule.severity;
    e.containerId = state.alert.containerId;
    e.containerName = state.alert.containerName;
    e.category = state.alert.category;
    e.value = state.alert.lastValue;
    e.threshold = rule.threshold;
    e.since = state.alert.firingSince;
    e.at = now;
    e.actions = rule.actions;
    e.reason = reason;
    return e;
}

QList<AlertEvent> AlertEvaluator::setRules(const QList<AlertRule>& rules, const QDateTime& now)
{
    QList<AlertEvent> events;
    QHash<QString, const AlertRule*> next;
    for (const AlertRule& r : rules)
        next.insert(r.name, &r);
    for (auto it = m_states.begin(); it != m_states.end();) {
        const AlertRule* old = nullptr;
        for (const AlertRule& r : m_rules)
            if (r.name == it->alert.rule)
                old = &r;
        const AlertRule* now_ = next.value(it->alert.rule);
        if (old && now_ && *old == *now_ && now_->enabled) {
            ++it;
            continue;
        }
        if (old && it->alert.firing)
            events.append(
                resolve(*old, *it, now, now_ ? QStringLiteral("rule changed") : QStringLiteral("rule removed")));
        it = m_states.erase(it);
    }
    m_rules = rules;
    return events;
}

QList<AlertEvent> AlertEvaluator::evaluate(const QList<AlertSubject>& subjects, const QDateTime& now)
{
    QList<AlertEvent> events;
    QSet<QString> touched;
    for (const AlertRule& rule : m_rules) {
        if (!rule.enabled)
            continue;
        for (const AlertSubject& s : subjects) {
            if (!rule.select.matches(s.name, s.category, s.labels, s.managed))
                continue;
            const auto value = s.value(rule.metric);
            if (!value)
                continue; // judged at the end like a vanished container
            const QString k = key(rule.name, s.id);
            const bool holds = alertCompare(rule.comparison, *value, rule.threshold);
            auto it = m_states.find(k);
            if (it == m_states.end()) {
                if (!holds)
                    continue;
                State st;
                st.alert.rule = rule.name;
                st.alert.severity = rule.severity;
                st.alert.containerId = s.id;
                st.alert.containerName = s.name;
                st.alert.category = s.category;
                st.alert.firstSeen = now;
                st.alert.threshold = rule.threshold;
                it = m_states.insert(k, st);
            }
            touched.insert(k);
            State& st = *it;
            st.alert.lastSeen = now;
            st.alert.lastValue = *value;
            st.alert.containerName = s.name;
            if (!st.alert.firing) {
                if (!holds) {
                    m_states.erase(it);
                    continue;
                }
                if (st.alert.firstSeen.msecsTo(now) >= qint64(rule.forSeconds * 1000)) {
                    st.alert.firing = true;
                    st.alert.firingSince = now;
                    AlertEvent e;
                    e.state = AlertEvent::State::Firing;
                    e.rule = rule.name;
                    e.severity = rule.severity;
                    e.containerId = s.id;
                    e.containerName = s.name;
                    e.category = s.category;
                    e.managed = s.managed;
                    e.value = *value;
                    e.threshold = rule.threshold;
                    e.since = st.alert.firstSeen;
                    e.at = now;
                    e.actions = rule.actions;
                    events.append(e);
                }
                continue;
            }
            // Firing: resolve only once the value is past the clear
            // threshold, and has stayed there for clear_for.
            const bool stillPassing = alertCompare(rule.comparison, *value, rule.effectiveClearThreshold())
                || (rule.clearThreshold && holds);
            if (stillPassing) {
                st.clearSince = QDateTime();
                continue;
            }
            if (!st.clearSince.isValid())
                st.clearSince = now;
            if (st.clearSince.msecsTo(now) >= qint64(rule.clearForSeconds * 1000)) {
                AlertEvent e = resolve(rule, st, now, QStringLiteral("condition cleared"));
                e.managed = s.managed;
                events.append(e);
                m_states.erase(it);
            }
        }
    }
    // Alerts whose container (or value) is gone this tick.
    for (auto it = m_states.begin(); it != m_states.end();) {
        if (touched.contains(it.key())) {
            ++it;
            continue;
        }
        if (it->alert.firing) {
            for (const AlertRule& r : m_rules)
                if (r.name == it->alert.rule)
                    events.append(resolve(r, *it, now, QStringLiteral("container gone")));
        }
        it = m_states.erase(it);
    }
    return events;
}

QList<ActiveAlert> AlertEvaluator::active() const
{
    QList<ActiveAlert> out;
    for (const State& s : m_states)
        out.append(s.alert);
    std::sort(out.begin(), out.end(), [](const ActiveAlert& a, const ActiveAlert& b) {
        return a.rule != b.rule ? a.rule < b.rule : a.containerName < b.containerName;
    });
    return out;
}

int AlertEvaluator::firingCount(const QString& rule) const
{
    int n = 0;
    for (const State& s : m_states)
        if (s.alert.firing && s.alert.rule == rule)
            ++n;
    return n;
}

QList<AlertEvent> replayRules(const QList<AlertRule>& rules, const QList<Snapshot>& history)
{
    QList<AlertEvent> events;
    if (history.isEmpty())
        return events;
    AlertEvaluator evaluator;
    evaluator.setRules(rules, history.first().timestamp);
    const QHash<QString, ContainerInfo> noMetadata;
    for (const Snapshot& s : history)
        events += evaluator.evaluate(alertSubjects(s, noMetadata), s.timestamp);
    return events;
}
