#pragma once

#include "core/engine/engine.h"

#include <QMainWindow>

class ChartsArea;
class ContainerActions;
class ContainerFlows;
class ContainerView;
class ExportController;
class ManagerPane;
class QAction;
class QActionGroup;
class QDockWidget;
class StatusBar;

// The desktop window, a shell over its parts: the ContainerView (table and
// filter) above the ChartsArea (live chart tabs), the ManagerPane in a dock,
// the StatusBar, and the menus and tool bar. The flows live in their own
// classes (ContainerFlows: kill and spawn; ExportController: export), over
// the Engine that `--no-gui` runs too. Parts are found by objectName
// ("containerView", "chartTabs", "managerPane", "statusBar", "killAction", …).
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

private:
    void createActions();
    void createMenus();
    void updateActions();
    void setFrozen(bool frozen);
    void refreshViews();

    Engine* m_engine;
    ContainerActions* m_actions;
    ContainerView* m_view;
    ChartsArea* m_charts;
    ManagerPane* m_managerPane;
    QDockWidget* m_managerDock;
    StatusBar* m_status;
    ContainerFlows* m_flows;
    ExportController* m_export;
    Snapshot m_last;
    bool m_frozen = false;

    QAction* m_refreshAct = nullptr;
    QAction* m_freezeAct = nullptr;
    QAction* m_killAct = nullptr;
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
