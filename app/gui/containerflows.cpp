#include "gui/containerflows.h"

#include "charts/chartparts.h"
#include "gui/containerview.h"
#include "gui/spawndialog.h"
#include "gui/statusbar.h"

#include <QMessageBox>
#include <QPushButton>

#include <algorithm>

namespace {
QString containerLabel(const ContainerMetrics& c)
{
    const QString name = c.name.isEmpty() ? c.processName : c.name;
    return QStringLiteral("%1 (%2, %3)").arg(name, c.id.left(12), categoryName(c.category));
}
} // namespace

ContainerFlows::ContainerFlows(ContainerActions* actions, ContainerView* view, StatusBar* status, QWidget* dialogParent)
    : QObject(dialogParent)
    , m_actions(actions)
    , m_view(view)
    , m_status(status)
    , m_dialogParent(dialogParent)
{
    setObjectName(QStringLiteral("containerFlows"));
    connect(m_actions, &ContainerActions::killFinished, this, &ContainerFlows::onKillFinished);
    connect(m_actions, &ContainerActions::spawnPullProgress, this, &ContainerFlows::onPullProgress);
    connect(m_actions, &ContainerActions::containerSpawned, this, [this](const SpawnedContainer& c) {
        ++m_spawnDone;
        m_status->showProgress(m_spawnDone, m_spawnWanted, tr("Spawned %1 of %2").arg(m_spawnDone).arg(m_spawnWanted));
        m_status->showMessage(tr("Spawned %1").arg(c.name), 3000);
    });
    connect(m_actions, &ContainerActions::spawnFinished, this, &ContainerFlows::onSpawnFinished);
    connect(m_actions, &ContainerActions::busyChanged, this, &ContainerFlows::stateChanged);
    connect(m_view, &ContainerView::selectionChanged, this, &ContainerFlows::stateChanged);
}

bool ContainerFlows::canKill() const
{
    return m_actions->isConnected() && m_view->hasSelection() && !m_actions->isKilling() && !m_killConfirm;
}

bool ContainerFlows::canSpawn() const
{
    return m_actions->isConnected() && !m_actions->isSpawning() && !m_spawnDialog;
}

void ContainerFlows::requestKill()
{
    const QList<ContainerMetrics> victims = m_view->selectedContainers();
    if (victims.isEmpty() || !canKill())
        return;
    QStringList lines;
    for (int i = 0; i < victims.size() && i < 12; ++i)
        lines.append(QStringLiteral("• ") + containerLabel(victims.at(i)));
    if (victims.size() > 12)
        lines.append(tr("… and %1 more").arg(victims.size() - 12));
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Kill containers"),
                                tr("Kill and remove %1?").arg(containerCount(int(victims.size()))),
                                QMessageBox::NoButton, m_dialogParent);
    box->setObjectName(QStringLiteral("killConfirmation"));
    box->setInformativeText(lines.join(QLatin1Char('\n'))
                            + tr("\n\nThey are stopped with SIGKILL and removed (docker rm -f)."));
    QPushButton* kill = box->addButton(tr("&Kill"), QMessageBox::DestructiveRole);
    kill->setObjectName(QStringLiteral("confirmKill"));
    box->addButton(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelKill"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    m_killConfirm = box;
    // The ids are fixed now: a refresh while the box is open must not change
    // what the user agreed to.
    connect(box, &QMessageBox::buttonClicked, this, [this, kill, victims](QAbstractButton* button) {
        if (button == kill) {
            m_status->showMessage(tr("Killing %1…").arg(containerCount(int(victims.size()))));
            m_actions->kill(victims);
        } else {
            m_status->showMessage(tr("Kill cancelled"), 3000);
        }
    });
    // finished, not destroyed: a QPointer is still set while destroyed() runs.
    connect(box, &QDialog::finished, this, [this, box] {
        // Deleted later: until then it no longer answers to its name.
        box->setObjectName(QString());
        m_killConfirm = nullptr;
        Q_EMIT stateChanged();
    });
    Q_EMIT stateChanged();
    box->open();
}

void ContainerFlows::onKillFinished(const QList<Decision>& results)
{
    // Show the table without them now rather than at the next tick.
    Q_EMIT containersChanged();
    QStringList failures;
    int removed = 0;
    for (const Decision& d : results) {
        if (d.result == Decision::Result::Failed)
            failures.append(QStringLiteral("%1: %2").arg(d.name.isEmpty() ? d.shortId() : d.name, d.error));
        else
            ++removed;
    }
    m_status->showMessage(tr("Killed %1 of %2").arg(removed).arg(containerCount(int(results.size()))), 10000);
    if (!failures.isEmpty())
        showResult(QStringLiteral("killResult"), tr("Kill"),
                   tr("%1 could not be removed.").arg(containerCount(int(failures.size()))), failures);
    Q_EMIT stateChanged();
}

void ContainerFlows::requestSpawn()
{
    if (!canSpawn())
        return;
    auto* dialog = new SpawnDialog(m_actions->spawnSettings(), m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_spawnDialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const SpawnRequest request = dialog->request();
        m_spawnWanted = request.count;
        m_spawnDone = 0;
        if (m_actions->spawn(request)) {
            m_status->showProgress(0, 0, tr("Spawning…")); // busy until the image is there
            m_status->showMessage(tr("Spawning %1…").arg(containerCount(request.count)));
        } else {
            m_status->showMessage(tr("Cannot spawn now: Docker is not connected or a spawn is running"), 10000);
        }
    });
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        dialog->setObjectName(QString());
        m_spawnDialog = nullptr;
        Q_EMIT stateChanged();
    });
    Q_EMIT stateChanged();
    dialog->open();
}

void ContainerFlows::onPullProgress(const PullProgress& p)
{
    if (p.totalBytes > 0) {
        // QProgressBar counts in int: KiB keep images up to 2 TiB in range.
        m_status->showProgress(
            int(std::min(p.totalCurrent, p.totalBytes) / 1024), int(p.totalBytes / 1024),
            tr("Pulling image: %1 / %2").arg(formatBytes(double(p.totalCurrent)), formatBytes(double(p.totalBytes))));
    } else {
        m_status->showProgress(0, 0, tr("Pulling image: %1").arg(p.status));
    }
    if (!p.error.isEmpty())
        m_status->showMessage(tr("Pull failed: %1").arg(p.error), 10000);
}

void ContainerFlows::onSpawnFinished(const SpawnReport& report)
{
    Q_EMIT containersChanged();
    m_status->hideProgress();
    m_status->showMessage(tr("Spawned %1").arg(containerCount(int(report.created.size()))), 10000);
    if (!report.ok())
        showResult(QStringLiteral("spawnResult"), tr("Spawn"),
                   tr("%1 of %2 containers were created.").arg(report.created.size()).arg(m_spawnWanted),
                   report.errors);
    Q_EMIT stateChanged();
}

void ContainerFlows::showResult(const QString& name, const QString& title, const QString& text,
                                const QStringList& details)
{
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, m_dialogParent);
    box->setObjectName(name);
    box->setInformativeText(details.mid(0, 5).join(QLatin1Char('\n')));
    box->setDetailedText(details.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}
