#pragma once

#include "core/alerts/audit.h"
#include "core/alerts/evaluator.h"
#include "core/manager/policy.h"

#include <QPointer>
#include <QWidget>

class AlertService;
class ContainerActions;
class Engine;
class ManagerPane;
class QLabel;
class QMainWindow;
class QStandardItemModel;
class QSystemTrayIcon;
class QTableView;

// The window's alert list (docs/alerts.md): every pending or firing alert
// with its state, container, first seen and last value; a Reload button
// that re-reads the rules file (a bad file keeps the rules and says why);
// and a tray notification for each fire and resolve when the desktop has a
// system tray.
class AlertList : public QWidget
{
    Q_OBJECT
public:
    enum Column { State, Rule, Severity, Container, FirstSeen, LastValue, Threshold, ColumnCount };

    AlertList(Engine* engine, QWidget* parent = nullptr);

    QStandardItemModel* model() const { return m_model; }
    QLabel* rulesLabel() const { return m_rules; }
    void reloadRules();
    // The tray icon used for notifications; null when there is no tray.
    QSystemTrayIcon* trayIcon() const { return m_tray; }

Q_SIGNALS:
    // Each notification, whether a tray showed it or not (tests, and the
    // status line when there is no tray).
    void notified(const QString& title, const QString& message);

private:
    void refresh();
    void notify(const AlertEvent& event);

    QPointer<Engine> m_engine;
    QStandardItemModel* m_model;
    QTableView* m_table;
    QLabel* m_rules;
    QSystemTrayIcon* m_tray = nullptr;
};

// The hook MainWindow calls once (kept to one line there): docks the alert
// list on the right (objectName "alertsDock"), adds Alerts ▸ Reload rules,
// audits the window's kills (actor user:<login>), and fills the manager
// pane with the removals of the audit trail so they survive restarts.
AlertList* installAlerts(QMainWindow* window, Engine* engine, ContainerActions* actions, ManagerPane* managerPane);

// Audit records of removals (manager decisions and the window's kills) as
// the Decisions the manager pane shows, oldest first.
QList<Decision> decisionsFromAudit(const QList<AuditRecord>& records);
