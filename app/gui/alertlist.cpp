#include "gui/alertlist.h"

#include "core/alerts/alertservice.h"
#include "core/engine/engine.h"
#include "core/manager/containeractions.h"
#include "gui/managerpane.h"
#include "gui/ruleseditor.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QStandardItemModel>
#include <QSystemTrayIcon>
#include <QTableView>
#include <QVBoxLayout>

namespace {
// As the window shows it; the rules file and the audit trail keep
// alertSeverityName()'s words.
QString severityText(AlertSeverity severity)
{
    switch (severity) {
    case AlertSeverity::Info:
        return AlertList::tr("info");
    case AlertSeverity::Warning:
        return AlertList::tr("warning");
    case AlertSeverity::Critical:
        return AlertList::tr("critical");
    }
    return alertSeverityName(severity);
}
} // namespace

AlertList::AlertList(Engine* engine, QWidget* parent)
    : QWidget(parent)
    , m_engine(engine)
    , m_model(new QStandardItemModel(0, ColumnCount, this))
    , m_table(new QTableView)
    , m_rules(new QLabel)
{
    setObjectName(QStringLiteral("alertList"));
    m_model->setHorizontalHeaderLabels({ tr("State"), tr("Rule"), tr("Severity"), tr("Container"), tr("First seen"),
                                         tr("Last value"), tr("Threshold") });
    m_table->setObjectName(QStringLiteral("alertTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_rules->setObjectName(QStringLiteral("alertRulesLabel"));
    m_rules->setWordWrap(true);
    m_rules->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* reload = new QPushButton(tr("&Reload rules"));
    reload->setObjectName(QStringLiteral("reloadRulesButton"));
    connect(reload, &QPushButton::clicked, this, &AlertList::reloadRules);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_rules);
    layout->addWidget(reload, 0, Qt::AlignRight);

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(QApplication::windowIcon(), this);
        m_tray->setToolTip(tr("Stevedore"));
        m_tray->show();
    }
    if (AlertService* alerts = m_engine ? m_engine->alerts() : nullptr) {
        connect(alerts, &AlertService::alertsChanged, this, &AlertList::refresh);
        connect(alerts, &AlertService::alertEvent, this, &AlertList::notify);
        connect(alerts, &AlertService::rulesReloaded, this, [this](bool ok, const QString& message) {
            m_rules->setText(message);
            m_rules->setStyleSheet(ok ? QString() : QStringLiteral("color: #b00020"));
        });
        m_rules->setText(
            tr("%n rules from %1", nullptr, int(alerts->rules().rules.size())).arg(alerts->rules().origin));
    } else {
        m_rules->setText(tr("Alerts are not running (the engine did not start)."));
        reload->setEnabled(false);
    }
    refresh();
}

void AlertList::reloadRules()
{
    if (m_engine)
        m_engine->reloadRules(nullptr); // rulesReloaded updates the label
}

void AlertList::refresh()
{
    AlertService* alerts = m_engine ? m_engine->alerts() : nullptr;
    const QList<ActiveAlert> active = alerts ? alerts->active() : QList<ActiveAlert>();
    m_model->setRowCount(int(active.size()));
    for (int row = 0; row < active.size(); ++row) {
        const ActiveAlert& a = active[row];
        const auto set = [&](int column, const QString& text, const QString& tip = QString()) {
            auto* item = new QStandardItem(text);
            item->setToolTip(tip.isEmpty() ? text : tip);
            m_model->setItem(row, column, item);
        };
        set(State, a.firing ? tr("firing") : tr("pending"),
            a.firing ? tr("firing since %1").arg(a.firingSince.toLocalTime().toString(Qt::ISODate)) : QString());
        set(Rule, a.rule);
        set(Severity, severityText(a.severity));
        set(Container, a.containerName.isEmpty() ? a.containerId.left(12) : a.containerName, a.containerId);
        set(FirstSeen, a.firstSeen.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
            a.firstSeen.toLocalTime().toString(Qt::ISODate));
        set(LastValue, QString::number(a.lastValue, 'g', 4));
        set(Threshold, QString::number(a.threshold, 'g', 4));
        if (a.firing) {
            const QColor tint = a.severity == AlertSeverity::Critical ? QColor(255, 205, 210) : QColor(255, 236, 179);
            for (int c = 0; c < ColumnCount; ++c)
                m_model->item(row, c)->setBackground(tint);
        }
    }
}

void AlertList::notify(const AlertEvent& e)
{
    const bool firing = e.state == AlertEvent::State::Firing;
    const QString title = firing ? tr("Alert firing: %1").arg(e.rule) : tr("Alert resolved: %1").arg(e.rule);
    const QString message
        = tr("%1 (%2): value %3, threshold %4")
              .arg(e.containerName.isEmpty() ? e.containerId.left(12) : e.containerName, categoryName(e.category))
              .arg(e.value, 0, 'g', 4)
              .arg(e.threshold, 0, 'g', 4);
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(title, message,
                            firing && e.severity == AlertSeverity::Critical ? QSystemTrayIcon::Critical
                                : firing                                    ? QSystemTrayIcon::Warning
                                                                            : QSystemTrayIcon::Information,
                            10000);
    Q_EMIT notified(title, message);
}

QList<Decision> decisionsFromAudit(const QList<AuditRecord>& records)
{
    static const QHash<QString, Decision::Result> results = {
        { QStringLiteral("removed"), Decision::Result::Removed },
        { QStringLiteral("already-gone"), Decision::Result::AlreadyGone },
        { QStringLiteral("failed"), Decision::Result::Failed },
        { QStringLiteral("dry-run"), Decision::Result::DryRun },
    };
    QList<Decision> out;
    for (const AuditRecord& r : records) {
        if (r.action != QLatin1String("kill") || r.kind == QLatin1String("alert") || !results.contains(r.result))
            continue;
        Decision d;
        d.action = Decision::Action::Kill;
        d.id = r.containerId;
        d.name = r.containerName;
        d.category = categoryFromName(r.category).value_or(Category::Other);
        d.reason = r.kind == QLatin1String("action") ? QStringLiteral("%1 (%2)").arg(r.reason, r.actor) : r.reason;
        d.keptId = r.keptId;
        d.time = r.time.toLocalTime();
        d.result = results.value(r.result);
        d.error = r.error;
        out.append(d);
    }
    return out;
}

AlertList* installAlerts(QMainWindow* window, Engine* engine, ContainerActions* actions, ManagerPane* managerPane)
{
    auto* list = new AlertList(engine);
    auto* dock = new QDockWidget(AlertList::tr("Alerts"), window);
    dock->setObjectName(QStringLiteral("alertsDock"));
    dock->setWidget(list);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);

    // Alerts menu before Help.
    auto* menu = new QMenu(AlertList::tr("&Alerts"), window);
    menu->setObjectName(QStringLiteral("alertsMenu"));
    QAction* reload = menu->addAction(AlertList::tr("&Reload rules"), list, &AlertList::reloadRules);
    reload->setObjectName(QStringLiteral("reloadRulesAction"));
    QAction* edit = menu->addAction(AlertList::tr("&Edit rules…"), window, [window, engine] {
        auto* editor = new RulesEditor(engine, window);
        editor->setAttribute(Qt::WA_DeleteOnClose);
        editor->show();
    });
    edit->setObjectName(QStringLiteral("editRulesAction"));
    menu->addAction(dock->toggleViewAction());
    const QList<QAction*> top = window->menuBar()->actions();
    window->menuBar()->insertMenu(top.isEmpty() ? nullptr : top.last(), menu);

    AlertService* alerts = engine ? engine->alerts() : nullptr;
    if (alerts && actions)
        QObject::connect(actions, &ContainerActions::killFinished, alerts, [alerts](const QList<Decision>& results) {
            for (const Decision& d : results)
                alerts->recordUserAction(d);
        });
    if (alerts && managerPane)
        managerPane->addDecisions(
            decisionsFromAudit(AuditLog::read(alerts->auditLog().dataDir(), {}, ManagerPane::kMaxDecisions)));
    return list;
}
