#include "gui/historyview.h"

#include "charts/chartparts.h"
#include "core/model/snapshot.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QThread>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace {
struct Unit
{
    double divisor = 1;
    QString name;
};

// The largest binary unit the maximum reaches, so the axis reads 0..800 MiB
// rather than 0..838860800.
Unit byteUnit(double max, bool rate)
{
    const char* names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    int i = 0;
    double divisor = 1;
    while (i < 4 && max >= divisor * 1024) {
        divisor *= 1024;
        ++i;
    }
    const QString unit = QString::fromLatin1(names[i]);
    return { divisor, rate ? HistoryView::tr("%1/s").arg(unit) : unit };
}
} // namespace

HistoryView::HistoryView(QWidget* parent)
    : QWidget(parent)
    , m_rangeBox(new QComboBox)
    , m_status(new QLabel)
{
    setObjectName(QStringLiteral("containerHistory"));
    m_rangeBox->setObjectName(QStringLiteral("historyRange"));
    m_rangeBox->addItem(tr("Live (15 min)"), int(Range::Live15Min));
    m_rangeBox->addItem(tr("1 hour"), int(Range::Hour));
    m_rangeBox->addItem(tr("24 hours"), int(Range::Day));
    m_rangeBox->addItem(tr("All stored"), int(Range::All));
    m_rangeBox->setToolTip(tr("The time range drawn, read from the log store"));
    m_status->setObjectName(QStringLiteral("historyStatus"));
    m_status->setTextFormat(Qt::PlainText);

    m_charts[0] = makeChart(QStringLiteral("historyCpuChart"), tr("CPU %"), { HistorySeries::CpuPercent }, false);
    m_charts[1] = makeChart(QStringLiteral("historyMemoryChart"), tr("Memory"), { HistorySeries::MemoryBytes }, true);
    m_charts[2] = makeChart(QStringLiteral("historyDiskChart"), tr("Disk read / write"),
                            { HistorySeries::ReadBytesPerSec, HistorySeries::WriteBytesPerSec }, true);
    m_charts[3] = makeChart(QStringLiteral("historyNetChart"), tr("Network received / sent"),
                            { HistorySeries::NetRxBytesPerSec, HistorySeries::NetTxBytesPerSec }, true);
    m_charts[0].lines[0]->setName(tr("CPU % (100 = one core)"));
    m_charts[0].lines[0]->setColor(ChartColors::cpuLine());
    m_charts[1].lines[0]->setName(tr("Memory"));
    m_charts[1].lines[0]->setColor(ChartColors::ramLine());
    m_charts[2].lines[0]->setName(tr("Read"));
    m_charts[2].lines[0]->setColor(ChartColors::diskRead());
    m_charts[2].lines[1]->setName(tr("Write"));
    m_charts[2].lines[1]->setColor(ChartColors::diskWrite());
    m_charts[3].lines[0]->setName(tr("Received"));
    m_charts[3].lines[0]->setColor(ChartColors::readOps());
    m_charts[3].lines[1]->setName(tr("Sent"));
    m_charts[3].lines[1]->setColor(ChartColors::memoryFree());

    auto* top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    auto* rangeLabel = new QLabel(tr("&Range:"));
    rangeLabel->setBuddy(m_rangeBox);
    top->addWidget(rangeLabel);
    top->addWidget(m_rangeBox);
    top->addWidget(m_status, 1);
    auto* grid = new QGridLayout;
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(2);
    for (int i = 0; i < 4; ++i)
        grid->addWidget(m_charts[size_t(i)].view, i / 2, i % 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addLayout(grid, 1);

    connect(m_rangeBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setRange(Range(m_rangeBox->itemData(index).toInt())); });
}

HistoryView::~HistoryView()
{
    // A cold read of a large store can take a while: stop it, and wait for
    // it so nothing outlives what it reads into.
    if (m_worker) {
        m_cancel->store(true);
        m_worker->wait();
    }
}

HistoryView::Chart HistoryView::makeChart(const QString& name, const QString& title, QList<HistorySeries> series,
                                          bool bytes)
{
    Chart c;
    c.chart = new QChart;
    c.chart->setTitle(title);
    c.chart->setMargins(QMargins(2, 2, 2, 2));
    c.chart->legend()->setVisible(series.size() > 1);
    c.chart->legend()->setAlignment(Qt::AlignBottom);
    c.time = new QDateTimeAxis;
    c.time->setFormat(QStringLiteral("HH:mm"));
    c.time->setTickCount(5);
    c.values = new QValueAxis;
    c.values->setLabelFormat(QStringLiteral("%.0f"));
    c.values->setTickCount(5);
    c.chart->addAxis(c.time, Qt::AlignBottom);
    c.chart->addAxis(c.values, Qt::AlignLeft);
    for (int i = 0; i < series.size(); ++i) {
        auto* line = new QLineSeries;
        c.chart->addSeries(line);
        line->attachAxis(c.time);
        line->attachAxis(c.values);
        // Thousands of points: OpenGL is not available everywhere (Xvfb,
        // offscreen); the thinning keeps the count at twice the width.
        c.lines.append(line);
    }
    c.series = std::move(series);
    c.bytes = bytes;
    c.title = title;
    c.view = new QChartView(c.chart);
    c.view->setObjectName(name);
    c.view->setRenderHint(QPainter::Antialiasing);
    c.view->setMinimumSize(200, 150);
    c.view->setFrameShape(QFrame::NoFrame);
    return c;
}

void HistoryView::setStore(const QString& dataDir)
{
    if (dataDir == m_dataDir)
        return;
    m_dataDir = dataDir;
    m_stale = true;
    if (isVisible())
        reload();
}

void HistoryView::setContainer(const QString& id, const QString& host)
{
    if (id == m_id && host == m_host)
        return;
    m_id = id;
    m_host = host;
    for (auto& points : m_points)
        points.clear();
    for (Chart& c : m_charts)
        rescale(c);
    m_stale = true;
    if (isVisible())
        reload();
}

void HistoryView::setRange(Range range)
{
    const int index = m_rangeBox->findData(int(range));
    if (index != m_rangeBox->currentIndex()) {
        m_rangeBox->setCurrentIndex(index); // comes back here through the signal
        return;
    }
    if (range == m_range && !m_stale)
        return;
    m_range = range;
    m_stale = true;
    if (isVisible())
        reload();
}

void HistoryView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_stale)
        reload();
}

QPair<QDateTime, QDateTime> HistoryView::bounds(Range range, const QDateTime& now)
{
    switch (range) {
    case Range::Live15Min:
        return { now.addSecs(-15 * 60), now };
    case Range::Hour:
        return { now.addSecs(-3600), now };
    case Range::Day:
        return { now.addSecs(-24 * 3600), now };
    case Range::All:
        break;
    }
    return { QDateTime(), QDateTime() };
}

int HistoryView::bucketCount() const
{
    const Chart& c = m_charts[0];
    const int plot = int(c.chart->plotArea().width());
    return std::max(100, plot > 0 ? plot : c.view->width());
}

void HistoryView::reload()
{
    m_stale = false;
    if (m_id.isEmpty() || m_dataDir.isEmpty()) {
        m_status->setText(m_dataDir.isEmpty() ? tr("No log store: the history is not recorded.")
                                              : tr("Select a container to see its history."));
        return;
    }
    if (m_loading) {
        // The read under way is for another container or range: stop it,
        // then read again (finished() comes back here).
        m_readAgain = true;
        if (m_cancel)
            m_cancel->store(true);
        return;
    }
    startRead();
}

void HistoryView::startRead()
{
    m_loading = true;
    m_readAgain = false;
    m_liveAppended = 0;
    const quint64 generation = ++m_generation;
    const auto [from, to] = bounds(m_range, QDateTime::currentDateTimeUtc());
    HistoryQuery query;
    query.containerId = m_id;
    query.host = m_host;
    query.from = from;
    query.to = to;
    query.maxPoints = bucketCount();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancel = m_cancel; // kept alive by the worker as long as it reads
    m_status->setText(tr("Reading the log store…"));
    struct Result
    {
        ContainerHistory history;
        QString error;
        bool ok = false;
        qint64 ms = 0;
    };
    auto result = std::make_shared<Result>();
    const QString dir = m_dataDir;
    QThread* worker = QThread::create([dir, query, result, cancel] {
        QElapsedTimer clock;
        clock.start();
        HistoryQuery q = query;
        q.cancel = cancel.get();
        result->ok = readContainerHistory(dir, q, &result->history, &result->error);
        result->ms = clock.elapsed();
    });
    worker->setObjectName(QStringLiteral("historyReader"));
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    connect(worker, &QThread::finished, this, [this, generation, result, query] {
        if (generation != m_generation)
            return;
        m_loading = false;
        if (m_readAgain) {
            startRead(); // the container or the range changed meanwhile
            return;
        }
        if (!result->ok) {
            m_status->setText(tr("Cannot read the history: %1").arg(result->error));
            Q_EMIT loaded();
            return;
        }
        const ContainerHistory& h = result->history;
        const qint64 fromMs = query.from.isValid() ? query.from.toMSecsSinceEpoch() : h.firstMsecs;
        const qint64 toMs = query.to.isValid() ? query.to.toMSecsSinceEpoch() : h.lastMsecs;
        showHistory(h, fromMs, toMs);
        if (h.samples == 0) {
            m_status->setText(tr("Nothing stored for this container in this range."));
        } else {
            const QLocale locale;
            m_status->setText(tr("%n sample(s) stored, %1 to %2 (read in %3 ms)", nullptr, int(h.samples))
                                  .arg(locale.toString(QDateTime::fromMSecsSinceEpoch(h.firstMsecs).toLocalTime(),
                                                       QLocale::ShortFormat),
                                       locale.toString(QDateTime::fromMSecsSinceEpoch(h.lastMsecs).toLocalTime(),
                                                       QLocale::ShortFormat))
                                  .arg(result->ms));
        }
        Q_EMIT loaded();
    });
    m_worker = worker;
    worker->start(QThread::LowPriority);
}

void HistoryView::showHistory(const ContainerHistory& history, qint64 fromMs, qint64 toMs)
{
    m_points = history.series;
    m_fromMs = fromMs;
    m_toMs = std::max(toMs, fromMs + 1000);
    for (Chart& c : m_charts)
        rescale(c);
}

void HistoryView::rescale(Chart& c)
{
    m_drawnToMs = m_toMs;
    double max = 0;
    for (HistorySeries s : std::as_const(c.series)) {
        for (const HistoryPoint& p : m_points[size_t(s)])
            max = std::max(max, p.value);
    }
    Unit unit;
    if (c.bytes)
        unit = byteUnit(max, c.series.first() != HistorySeries::MemoryBytes);
    for (int i = 0; i < c.series.size(); ++i) {
        const QList<HistoryPoint>& points = m_points[size_t(c.series.at(i))];
        QList<QPointF> xy;
        xy.reserve(points.size());
        for (const HistoryPoint& p : points)
            xy.append(QPointF(double(p.msecs), p.value / unit.divisor));
        c.lines.at(i)->replace(xy);
    }
    c.chart->setTitle(unit.name.isEmpty() ? c.title : tr("%1 (%2)").arg(c.title, unit.name));
    const double top = max > 0 ? max / unit.divisor * 1.1 : 1;
    c.values->setRange(0, top);
    // Small ranges need a decimal, or the ticks read 0, 0, 1, 1.
    c.values->setLabelFormat(top < 10 ? QStringLiteral("%.2f") : QStringLiteral("%.0f"));
    if (m_toMs > m_fromMs) {
        const qint64 span = m_toMs - m_fromMs;
        c.time->setRange(QDateTime::fromMSecsSinceEpoch(m_fromMs), QDateTime::fromMSecsSinceEpoch(m_toMs));
        c.time->setFormat(span > 20 * 3600 * 1000     ? QStringLiteral("dd HH:mm")
                              : span < 10 * 60 * 1000 ? QStringLiteral("HH:mm:ss")
                                                      : QStringLiteral("HH:mm"));
    }
}

int HistoryView::pointCount(HistorySeries series) const
{
    for (const Chart& c : m_charts) {
        const int i = int(c.series.indexOf(series));
        if (i >= 0)
            return int(c.lines.at(i)->count());
    }
    return 0;
}

void HistoryView::addSnapshot(const Snapshot& snapshot)
{
    if (m_id.isEmpty() || !snapshot.timestamp.isValid())
        return;
    if (!m_host.isEmpty() && snapshot.host.name != m_host)
        return;
    if (!isVisible() || m_loading) {
        // Read with the rest when shown; a read under way may end before it.
        m_stale = m_stale || !isVisible();
        return;
    }
    const ContainerMetrics* c = snapshot.find(m_id);
    if (!c)
        return;
    const qint64 ms = snapshot.timestamp.toMSecsSinceEpoch();
    if (!m_points[0].isEmpty() && ms <= m_points[0].last().msecs)
        return; // already read from the store
    const double values[kHistorySeriesCount] = { c->cpuPercent,       double(c->memoryBytes), c->readBytesPerSec,
                                                 c->writeBytesPerSec, c->netRxBytesPerSec,    c->netTxBytesPerSec };
    if (m_range != Range::All) {
        const auto [from, to] = bounds(m_range, snapshot.timestamp);
        m_fromMs = from.toMSecsSinceEpoch();
        m_toMs = to.toMSecsSinceEpoch();
    } else {
        m_toMs = std::max(m_toMs, ms);
    }
    for (int s = 0; s < kHistorySeriesCount; ++s) {
        QList<HistoryPoint>& points = m_points[size_t(s)];
        points.append({ ms, values[s] });
        // The live range slides: what fell out of it goes.
        const auto keep = std::lower_bound(points.cbegin(), points.cend(), m_fromMs,
                                           [](const HistoryPoint& p, qint64 t) { return p.msecs < t; });
        points.erase(points.cbegin(), keep);
    }
    // Appended points are not thinned: after a width's worth, read again.
    if (++m_liveAppended > bucketCount()) {
        reload();
        return;
    }
    // Redrawn when the range has moved by a pixel column: a tick on the
    // 24 h range is a 72nd of one, and four charts of a thousand points
    // each are not repainted for nothing every second.
    const qint64 pixelMs = (m_toMs - m_fromMs) / std::max(1, bucketCount());
    if (ms - m_drawnToMs < pixelMs)
        return;
    for (Chart& chart : m_charts)
        rescale(chart);
}
