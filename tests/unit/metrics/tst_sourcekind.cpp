// The one mapping between metric-source kinds and their names, used by the
// command line, the saved settings, the service's banner and the window.
#include "core/metrics/collector.h"

#include <QTest>

class TestSourceKind : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void names_data();
    void names();
    void unknownNames();
};

void TestSourceKind::names_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("name");
    QTest::newRow("auto") << int(SourceOptions::Kind::Auto) << "auto";
    QTest::newRow("kmod") << int(SourceOptions::Kind::Kmod) << "kmod";
    QTest::newRow("cgroup") << int(SourceOptions::Kind::Cgroup) << "cgroup";
}

void TestSourceKind::names()
{
    QFETCH(int, kind);
    QFETCH(QString, name);
    QCOMPARE(SourceOptions::kindName(SourceOptions::Kind(kind)), name);
    const auto back = SourceOptions::kindFromName(name);
    QVERIFY(back.has_value());
    QCOMPARE(int(*back), kind);
}

void TestSourceKind::unknownNames()
{
    for (const char* name : { "", "KMOD", "cgroups", "module" })
        QVERIFY2(!SourceOptions::kindFromName(QLatin1String(name)).has_value(), name);
}

QTEST_GUILESS_MAIN(TestSourceKind)
#include "tst_sourcekind.moc"
