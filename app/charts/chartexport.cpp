#include "charts/chartexport.h"

#include "charts/charthistory.h"
#include "charts/chartsets.h"

#include <QApplication>
#include <QChart>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QScreen>
#include <QSvgGenerator>

#include <algorithm>

namespace {
// Fixed page geometry (pixels at 96 dpi). Tests check these sizes.
constexpr int kHeader = 56; // title and time range
constexpr int kBand = 34; // a category's caption above its row
constexpr int kRow = 380; // one row of charts
constexpr int kSystemWidth = 1400;
constexpr int kSystemHeight = 620;
constexpr int kMemoryWidth = 520; // the donut; the CPU line gets the rest
constexpr int kContainersWidth = 1600;

struct Caption
{
    QRect rect;
    QString text;
    bool title = false;
};

qreal exportDpi()
{
    // Text is laid out with the screen's metrics; paint at the same dpi so
    // it lands where the layout put it (QImage alone would assume 72 dpi).
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        return screen->logicalDotsPerInch();
    return 96.0;
}

QString rangeText(const ChartHistory& h)
{
    if (h.isEmpty())
        return ChartText::tr("no entries");
    const QDateTime from = QDateTime::fromMSecsSinceEpoch(h.at(0).msecs);
    const QDateTime to = QDateTime::fromMSecsSinceEpoch(h.last().msecs);
    const QString fmt = QStringLiteral("yyyy-MM-dd HH:mm:ss");
    const QString toText = from.date() == to.date() ? to.toString(QStringLiteral("HH:mm:ss")) : to.toString(fmt);
    // English has no catalogue, so its singular is spelt out here.
    const QString text = h.size() == 1 ? ChartText::tr("1 entry, %1 – %2 (%3)")
                                       : ChartText::tr("%n entries, %1 – %2 (%3)", nullptr, int(h.size()));
    return text.arg(from.toString(fmt), toText, from.timeZoneAbbreviation());
}

QString bandText(const ChartHistory& h, Category category)
{
    const QString name = categoryName(category).toUpper();
    const int idx = categoryIndex(category);
    const int now = h.isEmpty() ? 0 : h.last().categories[size_t(idx)].containers;
    QString text;
    if (now == 0)
        text = ChartText::tr("%1 — no container in the newest entry").arg(name);
    else if (now == 1)
        text = ChartText::tr("%1 — 1 container in the newest entry").arg(name);
    else
        text = ChartText::tr("%1 — %n containers in the newest entry (figures are their sum)", nullptr, now).arg(name);
    return text;
}
} // namespace

struct ChartPage::Private
{
    Kind kind = Kind::System;
    ChartStyle style;
    QSize size;
    QGraphicsScene scene;
    std::vector<std::unique_ptr<ChartSet>> sets;
    std::vector<Caption> captions;

    void place(QChart* chart, const QRect& rect)
    {
        scene.addItem(chart); // the scene owns the chart from here on
        chart->setGeometry(rect);
    }

    void placeRow(CategoryCharts* set, int top, int width)
    {
        const int w = width / 4;
        const QList<QChart*> charts = set->charts();
        for (int i = 0; i < charts.size(); ++i)
            place(charts[i], QRect(i * w, top, i == 3 ? width - 3 * w : w, kRow));
    }
};

ChartPage::ChartPage(Kind kind, const ChartHistory& history, const ChartStyle& style, Category category)
    : d(std::make_unique<Private>())
{
    d->kind = kind;
    d->style = style;
    d->size = pageSize(kind);
    d->scene.setSceneRect(QRectF(QPointF(0, 0), d->size));
    const QString range = rangeText(history);
    switch (kind) {
    case Kind::System: {
        auto set = std::make_unique<SystemCharts>();
        set->applyStyle(style);
        set->update(history);
        d->place(set->memoryChart(), QRect(0, kHeader, kMemoryWidth, kSystemHeight - kHeader));
        d->place(set->cpuChart(), QRect(kMemoryWidth, kHeader, kSystemWidth - kMemoryWidth, kSystemHeight - kHeader));
        d->captions.push_back({ QRect(12, 4, kSystemWidth - 24, 28), ChartText::tr("System metrics"), true });
        d->captions.push_back({ QRect(12, 30, kSystemWidth - 24, 22), range });
        d->sets.push_back(std::move(set));
        break;
    }
    case Kind::Containers: {
        d->captions.push_back(
            { QRect(12, 4, kContainersWidth - 24, 28), ChartText::tr("Containers by category"), true });
        d->captions.push_back({ QRect(12, 30, kContainersWidth - 24, 22),
                                ChartText::tr("%1 — per category: sum over its containers in each entry").arg(range) });
        int top = kHeader;
        for (Category c : managedCategories()) {
            auto set = std::make_unique<CategoryCharts>(c);
            set->applyStyle(style);
            set->update(history);
            d->captions.push_back({ QRect(12, top + 6, kContainersWidth - 24, kBand - 8), bandText(history, c) });
            d->placeRow(set.get(), top + kBand, kContainersWidth);
            top += kBand + kRow;
            d->sets.push_back(std::move(set));
        }
        break;
    }
    case Kind::CpuUsage:
    case Kind::MemoryUsage: {
        const bool cpu = kind == Kind::CpuUsage;
        auto set
            = std::make_unique<HostUsageCharts>(cpu ? HostUsageCharts::Metric::Cpu : HostUsageCharts::Metric::Memory);
        set->applyStyle(style);
        set->update(history);
        const QList<QChart*> charts = set->charts();
        const int w = kSystemWidth / int(charts.size());
        for (int i = 0; i < charts.size(); ++i)
            d->place(charts[i], QRect(i * w, kHeader, w, kSystemHeight - kHeader));
        d->captions.push_back({ QRect(12, 4, kSystemWidth - 24, 28),
                                cpu ? ChartText::tr("CPU usage") : ChartText::tr("Memory usage"), true });
        d->captions.push_back({ QRect(12, 30, kSystemWidth - 24, 22), range });
        d->sets.push_back(std::move(set));
        break;
    }
    case Kind::Category: {
        auto set = std::make_unique<CategoryCharts>(category);
        set->applyStyle(style);
        set->update(history);
        d->captions.push_back({ QRect(12, 4, kContainersWidth - 24, 28), bandText(history, category), true });
        d->captions.push_back({ QRect(12, 30, kContainersWidth - 24, 22), range });
        d->placeRow(set.get(), kHeader, kContainersWidth);
        d->sets.push_back(std::move(set));
        break;
    }
    }
    // QChart lays itself out on a posted LayoutRequest; there is no event
    // loop turn between here and render(), so do it now.
    for (const auto& set : d->sets) {
        for (QChart* chart : set->charts()) {
            if (QGraphicsLayout* layout = chart->layout())
                layout->activate();
        }
    }
}

ChartPage::~ChartPage()
{
    // The scene deletes the charts; the sets only point at them.
    d->sets.clear();
}

QSize ChartPage::pageSize(Kind kind)
{
    switch (kind) {
    case Kind::System:
    case Kind::CpuUsage:
    case Kind::MemoryUsage:
        return QSize(kSystemWidth, kSystemHeight);
    case Kind::Containers:
        return QSize(kContainersWidth, kHeader + 4 * (kBand + kRow));
    case Kind::Category:
        return QSize(kContainersWidth, kHeader + kRow);
    }
    return QSize();
}

QSize ChartPage::size() const
{
    return d->size;
}

void ChartPage::render(QPainter* painter)
{
    const QRectF page(QPointF(0, 0), d->size);
    const QColor background = d->style.dark ? QColor(0x26, 0x28, 0x2b) : QColor(Qt::white);
    const QColor text = d->style.dark ? QColor(0xee, 0xee, 0xee) : QColor(0x20, 0x20, 0x20);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setRenderHint(QPainter::TextAntialiasing);
    painter->fillRect(page, background);
    painter->setPen(text);
    for (const Caption& c : d->captions) {
        QFont f = QApplication::font();
        f.setPointSizeF(c.title ? 15 : 10.5);
        f.setBold(c.title || d->kind == Kind::Containers);
        painter->setFont(f);
        painter->drawText(c.rect, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextSingleLine, c.text);
    }
    d->scene.render(painter, page, page, Qt::IgnoreAspectRatio);
    painter->restore();
}

QImage ChartPage::toImage()
{
    QImage image(d->size, QImage::Format_ARGB32_Premultiplied);
    const int dpm = qRound(exportDpi() / 0.0254);
    image.setDotsPerMeterX(dpm);
    image.setDotsPerMeterY(dpm);
    image.fill(Qt::white);
    QPainter painter(&image);
    render(&painter);
    painter.end();
    return image.convertToFormat(QImage::Format_RGB32);
}

bool ChartPage::writePng(const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || !toImage().save(&file, "PNG") || !file.commit()) {
        if (error)
            *error = ChartText::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool ChartPage::writeSvg(const QString& path, const QString& title, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = ChartText::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(d->size);
        svg.setViewBox(QRect(QPoint(0, 0), d->size));
        svg.setResolution(qRound(exportDpi()));
        svg.setTitle(title);
        svg.setDescription(QStringLiteral("Rendered by Stevedore %1").arg(QLatin1String(STEVEDORE_VERSION)));
        QPainter painter;
        if (!painter.begin(&svg)) {
            if (error)
                *error = ChartText::tr("cannot paint SVG %1").arg(path);
            file.cancelWriting();
            return false;
        }
        render(&painter);
        painter.end();
    }
    if (!file.commit()) {
        if (error)
            *error = ChartText::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool exportCharts(const QList<Snapshot>& history, const QString& dir, QStringList* writtenFiles, QString* error)
{
    return exportCharts(ChartHistory::fromSnapshots(history), dir, writtenFiles, error);
}

namespace {
struct PageStep
{
    ChartPage::Kind kind;
    Category category;
    const char* base;
    const char* title;
};

const PageStep kPageSteps[] = {
    { ChartPage::Kind::System, Category::Cpu, "system_metrics", "System metrics" },
    { ChartPage::Kind::Containers, Category::Cpu, "containers_metrics", "Containers by category" },
    { ChartPage::Kind::Category, Category::Cpu, "category_cpu", "Category cpu" },
    { ChartPage::Kind::Category, Category::Ram, "category_ram", "Category ram" },
    { ChartPage::Kind::Category, Category::Io, "category_io", "Category io" },
    { ChartPage::Kind::Category, Category::Disk, "category_disk", "Category disk" },
    // The original's two pictures: PNG only, as it wrote them.
    { ChartPage::Kind::CpuUsage, Category::Cpu, "cpu_usage", nullptr },
    { ChartPage::Kind::MemoryUsage, Category::Cpu, "memory_usage", nullptr },
};
constexpr int kPageStepCount = int(sizeof(kPageSteps) / sizeof(kPageSteps[0]));
} // namespace

ChartExportJob::ChartExportJob(const ChartHistory& history, QString dir)
    : m_history(std::make_unique<ChartHistory>(history))
    , m_dir(std::move(dir))
{ }

ChartExportJob::~ChartExportJob() = default;

int ChartExportJob::stepCount() const
{
    return kPageStepCount + 1; // the pages, then the CSV
}

bool ChartExportJob::atEnd() const
{
    return m_step >= stepCount();
}

bool ChartExportJob::start(QString* error)
{
    if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        if (error)
            *error = ChartText::tr("chart export needs a QApplication (use QT_QPA_PLATFORM=offscreen without a "
                                   "display)");
        return false;
    }
    if (!QDir().mkpath(m_dir)) {
        if (error)
            *error = ChartText::tr("cannot create directory %1").arg(m_dir);
        return false;
    }
    return true;
}

bool ChartExportJob::next(QString* error)
{
    if (atEnd())
        return true;
    const QDir out(m_dir);
    if (m_step < kPageStepCount) {
        const PageStep& step = kPageSteps[m_step];
        ChartPage page(step.kind, *m_history, ChartStyle(), step.category);
        const QString png = out.filePath(QLatin1String(step.base) + QStringLiteral(".png"));
        const QString svg = out.filePath(QLatin1String(step.base) + QStringLiteral(".svg"));
        if (!page.writePng(png, error))
            return false;
        m_written.append(png);
        if (step.title) {
            if (!page.writeSvg(svg, QLatin1String(step.title), error))
                return false;
            m_written.append(svg);
        }
    } else {
        const QString csvPath = out.filePath(QLatin1String(ChartFiles::seriesCsv));
        QSaveFile csv(csvPath);
        if (!csv.open(QIODevice::WriteOnly) || csv.write(m_history->toCsv()) < 0 || !csv.commit()) {
            if (error)
                *error = ChartText::tr("cannot write %1: %2").arg(csvPath, csv.errorString());
            return false;
        }
        m_written.append(csvPath);
    }
    ++m_step;
    return true;
}

bool exportCharts(const ChartHistory& history, const QString& dir, QStringList* writtenFiles, QString* error)
{
    ChartExportJob job(history, dir);
    bool ok = job.start(error);
    while (ok && !job.atEnd())
        ok = job.next(error);
    if (writtenFiles)
        *writtenFiles = job.writtenFiles();
    return ok;
}

bool loadStoreForCharts(const QString& dataDir, const QDateTime& since, const QDateTime& until, QList<Snapshot>* out,
                        QString* error, StoreReadStats* stats)
{
    LogQuery range;
    range.since = since;
    range.until = until;
    // The latest run is known once a file shows the gap before it: the
    // entries read so far then hold more than the latest run. The run gap is
    // worked out from the entries read, as chartsToDraw does with them.
    const auto latestRunFound = [](const QList<Snapshot>& readSoFar) {
        const ChartHistory h = ChartHistory::fromSnapshots(readSoFar);
        return !h.isEmpty() && h.latestRun().size() < h.size();
    };
    return readRecentSnapshots(dataDir, range, latestRunFound, out, error, stats);
}

ChartHistory chartsToDraw(const QList<Snapshot>& stored, const QDateTime& since, const QDateTime& until, QString* note)
{
    const ChartHistory all = ChartHistory::fromSnapshots(stored);
    const QString fmt = QStringLiteral("yyyy-MM-dd HH:mm:ss");
    if (since.isValid() || until.isValid()) {
        ChartHistory range = all.between(since, until);
        if (note)
            *note = ChartText::tr("drawing %1 of %n entries (%2 to %3)", nullptr, int(all.size()))
                        .arg(range.size())
                        .arg(since.isValid() ? since.toString(fmt) : ChartText::tr("the first"),
                             until.isValid() ? until.toString(fmt) : ChartText::tr("the last"));
        return range;
    }
    ChartHistory latest = all.latestRun();
    if (note && latest.size() < all.size()) {
        // `stored` is what was read (loadStoreForCharts stops at the start of
        // the latest run), not necessarily the whole store.
        *note = ChartText::tr("drawing the latest run: %1 of %n entries read, from %2 (%3 runs among them; "
                              "--since/--until choose others)",
                              nullptr, int(all.size()))
                    .arg(latest.size())
                    .arg(QDateTime::fromMSecsSinceEpoch(latest.at(0).msecs).toString(fmt))
                    .arg(all.runCount());
    }
    return latest;
}
