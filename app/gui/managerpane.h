#pragma once

#include "core/manager/policy.h"

#include <QWidget>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QStandardItemModel;
class QTableView;

// The manager's controls (auto-manage, dry run, interval) and its log: every
// removal decision, the manager's and the user's, with what, why, when and
// the result; below it the manager's own text log. Both are bounded.
class ManagerPane : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kMaxDecisions = 5000;
    static constexpr int kMaxLogLines = 2000;

    explicit ManagerPane(QWidget* parent = nullptr);

    void setAutoManage(bool on);
    void setDryRun(bool on);
    void setIntervalSeconds(double seconds);
    bool autoManage() const;
    bool dryRun() const;
    double intervalSeconds() const;

    // Adds the Kill decisions (Keep and Ignore are the steady state: logging
    // them every tick would drown the removals).
    void addDecisions(const QList<Decision>& decisions);
    void addLogLine(const QString& line);
    int decisionCount() const;
    QStandardItemModel* decisionModel() const { return m_model; }
    QCheckBox* autoManageBox() const { return m_auto; }
    QCheckBox* dryRunBox() const { return m_dry; }
    QDoubleSpinBox* intervalBox() const { return m_interval; }

Q_SIGNALS:
    void autoManageChanged(bool on);
    void dryRunChanged(bool on);
    void intervalChanged(double seconds);

private:
    QCheckBox* m_auto;
    QCheckBox* m_dry;
    QDoubleSpinBox* m_interval;
    QStandardItemModel* m_model;
    QTableView* m_table;
    QPlainTextEdit* m_log;
};
