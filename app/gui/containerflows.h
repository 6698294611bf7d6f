#pragma once

#include "core/manager/containeractions.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class ContainerView;
class QMessageBox;
class SpawnDialog;
class StatusBar;

// The window's container flows: the lifecycle actions (start, stop,
// restart, pause, unpause, kill, remove) and Spawn…, all non-blocking.
//
// Destructive actions (stop, restart, kill, remove) ask once for the whole
// selection ("lifecycleConfirmation", buttons "confirmLifecycle" and
// "cancelLifecycle"); any action that would touch containers without
// stevedore.managed=true asks too, and says that Stevedore does not manage
// them, so they are only ever acted on by the user's explicit click. Then
// ContainerActions does the work; the status bar shows the progress and a
// result box ("lifecycleResult") lists each container that failed, with
// Docker's reason. The Spawn dialog is "spawnDialog", its result box
// "spawnResult".
class ContainerFlows : public QObject
{
    Q_OBJECT
public:
    ContainerFlows(ContainerActions* actions, ContainerView* view, StatusBar* status, QWidget* dialogParent);

    // Whether the action can start now: connected, a selected container it
    // applies to (Start a stopped one, Pause a running one…), no
    // confirmation open.
    bool canApply(LifecycleAction action) const;
    bool canSpawn() const;
    // The selected containers `action` applies to.
    QList<ContainerMetrics> targets(LifecycleAction action) const;

    // "Stop", "Start", … as the user reads them.
    static QString actionTitle(LifecycleAction action);

public Q_SLOTS:
    // Asks when it must, then applies the action to the selected
    // containers it applies to. Does nothing when canApply() is false (a
    // stale shortcut).
    void requestLifecycle(LifecycleAction action);
    // Opens the Spawn dialog; on OK the containers are created.
    void requestSpawn();

Q_SIGNALS:
    // canApply() or canSpawn() may have changed.
    void stateChanged();
    // Docker changed the containers: a tick now shows it without waiting.
    void containersChanged();
    // Containers removed from the window, for the decision log.
    void removed(const QList<Decision>& results);
    // One line per batch for the log ("[INFO] stop: 2 of 2 containers").
    void logLine(const QString& line);

private:
    void start(LifecycleAction action, const QList<ContainerMetrics>& targets);
    void onProgress(quint64 batch, LifecycleAction action, int done, int total);
    void onLifecycleFinished(const LifecycleReport& report);
    void onSpawnFinished(const SpawnReport& report);
    void onPullProgress(const PullProgress& progress);
    void showProgress();
    void showResult(const QString& name, const QString& title, const QString& text, const QStringList& details);

    struct Batch
    {
        LifecycleAction action;
        int done = 0;
        int total = 0;
    };

    ContainerActions* m_actions;
    ContainerView* m_view;
    StatusBar* m_status;
    QWidget* m_dialogParent;
    QPointer<QMessageBox> m_confirm;
    QPointer<SpawnDialog> m_spawnDialog;
    QHash<quint64, Batch> m_batches;
    quint64 m_finishedInline = 0; // a batch that ended before apply() returned
    int m_spawnWanted = 0;
    int m_spawnDone = 0;
};
