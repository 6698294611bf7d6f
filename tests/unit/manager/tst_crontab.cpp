#include "manager/crontab.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

class TestCrontab : public QObject
{
    Q_OBJECT

    static QByteArray fixture(const char* name)
    {
        QFile f(QFINDTESTDATA(QStringLiteral("fixtures/") + QLatin1String(name)));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("missing fixture %s", name);
        return f.readAll();
    }

    static QByteArray line(const QString& tag)
    {
        QString error;
        const auto l = Crontab::spawnLine(QStringLiteral("* * * * *"),
                                          QStringLiteral("/usr/share/stevedore/scripts/spawn_containers.sh"),
                                          QStringLiteral("/var/log/stevedore/cron-spawn.log"), {}, tag, &error);
        if (!l)
            qFatal("spawnLine: %s", qPrintable(error));
        return *l;
    }

private Q_SLOTS:
    void roundTripIsByteForByte_data()
    {
        QTest::addColumn<QByteArray>("crontab");
        QTest::newRow("odd fixture") << fixture("crontab_odd.txt");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("one line") << QByteArray("0 * * * * true\n");
        QTest::newRow("only CRLF") << QByteArray("0 * * * * a\r\n1 * * * * b\r\n");
        QTest::newRow("blank lines only") << QByteArray("\n\n\n");
        QTest::newRow("no newline at all") << QByteArray("# just a comment");
        QTest::newRow("tabs and percent") << QByteArray("0\t0\t*\t*\t*\tdate +\\%F >> /tmp/d\n");
    }

    void roundTripIsByteForByte()
    {
        QFETCH(QByteArray, crontab);
        const QString tag = QStringLiteral("4242-00ff00ff00ff00ff");
        const QByteArray installed = Crontab::addLine(crontab, line(tag));
        QCOMPARE(Crontab::countTagged(installed, tag), 1);
        // Everything that was there is still there, in front, unchanged.
        QVERIFY(installed.startsWith(crontab));
        QVERIFY(installed.endsWith(QByteArray(line(tag) + '\n')));
        int removed = 0;
        const QByteArray after = Crontab::removeTagged(installed, tag, &removed);
        QCOMPARE(removed, 1);
        if (crontab.isEmpty() || crontab.endsWith('\n')) {
            QCOMPARE(after, crontab);
        } else {
            // crontab(1) refuses a last line without newline, so one was
            // added before our line; it stays, nothing else changes.
            QCOMPARE(after, crontab + '\n');
        }
    }

    void removesOnlyItsOwnTag()
    {
        const QByteArray odd = fixture("crontab_odd.txt");
        // The fixture has someone else's stevedore lines: different tags.
        QCOMPARE(Crontab::removeTagged(odd, QStringLiteral("1234-abc")), odd); // a prefix of another tag
        QCOMPARE(Crontab::removeTagged(odd, QStringLiteral("abc0")), odd); // a suffix
        QCOMPARE(Crontab::countTagged(odd, QStringLiteral("1234-abc0")), 1);
        const QByteArray without = Crontab::removeTagged(odd, QStringLiteral("1234-abc0"));
        QCOMPARE(without.size(),
                 odd.size() - QByteArray("0 4 * * * /opt/y.sh # stevedore-cron-spawn:1234-abc0\n").size());
        QVERIFY(without.contains("someone-else"));
        QVERIFY(!without.contains("1234-abc0"));
    }

    void removesEveryCopyAndCrlfVariants()
    {
        const QString tag = QStringLiteral("t1");
        QByteArray text = "a\n" + line(tag) + "\r\n" + "b\n" + line(tag) + "\n" + line(tag);
        int removed = 0;
        QCOMPARE(Crontab::removeTagged(text, tag, &removed), QByteArray("a\nb\n"));
        QCOMPARE(removed, 3);
        // A line that merely mentions the marker in the middle is not ours.
        const QByteArray mention = "0 * * * * echo '" + Crontab::marker(tag) + "' > /dev/null\n";
        QCOMPARE(Crontab::removeTagged(mention, tag), mention);
    }

    void spawnLineFormat()
    {
        QString error;
        const auto l
            = Crontab::spawnLine(QStringLiteral("*/2  * * * *"), QStringLiteral("/opt/it's here/spawn.sh"),
                                 QStringLiteral("/var/log/a%b.log"),
                                 { { QStringLiteral("DOCKER_HOST"), QStringLiteral("unix:///run/docker.sock") },
                                   { QStringLiteral("STEVEDORE_IMAGE"), QStringLiteral("img:1") } },
                                 QStringLiteral("99-abc"), &error);
        QVERIFY2(l, qPrintable(error));
        QCOMPARE(*l,
                 QByteArray("*/2 * * * * DOCKER_HOST='unix:///run/docker.sock' STEVEDORE_IMAGE='img:1' "
                            "'/opt/it'\\''s here/spawn.sh' >>'/var/log/a\\%b.log' 2>&1 "
                            "# stevedore-cron-spawn:99-abc"));
        QVERIFY(!l->contains('\n'));
    }

    void spawnLineRefusals_data()
    {
        QTest::addColumn<QString>("schedule");
        QTest::addColumn<QString>("script");
        QTest::addColumn<QString>("log");
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("word");
        const QString s = QStringLiteral("/s.sh");
        const QString l = QStringLiteral("/l.log");
        QTest::newRow("four fields") << "* * * *" << s << l << "t"
                                     << "schedule";
        QTest::newRow("six fields") << "* * * * * *" << s << l << "t"
                                    << "schedule";
        QTest::newRow("command in schedule") << "* * * * ;rm" << s << l << "t"
                                             << "schedule";
        QTest::newRow("bad keyword") << "@often" << s << l << "t"
                                     << "schedule";
        QTest::newRow("relative script") << "* * * * *"
                                         << "spawn.sh" << l << "t"
                                         << "absolute";
        QTest::newRow("relative log") << "* * * * *" << s << "x.log"
                                      << "t"
                                      << "absolute";
        QTest::newRow("odd tag") << "* * * * *" << s << l << "a b"
                                 << "tag";
        QTest::newRow("newline in path") << "* * * * *"
                                         << "/a\nb" << l << "t"
                                         << "newline";
    }

    void spawnLineRefusals()
    {
        QFETCH(QString, schedule);
        QFETCH(QString, script);
        QFETCH(QString, log);
        QFETCH(QString, tag);
        QFETCH(QString, word);
        QString error;
        QVERIFY(!Crontab::spawnLine(schedule, script, log, {}, tag, &error));
        QVERIFY2(error.contains(word), qPrintable(error));
    }

    void schedules_data()
    {
        QTest::addColumn<QString>("schedule");
        QTest::addColumn<bool>("valid");
        QTest::newRow("every minute") << "* * * * *" << true;
        QTest::newRow("steps and lists") << "*/5 1,2 1-7 jan-mar mon-fri" << true;
        QTest::newRow("hourly") << "@hourly" << true;
        QTest::newRow("reboot") << "@reboot" << true;
        QTest::newRow("padded") << "  0 0 * * *  " << true;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("percent") << "* * * * %" << false;
        QTest::newRow("newline") << "* * * *\n*" << false;
    }

    void schedules()
    {
        QFETCH(QString, schedule);
        QFETCH(bool, valid);
        QCOMPARE(Crontab::isValidSchedule(schedule), valid);
    }

    void tagsAreUnique()
    {
        const QString a = Crontab::newTag();
        const QString b = Crontab::newTag();
        QVERIFY(a != b);
        QVERIFY(a.startsWith(QString::number(QCoreApplication::applicationPid()) + QLatin1Char('-')));
        QString error;
        QVERIFY2(
            Crontab::spawnLine(QStringLiteral("* * * * *"), QStringLiteral("/s"), QStringLiteral("/l"), {}, a, &error),
            qPrintable(error));
    }

    void missingCrontabIsReportedNotFatal()
    {
        CrontabRunner runner(QStringLiteral("/nonexistent/bin/crontab"));
        QVERIFY(!runner.isAvailable());
        QString error;
        QVERIFY(!runner.read(nullptr, &error));
        QVERIFY2(error.contains(QLatin1String("not found")), qPrintable(error));

        CronSpawnGuard guard(QStringLiteral("* * * * *"), QStringLiteral("/s.sh"), QStringLiteral("/tmp/l.log"), {},
                             QStringLiteral("stevedore-test-no-such-crontab"));
        QString message;
        QVERIFY(!guard.install(&message));
        QVERIFY2(message.contains(QLatin1String("crontab not found")), qPrintable(message));
        QVERIFY(!guard.isInstalled());
        QVERIFY(guard.remove(&message)); // nothing to do, not an error
    }

    void findsTheScript()
    {
        QTemporaryDir tmp;
        const QString plain = tmp.filePath(QStringLiteral("plain.sh"));
        const QString exec = tmp.filePath(QStringLiteral("sub/../exec.sh"));
        QFile p(plain);
        QVERIFY(p.open(QIODevice::WriteOnly));
        p.close();
        QFile e(tmp.filePath(QStringLiteral("exec.sh")));
        QVERIFY(e.open(QIODevice::WriteOnly));
        e.close();
        QVERIFY(e.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QDir(tmp.path()).mkdir(QStringLiteral("sub"));
        // Not executable, then missing, then the one: canonical path back.
        QCOMPARE(findSpawnScript({ plain, tmp.filePath(QStringLiteral("missing.sh")), exec }),
                 QFileInfo(tmp.filePath(QStringLiteral("exec.sh"))).canonicalFilePath());
        QCOMPARE(findSpawnScript({ plain }), QString());

        // The build tree's copy is always a candidate, the installed layout comes first.
        const QStringList candidates = spawnScriptCandidates();
        QVERIFY(candidates.contains(QStringLiteral("/usr/share/stevedore/scripts/spawn_containers.sh")));
        QVERIFY(candidates.contains(QStringLiteral(STEVEDORE_SOURCE_DIR "/scripts/spawn_containers.sh")));
        QVERIFY(candidates.indexOf(QStringLiteral("/usr/share/stevedore/scripts/spawn_containers.sh"))
                < candidates.indexOf(QStringLiteral(STEVEDORE_SOURCE_DIR "/scripts/spawn_containers.sh")));
        const QString found = findSpawnScript();
        QVERIFY2(found.endsWith(QLatin1String("/scripts/spawn_containers.sh")), qPrintable(found));
        QVERIFY(QFileInfo(found).isExecutable());
        qputenv("STEVEDORE_SPAWN_SCRIPT", tmp.filePath(QStringLiteral("exec.sh")).toUtf8());
        QCOMPARE(spawnScriptCandidates().first(), tmp.filePath(QStringLiteral("exec.sh")));
        qunsetenv("STEVEDORE_SPAWN_SCRIPT");

        QCOMPARE(defaultCronLogPath(QStringLiteral("/data")), QStringLiteral("/data/cron-spawn.log"));
        QVERIFY(QDir::isAbsolutePath(defaultCronLogPath()));
    }
};

QTEST_GUILESS_MAIN(TestCrontab)
#include "tst_crontab.moc"
