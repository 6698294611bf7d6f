#include "gui/chartsarea.h"

#include "gui/chartpanels.h"

#include <QScrollArea>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

ChartsArea::ChartsArea(QWidget* parent)
    : QTabWidget(parent)
    , m_systemPanel(new SystemPanel)
{
    setObjectName(QStringLiteral("chartTabs"));
    m_history.setCapacity(kMaxChartSamples);
    m_systemPanel->setObjectName(QStringLiteral("systemPanel"));
    m_systemPanel->setHistory(&m_history);
    addTab(m_systemPanel, tr("&System"));

    auto* categories = new QWidget;
    auto* layout = new QVBoxLayout(categories);
    layout->setContentsMargins(2, 2, 2, 2);
    size_t i = 0;
    for (Category c : managedCategories()) {
        auto* panel = new CategoryPanel(c);
        panel->setHistory(&m_history);
        panel->setMinimumHeight(250);
        layout->addWidget(panel);
        m_categoryPanels[i++] = panel;
    }
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(categories);
    scroll->setFrameShape(QFrame::NoFrame);
    addTab(scroll, tr("Containers by &category"));
}

CategoryPanel* ChartsArea::categoryPanel(Category category) const
{
    const int i = categoryIndex(category);
    return i < 0 ? nullptr : m_categoryPanels[size_t(i)];
}

void ChartsArea::append(const Snapshot& snapshot)
{
    m_history.append(snapshot);
}

void ChartsArea::showHistory(const ChartHistory* history)
{
    const ChartHistory* shown = history ? history : &m_history;
    if (shown == m_shown)
        return;
    m_shown = shown;
    m_systemPanel->setHistory(shown);
    for (CategoryPanel* p : m_categoryPanels)
        p->setHistory(shown);
    refresh();
}

void ChartsArea::refresh()
{
    m_systemPanel->refresh();
    for (CategoryPanel* p : m_categoryPanels)
        p->refresh();
}

void ChartsArea::setIntervalSeconds(double seconds)
{
    const double interval = std::max(0.1, seconds);
    const qsizetype samples
        = std::clamp<qsizetype>(qsizetype(std::ceil(kChartWindowSeconds / interval)), 10, kMaxChartSamples);
    m_history.setCapacity(samples);
}
