#include "core/metrics/cgroupsource.h"
#include "core/metrics/collector.h"
#include "fixturetree.h"

#include <QTest>

#include <sys/resource.h>

#include <vector>

class TestCgroupSource : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layouts_data();
    void layouts();
    void hostFigures();
    void vanishedContainerIsSkipped();
    void missingRootsAreErrors();
    void poolKeepsHotFilesInACyclicScan();
    void poolEvictsColdFilesFirst();
    void poolSurvivesMoves();
    void poolBudgetFromLimit_data();
    void poolBudgetFromLimit();
    void everyContainerWithinBudget_data();
    void everyContainerWithinBudget();
    void memoryFlatOverTenThousandTicks();
    // Lowers this process's hard RLIMIT_NOFILE for good: keep it last.
    void thousandContainersUnderLimit1024();
};

namespace {
const QString A = QString(64, QLatin1Char('a'));
const QString B = QString(64, QLatin1Char('b'));

bool writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath()) || !f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
    }
    return f.write(data) == data.size();
}

QString idOf(int k)
{
    return QStringLiteral("%1").arg(k + 1, 64, 16, QLatin1Char('0'));
}

// A cgroup v2 host (cgroupfs driver) with `count` containers of one
// process each: container k has pid 1000 + k and cpu.stat usage k ms.
bool makeHost(const QString& root, int count)
{
    bool ok = writeFile(root + QLatin1String("/proc/meminfo"),
                        "MemTotal: 1048576 kB\nMemFree: 524288 kB\nMemAvailable: 786432 kB\n")
        && writeFile(root + QLatin1String("/proc/stat"),
                     "cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 100 0 100 700 100 0 0 0 0 0\n");
    for (int k = 0; ok && k < count; ++k) {
        const QByteArray pid = QByteArray::number(1000 + k);
        const QString proc = root + QLatin1String("/proc/") + QString::fromLatin1(pid);
        const QString cg = root + QLatin1String("/cgroup/docker/") + idOf(k);
        ok = writeFile(proc + QLatin1String("/cgroup"), "0::/docker/" + idOf(k).toLatin1() + '\n')
            && writeFile(proc + QLatin1String("/stat"), pid + " (sleep) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1\n")
            && writeFile(proc + QLatin1String("/cmdline"),
                         QByteArray("sleep\0"
                                    "1000\0",
                                    11))
            && writeFile(cg + QLatin1String("/cgroup.procs"), pid + '\n')
            && writeFile(cg + QLatin1String("/cpu.stat"),
                         "usage_usec " + QByteArray::number(k * 1000) + "\nuser_usec 0\n")
            && writeFile(cg + QLatin1String("/memory.current"), QByteArray::number((k + 1) * 1048576) + '\n')
            && writeFile(cg + QLatin1String("/memory.stat"), "anon 4096\ninactive_file 0\n")
            && writeFile(cg + QLatin1String("/io.stat"), "8:0 rbytes=4096 wbytes=0 rios=1 wios=0\n");
    }
    return ok;
}

// Every container of makeHost() is in the sample, with its own figures.
bool allMeasured(const RawSample& s, int count, QString* why)
{
    if (s.containers.size() != count) {
        *why = QStringLiteral("%1 containers of %2").arg(s.containers.size()).arg(count);
        return false;
    }
    for (const RawContainer& c : s.containers) {
        const int k = c.id.toInt(nullptr, 16) - 1;
        if (c.raw.cpuNs != quint64(k) * 1000000 || c.raw.memoryUsageBytes != quint64(k + 1) * 1048576
            || c.raw.readBytes != 4096 || c.pid != 1000 + k) {
            *why = QStringLiteral("wrong figures for container %1").arg(k);
            return false;
        }
    }
    return true;
}

// Thousands of small files: on tmpfs when there is one, so the suite does
// not wait for a loaded disk.
QString scratchTemplate()
{
    return QFileInfo(QStringLiteral("/dev/shm")).isWritable()
        ? QStringLiteral("/dev/shm/stevedore-test-XXXXXX")
        : QDir::tempPath() + QStringLiteral("/stevedore-test-XXXXXX");
}

int openDescriptors()
{
    return int(QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).size());
}

qint64 rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    return FileUtil::keyValue(f.readAll(), "VmRSS").value_or(0);
}
} // namespace

void TestCgroupSource::layouts_data()
{
    QTest::addColumn<QString>("tree");
    QTest::addColumn<QString>("id");
    QTest::addColumn<quint64>("memory");
    QTest::addColumn<quint64>("rss");
    QTest::addColumn<quint64>("cpuNs");
    QTest::addColumn<quint64>("readBytes");
    QTest::addColumn<quint64>("writeBytes");
    QTest::addColumn<quint64>("readOps");
    QTest::addColumn<quint64>("writeOps");
    QTest::addColumn<int>("ioSource");
    QTest::addColumn<quint32>("tasks");

    // memory = usage - inactive_file (docker stats); io.stat summed over devices.
    QTest::newRow("v2 systemd") << "v2-systemd.tree" << A << quint64(104857600 - 20971520) << quint64(73400320)
                                << quint64(2500000000ull) << quint64(1010) << quint64(2020) << quint64(4) << quint64(5)
                                << int(IoSource::CgroupV2) << quint32(2);
    // Nothing charged in io.stat: /proc/<pid>/io summed over both tasks.
    QTest::newRow("v2 cgroupfs, proc io fallback")
        << "v2-cgroupfs.tree" << B << quint64(52428800 - 10485760) << quint64(41943040) << quint64(1000000)
        << quint64(4096) << quint64(12288) << quint64(6) << quint64(8) << int(IoSource::ProcIo) << quint32(2);
    // v1 controllers win over the hybrid unified hierarchy's cpu.stat; the
    // blkio "Total" lines are not double-counted.
    QTest::newRow("v1 cgroupfs (hybrid)")
        << "v1-cgroupfs.tree" << B << quint64(209715200 - 62914560) << quint64(94371840) << quint64(7000000000ull)
        << quint64(4196) << quint64(12288) << quint64(1) << quint64(3) << int(IoSource::CgroupV1) << quint32(2);
    QTest::newRow("v1 systemd, proc io fallback")
        << "v1-systemd-procio.tree" << A << quint64(209715200 - 62914560) << quint64(94371840) << quint64(7000000000ull)
        << quint64(4096) << quint64(12288) << quint64(6) << quint64(8) << int(IoSource::ProcIo) << quint32(2);
}

void TestCgroupSource::layouts()
{
    QFETCH(QString, tree);
    QFETCH(QString, id);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(materialiseTree(QFINDTESTDATA(QStringLiteral("fixtures/") + tree), dir.path()));

    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    RawSample sample;
    QString error;
    QVERIFY2(source.sample(sample, &error), qPrintable(error));
    QCOMPARE(sample.source, QStringLiteral("cgroup"));
    QCOMPARE(sample.containers.size(), 1); // the host's bash (pid 300) is not a container
    const RawContainer& c = sample.containers.first();
    QCOMPARE(c.id, id);
    QCOMPARE(c.pid, qint64(100)); // its parent (90) is outside the container
    QCOMPARE(c.processName, QStringLiteral("stress"));
    QCOMPARE(c.cmdline, QStringLiteral("stress --vm 2 --vm-bytes 256M"));
    QCOMPARE(categoryFromCmdline(c.cmdline), Category::Ram);
    QTEST(c.raw.memoryBytes, "memory");
    QTEST(c.raw.rssBytes, "rss");
    QTEST(c.raw.cpuNs, "cpuNs");
    QTEST(c.raw.readBytes, "readBytes");
    QTEST(c.raw.writeBytes, "writeBytes");
    QTEST(c.raw.readOps, "readOps");
    QTEST(c.raw.writeOps, "writeOps");
    QTEST(int(c.ioSource), "ioSource");
    QTEST(c.raw.tasks, "tasks");

    // A second sample reuses the cached layout and gives the same figures.
    RawSample again;
    QVERIFY(source.sample(again, &error));
    QCOMPARE(again.containers.size(), 1);
    QCOMPARE(again.containers.first().raw.cpuNs, c.raw.cpuNs);
    QVERIFY(again.monotonicNs > sample.monotonicNs);
}

void TestCgroupSource::hostFigures()
{
    QTemporaryDir dir;
    QVERIFY(materialiseTree(QFINDTESTDATA("fixtures/v2-systemd.tree"), dir.path()));
    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    RawSample sample;
    QString error;
    QVERIFY(source.sample(sample, &error));
    QCOMPARE(sample.host.memoryTotalBytes, quint64(1048576) * 1024);
    QCOMPARE(sample.host.memoryFreeBytes, quint64(524288) * 1024);
    QCOMPARE(sample.host.memoryAvailableBytes, quint64(786432) * 1024);
    QCOMPARE(sample.host.cpuCount, 2);
    QCOMPARE(sample.host.cpuTotal, quint64(1000));
    QCOMPARE(sample.host.cpuBusy, quint64(200)); // idle and iowait are not busy
}

void TestCgroupSource::vanishedContainerIsSkipped()
{
    QTemporaryDir dir;
    QVERIFY(materialiseTree(QFINDTESTDATA("fixtures/v2-systemd.tree"), dir.path()));
    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    RawSample sample;
    QString error;
    QVERIFY(source.sample(sample, &error));
    QCOMPARE(sample.containers.size(), 1);
    // The container exits between two ticks: its cgroup and tasks disappear.
    QVERIFY(QDir(dir.filePath(QStringLiteral("cgroup/system.slice"))).removeRecursively());
    QVERIFY(QDir(dir.filePath(QStringLiteral("proc/100"))).removeRecursively());
    QVERIFY(QDir(dir.filePath(QStringLiteral("proc/101"))).removeRecursively());
    QVERIFY2(source.sample(sample, &error), qPrintable(error));
    QCOMPARE(sample.containers.size(), 0);
}

void TestCgroupSource::missingRootsAreErrors()
{
    QTemporaryDir dir;
    CgroupSource source(dir.filePath(QStringLiteral("no-proc")), dir.filePath(QStringLiteral("no-cgroup")));
    RawSample sample;
    QString error;
    QVERIFY(!source.sample(sample, &error));
    QVERIFY2(error.contains(QLatin1String("no-proc/meminfo")), qPrintable(error));
}

void TestCgroupSource::poolKeepsHotFilesInACyclicScan()
{
    QTemporaryDir dir;
    std::vector<FileUtil::CachedFile> files;
    FileUtil::OpenFilePool pool(4);
    for (int i = 0; i < 10; ++i) {
        const QString path = dir.filePath(QString::number(i));
        QVERIFY(writeFile(path, QByteArray::number(i)));
        files.emplace_back(QFile::encodeName(path), false, &pool);
    }
    // Pass after pass over ten files with room for four: the first four
    // stay open (an LRU that evicted in a cyclic scan would miss every
    // read), the other six are read with open/read/close, and every read
    // returns its file.
    for (int pass = 0; pass < 5; ++pass) {
        pool.beginPass();
        for (int i = 0; i < 10; ++i)
            QCOMPARE(files[size_t(i)].read().value_or("?"), QByteArray::number(i));
        QCOMPARE(pool.openCount(), 4);
    }
    for (int i = 0; i < 10; ++i)
        QCOMPARE(files[size_t(i)].isOpen(), i < 4);
    QCOMPARE(pool.transientReads(), quint64(5 * 6));
}

void TestCgroupSource::poolEvictsColdFilesFirst()
{
    QTemporaryDir dir;
    std::vector<FileUtil::CachedFile> files;
    FileUtil::OpenFilePool pool(3);
    for (int i = 0; i < 5; ++i) {
        const QString path = dir.filePath(QString::number(i));
        QVERIFY(writeFile(path, "x"));
        files.emplace_back(QFile::encodeName(path), false, &pool);
    }
    pool.beginPass();
    for (int i = 0; i < 3; ++i)
        QVERIFY(files[size_t(i)].read());
    // Files 0..2 open. Two passes later only file 2 is still read: 0 and 1
    // are cold and make room for 3 and 4, least recently used first.
    pool.beginPass();
    QVERIFY(files[2].read());
    pool.beginPass();
    QVERIFY(files[2].read());
    QVERIFY(files[3].read());
    QVERIFY(!files[0].isOpen());
    QVERIFY(files[1].isOpen());
    QVERIFY(files[4].read());
    QVERIFY(!files[1].isOpen());
    QVERIFY(files[2].isOpen() && files[3].isOpen() && files[4].isOpen());
    QCOMPARE(pool.openCount(), 3);
    QCOMPARE(pool.transientReads(), quint64(0));
    // Shrinking closes at once.
    pool.setCapacity(1);
    QCOMPARE(pool.openCount(), 1);
    QVERIFY(files[4].isOpen());
}

void TestCgroupSource::poolSurvivesMoves()
{
    QTemporaryDir dir;
    FileUtil::OpenFilePool pool(100);
    std::vector<FileUtil::CachedFile> files;
    for (int i = 0; i < 50; ++i) {
        const QString path = dir.filePath(QString::number(i));
        QVERIFY(writeFile(path, QByteArray::number(i)));
        files.emplace_back(QFile::encodeName(path), false, &pool); // reallocations move open files
        QVERIFY(files.back().read());
    }
    QCOMPARE(pool.openCount(), 50);
    files.erase(files.begin(), files.begin() + 20); // move-assignments over open files
    QCOMPARE(pool.openCount(), 30);
    pool.setCapacity(10); // walks the list: every link must be right
    QCOMPARE(pool.openCount(), 10);
    for (size_t i = 0; i < files.size(); ++i)
        QCOMPARE(files[i].read().value_or("?"), QByteArray::number(int(i) + 20));
    files.clear();
    QCOMPARE(pool.openCount(), 0);
}

void TestCgroupSource::poolBudgetFromLimit_data()
{
    QTest::addColumn<quint64>("limit");
    QTest::addColumn<int>("budget");
    QTest::newRow("64: reopen everything") << quint64(64) << 0;
    QTest::newRow("128") << quint64(128) << 32;
    QTest::newRow("1024") << quint64(1024) << 480;
    QTest::newRow("1048576: capped") << quint64(1048576) << 65536;
}

void TestCgroupSource::poolBudgetFromLimit()
{
    QFETCH(quint64, limit);
    QTEST(FileUtil::OpenFilePool::budgetFor(limit), "budget");
}

void TestCgroupSource::everyContainerWithinBudget_data()
{
    QTest::addColumn<int>("budget");
    QTest::newRow("no descriptor kept") << 0;
    QTest::newRow("fewer than the files") << 37;
    QTest::newRow("all files") << 100000;
}

void TestCgroupSource::everyContainerWithinBudget()
{
    QFETCH(int, budget);
    constexpr int count = 60;
    QTemporaryDir dir(scratchTemplate());
    QVERIFY(makeHost(dir.path(), count));
    const int before = openDescriptors();
    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    source.setFileBudget(budget);
    for (int tick = 0; tick < 5; ++tick) {
        RawSample s;
        QString error;
        QVERIFY2(source.sample(s, &error), qPrintable(error));
        QString why;
        QVERIFY2(allMeasured(s, count, &why), qPrintable(why));
        QVERIFY(source.filePool().openCount() <= budget);
        QVERIFY2(openDescriptors() - before <= std::min(budget, 5 * count),
                 qPrintable(QString::number(openDescriptors() - before)));
    }
}

void TestCgroupSource::memoryFlatOverTenThousandTicks()
{
    // The service's collector at an accelerated clock: 10 000 ticks back to
    // back, with containers going and coming back every few ticks so every
    // per-container structure is created and dropped thousands of times.
    constexpr int count = 20;
    QTemporaryDir dir(scratchTemplate());
    QVERIFY(makeHost(dir.path(), count));
    const QString root = dir.path();
    Collector collector([&] {
        SourceOptions o;
        o.kind = SourceOptions::Kind::Cgroup;
        o.procRoot = root + QLatin1String("/proc");
        o.cgroupRoot = root + QLatin1String("/cgroup");
        return o;
    }());
    qint64 rssAt1000 = 0;
    int gone = -1;
    for (int tick = 1; tick <= 10000; ++tick) {
        if (tick % 7 == 0) {
            // Bring the last one back, make another one go.
            if (gone >= 0) {
                const QByteArray pid = QByteArray::number(1000 + gone);
                QVERIFY(QDir().rename(root + QLatin1String("/proc/x") + QString::number(1000 + gone),
                                      root + QLatin1String("/proc/") + QString::number(1000 + gone)));
                QVERIFY(writeFile(root + QLatin1String("/cgroup/docker/") + idOf(gone) + QLatin1String("/cgroup.procs"),
                                  pid + '\n'));
            }
            gone = (tick / 7) % count;
            QVERIFY(
                writeFile(root + QLatin1String("/cgroup/docker/") + idOf(gone) + QLatin1String("/cgroup.procs"), ""));
            QVERIFY(QDir().rename(root + QLatin1String("/proc/") + QString::number(1000 + gone),
                                  root + QLatin1String("/proc/x") + QString::number(1000 + gone)));
        }
        QString error;
        const auto snapshot = collector.collect(&error);
        QVERIFY2(snapshot, qPrintable(error));
        QVERIFY(snapshot->containers.size() >= count - 1);
        if (tick == 1000)
            rssAt1000 = rssKiB();
    }
    const qint64 rssAtEnd = rssKiB();
    qInfo("RSS after 1000 ticks %lld KiB, after 10000 ticks %lld KiB", rssAt1000, rssAtEnd);
    QVERIFY2(rssAtEnd - rssAt1000 < 2048, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(rssAtEnd - rssAt1000)));
}

void TestCgroupSource::thousandContainersUnderLimit1024()
{
    // `ulimit -n 1024` (soft and hard): with six descriptors per container
    // the old source ran out at about 120 containers, and with it every
    // other open(), /proc/meminfo included, so nothing was measured.
    constexpr int count = 1000;
    QTemporaryDir dir(scratchTemplate());
    QVERIFY(makeHost(dir.path(), count));
    struct rlimit rl
    {
        1024, 1024
    };
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &rl) == 0);
    CgroupSource source(dir.filePath(QStringLiteral("proc")), dir.filePath(QStringLiteral("cgroup")));
    QCOMPARE(source.filePool().capacity(), FileUtil::OpenFilePool::budgetFor(1024));
    for (int tick = 0; tick < 3; ++tick) {
        RawSample s;
        QString error;
        QVERIFY2(source.sample(s, &error), qPrintable(error));
        QString why;
        QVERIFY2(allMeasured(s, count, &why), qPrintable(why));
        QVERIFY(openDescriptors() < 1024 / 2 + 64);
    }
    QVERIFY(source.filePool().transientReads() > 0); // the budget was the limit, not the containers

    // The whole collector on the same 1000 containers: its memory is a
    // small part of the service's 150 MB budget and does not grow.
    SourceOptions o;
    o.kind = SourceOptions::Kind::Cgroup;
    o.procRoot = dir.filePath(QStringLiteral("proc"));
    o.cgroupRoot = dir.filePath(QStringLiteral("cgroup"));
    Collector collector(o);
    qint64 rssAt20 = 0;
    for (int tick = 1; tick <= 100; ++tick) {
        QString error;
        const auto snapshot = collector.collect(&error);
        QVERIFY2(snapshot, qPrintable(error));
        QCOMPARE(snapshot->containers.size(), count);
        if (tick == 20)
            rssAt20 = rssKiB();
    }
    const qint64 rssAtEnd = rssKiB();
    qInfo("1000 containers: RSS %lld KiB after 20 ticks, %lld KiB after 100", rssAt20, rssAtEnd);
    QVERIFY(rssAtEnd < 150 * 1024);
    QVERIFY2(rssAtEnd - rssAt20 < 1024, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(rssAtEnd - rssAt20)));
}

QTEST_GUILESS_MAIN(TestCgroupSource)
#include "tst_cgroupsource.moc"
