#include "gui/chartpanels.h"

#include "charts/charthistory.h"

#include <QChartView>
#include <QEvent>
#include <QHBoxLayout>
#include <QVBoxLayout>

ChartPanel::ChartPanel(QWidget* parent)
    : QWidget(parent)
{ }

void ChartPanel::addView(QChart* chart, QWidget* parent)
{
    auto* view = new QChartView(chart, parent); // the view owns the chart from here on
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(220, 200);
    view->setFrameShape(QFrame::NoFrame);
    m_views.append(view);
}

void ChartPanel::refresh()
{
    if (!isVisible() || !m_history) {
        m_stale = true;
        return;
    }
    chartSet()->update(*m_history);
    m_stale = false;
    ++m_redraws;
}

void ChartPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        refresh();
}

void ChartPanel::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) {
        chartSet()->applyStyle(ChartStyle::fromPalette(palette()));
        // setTheme() resets what update() set (titles keep, axes re-style).
        m_stale = true;
        refresh();
    }
}

SystemPanel::SystemPanel(QWidget* parent)
    : ChartPanel(parent)
    , m_set(std::make_unique<SystemCharts>())
{
    m_set->applyStyle(ChartStyle::fromPalette(palette()));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    addView(m_set->memoryChart(), this);
    addView(m_set->cpuChart(), this);
    layout->addWidget(views().at(0), 2);
    layout->addWidget(views().at(1), 3);
}

CategoryPanel::CategoryPanel(Category category, QWidget* parent)
    : ChartPanel(parent)
    , m_category(category)
    , m_box(new QGroupBox(categoryName(category).toUpper(), this))
    , m_set(std::make_unique<CategoryCharts>(category))
{
    setObjectName(QStringLiteral("categoryPanel_") + categoryName(category));
    m_set->applyStyle(ChartStyle::fromPalette(palette()));
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_box);
    auto* row = new QHBoxLayout(m_box);
    row->setContentsMargins(2, 2, 2, 2);
    for (QChart* chart : m_set->charts()) {
        addView(chart, m_box);
        row->addWidget(views().last(), 1);
    }
}
