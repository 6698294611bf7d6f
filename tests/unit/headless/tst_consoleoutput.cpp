#include "headless/consoleoutput.h"
#include "headless/tableprinter.h"

#include <QTest>

#include <cstdio>
#include <sys/stat.h>

class TestConsoleOutput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mode_data();
    void mode();
    void summaryTablesOnChangeOrRequest();
    void summaryLine();
    void warningsOnlyWhenTheyChange();
    void journalDetection();
};

namespace {
Snapshot snapshotWith(int count)
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.timestamp = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
    s.system.memoryTotalBytes = quint64(8192) * 1024 * 1024;
    s.system.memoryUsedBytes = quint64(2048) * 1024 * 1024;
    s.system.cpuPercent = 12.5;
    for (int i = 0; i < count; ++i) {
        ContainerMetrics c;
        c.id = QStringLiteral("%1").arg(i + 1, 12, 16, QLatin1Char('0')) + QString(52, QLatin1Char('a'));
        c.name = QStringLiteral("c%1").arg(i);
        c.pid = 100 + i;
        c.category = i % 2 ? Category::Cpu : Category::Other;
        c.cpuPercent = i;
        s.containers.append(c);
    }
    return s;
}

int count(const QString& text, const QString& what)
{
    return int(text.count(what));
}
} // namespace

void TestConsoleOutput::mode_data()
{
    QTest::addColumn<int>("containers");
    QTest::addColumn<bool>("quiet");
    QTest::addColumn<bool>("journal");
    QTest::addColumn<bool>("tables");
    QTest::newRow("few: the original's tables") << 5 << false << false << true;
    QTest::newRow("at the threshold") << ConsoleOutput::tablesUpTo << false << false << true;
    QTest::newRow("many") << ConsoleOutput::tablesUpTo + 1 << false << false << false;
    QTest::newRow("--quiet") << 5 << true << false << false;
    QTest::newRow("journal") << 5 << false << true << false;
}

void TestConsoleOutput::mode()
{
    QFETCH(int, containers);
    QFETCH(bool, quiet);
    QFETCH(bool, journal);
    QFETCH(bool, tables);
    ConsoleOutput console(quiet, journal);
    const Snapshot s = snapshotWith(containers);
    QCOMPARE(console.modeFor(s) == ConsoleOutput::Mode::Tables, tables);
    const QString first = console.render(s);
    const QString second = console.render(s);
    QCOMPARE(second == formatSnapshot(s) + QLatin1Char('\n'), tables);
    if (!tables) {
        // Summaries: the tables once, then one line a tick.
        QVERIFY(first.contains(QLatin1String("Containers by category")));
        QCOMPARE(second.count(QLatin1Char('\n')), 1);
        QVERIFY(second.startsWith(QLatin1String("[INFO] System (")));
    }
}

void TestConsoleOutput::summaryTablesOnChangeOrRequest()
{
    ConsoleOutput console;
    Snapshot s = snapshotWith(100);
    QVERIFY(console.render(s).contains(QLatin1String("CPU:\n")));
    // Figures change every tick: no tables.
    s.containers[3].cpuPercent = 99;
    s.system.cpuPercent = 50;
    QVERIFY(!console.render(s).contains(QLatin1String("Containers by category")));
    // A container goes: tables.
    s.containers.removeLast();
    QVERIFY(console.render(s).contains(QLatin1String("Containers by category")));
    QVERIFY(!console.render(s).contains(QLatin1String("Containers by category")));
    // Renamed or re-categorised: tables.
    s.containers[0].name = QStringLiteral("renamed");
    QVERIFY(console.render(s).contains(QLatin1String("renamed")));
    s.containers[0].category = Category::Ram;
    QVERIFY(console.render(s).contains(QLatin1String("RAM:\n")));
    QVERIFY(!console.render(s).contains(QLatin1String("Containers by category")));
    // SIGUSR1: once.
    console.requestTables();
    const QString asked = console.render(s);
    QCOMPARE(count(asked, s.containers[42].id.left(12)), 1);
    QVERIFY(!console.render(s).contains(QLatin1String("Containers by category")));
}

void TestConsoleOutput::summaryLine()
{
    const Snapshot s = snapshotWith(30);
    const QString line = ConsoleOutput::summaryLine(s);
    QVERIFY2(line.contains(QLatin1String("CPU 12.50%, memory used 2048 of 8192 MB; 30 containers (cpu 15, ram 0, "
                                         "io 0, disk 0, other 15); top CPU c29 29.00%")),
             qPrintable(line));
    QVERIFY(!line.contains(QLatin1Char('\n')));
    QVERIFY(ConsoleOutput::summaryLine(snapshotWith(0)).contains(QLatin1String("; 0 containers (")));
}

void TestConsoleOutput::warningsOnlyWhenTheyChange()
{
    ConsoleOutput console(true);
    Snapshot s = snapshotWith(2);
    s.warnings = QStringList { QStringLiteral("kernel module not loaded") };
    QCOMPARE(count(console.render(s), QStringLiteral("[WARN] kernel module not loaded")), 2); // line and tables
    QCOMPARE(count(console.render(s), QStringLiteral("[WARN]")), 0);
    s.warnings.append(QStringLiteral("Docker unreachable"));
    QCOMPARE(count(console.render(s), QStringLiteral("[WARN] Docker unreachable")), 1);
}

void TestConsoleOutput::journalDetection()
{
    // systemd names the stream it gave us; anything else is not the journal.
    struct stat st;
    QVERIFY(::fstat(fileno(stdout), &st) == 0);
    qputenv("JOURNAL_STREAM", QByteArray::number(quint64(st.st_dev)) + ':' + QByteArray::number(quint64(st.st_ino)));
    QVERIFY(ConsoleOutput::stdoutIsJournal());
    qputenv("JOURNAL_STREAM",
            QByteArray::number(quint64(st.st_dev)) + ':' + QByteArray::number(quint64(st.st_ino) + 1));
    QVERIFY(!ConsoleOutput::stdoutIsJournal());
    qputenv("JOURNAL_STREAM", "garbage");
    QVERIFY(!ConsoleOutput::stdoutIsJournal());
    qunsetenv("JOURNAL_STREAM");
    QVERIFY(!ConsoleOutput::stdoutIsJournal());
}

QTEST_GUILESS_MAIN(TestConsoleOutput)
#include "tst_consoleoutput.moc"
