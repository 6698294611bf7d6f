#include "gui/containerflows.h"

#include "charts/chartparts.h"
#include "gui/containerview.h"
#include "gui/spawndialog.h"
#include "gui/statusbar.h"

#include <QDateTime>
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

namespace {
// "Stopping", for the progress bar.
QString actionProgressive(LifecycleAction action)
{
    switch (action) {
    case LifecycleAction::Start:
        return ContainerFlows::tr("Starting");
    case LifecycleAction::Stop:
        return ContainerFlows::tr("Stopping");
    case LifecycleAction::Restart:
        return ContainerFlows::tr("Restarting");
    case LifecycleAction::Pause:
        return ContainerFlows::tr("Pausing");
    case LifecycleAction::Unpause:
        return ContainerFlows::tr("Resuming");
    case LifecycleAction::Kill:
        return ContainerFlows::tr("Killing");
    case LifecycleAction::Remove:
        return ContainerFlows::tr("Removing");
    }
    return {};
}

// What the action does, for the confirmation.
QString actionExplanation(LifecycleAction action)
{
    switch (action) {
    case LifecycleAction::Start:
        return ContainerFlows::tr("They are started again with their original command.");
    case LifecycleAction::Stop:
        return ContainerFlows::tr("Each gets its stop signal (SIGTERM unless its image sets another) and, after "
                                  "Docker's grace period (10 s unless the container sets its own), SIGKILL. "
                                  "Stopped containers stay listed and can be started again.");
    case LifecycleAction::Restart:
        return ContainerFlows::tr("Each is stopped as by Stop (graceful, Docker's grace period) and started again.");
    case LifecycleAction::Pause:
        return ContainerFlows::tr("Their processes are frozen until they are resumed.");
    case LifecycleAction::Unpause:
        return ContainerFlows::tr("Their frozen processes go on.");
    case LifecycleAction::Kill:
        return ContainerFlows::tr("Each gets SIGKILL at once, without a chance to clean up. The containers stay, "
                                  "stopped, and can be started again.");
    case LifecycleAction::Remove:
        return ContainerFlows::tr("They are killed if running and removed with their anonymous volumes "
                                  "(docker rm -f). This cannot be undone.");
    }
    return {};
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
    connect(m_actions, &ContainerActions::lifecycleProgress, this, &ContainerFlows::onProgress);
    connect(m_actions, &ContainerActions::lifecycleFinished, this, &ContainerFlows::onLifecycleFinished);
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

QString ContainerFlows::actionTitle(LifecycleAction action)
{
    switch (action) {
    case LifecycleAction::Start:
        return tr("Start");
    case LifecycleAction::Stop:
        return tr("Stop");
    case LifecycleAction::Restart:
        return tr("Restart");
    case LifecycleAction::Pause:
        return tr("Pause");
    case LifecycleAction::Unpause:
        return tr("Resume");
    case LifecycleAction::Kill:
        return tr("Kill");
    case LifecycleAction::Remove:
        return tr("Remove");
    }
    return {};
}

QList<ContainerMetrics> ContainerFlows::targets(LifecycleAction action) const
{
    QList<ContainerMetrics> out;
    for (const ContainerMetrics& c : m_view->selectedContainers()) {
        if (Lifecycle::appliesTo(action, c.state))
            out.append(c);
    }
    return out;
}

bool ContainerFlows::canApply(LifecycleAction action) const
{
    return m_actions->isConnected() && !m_confirm && !targets(action).isEmpty();
}

bool ContainerFlows::canSpawn() const
{
    return m_actions->isConnected() && !m_actions->isSpawning() && !m_spawnDialog;
}

void ContainerFlows::requestLifecycle(LifecycleAction action)
{
    if (!canApply(action))
        return;
    // The ids are fixed now: a refresh while the box is open must not change
    // what the user agreed to.
    const QList<ContainerMetrics> chosen = targets(action);
    QStringList unmanaged;
    for (const ContainerMetrics& c : chosen) {
        if (!c.managed)
            unmanaged.append(c.name.isEmpty() ? c.id.left(12) : c.name);
    }
    if (!Lifecycle::isDestructive(action) && unmanaged.isEmpty()) {
        start(action, chosen);
        return;
    }
    QStringList lines;
    for (int i = 0; i < chosen.size() && i < 12; ++i)
        lines.append(QStringLiteral("• ") + containerLabel(chosen.at(i)));
    if (chosen.size() > 12)
        lines.append(tr("… and %1 more").arg(chosen.size() - 12));
    QString info = lines.join(QLatin1Char('\n')) + QStringLiteral("\n\n") + actionExplanation(action);
    if (!unmanaged.isEmpty()) {
        QString names = unmanaged.mid(0, 8).join(QStringLiteral(", "));
        if (unmanaged.size() > 8)
            names += tr(" and %1 more").arg(unmanaged.size() - 8);
        info += QStringLiteral("\n\n")
            + tr("Not labelled stevedore.managed=true: %1. Stevedore does not manage these containers and never "
                 "acts on them by itself; they are acted on only because you ask for it here.")
                  .arg(names);
    }
    const QString title = actionTitle(action);
    auto* box = new QMessageBox(
        Lifecycle::isDestructive(action) ? QMessageBox::Warning : QMessageBox::Question, tr("%1 containers").arg(title),
        tr("%1 %2?").arg(title, containerCount(int(chosen.size()))), QMessageBox::NoButton, m_dialogParent);
    box->setObjectName(QStringLiteral("lifecycleConfirmation"));
    box->setInformativeText(info);
    QPushButton* confirm
        = box->addButton(QLatin1Char('&') + title,
                         Lifecycle::isDestructive(action) ? QMessageBox::DestructiveRole : QMessageBox::AcceptRole);
    confirm->setObjectName(QStringLiteral("confirmLifecycle"));
    box->addButton(QMessageBox::Cancel)->setObjectName(QStringLiteral("cancelLifecycle"));
    box->setDefaultButton(QMessageBox::Cancel); // Enter does not destroy anything
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    m_confirm = box;
    connect(box, &QMessageBox::buttonClicked, this, [this, confirm, chosen, action, title](QAbstractButton* button) {
        if (button == confirm)
            start(action, chosen);
        else
            m_status->showMessage(tr("%1 cancelled").arg(title), 3000);
    });
    // finished, not destroyed: a QPointer is still set while destroyed() runs.
    connect(box, &QDialog::finished, this, [this, box] {
        // Deleted later: until then it no longer answers to its name.
        box->setObjectName(QString());
        m_confirm = nullptr;
        Q_EMIT stateChanged();
    });
    Q_EMIT stateChanged();
    box->open();
}

void ContainerFlows::start(LifecycleAction action, const QList<ContainerMetrics>& chosen)
{
    const quint64 batch = m_actions->apply(action, chosen);
    if (batch == 0)
        return;
    // Without a client the batch has finished inside apply(): nothing to show.
    if (batch != m_finishedInline)
        m_batches.insert(batch, Batch { action, 0, int(chosen.size()) });
    showProgress();
}

void ContainerFlows::onProgress(quint64 batch, LifecycleAction action, int done, int total)
{
    const auto it = m_batches.find(batch);
    if (it == m_batches.end())
        return; // answered inside apply(), before start() knew the batch
    it->action = action;
    it->done = done;
    it->total = total;
    showProgress();
}

void ContainerFlows::showProgress()
{
    int done = 0;
    int total = 0;
    QString text;
    for (const Batch& b : std::as_const(m_batches)) {
        if (b.done >= b.total)
            continue;
        done += b.done;
        total += b.total;
        text = tr("%1 %2 of %3…").arg(actionProgressive(b.action)).arg(b.done + 1).arg(b.total);
    }
    if (total == 0)
        return;
    // One bar for every batch still running; the text names the latest.
    m_status->showProgress(done, total, text);
}

void ContainerFlows::onLifecycleFinished(const LifecycleReport& report)
{
    if (!m_batches.remove(report.batch))
        m_finishedInline = report.batch;
    bool running = false;
    for (const Batch& b : std::as_const(m_batches))
        running = running || b.done < b.total;
    if (running)
        showProgress();
    else
        m_status->hideProgress();
    // Show the new states now rather than at the next tick.
    Q_EMIT containersChanged();
    const QString title = actionTitle(report.action);
    QStringList failures;
    for (const LifecycleOutcome& o : report.outcomes) {
        if (!o.ok())
            failures.append(QStringLiteral("%1: %2").arg(o.name.isEmpty() ? o.id.left(12) : o.name,
                                                         o.error.daemonMessage.isEmpty() ? o.error.message
                                                                                         : o.error.daemonMessage));
    }
    const int ok = int(report.outcomes.size()) - int(failures.size());
    const QString summary = tr("%1: %2 of %3 done").arg(title).arg(ok).arg(containerCount(int(report.outcomes.size())));
    m_status->showMessage(
        failures.isEmpty() ? summary : tr("%1, %n failed", nullptr, int(failures.size())).arg(summary), 10000);
    Q_EMIT logLine(
        QStringLiteral("[%1] %2 from the window: %3 of %4 containers")
            .arg(failures.isEmpty() ? QStringLiteral("INFO") : QStringLiteral("WARN"), Lifecycle::name(report.action))
            .arg(ok)
            .arg(report.outcomes.size()));
    for (const QString& f : std::as_const(failures))
        Q_EMIT logLine(QStringLiteral("[WARN] %1 failed: %2").arg(Lifecycle::name(report.action), f));
    if (report.action == LifecycleAction::Remove) {
        QList<Decision> decisions;
        for (const LifecycleOutcome& o : report.outcomes) {
            Decision d;
            d.action = Decision::Action::Kill;
            d.id = o.id;
            d.name = o.name;
            d.reason = tr("removed from the window");
            d.time = QDateTime::currentDateTime();
            d.result = o.ok() ? Decision::Result::Removed : Decision::Result::Failed;
            d.error = o.error.message;
            decisions.append(d);
        }
        Q_EMIT removed(decisions);
    }
    if (!failures.isEmpty())
        showResult(
            QStringLiteral("lifecycleResult"), title,
            tr("%n of %1 failed.", nullptr, int(failures.size())).arg(containerCount(int(report.outcomes.size()))),
            failures);
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
                   tr("%1 of %n containers were created.", nullptr, m_spawnWanted).arg(report.created.size()),
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
