#include "core/manager/crontab.h"

#include <QDir>
#include <QFile>
#include <QProcess>
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
        QTest::newRow("carriage return in path") << "* * * * *"
                                                 << "/a\rb" << l << "t"
                                                 << "line break";
        QTest::newRow("carriage return in schedule") << "* * * *\r*" << s << l << "t"
                                                     << "schedule";
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

    // A value cron would split: \n ends the line, \r is refused by some
    // crontab(1) builds and a line break by others.
    void envValueLineBreaks_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("ok");
        QTest::newRow("plain") << "img:1" << true;
        QTest::newRow("newline") << "img\n* * * * * rm -rf ~" << false;
        QTest::newRow("carriage return") << "img\r* * * * * rm -rf ~" << false;
        QTest::newRow("CRLF") << "img\r\n" << false;
    }

    void envValueLineBreaks()
    {
        QFETCH(QString, value);
        QString error;
        const auto l
            = Crontab::spawnLine(QStringLiteral("* * * * *"), QStringLiteral("/s"), QStringLiteral("/l"),
                                 { { QStringLiteral("STEVEDORE_IMAGE"), value } }, QStringLiteral("t"), &error);
        QTEST(bool(l), "ok");
        if (!l)
            QVERIFY2(error.contains(QLatin1String("line break")), qPrintable(error));
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
        // This process, its start time and this boot: the owner is alive.
        const auto owner = Crontab::ownerFromTag(a);
        QVERIFY2(owner, qPrintable(a));
        QCOMPARE(owner->pid, QCoreApplication::applicationPid());
        QCOMPARE(owner, currentCronOwner());
        QVERIFY(!Crontab::ownerGone(a));
        QString error;
        QVERIFY2(
            Crontab::spawnLine(QStringLiteral("* * * * *"), QStringLiteral("/s"), QStringLiteral("/l"), {}, a, &error),
            qPrintable(error));
    }

    void ownerTags_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<bool>("owner");
        const QString boot = QStringLiteral("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        QTest::newRow("owner") << QStringLiteral("42.1234.%1.00ff00ff").arg(boot) << true;
        QTest::newRow("legacy pid-random") << "4242-00ff00ff00ff00ff" << false;
        QTest::newRow("someone else") << "someone-else" << false;
        QTest::newRow("leading zero") << QStringLiteral("042.1.%1.00ff00ff").arg(boot) << false;
        QTest::newRow("pid zero") << QStringLiteral("0.1.%1.00ff00ff").arg(boot) << false;
        QTest::newRow("pid too long") << QStringLiteral("99999999999999999999.1.%1.00ff00ff").arg(boot) << false;
        QTest::newRow("upper-case boot") << QStringLiteral("1.1.%1.00ff00ff").arg(boot.toUpper()) << false;
        QTest::newRow("short boot") << "1.1.0f1e2d3c.00ff00ff" << false;
        QTest::newRow("shell in boot") << "1.1.$(reboot).00ff00ff" << false;
        QTest::newRow("five parts") << QStringLiteral("1.1.%1.00ff00ff.1").arg(boot) << false;
        QTest::newRow("negative start") << QStringLiteral("1.-1.%1.00ff00ff").arg(boot) << false;
    }

    void ownerTags()
    {
        QFETCH(QString, tag);
        QFETCH(bool, owner);
        const auto o = Crontab::ownerFromTag(tag);
        QCOMPARE(bool(o), owner);
        if (o)
            QCOMPARE(Crontab::ownerTag(*o, 0x00ff00ff), tag);
    }

    // A /proc of our own making: which owners are gone.
    void ownerGoneOnFakeProc_data()
    {
        QTest::addColumn<QString>("tag");
        QTest::addColumn<bool>("gone");
        const QString boot = QStringLiteral("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        const QString other = QStringLiteral("11111111-2222-3333-4444-555555555555");
        QTest::newRow("running") << QStringLiteral("300.777.%1.00000001").arg(boot) << false;
        QTest::newRow("pid reused by a later process") << QStringLiteral("300.776.%1.00000001").arg(boot) << true;
        QTest::newRow("no such pid") << QStringLiteral("301.777.%1.00000001").arg(boot) << true;
        QTest::newRow("another boot") << QStringLiteral("300.777.%1.00000001").arg(other) << true;
        QTest::newRow("odd comm") << QStringLiteral("302.9000.%1.00000001").arg(boot) << false;
        QTest::newRow("legacy, pid exists") << "300-00ff00ff00ff00ff" << false;
        QTest::newRow("legacy, pid gone") << "301-00ff00ff00ff00ff" << true;
        QTest::newRow("someone else's") << "someone-else" << false;
    }

    void ownerGoneOnFakeProc()
    {
        QFETCH(QString, tag);
        QTemporaryDir proc;
        QVERIFY(proc.isValid());
        const auto put = [&](const QString& rel, const QByteArray& content) {
            QVERIFY(QDir().mkpath(QFileInfo(proc.filePath(rel)).path()));
            QFile f(proc.filePath(rel));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        };
        put(QStringLiteral("sys/kernel/random/boot_id"), "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n");
        put(QStringLiteral("300/stat"),
            "300 (stevedore) S 1 300 300 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 777 1000 10 18446744073709551615\n");
        // A command name with spaces and ") " in it must not shift the fields.
        put(QStringLiteral("302/stat"),
            "302 (a) b (c) d) R 1 302 302 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9000 1000 10 1\n");
        QCOMPARE(processStartTicks(300, proc.path()), std::optional<quint64>(777));
        QCOMPARE(processStartTicks(302, proc.path()), std::optional<quint64>(9000));
        QVERIFY(!processStartTicks(301, proc.path()));
        QTEST(Crontab::ownerGone(tag, proc.path()), "gone");
    }

    void tagsAndOrphans()
    {
        const QString live = Crontab::newTag();
        const QString dead = QStringLiteral("1.1.11111111-2222-3333-4444-555555555555.00000001");
        const QByteArray odd = fixture("crontab_odd.txt");
        const QByteArray text = odd + line(dead) + "\r\n" + line(live) + "\n" + line(dead) + "\n";
        QCOMPARE(Crontab::tags(text),
                 QStringList({ QStringLiteral("someone-else"), QStringLiteral("1234-abc0"), dead, live }));
        QStringList removed;
        const QByteArray kept = Crontab::removeOrphans(
            text, [](const QString& t) { return Crontab::ownerGone(t); }, &removed);
        QCOMPARE(removed, QStringList { dead });
        QCOMPARE(kept, odd + line(live) + "\n");
        // Garbage after the marker is nobody's tag.
        QCOMPARE(Crontab::tags("* * * * * x # stevedore-cron-spawn:a b\n"
                               "* * * * * x # stevedore-cron-spawn:$(x)\n"
                               "# stevedore-cron-spawn:\n"
                               "# stevedore-cron-spawn:first-col\n"),
                 QStringList());
    }

    // The owner check the line starts with, run by /bin/sh as cron would:
    // true for this (running) process, false for a start time or boot that
    // is not this one's.
    void ownerCheckInTheLine_data()
    {
        QTest::addColumn<int>("startDelta");
        QTest::addColumn<bool>("otherBoot");
        QTest::addColumn<bool>("runs");
        QTest::newRow("owner running") << 0 << false << true;
        QTest::newRow("pid reused") << 1 << false << false;
        QTest::newRow("rebooted") << 0 << true << false;
    }

    void ownerCheckInTheLine()
    {
        QFETCH(int, startDelta);
        QFETCH(bool, otherBoot);
        auto owner = currentCronOwner();
        QVERIFY(owner);
        owner->startTicks += quint64(startDelta);
        if (otherBoot)
            owner->bootId = QStringLiteral("11111111-2222-3333-4444-555555555555");
        QTemporaryDir dir;
        const QString mark = dir.filePath(QStringLiteral("ran"));
        QString error;
        const auto l = Crontab::spawnLine(QStringLiteral("* * * * *"), QStringLiteral("/bin/touch"), mark, {},
                                          Crontab::ownerTag(*owner, 1), &error);
        QVERIFY2(l, qPrintable(error));
        // "/bin/touch >>MARK": the redirection alone creates MARK, so the
        // file exists exactly when the command part ran.
        const QByteArray command = l->split(' ').mid(5).join(' ');
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QString::fromUtf8(command) });
        QVERIFY(sh.waitForFinished(10000));
        QFETCH(bool, runs);
        QVERIFY2(QFileInfo::exists(mark) == runs, command.constData());
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
        QVERIFY(QDir::isAbsolutePath(defaultCronLogPath(QStringLiteral("relative"))));
    }
};

QTEST_GUILESS_MAIN(TestCrontab)
#include "tst_crontab.moc"
