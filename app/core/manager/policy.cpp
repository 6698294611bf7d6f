#include "core/manager/policy.h"

#include <QSet>

#include <algorithm>

namespace ManagerLabels {
bool isManaged(const QHash<QString, QString>& labels)
{
    // Exactly "true": anything looser could claim a container by accident.
    return labels.value(managed()) == QLatin1String("true");
}
} // namespace ManagerLabels

QString decisionActionName(Decision::Action action)
{
    switch (action) {
    case Decision::Action::Keep:
        return QStringLiteral("keep");
    case Decision::Action::Kill:
        return QStringLiteral("kill");
    case Decision::Action::Ignore:
        break;
    }
    return QStringLiteral("ignore");
}

QString decisionResultName(Decision::Result result)
{
    switch (result) {
    case Decision::Result::Pending:
        return QStringLiteral("pending");
    case Decision::Result::Removed:
        return QStringLiteral("removed");
    case Decision::Result::AlreadyGone:
        return QStringLiteral("already gone");
    case Decision::Result::Failed:
        return QStringLiteral("failed");
    case Decision::Result::DryRun:
        return QStringLiteral("dry-run");
    case Decision::Result::NotActed:
        break;
    }
    return QStringLiteral("not acted");
}

const ContainerInfo* findMetadata(const QHash<QString, ContainerInfo>& metadata, const QString& id)
{
    if (id.isEmpty())
        return nullptr;
    const auto it = metadata.constFind(id);
    if (it != metadata.cend())
        return &it.value();
    if (id.size() >= 12 && id.size() < 64) {
        // A short id (the kernel module prints 12 hex digits). Ambiguous
        // prefixes match nothing rather than the wrong container.
        const ContainerInfo* found = nullptr;
        for (auto m = metadata.cbegin(); m != metadata.cend(); ++m) {
            if (m.key().startsWith(id)) {
                if (found)
                    return nullptr;
                found = &m.value();
            }
        }
        return found;
    }
    return nullptr;
}

namespace {
// Newer first: created, then started, then id (a total order).
bool newerThan(const Decision& a, qint64 aStarted, const Decision& b, qint64 bStarted)
{
    if (a.createdNs != b.createdNs)
        return a.createdNs > b.createdNs;
    if (aStarted != bStarted)
        return aStarted > bStarted;
    return a.id > b.id;
}

QString describe(const Decision& d)
{
    return QStringLiteral("%1 (%2)").arg(d.name.isEmpty() ? d.shortId() : d.name, d.shortId());
}
} // namespace

QList<Decision> decideKeepNewest(const Snapshot& snapshot, const QHash<QString, ContainerInfo>& metadata,
                                 const PolicyOptions& options)
{
    struct Candidate
    {
        Decision decision;
        qint64 startedNs = 0;
    };
    QList<Candidate> candidates;
    QList<Decision> ignored;
    QSet<QString> seen; // full ids already judged

    auto judge = [&](const ContainerInfo* info, const ContainerMetrics* metrics) {
        Decision d;
        d.id = info ? info->id : metrics->id;
        d.name = info && !info->name.isEmpty() ? info->name : (metrics ? metrics->name : QString());
        d.pid = metrics && metrics->pid > 0 ? metrics->pid : (info ? info->pid : 0);
        d.createdNs = info ? info->createdNs : 0;
        d.time = snapshot.timestamp;
        d.result = Decision::Result::Pending;
        if (!info) {
            d.category = metrics->category;
            d.action = Decision::Action::Ignore;
            d.reason = QStringLiteral("no Docker metadata for it: never touched");
            ignored.append(d);
            return;
        }
        const QString cmdline = metrics && !metrics->cmdline.isEmpty() ? metrics->cmdline : info->commandLine();
        d.category = classify(info->labels.value(ManagerLabels::category()), cmdline);
        d.action = Decision::Action::Ignore;
        if (!ManagerLabels::isManaged(info->labels)) {
            d.reason = QStringLiteral("not labelled %1=true: not Stevedore's").arg(ManagerLabels::managed());
        } else if (std::any_of(options.scopeLabels.keyBegin(), options.scopeLabels.keyEnd(), [&](const QString& k) {
                       return info->labels.value(k) != options.scopeLabels.value(k) || !info->labels.contains(k);
                   })) {
            d.reason = QStringLiteral("outside this manager's scope");
        } else if (info->state != QLatin1String("running")) {
            d.reason = QStringLiteral("not running (%1)")
                           .arg(info->state.isEmpty() ? QStringLiteral("unknown") : info->state);
        } else if (d.category == Category::Other) {
            d.reason = QStringLiteral("category other is never grouped");
        } else {
            candidates.append({ d, info->startedAtNs });
            return;
        }
        ignored.append(d);
    };

    for (const ContainerMetrics& m : snapshot.containers) {
        const ContainerInfo* info = findMetadata(metadata, m.id);
        const QString key = info ? info->id : m.id;
        if (seen.contains(key))
            continue;
        seen.insert(key);
        judge(info, &m);
    }
    // Running containers the metrics source has not seen yet still count:
    // a brand-new one must win its category at once.
    QStringList rest;
    for (auto it = metadata.cbegin(); it != metadata.cend(); ++it) {
        if (!seen.contains(it.key()))
            rest.append(it.key());
    }
    rest.sort();
    for (const QString& id : rest) {
        seen.insert(id);
        judge(&metadata.constFind(id).value(), nullptr);
    }

    QList<Decision> out;
    for (Category category : managedCategories()) {
        QList<Candidate> group;
        for (const Candidate& c : std::as_const(candidates)) {
            if (c.decision.category == category)
                group.append(c);
        }
        if (group.isEmpty())
            continue;
        std::sort(group.begin(), group.end(), [](const Candidate& a, const Candidate& b) {
            return newerThan(a.decision, a.startedNs, b.decision, b.startedNs);
        });
        const Decision& winner = group.first().decision;
        for (qsizetype i = 0; i < group.size(); ++i) {
            Decision d = group.at(i).decision;
            if (i == 0) {
                d.action = Decision::Action::Keep;
                d.reason = group.size() == 1
                    ? QStringLiteral("the only running %1 container").arg(categoryName(category))
                    : QStringLiteral("newest of %1 running %2 containers (created %3)")
                          .arg(group.size())
                          .arg(categoryName(category), DockerJson::formatTimestampNs(d.createdNs));
            } else {
                d.action = Decision::Action::Kill;
                d.keptId = winner.id;
                const bool sameInstant = d.createdNs == winner.createdNs;
                d.reason = QStringLiteral("older than %1: created %2%3")
                               .arg(describe(winner), DockerJson::formatTimestampNs(d.createdNs),
                                    sameInstant ? QStringLiteral(" (same instant; tie broken by start time, then id)")
                                                : QString());
            }
            out.append(d);
        }
    }
    std::sort(ignored.begin(), ignored.end(), [](const Decision& a, const Decision& b) { return a.id < b.id; });
    out.append(ignored);
    return out;
}
