// Renders the charts offscreen from fixture histories and checks the files:
// PNGs of the documented size that are not blank (and in which every chart
// cell drew something), SVGs that parse, a CSV with one row per entry. Empty
// and all-zero histories must render too (the original crashed on them).
#include "../receiver/receivertestutil.h"
#include "charts/chartexport.h"
#include "charts/charthistory.h"
#include "charts/chartparts.h"
#include "charts/chartsets.h"
#include "core/model/snapshotjson.h"
#include "fixtureentries.h"

#include <QApplication>
#include <QChart>
#include <QElapsedTimer>
#include <QImage>
#include <QLineSeries>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

class TestChartExport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exportWritesFiles_data();
    void exportWritesFiles();
    void originalColoursAppear();
    void stevedoreEntries();
    void largeHistory();
    void unwritableDirectory();
    void latestRunByDefault();
    void linesBreakAtGaps();
    void storeReadStopsAtTheLatestRun();
    void storeReadWithSinceReachesOlderFiles();

private:
    static QList<Snapshot> fixture(const QString& name);
};

namespace {
int distinctColours(const QImage& image, const QRect& area)
{
    QSet<QRgb> colours;
    const QRect r = area.intersected(image.rect());
    for (int y = r.top(); y <= r.bottom(); y += 2) {
        for (int x = r.left(); x <= r.right(); x += 2)
            colours.insert(image.pixel(x, y));
    }
    return int(colours.size());
}

// Fraction of pixels in `area` that differ from the page background.
double inked(const QImage& image, const QRect& area)
{
    const QRgb bg = image.pixel(0, image.height() - 1);
    const QRect r = area.intersected(image.rect());
    qint64 n = 0, ink = 0;
    for (int y = r.top(); y <= r.bottom(); y += 2) {
        for (int x = r.left(); x <= r.right(); x += 2) {
            ++n;
            ink += image.pixel(x, y) != bg;
        }
    }
    return n ? double(ink) / double(n) : 0;
}

bool containsColour(const QImage& image, const QColor& colour, int tolerance = 6)
{
    for (int y = 0; y < image.height(); y += 1) {
        const QRgb* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x) {
            const QRgb p = line[x];
            if (std::abs(qRed(p) - colour.red()) <= tolerance && std::abs(qGreen(p) - colour.green()) <= tolerance
                && std::abs(qBlue(p) - colour.blue()) <= tolerance)
                return true;
        }
    }
    return false;
}

void checkSvg(const QString& path, const QSize& size)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(path));
    QXmlStreamReader xml(&f);
    bool root = false;
    int texts = 0, paths = 0;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (!root) {
            QCOMPARE(xml.name(), QLatin1String("svg"));
            QCOMPARE(xml.attributes().value(QLatin1String("viewBox")).toString(),
                     QStringLiteral("0 0 %1 %2").arg(size.width()).arg(size.height()));
            root = true;
        }
        texts += xml.name() == QLatin1String("text");
        paths += xml.name() == QLatin1String("path") || xml.name() == QLatin1String("polyline");
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(root);
    QVERIFY2(texts > 10, qPrintable(QStringLiteral("%1 text elements").arg(texts)));
    QVERIFY(paths > 10);
}

// Every chart cell of the page has something drawn in it (a chart that was
// never laid out renders as an empty rectangle).
void checkCells(const QImage& image, ChartPage::Kind kind)
{
    QList<QRect> cells;
    if (kind == ChartPage::Kind::System) {
        cells = { QRect(0, 56, 520, 564), QRect(520, 56, 880, 564) };
    } else {
        for (int row = 0; row < 4; ++row) {
            for (int col = 0; col < 4; ++col)
                cells.append(QRect(col * 400, 56 + 34 + row * (34 + 380), 400, 380));
        }
    }
    for (const QRect& cell : cells) {
        QVERIFY2(distinctColours(image, cell) >= 4,
                 qPrintable(QStringLiteral("cell %1,%2 has %3 colours")
                                .arg(cell.x())
                                .arg(cell.y())
                                .arg(distinctColours(image, cell))));
        QVERIFY2(inked(image, cell) > 0.01,
                 qPrintable(QStringLiteral("cell %1,%2 is blank").arg(cell.x()).arg(cell.y())));
    }
}
} // namespace

namespace {
// A rotated store of two runs: a run of last month in logs.jsonl.3, .2 and
// the start of .1, today's run in the rest of .1 and the active file. 10 s
// between entries within a run.
const QDateTime kOldRun = testutil::baseTime().addDays(-30);
const QDateTime kNewRun = testutil::baseTime();

bool writeTwoRunStore(const QString& dir)
{
    struct Part
    {
        const char* name;
        QDateTime start;
        int first;
        int count;
    };
    const Part parts[] = {
        { "logs.jsonl.3", kOldRun, 0, 5 }, { "logs.jsonl.2", kOldRun, 5, 5 }, { "logs.jsonl.1", kOldRun, 10, 2 },
        { "logs.jsonl.1", kNewRun, 0, 3 }, { "logs.jsonl", kNewRun, 3, 5 },
    };
    for (const Part& p : parts) {
        QFile file(QDir(dir).filePath(QLatin1String(p.name)));
        if (!file.open(QIODevice::Append))
            return false;
        for (int i = p.first; i < p.first + p.count; ++i)
            file.write(testutil::originalEntry(i, p.start.addSecs(10 * i)) + '\n');
    }
    return true;
}
} // namespace

QList<Snapshot> TestChartExport::fixture(const QString& name)
{
    if (name.isEmpty())
        return {};
    return loadFixtureEntries(QFINDTESTDATA(QStringLiteral("fixtures/") + name));
}

void TestChartExport::exportWritesFiles_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<int>("entries");
    QTest::newRow("original history") << QStringLiteral("original_history.jsonl") << 12;
    QTest::newRow("original logs.json") << QStringLiteral("original_logs.json") << 5;
    QTest::newRow("all zero") << QStringLiteral("all_zero.jsonl") << 3;
    QTest::newRow("empty") << QString() << 0;
}

void TestChartExport::exportWritesFiles()
{
    QFETCH(QString, fixture);
    QFETCH(int, entries);
    const QList<Snapshot> history = this->fixture(fixture);
    QCOMPARE(history.size(), entries);

    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(QStringLiteral("charts/out")); // created by the export
    QStringList written;
    QString error;
    QVERIFY2(exportCharts(history, dir, &written, &error), qPrintable(error));

    const QStringList expected = { QStringLiteral("system_metrics.png"),     QStringLiteral("system_metrics.svg"),
                                   QStringLiteral("containers_metrics.png"), QStringLiteral("containers_metrics.svg"),
                                   QStringLiteral("category_cpu.png"),       QStringLiteral("category_cpu.svg"),
                                   QStringLiteral("category_ram.png"),       QStringLiteral("category_ram.svg"),
                                   QStringLiteral("category_io.png"),        QStringLiteral("category_io.svg"),
                                   QStringLiteral("category_disk.png"),      QStringLiteral("category_disk.svg"),
                                   QStringLiteral("cpu_usage.png"),          QStringLiteral("memory_usage.png"),
                                   QStringLiteral("charts_series.csv") };
    QCOMPARE(written.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(QFileInfo(written.at(i)).fileName(), expected.at(i));
        QVERIFY2(QFileInfo(written.at(i)).size() > 0, qPrintable(written.at(i)));
    }
    // No temporary files left behind.
    QCOMPARE(QDir(dir).entryList(QDir::Files).size(), expected.size());

    const struct
    {
        const char* name;
        ChartPage::Kind kind;
    } pages[] = { { "system_metrics", ChartPage::Kind::System },
                  { "containers_metrics", ChartPage::Kind::Containers },
                  { "category_io", ChartPage::Kind::Category },
                  { "cpu_usage", ChartPage::Kind::CpuUsage },
                  { "memory_usage", ChartPage::Kind::MemoryUsage } };
    for (const auto& page : pages) {
        const QString base = QDir(dir).filePath(QLatin1String(page.name));
        const QImage png(base + QStringLiteral(".png"));
        QVERIFY2(!png.isNull(), page.name);
        QCOMPARE(png.size(), ChartPage::pageSize(page.kind));
        const int colours = distinctColours(png, png.rect());
        QVERIFY2(colours > 20,
                 qPrintable(QStringLiteral("%1: only %2 colours").arg(QLatin1String(page.name)).arg(colours)));
        if (page.kind == ChartPage::Kind::System || page.kind == ChartPage::Kind::Containers)
            checkCells(png, page.kind);
        // The original's two pictures are PNG only.
        if (page.kind != ChartPage::Kind::CpuUsage && page.kind != ChartPage::Kind::MemoryUsage)
            checkSvg(base + QStringLiteral(".svg"), ChartPage::pageSize(page.kind));
        if (QTest::currentTestFailed())
            return;
        if (qEnvironmentVariableIsSet("STEVEDORE_KEEP_CHARTS"))
            png.save(
                QStringLiteral("%1/%2-%3.png")
                    .arg(qEnvironmentVariable("STEVEDORE_KEEP_CHARTS"), QLatin1String(page.name),
                         QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'))));
    }

    QFile csv(QDir(dir).filePath(QStringLiteral("charts_series.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
    QCOMPARE(lines.size(), entries + 1);
    QCOMPARE(lines.first().split(',').size(), ChartHistory::csvHeader().size());
}

void TestChartExport::originalColoursAppear()
{
    QTemporaryDir tmp;
    QString error;
    QVERIFY2(exportCharts(fixture(QStringLiteral("original_history.jsonl")), tmp.path(), nullptr, &error),
             qPrintable(error));
    const QImage system(tmp.filePath(QStringLiteral("system_metrics.png")));
    QVERIFY(containsColour(system, ChartColors::memoryUsed()));
    QVERIFY(containsColour(system, ChartColors::memoryFree()));
    QVERIFY(containsColour(system, ChartColors::hostCpu()));
    const QImage containers(tmp.filePath(QStringLiteral("containers_metrics.png")));
    for (const QColor& c : { ChartColors::ramLine(), ChartColors::cpuLine(), ChartColors::diskWrite(),
                             ChartColors::diskRead(), ChartColors::readOps(), ChartColors::writeOps() })
        QVERIFY2(containsColour(containers, c), qPrintable(c.name()));
}

void TestChartExport::stevedoreEntries()
{
    // Entries the receiver stores from Stevedore's own agents carry the full
    // snapshot; render those too.
    QList<Snapshot> history;
    for (int i = 0; i < 20; ++i) {
        Snapshot s;
        s.source = QStringLiteral("cgroup");
        s.timestamp = QDateTime(QDate(2026, 3, 14), QTime(10, 0), Qt::UTC).addSecs(i);
        s.system.memoryTotalBytes = 8ull << 30;
        s.system.memoryAvailableBytes = (6ull << 30) - quint64(i) * (10ull << 20);
        s.system.memoryUsedBytes = s.system.memoryTotalBytes - s.system.memoryAvailableBytes;
        s.system.cpuPercent = 30 + i;
        ContainerMetrics c;
        c.id = QString(64, QLatin1Char('a'));
        c.pid = 10;
        c.category = Category::Disk;
        c.cpuPercent = 5;
        c.writeBytes = quint64(i) << 20;
        c.writeOps = quint64(i) * 100;
        s.containers.append(c);
        nlohmann::json entry = snapshotToLogEntry(s);
        entry["snapshot"] = snapshotToJson(s);
        Snapshot back;
        QString error;
        QVERIFY2(snapshotFromLogEntry(entry, back, &error), qPrintable(error));
        history.append(back);
    }
    QTemporaryDir tmp;
    QString error;
    QVERIFY2(exportCharts(history, tmp.path(), nullptr, &error), qPrintable(error));
    const QImage png(tmp.filePath(QStringLiteral("containers_metrics.png")));
    QCOMPARE(png.size(), ChartPage::pageSize(ChartPage::Kind::Containers));
    checkCells(png, ChartPage::Kind::Containers);
}

void TestChartExport::largeHistory()
{
    // A day at 1 s: the lines are thinned for drawing, the CSV keeps all.
    ChartHistory h;
    const qint64 t0 = QDateTime(QDate(2026, 3, 14), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    for (int i = 0; i < 86400; ++i) {
        ChartRow r;
        r.msecs = t0 + qint64(i) * 1000;
        r.hostCpuPercent = 50 + 40 * std::sin(i / 600.0);
        r.memoryUsedMb = 1000;
        r.memoryFreeMb = 3000;
        r.categories[0].containers = 1;
        r.categories[0].cpuPercent = 100;
        h.append(r);
    }
    QTemporaryDir tmp;
    QString error;
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(exportCharts(h, tmp.path(), nullptr, &error), qPrintable(error));
    qInfo("86400 entries exported in %lld ms", timer.elapsed());
    QVERIFY(timer.elapsed() < 60000);
    QFile csv(tmp.filePath(QStringLiteral("charts_series.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 86401);
    checkCells(QImage(tmp.filePath(QStringLiteral("system_metrics.png"))), ChartPage::Kind::System);
}

void TestChartExport::unwritableDirectory()
{
    QTemporaryDir tmp;
    QFile blocker(tmp.filePath(QStringLiteral("file")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    QStringList written;
    QString error;
    QVERIFY(!exportCharts(fixture(QStringLiteral("all_zero.jsonl")), blocker.fileName() + QStringLiteral("/sub"),
                          &written, &error));
    QVERIFY2(error.contains(QLatin1String("file/sub")), qPrintable(error));
    QVERIFY(written.isEmpty());
}

void TestChartExport::latestRunByDefault()
{
    // Four entries of a run last month, eight of today's.
    const QList<Snapshot> stored = fixture(QStringLiteral("two_runs.jsonl"));
    QCOMPARE(stored.size(), 12);
    QString note;
    const ChartHistory latest = chartsToDraw(stored, QDateTime(), QDateTime(), &note);
    QCOMPARE(latest.size(), qsizetype(8));
    QCOMPARE(QDateTime::fromMSecsSinceEpoch(latest.at(0).msecs, Qt::UTC),
             QDateTime(QDate(2026, 3, 14), QTime(10, 0), Qt::UTC));
    QVERIFY2(note.contains(QLatin1String("latest run: 8 of 12")), qPrintable(note));
    QVERIFY2(note.contains(QLatin1String("2 runs")), qPrintable(note));

    // --since/--until: exactly that range, both runs if it spans them.
    const QDateTime feb(QDate(2026, 2, 1), QTime(0, 0), Qt::UTC);
    QCOMPARE(chartsToDraw(stored, feb, QDateTime(), &note).size(), qsizetype(12));
    QCOMPARE(chartsToDraw(stored, feb, QDateTime(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC)).size(), qsizetype(4));
    QCOMPARE(chartsToDraw(stored, QDateTime(), QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC)).size(),
             qsizetype(0));

    // One run only: nothing left out, nothing to say.
    note.clear();
    QCOMPARE(chartsToDraw(fixture(QStringLiteral("original_history.jsonl")), QDateTime(), QDateTime(), &note).size(),
             qsizetype(12));
    QVERIFY(note.isEmpty());

    // The page of the latest run spans today only, not a month.
    QTemporaryDir tmp;
    QStringList written;
    QString error;
    QVERIFY2(exportCharts(latest, tmp.path(), &written, &error), qPrintable(error));
    QVERIFY(written.contains(tmp.filePath(QStringLiteral("cpu_usage.png"))));
    QVERIFY(written.contains(tmp.filePath(QStringLiteral("memory_usage.png"))));
}

void TestChartExport::linesBreakAtGaps()
{
    const QList<Snapshot> stored = fixture(QStringLiteral("two_runs.jsonl"));
    const ChartHistory both = ChartHistory::fromSnapshots(stored);
    SystemCharts system;
    system.update(both);
    auto lines = [](QChart* chart) {
        int drawn = 0, points = 0;
        for (QAbstractSeries* s : chart->series()) {
            if (auto* line = qobject_cast<QLineSeries*>(s); line && line->count() > 0) {
                ++drawn;
                points += int(line->count());
            }
        }
        return std::make_pair(drawn, points);
    };
    // Two runs: two separate lines, every point drawn once.
    QCOMPARE(lines(system.cpuChart()), std::make_pair(2, 12));
    CategoryCharts cpu(Category::Cpu);
    cpu.update(both);
    QCOMPARE(lines(cpu.cpuChart()), std::make_pair(2, 12));
    // Back to one run: the second segment is emptied, not left behind.
    system.update(both.latestRun());
    QCOMPARE(lines(system.cpuChart()), std::make_pair(1, 8));
}

void TestChartExport::storeReadStopsAtTheLatestRun()
{
    // /generate_graphs on a store of many runs must not read them all: the
    // files of last month's run (.3, .2) are never read.
    QTemporaryDir tmp;
    QVERIFY(writeTwoRunStore(tmp.path()));
    QList<Snapshot> stored;
    QString error;
    StoreReadStats stats;
    QVERIFY2(loadStoreForCharts(tmp.path(), QDateTime(), QDateTime(), &stored, &error, &stats), qPrintable(error));
    QCOMPARE(stats.filesInStore, 4);
    QCOMPARE(stats.filesRead, 2);
    QCOMPARE(stored.size(), 2 + 8);
    const ChartHistory drawn = chartsToDraw(stored, QDateTime(), QDateTime());
    QCOMPARE(drawn.size(), qsizetype(8));
    QCOMPARE(drawn.at(0).msecs, kNewRun.toMSecsSinceEpoch());
    QCOMPARE(drawn.last().msecs, kNewRun.addSecs(70).toMSecsSinceEpoch());

    // The same as drawing from the whole store.
    const QList<Snapshot> all = readSnapshots(tmp.path(), LogQuery(), &error);
    QCOMPARE(all.size(), 20);
    const ChartHistory fromAll = chartsToDraw(all, QDateTime(), QDateTime());
    QCOMPARE(fromAll.toCsv(), drawn.toCsv());

    // One run in one file: that file, all of it.
    QTemporaryDir one;
    QVERIFY(QFile::copy(QFINDTESTDATA("fixtures/original_history.jsonl"), one.filePath(QStringLiteral("logs.jsonl"))));
    QVERIFY2(loadStoreForCharts(one.path(), QDateTime(), QDateTime(), &stored, &error, &stats), qPrintable(error));
    QCOMPARE(stats.filesRead, 1);
    QCOMPARE(stored.size(), 12);
}

void TestChartExport::storeReadWithSinceReachesOlderFiles()
{
    QTemporaryDir tmp;
    QVERIFY(writeTwoRunStore(tmp.path()));
    QList<Snapshot> stored;
    QString error;
    StoreReadStats stats;
    // From the 7th entry of last month's run (in .2) on.
    const QDateTime since = kOldRun.addSecs(70);
    QVERIFY2(loadStoreForCharts(tmp.path(), since, QDateTime(), &stored, &error, &stats), qPrintable(error));
    QCOMPARE(stats.filesRead, 3);
    QCOMPARE(stored.size(), 5 + 8);
    QCOMPARE(chartsToDraw(stored, since, QDateTime()).size(), qsizetype(13));
    // Last month's run only: today's files are skipped.
    QVERIFY2(loadStoreForCharts(tmp.path(), kOldRun, kOldRun.addSecs(60), &stored, &error, &stats), qPrintable(error));
    QCOMPARE(stats.filesSkipped, 2); // the active file and .1 start after it
    QCOMPARE(stats.filesRead, 2);
    QCOMPARE(stored.size(), 7);
}

QTEST_MAIN(TestChartExport)
#include "tst_chartexport.moc"
