#pragma once

#include "core/store/history.h"

#include <QDateTime>
#include <QPointer>
#include <QWidget>

#include <array>
#include <atomic>
#include <memory>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QDateTimeAxis;
class QThread;
class QValueAxis;
struct Snapshot;

// A container's history on its page: CPU %, memory, disk read/write rates
// and network rates over a chosen range (live 15 min, 1 h, 24 h, all
// stored), read from the durable store (readContainerHistory: by time,
// through the per-file index, min/max thinned to the charts' width in
// pixels) on a worker thread, so a long range never freezes the window.
// Ticks that arrive while it is shown are appended (the live range slides);
// after a chart width's worth of them the range is read again, thinned.
//
// Parts (objectName): "historyRange" (the combo box), "historyStatus",
// "historyCpuChart", "historyMemoryChart", "historyDiskChart",
// "historyNetChart" (QChartViews).
class HistoryView : public QWidget
{
    Q_OBJECT
public:
    enum class Range { Live15Min, Hour, Day, All };

    explicit HistoryView(QWidget* parent = nullptr);
    ~HistoryView() override;

    void setStore(const QString& dataDir);
    // host: the entries' "host"."name"; empty: any.
    void setContainer(const QString& id, const QString& host = {});
    QString host() const { return m_host; }
    void setRange(Range range);
    Range range() const { return m_range; }
    // Reads the range again (now, on the worker).
    void reload();
    // A tick: appended when it carries this container.
    void addSnapshot(const Snapshot& snapshot);

    // Draws a history read elsewhere, over [fromMs, toMs] (the benchmark
    // and the reader's result both come here).
    void showHistory(const ContainerHistory& history, qint64 fromMs, qint64 toMs);
    // Points drawn for a series now; whether a read is under way.
    int pointCount(HistorySeries series) const;
    const QList<HistoryPoint>& points(HistorySeries series) const { return m_points[size_t(series)]; }
    bool isLoading() const { return m_loading; }
    // The charts' plot width in pixels (the number of thinning buckets).
    int bucketCount() const;

    // [from, to] of a range ending at `now`; an invalid `from` for All.
    static QPair<QDateTime, QDateTime> bounds(Range range, const QDateTime& now);

Q_SIGNALS:
    // A read finished and its result is drawn (or its error shown).
    void loaded();

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Chart
    {
        QChartView* view = nullptr;
        QChart* chart = nullptr;
        QDateTimeAxis* time = nullptr;
        QValueAxis* values = nullptr;
        QList<QLineSeries*> lines;
        QList<HistorySeries> series;
        bool bytes = false; // values scaled to B, KiB, MiB, GiB
        QString title;
    };
    Chart makeChart(const QString& name, const QString& title, QList<HistorySeries> series, bool bytes);
    void rescale(Chart& chart);
    void startRead();

    QString m_dataDir;
    QString m_id;
    QString m_host;
    Range m_range = Range::Live15Min;
    QComboBox* m_rangeBox;
    QLabel* m_status;
    std::array<Chart, 4> m_charts;
    // What is drawn, unscaled, per series.
    std::array<QList<HistoryPoint>, kHistorySeriesCount> m_points;
    qint64 m_fromMs = 0;
    qint64 m_toMs = 0;
    qint64 m_drawnToMs = 0; // m_toMs when the charts were last drawn
    int m_liveAppended = 0;
    bool m_loading = false;
    bool m_readAgain = false; // asked for while a read was under way
    bool m_stale = true;
    quint64 m_generation = 0;
    QPointer<QThread> m_worker;
    std::shared_ptr<std::atomic<bool>> m_cancel; // the running read's
};
