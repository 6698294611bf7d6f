// What the charts plot: the reduction of snapshots to rows, the CSV and the
// helpers that format and thin the series. No rendering here.
#include "charts/chartexport.h"
#include "charts/charthistory.h"
#include "charts/chartparts.h"
#include "fixtureentries.h"

#include <QTemporaryFile>
#include <QTest>

class TestChartHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadJsonLinesAndArray();
    void sumsPerCategory();
    void lastWithSkipsEmptyEntries();
    void sortsByTime();
    void capacityDropsOldest();
    void csvParses();
    void decimateKeepsPeaks();
    void runs_data();
    void runs();
    void betweenBounds();
    void formatBytes_data();
    void formatBytes();
    void formatCount_data();
    void formatCount();
};

namespace {
QList<Snapshot> load(const QString& name)
{
    return loadFixtureEntries(QFINDTESTDATA(QStringLiteral("fixtures/") + name));
}

Snapshot at(qint64 secs, double cpu)
{
    Snapshot s;
    s.timestamp = QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
    s.system.cpuPercent = cpu;
    return s;
}
} // namespace

void TestChartHistory::loadJsonLinesAndArray()
{
    // The original's logs.json and the same entries as stored lines give
    // the same snapshots.
    const auto lines = load(QStringLiteral("original_history.jsonl"));
    QCOMPARE(lines.size(), 12);
    const auto array = load(QStringLiteral("original_logs.json"));
    QCOMPARE(array.size(), 5);
    QCOMPARE(array.at(4).timestamp, lines.at(4).timestamp);
    QCOMPARE(array.at(4).containers.size(), lines.at(4).containers.size());
}

void TestChartHistory::sumsPerCategory()
{
    const auto snaps = load(QStringLiteral("original_history.jsonl"));
    const ChartHistory h = ChartHistory::fromSnapshots(snaps);
    QCOMPARE(h.size(), 12);
    const int ram = categoryIndex(Category::Ram);
    const int disk = categoryIndex(Category::Disk);
    QCOMPARE(categoryIndex(Category::Other), -1);
    // Entry 5 has two RAM containers: the row holds their sum.
    const ChartRow& r5 = h.at(5);
    QCOMPARE(r5.categories[size_t(ram)].containers, 2);
    QCOMPARE(r5.categories[size_t(ram)].ramPercent, 0.45 + 0.05 * 5 + 0.72);
    QCOMPARE(r5.categories[size_t(ram)].cpuPercent, 199.09 + 199.08);
    const ChartRow& r0 = h.at(0);
    QCOMPARE(r0.categories[size_t(ram)].containers, 1);
    QCOMPARE(r0.categories[size_t(disk)].writeBytes, quint64(3636519) * 1024);
    QCOMPARE(r0.categories[size_t(disk)].readBytes, quint64(2048) * 1024);
    QCOMPARE(r0.categories[size_t(disk)].writeOps, quint64(30022926));
    QCOMPARE(r0.hostCpuPercent, 16.43);
    QCOMPARE(r0.memoryUsedMb, 14057.0);
    QCOMPARE(r0.memoryFreeMb, 17817.0);
    QCOMPARE(r0.msecs, QDateTime(QDate(2026, 3, 14), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch());
}

void TestChartHistory::lastWithSkipsEmptyEntries()
{
    auto snaps = load(QStringLiteral("original_history.jsonl"));
    // The newest entry has no I/O container: the donut and bars must show
    // the newest entry that had one, not zeros.
    snaps.last().containers.removeIf([](const ContainerMetrics& c) { return c.category == Category::Io; });
    const ChartHistory h = ChartHistory::fromSnapshots(snaps);
    const int io = categoryIndex(Category::Io);
    QCOMPARE(h.last().categories[size_t(io)].containers, 0);
    const ChartRow* r = h.lastWith(io);
    QVERIFY(r);
    QCOMPARE(r->msecs, h.at(10).msecs);
    QCOMPARE(r->categories[size_t(io)].writeOps, quint64(20830 + 4000 * 10));
    QCOMPARE(ChartHistory().lastWith(io), nullptr);
    QCOMPARE(h.lastWith(4), nullptr);
}

void TestChartHistory::sortsByTime()
{
    const ChartHistory h = ChartHistory::fromSnapshots({ at(30, 3), at(10, 1), at(20, 2), at(10, 9) });
    QCOMPARE(h.size(), 4);
    QCOMPARE(h.at(0).hostCpuPercent, 1.0); // stable: the first of the two at t=10 stays first
    QCOMPARE(h.at(1).hostCpuPercent, 9.0);
    QCOMPARE(h.at(2).hostCpuPercent, 2.0);
    QCOMPARE(h.at(3).hostCpuPercent, 3.0);
}

void TestChartHistory::capacityDropsOldest()
{
    ChartHistory h(3);
    for (int i = 0; i < 10; ++i)
        h.append(at(i, i));
    QCOMPARE(h.size(), 3);
    QCOMPARE(h.at(0).hostCpuPercent, 7.0);
    QCOMPARE(h.last().hostCpuPercent, 9.0);
    h.setCapacity(2);
    QCOMPARE(h.size(), 2);
    QCOMPARE(h.at(0).hostCpuPercent, 8.0);
    h.setCapacity(0);
    h.append(at(11, 11));
    QCOMPARE(h.size(), 3);
}

void TestChartHistory::csvParses()
{
    const ChartHistory h = ChartHistory::fromSnapshots(load(QStringLiteral("original_history.jsonl")));
    const QByteArray csv = h.toCsv();
    QVERIFY(csv.endsWith('\n'));
    const QList<QByteArray> lines = csv.trimmed().split('\n');
    QCOMPARE(lines.size(), 13);
    const QList<QByteArray> header = lines.first().split(',');
    QCOMPARE(header.size(), 4 + 4 * 7);
    QCOMPARE(header.at(0), QByteArray("timestamp"));
    QVERIFY(header.contains("disk_write_ops"));
    const int diskWriteOps = int(header.indexOf("disk_write_ops"));
    const int ramPercent = int(header.indexOf("ram_ram_percent"));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> f = lines.at(i).split(',');
        QCOMPARE(f.size(), header.size());
        QVERIFY(QDateTime::fromString(QString::fromLatin1(f.at(0)), Qt::ISODateWithMs).isValid());
        for (qsizetype k = 1; k < f.size(); ++k) {
            bool ok = false;
            f.at(k).toDouble(&ok);
            QVERIFY2(ok, f.at(k).constData());
        }
    }
    QCOMPARE(lines.at(1).split(',').at(diskWriteOps), QByteArray("30022926"));
    QCOMPARE(lines.at(6).split(',').at(ramPercent), QByteArray("1.42")); // 0.45 + 0.25 + 0.72, summed
    QCOMPARE(ChartHistory().toCsv().count('\n'), 1);
}

void TestChartHistory::decimateKeepsPeaks()
{
    QList<QPointF> pts;
    for (int i = 0; i < 100000; ++i)
        pts.append(QPointF(i, i == 54321 ? 1000.0 : (i == 777 ? -5.0 : 1.0)));
    const QList<QPointF> d = decimate(pts, 1000);
    QVERIFY(d.size() <= 1000);
    QVERIFY(d.size() >= 500);
    bool peak = false, dip = false;
    for (qsizetype i = 0; i < d.size(); ++i) {
        peak = peak || d[i].y() == 1000.0;
        dip = dip || d[i].y() == -5.0;
        if (i > 0)
            QVERIFY(d[i].x() > d[i - 1].x());
    }
    QVERIFY(peak);
    QVERIFY(dip);
    QCOMPARE(decimate(pts.mid(0, 10), 1000).size(), 10);
}

void TestChartHistory::formatBytes_data()
{
    QTest::addColumn<double>("bytes");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0 B");
    QTest::newRow("bytes") << 1023.0 << QStringLiteral("1023 B");
    QTest::newRow("kb") << 1536.0 << QStringLiteral("1.5 KB");
    QTest::newRow("gb") << 3636519.0 * 1024 << QStringLiteral("3.5 GB");
}

void TestChartHistory::formatBytes()
{
    QFETCH(double, bytes);
    QFETCH(QString, text);
    QCOMPARE(::formatBytes(bytes), text);
}

void TestChartHistory::formatCount_data()
{
    QTest::addColumn<double>("count");
    QTest::addColumn<QString>("text");
    QTest::newRow("small") << 950.0 << QStringLiteral("950");
    QTest::newRow("k") << 12345.0 << QStringLiteral("12.3 k");
    QTest::newRow("M") << 30022926.0 << QStringLiteral("30.0 M");
}

void TestChartHistory::formatCount()
{
    QFETCH(double, count);
    QFETCH(QString, text);
    QCOMPARE(::formatCount(count), text);
}

void TestChartHistory::runs_data()
{
    // Seconds of each entry; the expected run count, latest-run size and gap.
    QTest::addColumn<QList<qint64>>("times");
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("latest");
    QTest::addColumn<qint64>("gapMs");
    QTest::newRow("empty") << QList<qint64> {} << 0 << 0 << ChartHistory::kMinRunGapMs;
    QTest::newRow("one") << QList<qint64> { 100 } << 1 << 1 << ChartHistory::kMinRunGapMs;
    QTest::newRow("steady 10 s") << QList<qint64> { 0, 10, 20, 30, 40 } << 1 << 5 << qint64(50'000);
    // A tick that came late (Docker slow) is not a new run: 3 intervals < 5.
    QTest::newRow("late tick") << QList<qint64> { 0, 10, 20, 50, 60, 70 } << 1 << 6 << qint64(50'000);
    QTest::newRow("restart") << QList<qint64> { 0, 10, 20, 30, 500, 510, 520 } << 2 << 3 << qint64(50'000);
    QTest::newRow("last month and today")
        << QList<qint64> { 0, 10, 20, 2'600'000, 2'600'010, 2'600'020, 2'600'030, 2'600'040 } << 2 << 5
        << qint64(50'000);
    // Several ticks a second: the gap never drops below kMinRunGapMs.
    QTest::newRow("fast ticks") << QList<qint64> { 0, 0, 0, 0, 0, 4, 4, 4 } << 2 << 3 << ChartHistory::kMinRunGapMs;
}

void TestChartHistory::runs()
{
    QFETCH(QList<qint64>, times);
    QFETCH(int, runs);
    QFETCH(int, latest);
    QFETCH(qint64, gapMs);
    ChartHistory h;
    for (qint64 t : times)
        h.append(at(1'700'000'000 + t, double(t % 100)));
    QCOMPARE(h.runCount(), runs);
    QCOMPARE(h.runGapMs(), gapMs);
    const ChartHistory last = h.latestRun();
    QCOMPARE(last.size(), qsizetype(latest));
    if (latest > 0)
        QCOMPARE(last.last().msecs, h.last().msecs);
}

void TestChartHistory::betweenBounds()
{
    ChartHistory h;
    for (qint64 t : { 0, 10, 20, 30 })
        h.append(at(1'700'000'000 + t, 1));
    const auto t = [](qint64 s) {
        return QDateTime::fromSecsSinceEpoch(1'700'000'000 + s, Qt::UTC);
    };
    QCOMPARE(h.between(t(10), t(20)).size(), qsizetype(2)); // both ends included
    QCOMPARE(h.between(t(11), QDateTime()).size(), qsizetype(2)); // open end
    QCOMPARE(h.between(QDateTime(), t(0)).size(), qsizetype(1));
    QCOMPARE(h.between(t(40), QDateTime()).size(), qsizetype(0));
    QCOMPARE(h.between(QDateTime(), QDateTime()).size(), h.size());
}

QTEST_GUILESS_MAIN(TestChartHistory)
#include "tst_charthistory.moc"
