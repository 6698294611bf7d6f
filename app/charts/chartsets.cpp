#include "charts/chartsets.h"

#include "charts/charthistory.h"

#include <QChart>
#include <QDateTime>

namespace {
QString mb(double v)
{
    return QStringLiteral("%1 MB").arg(qint64(v + 0.5));
}

QString timeNote(qint64 msecs)
{
    return ChartText::tr("at %1").arg(QDateTime::fromMSecsSinceEpoch(msecs).toString(QStringLiteral("HH:mm:ss")));
}
} // namespace

ChartSet::~ChartSet() = default;

SystemCharts::SystemCharts()
    : m_memory(ChartText::tr("Memory"), ChartText::tr("Used"), ChartColors::memoryUsed(), ChartText::tr("Free"),
               ChartColors::memoryFree())
    , m_cpu(ChartText::tr("Host CPU %"), ChartText::tr("CPU %"), ChartColors::hostCpu(), QStringLiteral("%"))
{
    m_memory.setValues(0, 0, mb);
}

void SystemCharts::update(const ChartHistory& history)
{
    QList<QPointF> cpu;
    cpu.reserve(history.size());
    for (qsizetype i = 0; i < history.size(); ++i) {
        const ChartRow& r = history.at(i);
        cpu.append(QPointF(double(r.msecs), r.hostCpuPercent));
    }
    m_cpu.setPoints(cpu, 100, 1, history.runGapMs());
    if (history.isEmpty()) {
        m_memory.setValues(0, 0, mb);
    } else {
        const ChartRow& r = history.last();
        m_memory.setValues(r.memoryUsedMb, r.memoryFreeMb, mb, timeNote(r.msecs));
    }
}

void SystemCharts::applyStyle(const ChartStyle& style)
{
    m_memory.applyStyle(style);
    m_cpu.applyStyle(style);
}

CategoryCharts::CategoryCharts(Category category)
    : m_category(category)
    , m_ram(ChartText::tr("RAM %"), ChartText::tr("RAM %"), ChartColors::ramLine(), QStringLiteral("%"))
    , m_cpu(ChartText::tr("CPU %"), ChartText::tr("CPU %"), ChartColors::cpuLine(), QStringLiteral("%"))
    , m_disk(ChartText::tr("Disk write/read"), ChartText::tr("Write"), ChartColors::diskWrite(), ChartText::tr("Read"),
             ChartColors::diskRead())
    , m_ops(ChartText::tr("I/O ops"))
{ }

void CategoryCharts::update(const ChartHistory& history)
{
    const int idx = categoryIndex(m_category);
    QList<QPointF> ram, cpu;
    ram.reserve(history.size());
    cpu.reserve(history.size());
    for (qsizetype i = 0; i < history.size(); ++i) {
        const ChartRow& r = history.at(i);
        const CategoryPoint& p = r.categories[size_t(idx)];
        ram.append(QPointF(double(r.msecs), p.ramPercent));
        cpu.append(QPointF(double(r.msecs), p.cpuPercent));
    }
    // RAM % is usually small (a 256 MB stress on a 24 GB host is ~1 %): let
    // the axis zoom in down to 1 %. CPU % counts cores (100 = one).
    const qint64 gap = history.runGapMs();
    m_ram.setPoints(ram, 0, 1, gap);
    m_cpu.setPoints(cpu, 0, 10, gap);
    if (const ChartRow* r = history.lastWith(idx)) {
        const CategoryPoint& p = r->categories[size_t(idx)];
        const QString note = timeNote(r->msecs);
        m_disk.setValues(double(p.writeBytes), double(p.readBytes), formatBytes, note, ChartText::tr("no disk I/O"));
        m_ops.setValues(p.readOps, p.writeOps, note);
    } else {
        m_disk.setValues(0, 0, formatBytes);
        m_ops.setValues(0, 0, ChartText::tr("no data"));
    }
}

void CategoryCharts::applyStyle(const ChartStyle& style)
{
    m_ram.applyStyle(style);
    m_cpu.applyStyle(style);
    m_disk.applyStyle(style);
    m_ops.applyStyle(style);
}

HostUsageCharts::HostUsageCharts(Metric metric)
    : m_metric(metric)
    , m_first(metric == Metric::Cpu ? ChartText::tr("Host CPU %") : ChartText::tr("Memory used"),
              metric == Metric::Cpu ? ChartText::tr("CPU %") : ChartText::tr("Used"),
              metric == Metric::Cpu ? ChartColors::hostCpu() : ChartColors::memoryUsed(),
              metric == Metric::Cpu ? QStringLiteral("%") : QStringLiteral(" MB"))
    , m_second(ChartText::tr("Memory free"), ChartText::tr("Free"), ChartColors::memoryFree(), QStringLiteral(" MB"))
{ }

QList<QChart*> HostUsageCharts::charts() const
{
    if (m_metric == Metric::Cpu)
        return { m_first.chart() };
    return { m_first.chart(), m_second.chart() };
}

void HostUsageCharts::update(const ChartHistory& history)
{
    QList<QPointF> first, second;
    first.reserve(history.size());
    second.reserve(history.size());
    for (qsizetype i = 0; i < history.size(); ++i) {
        const ChartRow& r = history.at(i);
        const double x = double(r.msecs);
        if (m_metric == Metric::Cpu) {
            first.append(QPointF(x, r.hostCpuPercent));
        } else {
            first.append(QPointF(x, r.memoryUsedMb));
            second.append(QPointF(x, r.memoryFreeMb));
        }
    }
    const qint64 gap = history.runGapMs();
    if (m_metric == Metric::Cpu) {
        m_first.setPoints(first, 100, 1, gap);
    } else {
        m_first.setPoints(first, 0, 64, gap);
        m_second.setPoints(second, 0, 64, gap);
    }
}

void HostUsageCharts::applyStyle(const ChartStyle& style)
{
    m_first.applyStyle(style);
    m_second.applyStyle(style);
}
