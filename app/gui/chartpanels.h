#pragma once

#include "charts/chartsets.h"

#include <QGroupBox>
#include <QList>
#include <QWidget>

class ChartHistory;
class QChartView;

// Base of the live chart panels: follows the palette (dark mode), and only
// redraws while it is visible (a hidden tab costs nothing per tick; it
// catches up when shown).
class ChartPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ChartPanel(QWidget* parent = nullptr);
    void setHistory(const ChartHistory* history) { m_history = history; }
    // Redraws from the history now if visible, else on the next show.
    void refresh();
    virtual ChartSet* chartSet() const = 0;
    QList<QChartView*> views() const { return m_views; }
    // How many times the charts were actually redrawn (tests, bench).
    int redraws() const { return m_redraws; }

protected:
    void addView(QChart* chart, QWidget* parent);
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    const ChartHistory* m_history = nullptr;
    QList<QChartView*> m_views;
    bool m_stale = true;
    int m_redraws = 0;
};

// The system panel: memory donut and host CPU % line.
class SystemPanel : public ChartPanel
{
    Q_OBJECT
public:
    explicit SystemPanel(QWidget* parent = nullptr);
    ChartSet* chartSet() const override { return m_set.get(); }

private:
    std::unique_ptr<SystemCharts> m_set;
};

// One category: RAM % line, CPU % line, disk write/read donut, I/O ops bars.
class CategoryPanel : public ChartPanel
{
    Q_OBJECT
public:
    explicit CategoryPanel(Category category, QWidget* parent = nullptr);
    ChartSet* chartSet() const override { return m_set.get(); }
    Category category() const { return m_category; }

private:
    Category m_category;
    QGroupBox* m_box;
    std::unique_ptr<CategoryCharts> m_set;
};
