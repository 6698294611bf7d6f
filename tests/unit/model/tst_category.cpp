#include "core/model/category.h"

#include <QTest>

Q_DECLARE_METATYPE(Category)

class TestCategory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fromCmdline_data();
    void fromCmdline();
    void labelWins();
    void names();
};

void TestCategory::fromCmdline_data()
{
    QTest::addColumn<QString>("cmdline");
    QTest::addColumn<Category>("expected");
    QTest::newRow("cpu") << "stress --cpu 1" << Category::Cpu;
    QTest::newRow("vm") << "stress --vm 2 --vm-bytes 256M" << Category::Ram;
    QTest::newRow("io") << "stress --io 1 " << Category::Io;
    QTest::newRow("hdd") << "stress --hdd 1 --hdd-bytes 1G" << Category::Disk;
    QTest::newRow("short form") << "stress -m 1" << Category::Ram;
    QTest::newRow("by path") << "/usr/bin/stress --hdd 1" << Category::Disk;
    QTest::newRow("before exec") << "sh -c exec stress --cpu 1" << Category::Cpu;
    QTest::newRow("quoted") << "sh -c \"exec stress --io 1\"" << Category::Io;
    QTest::newRow("first option wins") << "stress --vm 1 --cpu 1" << Category::Ram;
    QTest::newRow("not stress") << "nginx -g daemon off;" << Category::Other;
    QTest::newRow("option without stress") << "myapp --cpu 1" << Category::Other;
    QTest::newRow("stress-ng is not stress") << "stress-ng --cpu 1" << Category::Other;
    QTest::newRow("empty") << "" << Category::Other;
}

void TestCategory::fromCmdline()
{
    QFETCH(QString, cmdline);
    QFETCH(Category, expected);
    QCOMPARE(categoryFromCmdline(cmdline), expected);
}

void TestCategory::labelWins()
{
    QCOMPARE(classify(u"disk", u"stress --cpu 1"), Category::Disk);
    QCOMPARE(classify(u"bogus", u"stress --cpu 1"), Category::Cpu);
    QCOMPARE(classify(u"", u"stress --vm 1"), Category::Ram);
}

void TestCategory::names()
{
    for (const Category c : managedCategories())
        QCOMPARE(categoryFromName(categoryName(c)), c);
    QCOMPARE(categoryFromName(u"VM"), Category::Ram);
    QCOMPARE(categoryFromName(u"hdd"), Category::Disk);
    QVERIFY(!categoryFromName(u"gpu"));
}

QTEST_GUILESS_MAIN(TestCategory)
#include "tst_category.moc"
