#include "core/manager/manager.h"
#include "core/manager/policy.h"
#include "core/manager/textformat.h"

#include <QRandomGenerator>
#include <QTest>

namespace {
// One container as a row of the table: Docker's view (metadata) and whether
// the metrics snapshot sees it too.
struct Row
{
    QString key; // short name in the table; the id is the key repeated to 64 chars
    qint64 created = 0;
    QString labels; // "managed,cat=cpu,test=r1" (managed → stevedore.managed=true)
    QString cmd = QStringLiteral("sh -c exec stress --cpu 1");
    QString state = QStringLiteral("running");
    qint64 started = 0;
    qint64 pid = 0;
    bool inSnapshot = true;
    bool inMetadata = true;
    QString snapshotId; // overrides the id the snapshot carries (short ids)
};

QString idOf(const QString& key)
{
    QString id;
    while (id.size() < 64)
        id += key;
    return id.left(64);
}

QHash<QString, QString> labelsOf(const QString& spec)
{
    QHash<QString, QString> out;
    for (const QString& item : spec.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (item == QLatin1String("managed"))
            out.insert(QStringLiteral("stevedore.managed"), QStringLiteral("true"));
        else if (item.startsWith(QLatin1String("cat=")))
            out.insert(QStringLiteral("stevedore.category"), item.mid(4));
        else
            out.insert(item.section(QLatin1Char('='), 0, 0), item.section(QLatin1Char('='), 1));
    }
    return out;
}

Row R(const QString& key, qint64 created, const QString& labels,
      const QString& cmd = QStringLiteral("sh -c exec stress --cpu 1"))
{
    Row r;
    r.key = key;
    r.created = created;
    r.labels = labels;
    r.cmd = cmd;
    r.pid = 1000 + created;
    return r;
}

Row R(const char* key, qint64 created, const char* labels,
      const QString& cmd = QStringLiteral("sh -c exec stress --cpu 1"))
{
    return R(QString::fromUtf8(key), created, QString::fromUtf8(labels), cmd);
}

Row with(Row r, const std::function<void(Row&)>& change)
{
    change(r);
    return r;
}
} // namespace

using Rows = QList<Row>;
using Verdicts = QMap<QString, QString>; // key → keep|kill|ignore
Q_DECLARE_METATYPE(Rows)

namespace {
Verdicts V(std::initializer_list<std::pair<const char*, const char*>> items)
{
    Verdicts v;
    for (const auto& [key, verdict] : items)
        v.insert(QString::fromUtf8(key), QString::fromUtf8(verdict));
    return v;
}
} // namespace
Q_DECLARE_METATYPE(Verdicts)

class TestPolicy : public QObject
{
    Q_OBJECT

    static void build(const Rows& rows, Snapshot& snapshot, QHash<QString, ContainerInfo>& meta)
    {
        snapshot.timestamp = QDateTime::fromSecsSinceEpoch(1700000000, Qt::UTC);
        for (const Row& r : rows) {
            const QString id = idOf(r.key);
            if (r.inMetadata) {
                ContainerInfo info;
                info.id = id;
                info.name = QStringLiteral("name_") + r.key;
                info.createdNs = r.created;
                info.startedAtNs = r.started;
                info.state = r.state;
                info.running = r.state == QLatin1String("running");
                info.pid = r.pid;
                info.labels = labelsOf(r.labels);
                info.cmd = r.cmd.split(QLatin1Char(' '));
                meta.insert(id, info);
            }
            if (r.inSnapshot) {
                ContainerMetrics m;
                m.id = r.snapshotId.isEmpty() ? id : r.snapshotId;
                m.name = QStringLiteral("stress");
                m.pid = r.pid;
                m.cmdline = r.cmd;
                m.category = categoryFromCmdline(r.cmd);
                snapshot.containers.append(m);
            }
        }
    }

    static QString keyOf(const QString& id, const Rows& rows)
    {
        for (const Row& r : rows) {
            if (idOf(r.key) == id)
                return r.key;
        }
        return id;
    }

private Q_SLOTS:
    void keepNewest_data()
    {
        QTest::addColumn<Rows>("rows");
        QTest::addColumn<Verdicts>("expected");
        QTest::addColumn<QStringList>("scope"); // k=v

        const QString cpuCmd = QStringLiteral("sh -c exec stress --cpu 1");
        const QString vmCmd = QStringLiteral("sh -c exec stress --vm 2 --vm-bytes 16M");
        const QString ioCmd = QStringLiteral("sh -c exec stress --io 1");
        const QString hddCmd = QStringLiteral("sh -c exec stress --hdd 1 --hdd-bytes 8M");

        QTest::newRow("nothing") << Rows {} << Verdicts {} << QStringList {};
        QTest::newRow("one managed") << Rows { R("a", 100, "managed,cat=cpu") } << V({ { "a", "keep" } })
                                     << QStringList {};
        QTest::newRow("newer wins") << Rows { R("a", 100, "managed,cat=cpu"), R("b", 200, "managed,cat=cpu") }
                                    << V({ { "a", "kill" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("one nanosecond apart")
            << Rows { R("a", 1700000000000000001, "managed,cat=cpu"), R("b", 1700000000000000000, "managed,cat=cpu") }
            << V({ { "a", "keep" }, { "b", "kill" } }) << QStringList {};
        QTest::newRow("pid order is ignored")
            << Rows { with(R("a", 100, "managed,cat=cpu"), [](Row& r) { r.pid = 99999; }),
                      with(R("b", 200, "managed,cat=cpu"), [](Row& r) { r.pid = 2; }) }
            << V({ { "a", "kill" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("tie: started decides")
            << Rows { with(R("a", 100, "managed,cat=cpu"), [](Row& r) { r.started = 500; }),
                      with(R("b", 100, "managed,cat=cpu"), [](Row& r) { r.started = 400; }) }
            << V({ { "a", "keep" }, { "b", "kill" } }) << QStringList {};
        QTest::newRow("tie: id decides") << Rows { R("c", 100, "managed,cat=cpu"), R("d", 100, "managed,cat=cpu"),
                                                   R("b", 100, "managed,cat=cpu") }
                                         << V({ { "b", "kill" }, { "c", "kill" }, { "d", "keep" } }) << QStringList {};
        QTest::newRow("unlabelled stress twin is never touched")
            << Rows { R("a", 100, "managed,cat=cpu"), R("u", 300, "", cpuCmd), R("v", 50, "", cpuCmd) }
            << V({ { "a", "keep" }, { "u", "ignore" }, { "v", "ignore" } }) << QStringList {};
        QTest::newRow("managed must be exactly true")
            << Rows { R("a", 100, "stevedore.managed=True,cat=cpu"), R("b", 200, "stevedore.managed=1,cat=cpu"),
                      R("c", 300, "stevedore.managed=yes,cat=cpu"), R("d", 50, "managed,cat=cpu") }
            << V({ { "a", "ignore" }, { "b", "ignore" }, { "c", "ignore" }, { "d", "keep" } }) << QStringList {};
        QTest::newRow("label beats command line")
            << Rows { R("a", 100, "managed,cat=ram", cpuCmd), R("b", 200, "managed,cat=cpu", cpuCmd) }
            << V({ { "a", "keep" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("command line when no category label")
            << Rows { R("a", 100, "managed", vmCmd), R("b", 200, "managed,cat=ram", cpuCmd),
                      R("c", 50, "managed", cpuCmd) }
            << V({ { "a", "kill" }, { "b", "keep" }, { "c", "keep" } }) << QStringList {};
        QTest::newRow("unknown category label falls back to command line")
            << Rows { R("a", 100, "managed,cat=gpu", ioCmd), R("b", 200, "managed,cat=io", cpuCmd) }
            << V({ { "a", "kill" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("other is never grouped")
            << Rows { R("a", 100, "managed,cat=other", cpuCmd), R("b", 200, "managed,cat=other", cpuCmd),
                      R("c", 300, "managed", QStringLiteral("sleep 100")),
                      R("d", 400, "managed", QStringLiteral("sleep 100")) }
            << V({ { "a", "ignore" }, { "b", "ignore" }, { "c", "ignore" }, { "d", "ignore" } }) << QStringList {};
        QTest::newRow("stopped newest does not win")
            << Rows { R("a", 100, "managed,cat=cpu"),
                      with(R("b", 300, "managed,cat=cpu"),
                           [](Row& r) {
                               r.state = QStringLiteral("exited");
                               r.inSnapshot = false;
                           }),
                      with(R("c", 200, "managed,cat=cpu"), [](Row& r) { r.state = QStringLiteral("paused"); }) }
            << V({ { "a", "keep" }, { "b", "ignore" }, { "c", "ignore" } }) << QStringList {};
        QTest::newRow("four categories, two each")
            << Rows { R("a", 1, "managed,cat=cpu", cpuCmd),  R("b", 2, "managed,cat=ram", vmCmd),
                      R("c", 3, "managed,cat=io", ioCmd),    R("d", 4, "managed,cat=disk", hddCmd),
                      R("e", 5, "managed,cat=disk", hddCmd), R("f", 6, "managed,cat=io", ioCmd),
                      R("g", 7, "managed,cat=ram", vmCmd),   R("h", 8, "managed,cat=cpu", cpuCmd) }
            << V({ { "a", "kill" },
                   { "b", "kill" },
                   { "c", "kill" },
                   { "d", "kill" },
                   { "e", "keep" },
                   { "f", "keep" },
                   { "g", "keep" },
                   { "h", "keep" } })
            << QStringList {};
        QTest::newRow("snapshot container without metadata")
            << Rows { with(R("a", 100, "managed,cat=cpu"), [](Row& r) { r.inMetadata = false; }),
                      R("b", 50, "managed,cat=cpu") }
            << V({ { "a", "ignore" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("newest not yet in the snapshot still wins")
            << Rows { R("a", 100, "managed,cat=cpu"),
                      with(R("b", 200, "managed,cat=cpu"), [](Row& r) { r.inSnapshot = false; }) }
            << V({ { "a", "kill" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("short snapshot id matches")
            << Rows { with(R("a", 100, "managed,cat=cpu"), [](Row& r) { r.snapshotId = idOf(r.key).left(12); }),
                      R("b", 200, "managed,cat=cpu") }
            << V({ { "a", "kill" }, { "b", "keep" } }) << QStringList {};
        QTest::newRow("scope keeps to its own")
            << Rows { R("a", 100, "managed,cat=cpu,stevedore.test=r1"),
                      R("b", 200, "managed,cat=cpu,stevedore.test=r2"), R("c", 300, "managed,cat=cpu"),
                      R("d", 50, "managed,cat=cpu,stevedore.test=r1") }
            << V({ { "a", "keep" }, { "b", "ignore" }, { "c", "ignore" }, { "d", "kill" } })
            << QStringList { QStringLiteral("stevedore.test=r1") };
    }

    void keepNewest()
    {
        QFETCH(Rows, rows);
        QFETCH(Verdicts, expected);
        QFETCH(QStringList, scope);

        Snapshot snapshot;
        QHash<QString, ContainerInfo> meta;
        build(rows, snapshot, meta);
        PolicyOptions options;
        for (const QString& s : scope)
            options.scopeLabels.insert(s.section(QLatin1Char('='), 0, 0), s.section(QLatin1Char('='), 1));

        const QList<Decision> decisions = decideKeepNewest(snapshot, meta, options);
        Verdicts got;
        for (const Decision& d : decisions) {
            const QString key = keyOf(d.id, rows);
            QVERIFY2(!got.contains(key), qPrintable(QStringLiteral("two decisions for ") + key));
            got.insert(key, decisionActionName(d.action));
            QVERIFY2(!d.reason.isEmpty(), "every decision says why");
            if (d.action == Decision::Action::Kill) {
                QVERIFY(!d.keptId.isEmpty());
                QCOMPARE(meta.value(d.keptId).labels.value(QStringLiteral("stevedore.managed")),
                         QStringLiteral("true"));
            }
        }
        QCOMPARE(got, expected);
    }

    void killedAreAlwaysManagedRunningAndOlder()
    {
        // A property over many random tables: whatever the mix, a Kill is
        // only ever given to a managed, running, in-scope container that is
        // strictly older (by created, then started, then id) than the one
        // its category keeps, and each category keeps exactly one.
        QRandomGenerator rng(42);
        const QStringList cats = { QStringLiteral("cpu"), QStringLiteral("ram"), QStringLiteral("io"),
                                   QStringLiteral("disk"), QStringLiteral("other") };
        for (int round = 0; round < 300; ++round) {
            Rows rows;
            const int n = rng.bounded(1, 12);
            for (int i = 0; i < n; ++i) {
                Row r = R(QString::number(i, 16) + QLatin1Char('x'), rng.bounded(0, 5),
                          (rng.bounded(3) ? QStringLiteral("managed,") : QString()) + QStringLiteral("cat=")
                              + cats.at(rng.bounded(int(cats.size()))));
                r.started = rng.bounded(0, 3);
                r.pid = rng.bounded(1, 100000);
                if (rng.bounded(5) == 0)
                    r.state = QStringLiteral("exited");
                rows.append(r);
            }
            Snapshot snapshot;
            QHash<QString, ContainerInfo> meta;
            build(rows, snapshot, meta);
            const auto decisions = decideKeepNewest(snapshot, meta);
            QHash<Category, QString> kept;
            for (const Decision& d : decisions) {
                if (d.action == Decision::Action::Keep) {
                    QVERIFY(!kept.contains(d.category));
                    kept.insert(d.category, d.id);
                }
            }
            for (const Decision& d : decisions) {
                const ContainerInfo& info = meta[d.id];
                if (d.action == Decision::Action::Ignore)
                    continue;
                QVERIFY(ManagerLabels::isManaged(info.labels));
                QCOMPARE(info.state, QStringLiteral("running"));
                QVERIFY(d.category != Category::Other);
                if (d.action == Decision::Action::Kill) {
                    const ContainerInfo& winner = meta[kept.value(d.category)];
                    const auto key = [](const ContainerInfo& c) {
                        return std::tuple(c.createdNs, c.startedAtNs, c.id);
                    };
                    QVERIFY(key(info) < key(winner));
                }
            }
        }
    }

    void benchmarkThousandContainers()
    {
        Rows rows;
        const QStringList cats
            = { QStringLiteral("cpu"), QStringLiteral("ram"), QStringLiteral("io"), QStringLiteral("disk") };
        for (int i = 0; i < 1000; ++i)
            rows.append(R(QStringLiteral("%1y").arg(i, 4, 16, QLatin1Char('0')), i,
                          QStringLiteral("managed,cat=") + cats.at(i % 4)));
        Snapshot snapshot;
        QHash<QString, ContainerInfo> meta;
        build(rows, snapshot, meta);
        QList<Decision> decisions;
        QBENCHMARK
        {
            decisions = decideKeepNewest(snapshot, meta);
        }
        QCOMPARE(decisions.size(), 1000);
        QCOMPARE(std::count_if(decisions.cbegin(), decisions.cend(),
                               [](const Decision& d) { return d.action == Decision::Action::Keep; }),
                 4);
    }

    void decisionsCarryPidNameAndOrder()
    {
        const Rows rows = { R("a", 10, "managed,cat=disk", QStringLiteral("sh -c exec stress --hdd 1")),
                            R("b", 20, "managed,cat=cpu"), R("c", 30, "managed,cat=cpu"), R("z", 5, "") };
        Snapshot snapshot;
        QHash<QString, ContainerInfo> meta;
        build(rows, snapshot, meta);
        const auto decisions = decideKeepNewest(snapshot, meta);
        QCOMPARE(decisions.size(), 4);
        // cpu before disk, newest first, the ignored last.
        QCOMPARE(keyOf(decisions[0].id, rows), QStringLiteral("c"));
        QCOMPARE(keyOf(decisions[1].id, rows), QStringLiteral("b"));
        QCOMPARE(keyOf(decisions[2].id, rows), QStringLiteral("a"));
        QCOMPARE(keyOf(decisions[3].id, rows), QStringLiteral("z"));
        QCOMPARE(decisions[1].pid, 1020);
        QCOMPARE(decisions[1].name, QStringLiteral("name_b"));
        QCOMPARE(decisions[1].category, Category::Cpu);
        QCOMPARE(decisions[1].keptId, idOf(QStringLiteral("c")));
        QVERIFY2(decisions[1].reason.contains(QLatin1String("name_c")), qPrintable(decisions[1].reason));
    }

    void removedTableLooksLikeTheOriginal()
    {
        Decision a;
        a.action = Decision::Action::Kill;
        a.id = QStringLiteral("57a511dff574aaaaaaaa");
        a.category = Category::Ram;
        a.pid = 53106;
        a.result = Decision::Result::Removed;
        Decision b = a;
        b.id = QStringLiteral("03a6b1f39583");
        b.category = Category::Disk;
        b.pid = 952;
        Decision failed = a;
        failed.result = Decision::Result::Failed;
        Decision keep = a;
        keep.action = Decision::Action::Keep;
        keep.result = Decision::Result::NotActed;
        const QString expected = QStringLiteral("[INFO] Removed containers:\n"
                                                "+--------------+----------+-------+\n"
                                                "| Container ID | Category | PID   |\n"
                                                "+--------------+----------+-------+\n"
                                                "| 57a511dff574 | ram      | 53106 |\n"
                                                "+--------------+----------+-------+\n"
                                                "| 03a6b1f39583 | disk     | 952   |\n"
                                                "+--------------+----------+-------+\n");
        QCOMPARE(ManagerText::removedTable({ a, keep, failed, b }, false), expected);
        QCOMPARE(ManagerText::removedTable({ keep }, false), QStringLiteral("[INFO] Removed containers: none\n"));
        a.result = Decision::Result::DryRun;
        QVERIFY(ManagerText::removedTable({ a }, true).startsWith(QLatin1String("[DRY-RUN]")));
        QVERIFY(ManagerText::removedTable({ a }, true).contains(QLatin1String("57a511dff574")));
    }

    void decisionLinesSayEverything()
    {
        Decision d;
        d.action = Decision::Action::Kill;
        d.id = QStringLiteral("0123456789abcdef");
        d.name = QStringLiteral("stress_cpu_abcd1234");
        d.category = Category::Cpu;
        d.pid = 4242;
        d.reason = QStringLiteral("older than x");
        const QString line = ManagerText::decisionLine(d, false);
        for (const QString& part : { QStringLiteral("0123456789ab"), QStringLiteral("stress_cpu_abcd1234"),
                                     QStringLiteral("cpu"), QStringLiteral("4242"), QStringLiteral("older than x") })
            QVERIFY2(line.contains(part), qPrintable(line));
        QVERIFY(ManagerText::decisionLine(d, true).startsWith(QLatin1String("[DRY-RUN] Would remove")));
        d.result = Decision::Result::Failed;
        d.error = QStringLiteral("boom");
        QVERIFY(ManagerText::resultLine(d).contains(QLatin1String("boom")));
    }

    void asciiTableWidthsCountCharacters()
    {
        const QString t = ManagerText::asciiTable({ QStringLiteral("Categoría") }, { { QStringLiteral("ñ") } });
        QCOMPARE(t, QStringLiteral("+-----------+\n| Categoría |\n+-----------+\n| ñ         |\n+-----------+\n"));
    }
};

QTEST_GUILESS_MAIN(TestPolicy)
#include "tst_policy.moc"
