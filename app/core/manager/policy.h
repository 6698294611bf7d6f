#pragma once

#include "core/docker/dockertypes.h"
#include "core/model/snapshot.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>

// Labels Stevedore puts on what it spawns, and the only thing the manager
// trusts: a container is Stevedore's to remove only when it carries
// stevedore.managed=true, whatever its name or command says.
namespace ManagerLabels {
inline QString managed()
{
    return QStringLiteral("stevedore.managed");
}
inline QString category()
{
    return QStringLiteral("stevedore.category");
}
bool isManaged(const QHash<QString, QString>& labels);
} // namespace ManagerLabels

// One verdict on one container.
struct Decision
{
    enum class Action {
        Keep, // the newest of its category
        Kill, // an older one: remove it
        Ignore, // not Stevedore's, not running, or not in a managed category
    };
    enum class Result {
        Pending, // decided, not acted on (yet)
        Removed,
        AlreadyGone, // removed by someone else first
        Failed,
        DryRun, // --dry-run: would have been removed
        NotActed, // Keep/Ignore, or --no-manage
    };
    Action action = Action::Ignore;
    QString id;
    QString name;
    Category category = Category::Other;
    qint64 pid = 0;
    qint64 createdNs = 0;
    QString reason;
    QString keptId; // Kill: the container that won its category
    QDateTime time; // when acted on (or decided)
    Result result = Result::Pending;
    QString error; // Failed: the daemon's words

    QString shortId() const { return id.left(12); }
};

QString decisionActionName(Decision::Action action); // "keep", "kill", "ignore"
QString decisionResultName(Decision::Result result); // "removed", "dry-run", ...

struct PolicyOptions
{
    // Only containers carrying all of these labels are candidates (besides
    // stevedore.managed=true). Empty in normal use; tests and side-by-side
    // instances use it to keep to their own containers.
    QHash<QString, QString> scopeLabels;
};

// The keep-newest rule, as a pure function.
//
// Candidates are the containers Docker reports running (metadata state
// "running") that carry stevedore.managed=true and the scope labels. Each is
// put in a category by its stevedore.category label, else by its command
// line; category Other is never grouped. Per category the one created last
// (inspect's Created, nanoseconds) is kept and every other is killed. Ties
// are broken by StartedAt, then by id, so the verdict never depends on
// ordering or PIDs.
//
// Every other container in the snapshot or in the metadata gets an Ignore
// with the reason. The result is ordered by category (cpu, ram, io, disk),
// newest first, then the ignored ones by id.
//
// `metadata` is keyed by full container id; snapshot containers may carry a
// short (12-hex) id, matched by prefix.
QList<Decision> decideKeepNewest(const Snapshot& snapshot, const QHash<QString, ContainerInfo>& metadata,
                                 const PolicyOptions& options = {});

// The metadata entry for a snapshot id (full or short), or null.
const ContainerInfo* findMetadata(const QHash<QString, ContainerInfo>& metadata, const QString& id);

Q_DECLARE_METATYPE(Decision)
