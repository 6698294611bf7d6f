#pragma once

#include "core/manager/containeractions.h"

#include <QObject>
#include <QPointer>

class ContainerView;
class QMessageBox;
class SpawnDialog;
class StatusBar;

// The window's Kill… and Spawn… flows: the confirmation ("killConfirmation",
// buttons "confirmKill" and "cancelKill") and the Spawn dialog
// ("spawnDialog"), both non-blocking; then ContainerActions does the work and
// the status bar and result boxes ("killResult", "spawnResult") report.
class ContainerFlows : public QObject
{
    Q_OBJECT
public:
    ContainerFlows(ContainerActions* actions, ContainerView* view, StatusBar* status, QWidget* dialogParent);

    // Whether Kill… and Spawn… can start now (connected, a selection, not
    // busy, no dialog of theirs open).
    bool canKill() const;
    bool canSpawn() const;

public Q_SLOTS:
    // Asks to confirm, then kills the selected containers. Does nothing
    // when canKill() is false (a stale shortcut).
    void requestKill();
    // Opens the Spawn dialog; on OK the containers are created.
    void requestSpawn();

Q_SIGNALS:
    // canKill() or canSpawn() may have changed.
    void stateChanged();
    // Docker changed the containers: a tick now shows it without waiting.
    void containersChanged();

private:
    void onKillFinished(const QList<Decision>& results);
    void onSpawnFinished(const SpawnReport& report);
    void onPullProgress(const PullProgress& progress);
    void showResult(const QString& name, const QString& title, const QString& text, const QStringList& details);

    ContainerActions* m_actions;
    ContainerView* m_view;
    StatusBar* m_status;
    QWidget* m_dialogParent;
    QPointer<QMessageBox> m_killConfirm;
    QPointer<SpawnDialog> m_spawnDialog;
    int m_spawnWanted = 0;
    int m_spawnDone = 0;
};
