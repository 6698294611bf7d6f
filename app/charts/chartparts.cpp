#include "charts/chartparts.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFontMetricsF>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLineSeries>
#include <QLocale>
#include <QPalette>
#include <QPieSeries>
#include <QPieSlice>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace {
// Above this many points the markers hide the line instead of marking samples.
constexpr qsizetype kMaxMarkedPoints = 60;
// A line never needs more than a min and a max per two pixel columns. Before the
// chart is laid out (no plot area yet) this many are kept.
constexpr qsizetype kMaxLinePoints = 1200;

QChart* newChart()
{
    auto* chart = new QChart;
    // Animations would cost CPU on every live refresh and render half-way
    // states into exported files.
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

void styleCommon(QChart* chart, const ChartStyle& style)
{
    chart->setTheme(style.dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    chart->setBackgroundRoundness(0);
    QFont title = chart->titleFont();
    title.setBold(true);
    title.setPointSizeF(std::max(9.0, title.pointSizeF()));
    chart->setTitleFont(title);
}

void setTitleIfChanged(QChart* chart, const QString& title)
{
    // A new title re-lays the whole chart out.
    if (chart->title() != title)
        chart->setTitle(title);
}

QString titleWithNote(const QString& title, const QString& note)
{
    return note.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, note);
}

// A 0-based value axis with round steps (1, 2, 2.5, 5 × 10^k) and at most
// six ticks. QValueAxis::applyNiceNumbers() does the same but through a
// second setRange(), i.e. a second full re-layout per refresh.
struct NiceAxis
{
    double top = 1;
    int ticks = 2;
    double step = 1;
};

NiceAxis niceAxis(double value)
{
    if (!(value > 0) || !std::isfinite(value))
        value = 1;
    const double raw = value / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude * 10;
    for (double m : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (magnitude * m >= raw) {
            step = magnitude * m;
            break;
        }
    }
    const int intervals = std::max(1, int(std::ceil(value / step - 1e-9)));
    return { step * intervals, intervals + 1, step };
}

void applyAxis(QValueAxis* axis, const NiceAxis& nice, const QString& suffix)
{
    if (axis->min() != 0 || axis->max() != nice.top)
        axis->setRange(0, nice.top);
    if (axis->tickCount() != nice.ticks)
        axis->setTickCount(nice.ticks);
    const int decimals = nice.step >= 1 ? 0 : (nice.step >= 0.1 ? 1 : 2);
    const QString format = QStringLiteral("%.") + QString::number(decimals) + QStringLiteral("f") + suffix;
    if (axis->labelFormat() != format)
        axis->setLabelFormat(format);
}

// Ticks every ~95 px, but never closer than a second apart (the labels
// show seconds: closer ticks would repeat them).
void fitTimeTicks(QDateTimeAxis* x, qreal plotWidth)
{
    const qint64 spanSeconds = x->min().msecsTo(x->max()) / 1000;
    int ticks = std::clamp(int(plotWidth / 95) + 1, 2, 7);
    ticks = int(std::min<qint64>(ticks, std::max<qint64>(2, spanSeconds + 1)));
    if (x->tickCount() != ticks)
        x->setTickCount(ticks);
}

QString exactCount(quint64 n)
{
    return QLocale(QLocale::English).toString(qulonglong(n));
}
} // namespace

ChartStyle ChartStyle::fromPalette(const QPalette& palette)
{
    ChartStyle s;
    // Dark when the window background is darker than its text.
    s.dark = palette.color(QPalette::Window).lightness() < palette.color(QPalette::WindowText).lightness();
    return s;
}

namespace ChartColors {
QColor memoryFree()
{
    return QColor(0x2c, 0xa0, 0x2c);
}
QColor memoryUsed()
{
    return QColor(0x1f, 0x77, 0xb4);
}
QColor hostCpu()
{
    return QColor(0xd6, 0x27, 0x28);
}
QColor ramLine()
{
    return QColor(0xe3, 0x77, 0xc2);
}
QColor cpuLine()
{
    return QColor(0x3a, 0xa8, 0xe0);
}
QColor diskWrite()
{
    return QColor(0xff, 0x14, 0x93);
}
QColor diskRead()
{
    return QColor(0x80, 0x00, 0x80);
}
QColor readOps()
{
    return QColor(0xff, 0xa0, 0x50);
}
QColor writeOps()
{
    return QColor(0xe6, 0xc2, 0x00);
}
QColor noData()
{
    return QColor(0x9e, 0x9e, 0x9e);
}
} // namespace ChartColors

QString formatBytes(double bytes)
{
    static const char* const units[] = { "B", "KB", "MB", "GB", "TB", "PB" };
    int u = 0;
    while (std::abs(bytes) >= 1024.0 && u < 5) {
        bytes /= 1024.0;
        ++u;
    }
    if (u == 0)
        return QStringLiteral("%1 B").arg(qint64(bytes));
    return QStringLiteral("%1 %2").arg(bytes, 0, 'f', 1).arg(QLatin1String(units[u]));
}

QString formatCount(double count)
{
    if (std::abs(count) < 1000)
        return QString::number(qint64(count));
    static const char* const units[] = { "", "k", "M", "G", "T" };
    int u = 0;
    while (std::abs(count) >= 1000.0 && u < 4) {
        count /= 1000.0;
        ++u;
    }
    return QStringLiteral("%1 %2").arg(count, 0, 'f', 1).arg(QLatin1String(units[u]));
}

QList<QPointF> decimate(const QList<QPointF>& points, qsizetype maxPoints)
{
    if (maxPoints < 4 || points.size() <= maxPoints)
        return points;
    QList<QPointF> out;
    const qsizetype buckets = maxPoints / 2;
    out.reserve(buckets * 2);
    const double per = double(points.size()) / double(buckets);
    for (qsizetype b = 0; b < buckets; ++b) {
        const qsizetype from = qsizetype(double(b) * per);
        const qsizetype to = std::min(points.size(), qsizetype(double(b + 1) * per));
        if (from >= to)
            continue;
        qsizetype lo = from, hi = from;
        for (qsizetype i = from; i < to; ++i) {
            if (points[i].y() < points[lo].y())
                lo = i;
            if (points[i].y() > points[hi].y())
                hi = i;
        }
        // Keep time order inside the bucket.
        out.append(points[std::min(lo, hi)]);
        if (lo != hi)
            out.append(points[std::max(lo, hi)]);
    }
    return out;
}

ChartPart::ChartPart()
    : m_chart(newChart())
{ }

ChartPart::~ChartPart()
{
    if (m_chart && !m_chart->scene())
        delete m_chart.data();
}

// --- ValueLegend -----------------------------------------------------------

ValueLegend::ValueLegend(QChart* chart)
    : QObject(chart)
    , m_chart(chart)
{
    QObject::connect(chart, &QGraphicsWidget::geometryChanged, this, [this] { relayout(); });
}

void ValueLegend::setEntries(const QList<QPair<QColor, QString>>& entries)
{
    if (entries.size() == texts().size()) {
        bool same = true;
        for (qsizetype i = 0; i < entries.size() && same; ++i)
            same = m_texts[i]->text() == entries[i].second && m_markers[i]->brush().color() == entries[i].first;
        if (same)
            return;
    }
    while (m_texts.size() < entries.size()) {
        auto* marker = new QGraphicsRectItem(m_chart);
        marker->setZValue(10);
        auto* text = new QGraphicsSimpleTextItem(m_chart);
        text->setZValue(10);
        text->setBrush(m_chart->legend()->labelColor());
        text->setFont(m_chart->legend()->font());
        m_markers.append(marker);
        m_texts.append(text);
    }
    for (qsizetype i = 0; i < m_texts.size(); ++i) {
        const bool used = i < entries.size();
        m_markers[i]->setVisible(used);
        m_texts[i]->setVisible(used);
        if (!used)
            continue;
        m_markers[i]->setBrush(entries[i].first);
        m_markers[i]->setPen(QPen(entries[i].first.darker(130), 1));
        m_texts[i]->setText(entries[i].second);
    }
    relayout();
}

QStringList ValueLegend::texts() const
{
    QStringList out;
    for (const auto* t : m_texts) {
        if (t->isVisible())
            out.append(t->text());
    }
    return out;
}

void ValueLegend::applyStyle(const ChartStyle&)
{
    // After QChart::setTheme(): take the theme's legend colour and font.
    for (auto* t : m_texts) {
        t->setBrush(m_chart->legend()->labelColor());
        t->setFont(m_chart->legend()->font());
    }
    relayout();
}

void ValueLegend::relayout()
{
    const QFontMetricsF fm(m_chart->legend()->font());
    const qreal line = std::ceil(fm.height()) + 3;
    qsizetype lines = 0;
    qreal widest = 0;
    for (qsizetype i = 0; i < m_texts.size(); ++i) {
        if (!m_texts[i]->isVisible())
            continue;
        ++lines;
        widest = std::max(widest, fm.horizontalAdvance(m_texts[i]->text()));
    }
    // Reserve the lines below the plot; QChart lays the plot out above them.
    const int bottom = int(lines * line + 8);
    if (m_chart->margins().bottom() != bottom)
        m_chart->setMargins(QMargins(4, 4, 4, bottom));
    const QSizeF size = m_chart->size();
    const qreal box = std::floor(fm.height() * 0.6);
    const qreal blockWidth = box + 6 + widest;
    qreal x = std::max<qreal>(4, (size.width() - blockWidth) / 2);
    qreal y = size.height() - bottom + 4;
    for (qsizetype i = 0; i < m_texts.size(); ++i) {
        if (!m_texts[i]->isVisible())
            continue;
        m_markers[i]->setRect(x, y + (line - box) / 2 - 1, box, box);
        m_texts[i]->setPos(x + box + 6, y);
        y += line;
    }
}

// --- TimeLineChart ---------------------------------------------------------

TimeLineChart::TimeLineChart(const QString& title, const QString& seriesName, const QColor& color,
                             const QString& unitSuffix)
    : m_series(new QLineSeries)
    , m_x(new QDateTimeAxis)
    , m_y(new QValueAxis)
    , m_title(title)
    , m_color(color)
{
    m_series->setName(seriesName);
    m_chart->addSeries(m_series);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    m_series->attachAxis(m_x);
    m_series->attachAxis(m_y);
    m_chart->legend()->hide();
    m_y->setProperty("unitSuffix", unitSuffix);
    // As many time labels as fit: "HH:mm:ss" needs about 90 px, and a
    // narrow live panel would elide them all ("02:58:...").
    QObject::connect(m_chart, &QChart::plotAreaChanged, m_x,
                     [x = m_x](const QRectF& area) { fitTimeTicks(x, area.width()); });
    applyStyle(ChartStyle());
    setPoints({});
}

void TimeLineChart::applyStyle(const ChartStyle& style)
{
    if (!m_chart)
        return;
    styleCommon(m_chart, style);
    styleSeries(m_series);
    for (QLineSeries* segment : m_segments)
        styleSeries(segment);
}

void TimeLineChart::styleSeries(QLineSeries* series)
{
    QPen pen(m_color);
    pen.setWidthF(2.0);
    series->setPen(pen);
    series->setColor(m_color);
    series->setMarkerSize(6);
}

QLineSeries* TimeLineChart::addSegmentSeries()
{
    auto* series = new QLineSeries;
    series->setName(m_series->name());
    m_chart->addSeries(series);
    series->attachAxis(m_x);
    series->attachAxis(m_y);
    styleSeries(series);
    m_segments.append(series);
    return series;
}

void TimeLineChart::setPoints(const QList<QPointF>& input, double fixedMax, double minMax, qint64 breakGapMs)
{
    if (!m_chart)
        return;
    // QtCharts strokes the whole line again on every change (atan2 per
    // segment, for hit-testing): points beyond what the pixels can show cost
    // CPU on every live refresh and show nothing.
    const qreal width = m_chart->plotArea().width();
    const qsizetype limit = width > 10 ? std::max<qsizetype>(64, qsizetype(width)) : kMaxLinePoints;
    const QList<QPointF> points = decimate(input, std::min(limit, kMaxLinePoints));

    qint64 lo = 0, hi = 0;
    double top = 0;
    if (points.isEmpty()) {
        hi = QDateTime::currentMSecsSinceEpoch();
        lo = hi - 60'000;
    } else {
        lo = qint64(points.first().x());
        hi = qint64(points.last().x());
        for (const auto& p : points)
            top = std::max(top, p.y());
        if (hi - lo < 1000) {
            // One sample (or several in the same second): give it room.
            lo -= 30'000;
            hi += 30'000;
        }
    }
    // Every axis setter re-lays the chart out at once (labels through
    // QTextDocument): on a live refresh only what changed is set.
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(lo), to = QDateTime::fromMSecsSinceEpoch(hi);
    if (m_x->min() != from || m_x->max() != to)
        m_x->setRange(from, to);
    const QString timeFormat
        = hi - lo <= 24ll * 3600 * 1000 ? QStringLiteral("HH:mm:ss") : QStringLiteral("dd MMM HH:mm");
    if (m_x->format() != timeFormat)
        m_x->setFormat(timeFormat);
    fitTimeTicks(m_x, m_chart->plotArea().width());

    const QString suffix = m_y->property("unitSuffix").toString();
    const NiceAxis y = fixedMax > 0 ? NiceAxis { fixedMax, 6, fixedMax / 5 }
                                    : niceAxis(std::max(minMax, std::isfinite(top) ? top * 1.1 : minMax));
    applyAxis(m_y, y, suffix);
    // One series per stretch without a gap: QLineSeries always joins its
    // points, and a line across a gap draws values nobody measured.
    QList<QList<QPointF>> segments(1);
    for (const QPointF& p : points) {
        if (breakGapMs > 0 && !segments.last().isEmpty() && p.x() - segments.last().last().x() > double(breakGapMs))
            segments.append(QList<QPointF>());
        segments.last().append(p);
    }
    const bool marked = !points.isEmpty() && points.size() <= kMaxMarkedPoints;
    m_segmentsUsed = int(segments.size()) - 1;
    while (m_segments.size() < m_segmentsUsed)
        addSegmentSeries();
    for (int i = 0; i <= m_segments.size(); ++i) {
        QLineSeries* series = i == 0 ? m_series : m_segments.at(i - 1);
        series->replace(i < segments.size() ? segments.at(i) : QList<QPointF>());
        if (series->pointsVisible() != marked)
            series->setPointsVisible(marked);
    }

    QString note;
    if (input.isEmpty())
        note = ChartText::tr("no data");
    else
        note = ChartText::tr("now %1%2").arg(input.last().y(), 0, 'f', 1).arg(suffix.trimmed());
    setTitleIfChanged(m_chart, titleWithNote(m_title, note));
}

// --- DonutChart -------------------------------------------------------------

DonutChart::DonutChart(const QString& title, const QString& firstLabel, const QColor& first, const QString& secondLabel,
                       const QColor& second)
    : m_series(new QPieSeries)
    , m_first(new QPieSlice(firstLabel, 0))
    , m_second(new QPieSlice(secondLabel, 0))
    , m_empty(new QPieSlice(ChartText::tr("no data"), 1))
    , m_title(title)
    , m_firstLabel(firstLabel)
    , m_secondLabel(secondLabel)
{
    m_first->setProperty("baseColor", first);
    m_second->setProperty("baseColor", second);
    m_series->append(m_first);
    m_series->append(m_second);
    m_series->append(m_empty);
    m_series->setHoleSize(0.45);
    m_series->setPieSize(0.85);
    m_chart->addSeries(m_series);
    m_chart->legend()->hide();
    m_legend = new ValueLegend(m_chart);
    applyStyle(ChartStyle());
    setValues(0, 0, formatBytes);
}

void DonutChart::applyStyle(const ChartStyle& style)
{
    if (!m_chart)
        return;
    styleCommon(m_chart, style);
    for (QPieSlice* s : { m_first, m_second, m_empty }) {
        const QColor c = s == m_empty ? ChartColors::noData() : s->property("baseColor").value<QColor>();
        s->setColor(c);
        s->setBorderColor(style.dark ? QColor(0x30, 0x30, 0x30) : Qt::white);
        s->setLabelVisible(false);
    }
    m_legend->applyStyle(style);
}

void DonutChart::setValues(double first, double second, QString (*format)(double), const QString& note,
                           const QString& emptyNote)
{
    if (!m_chart)
        return;
    first = std::isfinite(first) ? std::max(0.0, first) : 0.0;
    second = std::isfinite(second) ? std::max(0.0, second) : 0.0;
    const double total = first + second;
    // Each setter re-lays the pie out: set only what changed.
    const auto set = [](QPieSlice* slice, double v) {
        if (slice->value() != v)
            slice->setValue(v);
    };
    set(m_first, first);
    set(m_second, second);
    // QPieSeries draws nothing (and divides by zero for the shares) when
    // every slice is 0: a grey placeholder ring says "nothing yet" instead.
    set(m_empty, total > 0 ? 0 : 1);
    const auto label = [&](const QString& name, double v) -> QString {
        if (total <= 0)
            return QStringLiteral("%1: %2").arg(name, format(v));
        return QStringLiteral("%1: %2 (%3%)").arg(name, format(v)).arg(100.0 * v / total, 0, 'f', 1);
    };
    m_first->setLabel(label(m_firstLabel, first));
    m_second->setLabel(label(m_secondLabel, second));
    m_legend->setEntries({ { m_first->color(), m_first->label() }, { m_second->color(), m_second->label() } });
    setTitleIfChanged(m_chart, titleWithNote(m_title, total > 0 ? note : emptyNote));
}

// --- OpsBarChart ------------------------------------------------------------

OpsBarChart::OpsBarChart(const QString& title)
    : m_series(new QBarSeries)
    , m_read(new QBarSet(ChartText::tr("Read ops")))
    , m_write(new QBarSet(ChartText::tr("Write ops")))
    , m_x(new QBarCategoryAxis)
    , m_y(new QValueAxis)
    , m_title(title)
{
    m_read->append(0);
    m_write->append(0);
    m_series->append(m_read);
    m_series->append(m_write);
    m_chart->addSeries(m_series);
    // One group of two bars: the title says what they are, the legend
    // under them which is which.
    m_x->append(ChartText::tr("ops"));
    m_x->setLabelsVisible(false);
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    m_series->attachAxis(m_x);
    m_series->attachAxis(m_y);
    m_chart->legend()->hide();
    m_legend = new ValueLegend(m_chart);
    applyStyle(ChartStyle());
    setValues(0, 0);
}

void OpsBarChart::applyStyle(const ChartStyle& style)
{
    if (!m_chart)
        return;
    styleCommon(m_chart, style);
    m_read->setColor(ChartColors::readOps());
    m_read->setBorderColor(ChartColors::readOps().darker(130));
    m_write->setColor(ChartColors::writeOps());
    m_write->setBorderColor(ChartColors::writeOps().darker(130));
    m_legend->applyStyle(style);
}

void OpsBarChart::setValues(quint64 readOps, quint64 writeOps, const QString& note)
{
    if (!m_chart)
        return;
    const double top = double(std::max(readOps, writeOps));
    // The original's bars crashed here on an all-zero entry (a degenerate axis):
    // the axis always keeps a positive span.
    double scale = 1;
    QString unit = ChartText::tr("ops");
    if (top >= 1e9) {
        scale = 1e9;
        unit = ChartText::tr("ops (billions)");
    } else if (top >= 1e6) {
        scale = 1e6;
        unit = ChartText::tr("ops (millions)");
    } else if (top >= 1e4) {
        scale = 1e3;
        unit = ChartText::tr("ops (thousands)");
    }
    if (m_read->at(0) != double(readOps) / scale)
        m_read->replace(0, double(readOps) / scale);
    if (m_write->at(0) != double(writeOps) / scale)
        m_write->replace(0, double(writeOps) / scale);
    applyAxis(m_y, niceAxis(std::max(1.0, top / scale * 1.1)), QString());
    if (m_y->titleText() != unit)
        m_y->setTitleText(unit);
    m_read->setLabel(ChartText::tr("Read ops: %1").arg(exactCount(readOps)));
    m_write->setLabel(ChartText::tr("Write ops: %1").arg(exactCount(writeOps)));
    m_legend->setEntries(
        { { ChartColors::readOps(), m_read->label() }, { ChartColors::writeOps(), m_write->label() } });
    setTitleIfChanged(m_chart, titleWithNote(m_title, note));
}
