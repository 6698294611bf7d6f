#pragma once

#include "core/engine/engine.h"
#include "core/manager/containeractions.h"

#include <map>

#include <QMainWindow>

class ChartsArea;
class ContainerActions;
class ContainerFlows;
class ContainerPage;
class ContainerView;
class ExportController;
class HostSelector;
class LogPane;
class ManagerPane;
class QAction;
class QActionGroup;
class QDockWidget;
class StatusBar;

// The desktop window, a shell over its parts: the ContainerView (table and
// filter) above the ChartsArea (live chart tabs), the ManagerPane in a dock,
// the StatusBar, and the menus and tool bar. The flows live in their own
// classes (ContainerFlows: lifecycle actions and spawn; ExportController:
// export), over the Engine that `--no-gui` runs too. Parts are found by
// objectName ("containerView", "chartTabs", "managerPane", "statusBar",
// "startAction", "stopAction", "restartAction", "pauseAction",
// "unpauseAction", "killAction", "removeAction", "showStoppedAction",
// "logPane" (the Logs tab beside the charts), "containerPage" (the Details
// tab; double-click a row), "hostSelector" (in the tool bar once another host
// reports to this window's receiver), …).
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // The engine must be started (its Docker client exists).
    MainWindow(Engine* engine, ContainerActions* actions, QWidget* parent = nullptr);
    ~MainWindow() override;

    void restoreSettings();
    void saveSettings() const;

public Q_SLOTS:
    // Shows a snapshot: table, charts, status. Connected to the engine;
    // tests feed fixture snapshots through it.
    void showSnapshot(const Snapshot& snapshot);
    void showAbout();

Q_SIGNALS:
    void snapshotShown();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void createActions();
    void createMenus();
    void updateActions();
    void setFrozen(bool frozen);
    void refreshViews();
    void applyStoppedRows();
    // The table: this host's snapshot and the chosen hosts' reported rows.
    void showTable();
    void hostSelectionChanged();
    void showDockerInTable(const DockerState& state);
    // Opens within the screen's available geometry (the saved size when it
    // fits there).
    void fitToScreen();

    Engine* m_engine;
    ContainerActions* m_actions;
    ContainerView* m_view;
    ChartsArea* m_charts;
    ManagerPane* m_managerPane;
    QDockWidget* m_managerDock;
    StatusBar* m_status;
    ContainerFlows* m_flows;
    ExportController* m_export;
    LogPane* m_logPane;
    ContainerPage* m_page;
    HostSelector* m_hosts;
    QAction* m_hostAct = nullptr; // the selector in the tool bar
    Snapshot m_last;
    bool m_frozen = false;
    int m_dockWidth = 0; // the manager pane's width for the first show; 0 = leave it
    bool m_stateRestored = false; // the user's dock layout wins over the default

    QAction* m_refreshAct = nullptr;
    QAction* m_freezeAct = nullptr;
    std::map<LifecycleAction, QAction*> m_lifecycleActs;
    QAction* m_showStoppedAct = nullptr;
    QAction* m_spawnAct = nullptr;
    QAction* m_exportAct = nullptr;
    QAction* m_quitAct = nullptr;
    QAction* m_aboutAct = nullptr;
    QAction* m_filterAct = nullptr;
    QAction* m_autoManageAct = nullptr;
    QAction* m_dryRunAct = nullptr;
    QActionGroup* m_sourceGroup = nullptr;
    // Manager ▸ Metrics source: saved, used from the next start (the
    // engine's collector is fixed while it runs).
    SourceOptions::Kind m_sourcePreference = SourceOptions::Kind::Auto;
};
