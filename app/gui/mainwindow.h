#pragma once

#include "charthistory.h"
#include "containeractions.h"
#include "engine/engine.h"
#include "spawndialog.h"

#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>

#include <array>
#include <memory>

class CategoryPanel;
class ChartExportJob;
class ContainerFilterProxy;
class ContainerTableModel;
class ManagerPane;
class QAction;
class QActionGroup;
class QDockWidget;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTabWidget;
class QTableView;
class SystemPanel;

// The desktop window: container table, system and per-category charts, the
// manager pane and a status bar, over the Engine that `--no-gui` runs too
// (collector, manager, receiver, reporter). The window only displays and
// asks; kill and spawn go through ContainerActions, asynchronously.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // Chart history kept for the live charts: the last this-many seconds
    // (and never more than kMaxChartSamples samples, so memory stays flat).
    static constexpr int kChartWindowSeconds = 15 * 60;
    static constexpr int kMaxChartSamples = 3600;

    // The engine must be started (its Docker client exists).
    MainWindow(Engine* engine, ContainerActions* actions, QWidget* parent = nullptr);
    ~MainWindow() override;

    Engine* engine() const { return m_engine; }
    ContainerActions* actions() const { return m_actions; }
    ContainerTableModel* model() const { return m_model; }
    ContainerFilterProxy* proxy() const { return m_proxy; }
    QTableView* table() const { return m_table; }
    QLineEdit* filterEdit() const { return m_filter; }
    ManagerPane* managerPane() const { return m_managerPane; }
    SystemPanel* systemPanel() const { return m_systemPanel; }
    CategoryPanel* categoryPanel(Category category) const;
    QTabWidget* chartTabs() const { return m_tabs; }
    const ChartHistory& chartHistory() const { return m_history; }

    QAction* killAction() const { return m_killAct; }
    QAction* spawnAction() const { return m_spawnAct; }
    QAction* exportAction() const { return m_exportAct; }
    QAction* refreshAction() const { return m_refreshAct; }
    QAction* freezeAction() const { return m_freezeAct; }
    bool isFrozen() const { return m_frozen; }
    QAction* aboutAction() const { return m_aboutAct; }

    // The dialogs the actions open (non-blocking), while they are open.
    QMessageBox* killConfirmation() const { return m_killConfirm; }
    SpawnDialog* spawnDialog() const { return m_spawnDialog; }

    QLabel* sourceLabel() const { return m_sourceLabel; }
    QLabel* dockerLabel() const { return m_dockerLabel; }
    QLabel* receiverLabel() const { return m_receiverLabel; }
    QLabel* tickLabel() const { return m_tickLabel; }
    QProgressBar* progressBar() const { return m_progress; }

    // The receiver's address for the status bar ("127.0.0.1:5000", or why
    // there is none). Set from the engine at construction.
    void setReceiverStatus(const QString& text, const QString& toolTip = QString());
    // The metrics source chosen in Manager > Metrics source: saved, used
    // from the next start (the engine's collector is fixed while it runs).
    SourceOptions::Kind sourcePreference() const { return m_sourcePreference; }

    // The containers selected in the table (source model order).
    QList<ContainerMetrics> selectedContainers() const;
    bool isExporting() const { return m_exportJob != nullptr; }

    void restoreSettings();
    void saveSettings() const;

public Q_SLOTS:
    // Shows a snapshot: table, charts, status. Connected to the engine;
    // tests feed fixture snapshots through it.
    void showSnapshot(const Snapshot& snapshot);
    // Kill…: asks to confirm (killConfirmation()), then kills.
    void requestKill();
    // Spawn…: opens spawnDialog(); on OK the engine spawns.
    void requestSpawn();
    // Export charts…: asks for a directory, then exportChartsTo().
    void requestExport();
    // Writes PNG+SVG of every panel and the CSV of the series into dir, one
    // file pair per event-loop turn; exportFinished() reports.
    bool exportChartsTo(const QString& dir);
    void showAbout();

Q_SIGNALS:
    void exportFinished(const QStringList& files, const QString& error);
    void snapshotShown();

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createActions();
    void createMenus();
    void createStatusBar();
    void updateActions();
    void updateDockerLabel();
    void updateSourceLabel();
    void onKillFinished(const QList<Decision>& results);
    void onSpawnFinished(const SpawnReport& report);
    void onPullProgress(const PullProgress& progress);
    void exportStep();
    void updateChartCapacity();
    void setFrozen(bool frozen);
    void refreshViews();
    void showColumnMenu(const QPoint& pos);

    Engine* m_engine;
    ContainerActions* m_actions;
    ContainerTableModel* m_model;
    ContainerFilterProxy* m_proxy;
    QTableView* m_table;
    QLineEdit* m_filter;
    QTabWidget* m_tabs;
    SystemPanel* m_systemPanel;
    std::array<CategoryPanel*, 4> m_categoryPanels {};
    ManagerPane* m_managerPane;
    QDockWidget* m_managerDock;
    ChartHistory m_history;
    Snapshot m_last;

    QLabel* m_sourceLabel;
    QLabel* m_dockerLabel;
    QLabel* m_receiverLabel;
    QLabel* m_tickLabel;
    QProgressBar* m_progress;

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
    QList<QAction*> m_columnActs;
    SourceOptions::Kind m_sourcePreference = SourceOptions::Kind::Auto;
    bool m_frozen = false;

    QPointer<QMessageBox> m_killConfirm;
    QPointer<SpawnDialog> m_spawnDialog;
    int m_spawnWanted = 0;
    int m_spawnDone = 0;
    bool m_columnsSized = false; // to the contents once, unless restored
    std::unique_ptr<ChartExportJob> m_exportJob;
    QString m_exportError;
};
