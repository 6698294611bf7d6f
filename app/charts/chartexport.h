#pragma once

#include "charts/charthistory.h"
#include "charts/chartparts.h"
#include "core/model/category.h"
#include "core/model/snapshot.h"
#include "core/store/logstore.h"

#include <QDateTime>
#include <QList>
#include <QSize>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QImage;
class QPainter;

// One exported picture: a header (title, time range) over a grid of charts,
// laid out in a QGraphicsScene at a fixed size so PNG and SVG match and
// nothing depends on a screen.
class ChartPage
{
public:
    enum class Kind {
        System, // system_metrics: memory donut + host CPU line
        Containers, // containers_metrics: one row per category
        Category, // one category row on its own (the GUI's panels)
        CpuUsage, // cpu_usage: the host CPU % line (the original's picture)
        MemoryUsage, // memory_usage: memory used and free over time
    };

    ChartPage(Kind kind, const ChartHistory& history, const ChartStyle& style = ChartStyle(),
              Category category = Category::Cpu);
    ~ChartPage();
    ChartPage(const ChartPage&) = delete;
    ChartPage& operator=(const ChartPage&) = delete;

    static QSize pageSize(Kind kind);
    QSize size() const;
    void render(QPainter* painter);
    QImage toImage();
    bool writePng(const QString& path, QString* error);
    bool writeSvg(const QString& path, const QString& title, QString* error);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// File names written by exportCharts, in this order.
namespace ChartFiles {
inline constexpr char systemPng[] = "system_metrics.png";
inline constexpr char systemSvg[] = "system_metrics.svg";
inline constexpr char containersPng[] = "containers_metrics.png";
inline constexpr char containersSvg[] = "containers_metrics.svg";
inline constexpr char cpuUsagePng[] = "cpu_usage.png";
inline constexpr char memoryUsagePng[] = "memory_usage.png";
inline constexpr char seriesCsv[] = "charts_series.csv";
} // namespace ChartFiles

// The export as a sequence of steps (one page's PNG and SVG, or the CSV),
// so the GUI can run it one step per event-loop turn and stay responsive.
// exportCharts() runs all steps at once.
class ChartExportJob
{
public:
    ChartExportJob(const ChartHistory& history, QString dir);
    ~ChartExportJob();
    ChartExportJob(const ChartExportJob&) = delete;
    ChartExportJob& operator=(const ChartExportJob&) = delete;

    // Checks for a QApplication and creates the directory.
    bool start(QString* error);
    // Writes the next step's files. False with `error` on failure.
    bool next(QString* error);
    bool atEnd() const;
    int stepCount() const;
    int stepsDone() const { return m_step; }
    QStringList writtenFiles() const { return m_written; }

private:
    std::unique_ptr<ChartHistory> m_history;
    QString m_dir;
    int m_step = 0;
    QStringList m_written;
};

// Renders system_metrics.{png,svg}, containers_metrics.{png,svg}, one
// category_<cat>.{png,svg} per category, cpu_usage.png and memory_usage.png
// (the original's pictures) and charts_series.csv (every plotted
// value, see ChartHistory::toCsv) into `dir` (created if missing). Needs a
// QApplication (QtCharts draws with QtGui); QT_QPA_PLATFORM=offscreen is
// enough. Files are written to a temporary name and renamed, so a reader
// never sees half a PNG. Returns false with `error` naming the file on the
// first failure.
bool exportCharts(const QList<Snapshot>& history, const QString& dir, QStringList* writtenFiles, QString* error);
bool exportCharts(const ChartHistory& history, const QString& dir, QStringList* writtenFiles, QString* error);

// What a chart export of the store in `dataDir` needs, read newest file
// first through the store's reader (readRecentSnapshots): with `since` or
// `until`, the files that can hold that range; else the files back to the
// start of the latest run (the first file that shows the gap before it), so
// /generate_graphs on a store of many runs reads only the last one. `stats`
// (optional) says how many files were read.
bool loadStoreForCharts(const QString& dataDir, const QDateTime& since, const QDateTime& until, QList<Snapshot>* out,
                        QString* error, StoreReadStats* stats = nullptr);

// What a chart export of a stored log draws: the entries between `since`
// and `until` when either is valid, else the latest run (see
// ChartHistory::latestRun), so a store holding last month's runs and
// today's does not squeeze today into a sliver. `note` (optional) says what
// was chosen when it is not everything.
ChartHistory chartsToDraw(const QList<Snapshot>& stored, const QDateTime& since, const QDateTime& until,
                          QString* note = nullptr);
