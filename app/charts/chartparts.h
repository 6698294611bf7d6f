#pragma once

#include <QChart>
#include <QColor>
#include <QCoreApplication>
#include <QList>
#include <QPointF>
#include <QPointer>
#include <QString>

class QPalette;
class QLineSeries;
class QDateTimeAxis;
class QValueAxis;
class QPieSeries;
class QPieSlice;
class QBarSeries;
class QBarSet;
class QBarCategoryAxis;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;

// The context of every string the charts draw (titles, legends, notes),
// in the window and in the exported files alike (docs/translation.md).
struct ChartText
{
    Q_DECLARE_TR_FUNCTIONS(ChartText)
};

// How charts look. Export always uses the light look (a file is read on
// paper or a white page); the GUI follows the system palette.
struct ChartStyle
{
    bool dark = false;
    static ChartStyle fromPalette(const QPalette& palette);
};

// The original's colours (matplotlib names), darkened where the original is too
// pale to read on white: its "lightpink" RAM line and "yellow" write bars.
namespace ChartColors {
QColor memoryFree(); // green
QColor memoryUsed(); // blue
QColor hostCpu(); // red
QColor ramLine(); // pink
QColor cpuLine(); // light blue
QColor diskWrite(); // hot pink
QColor diskRead(); // purple
QColor readOps(); // light orange
QColor writeOps(); // yellow
QColor noData(); // grey placeholder slice
} // namespace ChartColors

// "12.3 KB", "4.0 MB": binary units, one decimal.
QString formatBytes(double bytes);
// "950", "12.3 k", "4.1 M": for op counts in legends and labels.
QString formatCount(double count);

// Min/max per bucket so a long history is drawn with at most `maxPoints`
// points without hiding its peaks. Shorter input is returned as is.
QList<QPointF> decimate(const QList<QPointF>& points, qsizetype maxPoints);

// Owns its QChart until a view or scene takes it (QChartView::setChart,
// QGraphicsScene::addItem); if that owner deletes the chart first, the part
// notices (QPointer) and its setters do nothing.
class ChartPart
{
public:
    ChartPart();
    virtual ~ChartPart();
    ChartPart(const ChartPart&) = delete;
    ChartPart& operator=(const ChartPart&) = delete;
    QChart* chart() const { return m_chart.data(); }

protected:
    QPointer<QChart> m_chart;
};

// The values of a donut or of the bars, one entry per line under the plot
// (the original printed them under its donuts). QLegend lays its entries out on
// one line and elides them when the chart is narrow, which hides exactly
// the numbers the user wants; stacked lines fit a 200 px chart. A child of
// the chart: deleted with it.
class ValueLegend : public QObject
{
public:
    explicit ValueLegend(QChart* chart);
    void setEntries(const QList<QPair<QColor, QString>>& entries);
    void applyStyle(const ChartStyle& style);
    QStringList texts() const;

private:
    void relayout();

    QChart* m_chart;
    QList<QGraphicsRectItem*> m_markers;
    QList<QGraphicsSimpleTextItem*> m_texts;
};

// A value over time: one QLineSeries on a date-time axis. Handles the
// awkward inputs (no point, one point, all zero) with a sane range instead
// of a degenerate one.
class TimeLineChart : public ChartPart
{
public:
    TimeLineChart(const QString& title, const QString& seriesName, const QColor& color, const QString& unitSuffix);
    // fixedMax > 0 pins the Y range (host CPU is 0..100); otherwise it is
    // scaled to the data with at least minMax. breakGapMs > 0: two points
    // further apart than that are not joined (the line breaks where the
    // store has a gap, e.g. between two runs).
    void setPoints(const QList<QPointF>& points, double fixedMax = 0, double minMax = 1, qint64 breakGapMs = 0);
    void applyStyle(const ChartStyle& style);
    // Line segments drawn (1 without gaps, also when empty).
    int segmentCount() const { return 1 + m_segmentsUsed; }

private:
    QLineSeries* addSegmentSeries();
    void styleSeries(QLineSeries* series);

    QLineSeries* m_series; // the first segment
    QList<QLineSeries*> m_segments; // the following ones, created on demand
    int m_segmentsUsed = 0;
    QDateTimeAxis* m_x;
    QValueAxis* m_y;
    QString m_title;
    QColor m_color;
    qint64 m_spanMs = 0;
};

// Two values as a donut, with the values (and shares) in the legend under it.
class DonutChart : public ChartPart
{
public:
    DonutChart(const QString& title, const QString& firstLabel, const QColor& first, const QString& secondLabel,
               const QColor& second);
    // `format` turns a value into text ("2048 MB", "1.2 MB"); `note` goes in
    // the title, `emptyNote` replaces it when both values are 0.
    void setValues(double first, double second, QString (*format)(double), const QString& note = QString(),
                   const QString& emptyNote = QStringLiteral("no data"));
    void applyStyle(const ChartStyle& style);

private:
    QPieSeries* m_series;
    QPieSlice* m_first;
    QPieSlice* m_second;
    QPieSlice* m_empty; // shown alone when both values are 0
    ValueLegend* m_legend;
    QString m_title;
    QString m_firstLabel;
    QString m_secondLabel;
    QString (*m_format)(double) = nullptr;
};

// Read and write op counts as two side-by-side bars. The values sit in the
// legend; the axis is scaled (×1000, ×1e6) so its labels stay short.
class OpsBarChart : public ChartPart
{
public:
    explicit OpsBarChart(const QString& title);
    void setValues(quint64 readOps, quint64 writeOps, const QString& note = QString());
    void applyStyle(const ChartStyle& style);
    QStringList legendTexts() const { return m_legend->texts(); }

private:
    QBarSeries* m_series;
    QBarSet* m_read;
    QBarSet* m_write;
    QBarCategoryAxis* m_x;
    QValueAxis* m_y;
    ValueLegend* m_legend;
    QString m_title;
};
