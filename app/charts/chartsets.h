#pragma once

#include "charts/chartparts.h"
#include "core/model/category.h"

#include <QList>

class ChartHistory;
class QChart;

// The charts of one panel, fed from a ChartHistory. The QCharts are created
// without a parent: whoever shows them (a QChartView, or the export's
// QGraphicsScene) takes ownership; charts never shown are deleted with the
// set. Keep the set alive no longer than the views it feeds.
class ChartSet
{
public:
    virtual ~ChartSet();
    virtual QList<QChart*> charts() const = 0;
    virtual void update(const ChartHistory& history) = 0;
    virtual void applyStyle(const ChartStyle& style) = 0;

protected:
    ChartSet() = default;
    ChartSet(const ChartSet&) = delete;
    ChartSet& operator=(const ChartSet&) = delete;
};

// system_metrics: memory donut (used vs free, MB in the legend under it) and
// the host CPU % line.
class SystemCharts : public ChartSet
{
public:
    SystemCharts();
    QChart* memoryChart() const { return m_memory.chart(); }
    QChart* cpuChart() const { return m_cpu.chart(); }
    QList<QChart*> charts() const override { return { memoryChart(), cpuChart() }; }
    void update(const ChartHistory& history) override;
    void applyStyle(const ChartStyle& style) override;

private:
    DonutChart m_memory;
    TimeLineChart m_cpu;
};

// One row of containers_metrics: the category's RAM % line, CPU % line,
// disk write/read donut and I/O read/write ops bars (see ChartHistory for
// what is summed).
class CategoryCharts : public ChartSet
{
public:
    explicit CategoryCharts(Category category);
    Category category() const { return m_category; }
    QChart* ramChart() const { return m_ram.chart(); }
    QChart* cpuChart() const { return m_cpu.chart(); }
    QChart* diskChart() const { return m_disk.chart(); }
    QChart* opsChart() const { return m_ops.chart(); }
    QList<QChart*> charts() const override { return { ramChart(), cpuChart(), diskChart(), opsChart() }; }
    void update(const ChartHistory& history) override;
    void applyStyle(const ChartStyle& style) override;

private:
    Category m_category;
    TimeLineChart m_ram;
    TimeLineChart m_cpu;
    DonutChart m_disk;
    OpsBarChart m_ops;
};

// The original's two single-metric pictures, cpu_usage.png and
// memory_usage.png: the host CPU % over time; memory used and free (MB) over
// time, side by side.
class HostUsageCharts : public ChartSet
{
public:
    enum class Metric { Cpu, Memory };
    explicit HostUsageCharts(Metric metric);
    QList<QChart*> charts() const override;
    void update(const ChartHistory& history) override;
    void applyStyle(const ChartStyle& style) override;

private:
    Metric m_metric;
    TimeLineChart m_first; // CPU %, or memory used
    TimeLineChart m_second; // memory free (unused for CPU)
};
