#pragma once

#include "charts/charthistory.h"
#include "core/model/category.h"

#include <QTabWidget>

#include <array>

class CategoryPanel;
class SystemPanel;

// The live charts: a "System" tab (memory donut, host CPU line) and a
// "Containers by category" tab (one panel per category), drawn from a
// bounded history of the ticks. Only the visible tab redraws. Widgets:
// "systemPanel", "categoryPanel_<category>".
class ChartsArea : public QTabWidget
{
    Q_OBJECT
public:
    // History kept for the live charts: the last this-many seconds (and never
    // more than kMaxChartSamples samples, so memory stays flat).
    static constexpr int kChartWindowSeconds = 15 * 60;
    static constexpr int kMaxChartSamples = 3600;

    explicit ChartsArea(QWidget* parent = nullptr);

    const ChartHistory& history() const { return m_history; }
    SystemPanel* systemPanel() const { return m_systemPanel; }
    CategoryPanel* categoryPanel(Category category) const;

    // Records a tick; the display follows at the next refresh().
    void append(const Snapshot& snapshot);
    // Redraws the visible panels (the hidden ones catch up when shown).
    void refresh();
    // Draws `history` instead of this host's live ticks (a remote host's
    // reports, the host selector); null: back to the live ticks. `history`
    // must outlive its use. history() stays the live one (export).
    void showHistory(const ChartHistory* history);
    bool showsLive() const { return m_shown == &m_history; }
    // The history holds kChartWindowSeconds at this interval.
    void setIntervalSeconds(double seconds);

private:
    ChartHistory m_history;
    const ChartHistory* m_shown = &m_history;
    SystemPanel* m_systemPanel;
    std::array<CategoryPanel*, 4> m_categoryPanels {};
};
