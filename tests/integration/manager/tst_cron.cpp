// --cron-spawn on the real crontab(1). The user's crontab (root's, in CI) is
// saved first and put back exactly as it was, even when a test fails.
#include "core/manager/crontab.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

class TestCron : public QObject
{
    Q_OBJECT

    CrontabRunner m_runner;
    std::optional<QByteArray> m_saved; // nullopt: the user had no crontab
    QTemporaryDir m_tmp;

    static QByteArray fixture()
    {
        QFile f(QFINDTESTDATA(QStringLiteral("fixtures/user_crontab.txt")));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("missing fixture user_crontab.txt");
        return f.readAll();
    }

    QByteArray current(bool* exists = nullptr)
    {
        QString error;
        const auto c = m_runner.read(exists, &error);
        if (!c)
            qFatal("crontab -l: %s", qPrintable(error));
        return *c;
    }

    void put(const QByteArray& content)
    {
        QString error;
        if (!m_runner.write(content, &error))
            qFatal("crontab -: %s", qPrintable(error));
    }

    void removeAll()
    {
        bool exists = false;
        current(&exists);
        QString error;
        if (exists && !m_runner.removeAll(&error))
            qFatal("crontab -r: %s", qPrintable(error));
    }

    QString script() const { return findSpawnScript(); }

    // A stand-in for the spawn script that records each run.
    QString recordingScript() const
    {
        const QString path = m_tmp.filePath(QStringLiteral("recording-spawn.sh"));
        QFile f(path);
        if (!f.exists()) {
            if (!f.open(QIODevice::WriteOnly))
                qFatal("cannot write %s", qPrintable(path));
            f.write("#!/bin/sh\necho ran >>'" + QFile::encodeName(ranFile()) + "'\n");
            f.close();
            f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        }
        return path;
    }
    QString ranFile() const { return m_tmp.filePath(QStringLiteral("ran.txt")); }

    // The line of `tag` in the crontab, its command run by /bin/sh as cron
    // would (after undoing cron's \% escapes). True when the script ran.
    bool cronWouldRun(const QString& tag)
    {
        QFile::remove(ranFile());
        QByteArray line;
        for (const QByteArray& l : current().split('\n')) {
            if (Crontab::countTagged(l, tag) == 1)
                line = l;
        }
        if (line.isEmpty())
            qFatal("no line tagged %s", qPrintable(tag));
        QByteArray command = line.split(' ').mid(5).join(' ');
        command.replace("\\%", "%");
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QString::fromUtf8(command) });
        if (!sh.waitForFinished(10000))
            qFatal("the cron command did not finish");
        return QFileInfo::exists(ranFile());
    }

    // The tag of the line a process installed (its pid in the tag), waiting
    // up to `ms` for it to appear.
    QString waitForLineOf(qint64 pid, int ms)
    {
        QDeadlineTimer deadline(ms);
        do {
            for (const QString& tag : Crontab::tags(current())) {
                const auto owner = Crontab::ownerFromTag(tag);
                if (owner && owner->pid == pid)
                    return tag;
            }
            QTest::qWait(100);
        } while (!deadline.hasExpired());
        return {};
    }
    QString log() const { return m_tmp.filePath(QStringLiteral("logs/cron-spawn.log")); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_runner.isAvailable(), "crontab(1) is missing: install Debian's cron package (scripts/test.sh does)");
        QVERIFY(m_tmp.isValid());
        bool exists = false;
        QString error;
        const auto saved = m_runner.read(&exists, &error);
        QVERIFY2(saved, qPrintable(error));
        if (exists)
            m_saved = *saved;
        QVERIFY2(!script().isEmpty(), "scripts/spawn_containers.sh not found");
    }

    void cleanupTestCase()
    {
        QString error;
        if (m_saved) {
            QVERIFY2(m_runner.write(*m_saved, &error), qPrintable(error));
            QCOMPARE(current(), *m_saved);
        } else {
            removeAll();
            bool exists = true;
            current(&exists);
            QVERIFY(!exists);
        }
    }

    void othersLinesSurviveByteForByte()
    {
        const QByteArray mine = fixture();
        put(mine);
        QCOMPARE(current(), mine);
        {
            CronSpawnGuard guard(QStringLiteral("* * * * *"), script(), log(),
                                 { { QStringLiteral("DOCKER_HOST"), QStringLiteral("unix:///var/run/docker.sock") } });
            QString message;
            QVERIFY2(guard.install(&message), qPrintable(message));
            QVERIFY(guard.isInstalled());
            const QByteArray installed = current();
            QVERIFY(installed.startsWith(mine));
            QCOMPARE(installed.mid(mine.size()), guard.line() + '\n');
            QCOMPARE(Crontab::countTagged(installed, guard.tag()), 1);
            QVERIFY(guard.line().contains(QFile::encodeName(script())));
            // The owner check first (this process), then the script.
            QVERIFY(guard.line().startsWith("* * * * * [ \"$(sed "));
            QVERIFY(guard.line().contains(
                QStringLiteral("/proc/%1/stat").arg(QCoreApplication::applicationPid()).toLatin1()));
            QVERIFY(guard.line().contains("&& DOCKER_HOST="));
            QVERIFY(QFileInfo(log()).dir().exists()); // made for cron's redirection
            QVERIFY2(guard.remove(&message), qPrintable(message));
            QCOMPARE(current(), mine);
            QVERIFY(guard.remove(&message)); // twice is harmless
        }
        QCOMPARE(current(), mine);
    }

    void noCrontabBeforeMeansNoCrontabAfter()
    {
        removeAll();
        CronSpawnGuard guard(QStringLiteral("*/5 * * * *"), script(), log());
        QString message;
        QVERIFY2(guard.install(&message), qPrintable(message));
        bool exists = false;
        QCOMPARE(current(&exists), guard.line() + '\n');
        QVERIFY(exists);
        QVERIFY2(guard.remove(&message), qPrintable(message));
        current(&exists);
        QVERIFY(!exists);
    }

    void editsMadeMeanwhileSurvive()
    {
        put(fixture());
        CronSpawnGuard guard(QStringLiteral("@hourly"), script(), log());
        QString message;
        QVERIFY2(guard.install(&message), qPrintable(message));
        // The user adds a line after ours and changes one before it.
        QByteArray edited = current();
        edited.replace("MAILTO=\"\"", "MAILTO=\"ops@example.org\"");
        edited += "30 2 * * * /bin/true added-later\n";
        put(edited);
        QVERIFY2(guard.remove(&message), qPrintable(message));
        QCOMPARE(current(), Crontab::removeTagged(edited, guard.tag()));
        QVERIFY(current().contains("added-later"));
        QVERIFY(current().contains("ops@example.org"));
    }

    void destructorRemovesTheLine()
    {
        put(fixture());
        QString tag;
        {
            CronSpawnGuard guard(QStringLiteral("* * * * *"), script(), log());
            QString message;
            QVERIFY2(guard.install(&message), qPrintable(message));
            tag = guard.tag();
            QCOMPARE(Crontab::countTagged(current(), tag), 1);
        }
        QCOMPARE(current(), fixture());
    }

    void lineAlreadyGoneIsFine()
    {
        put(fixture());
        CronSpawnGuard guard(QStringLiteral("* * * * *"), script(), log());
        QString message;
        QVERIFY2(guard.install(&message), qPrintable(message));
        put(fixture()); // someone removed it by hand
        QVERIFY(guard.remove(&message));
        QVERIFY2(message.contains(QLatin1String("already gone")), qPrintable(message));
        QCOMPARE(current(), fixture());
    }

    void signalsRemoveTheLine_data()
    {
        QTest::addColumn<int>("signal");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }

    void signalsRemoveTheLine()
    {
        QFETCH(int, signal);
        put(fixture());
        QProcess helper;
        helper.start(QStringLiteral(CRONGUARD_HELPER), { QStringLiteral("* * * * *"), script(), log() });
        QVERIFY(helper.waitForStarted(5000));
        QVERIFY(helper.waitForReadyRead(10000));
        const QByteArray first = helper.readLine().trimmed();
        QVERIFY2(first.startsWith("installed "), first.constData());
        const QString tag = QString::fromLatin1(first.mid(10));
        QCOMPARE(Crontab::countTagged(current(), tag), 1);
        ::kill(pid_t(helper.processId()), signal);
        QVERIFY(helper.waitForFinished(10000));
        QCOMPARE(helper.exitStatus(), QProcess::NormalExit);
        QCOMPARE(helper.exitCode(), 0);
        QCOMPARE(current(), fixture());
    }

    // kill -9 leaves the line behind (no destructor runs): it must do
    // nothing from then on, and the next start removes it.
    void killedOwnerLeavesAnInertLineThatRestartRemoves()
    {
        put(fixture());
        const QStringList args { QStringLiteral("* * * * *"), recordingScript(), log() };
        QProcess first;
        first.start(QStringLiteral(CRONGUARD_HELPER), args);
        QVERIFY(first.waitForStarted(5000));
        QVERIFY(first.waitForReadyRead(10000));
        const QByteArray installed = first.readLine().trimmed();
        QVERIFY2(installed.startsWith("installed "), installed.constData());
        const QString dead = QString::fromLatin1(installed.mid(10));
        QCOMPARE(Crontab::ownerFromTag(dead)->pid, first.processId());
        QVERIFY(!Crontab::ownerGone(dead));
        QVERIFY2(cronWouldRun(dead), "the line of a running owner must run the script");

        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitStatus(), QProcess::CrashExit);
        QCOMPARE(Crontab::countTagged(current(), dead), 1); // nobody removed it
        QVERIFY(Crontab::ownerGone(dead));
        QVERIFY2(!cronWouldRun(dead), "the line of a dead owner must do nothing");

        QProcess second;
        second.start(QStringLiteral(CRONGUARD_HELPER), args);
        QVERIFY(second.waitForStarted(5000));
        QVERIFY(second.waitForReadyRead(10000));
        const QByteArray again = second.readLine().trimmed();
        QVERIFY2(again.startsWith("installed "), again.constData());
        const QString live = QString::fromLatin1(again.mid(10));
        QCOMPARE(Crontab::countTagged(current(), dead), 0);
        // Only the dead line went, and ours came: every other byte is as it was.
        QCOMPARE(Crontab::removeTagged(current(), live), fixture());
        QCOMPARE(Crontab::countTagged(current(), live), 1);
        ::kill(pid_t(second.processId()), SIGTERM);
        QVERIFY(second.waitForFinished(10000));
        QCOMPARE(second.exitCode(), 0);
        QCOMPARE(current(), fixture());
    }

#ifdef STEVEDORE_EXE
    // The same with the real binary: `stevedore --no-gui --cron-spawn`,
    // kill -9, start again.
    void realBinaryKilledAndRestarted()
    {
        put(fixture());
        QTemporaryDir data;
        QVERIFY(data.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STEVEDORE_SPAWN_SCRIPT"), recordingScript());
        const QStringList args { QStringLiteral("--no-gui"),
                                 QStringLiteral("--no-listen"),
                                 QStringLiteral("--no-manage"),
                                 QStringLiteral("--interval"),
                                 QStringLiteral("5"),
                                 QStringLiteral("--data-dir"),
                                 data.path(),
                                 QStringLiteral("--cron-spawn"),
                                 QStringLiteral("*/5 * * * *") };
        QProcess first;
        first.setProcessEnvironment(env);
        first.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        first.start(QStringLiteral(STEVEDORE_EXE), args);
        QVERIFY(first.waitForStarted(5000));
        const QString dead = waitForLineOf(first.processId(), 30000);
        QVERIFY2(!dead.isEmpty(), "stevedore did not install its crontab line");
        QVERIFY(cronWouldRun(dead));

        ::kill(pid_t(first.processId()), SIGKILL);
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(Crontab::countTagged(current(), dead), 1);
        QVERIFY(!cronWouldRun(dead));

        QProcess second;
        second.setProcessEnvironment(env);
        second.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        second.start(QStringLiteral(STEVEDORE_EXE), args);
        QVERIFY(second.waitForStarted(5000));
        const QString live = waitForLineOf(second.processId(), 30000);
        QVERIFY2(!live.isEmpty(), "the restarted stevedore did not install its crontab line");
        QCOMPARE(Crontab::countTagged(current(), dead), 0);
        QCOMPARE(Crontab::tags(current()).count(live), 1);
        QVERIFY(cronWouldRun(live));
        ::kill(pid_t(second.processId()), SIGTERM);
        QVERIFY(second.waitForFinished(20000));
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(current(), fixture());
    }
#endif

    void installedLineRunsTheScriptAndLogs()
    {
        // What cron will do with the line: undo its \% escapes and hand the
        // command to /bin/sh. A path with a space, a quote and a percent
        // sign proves the quoting.
        const QString dir = m_tmp.filePath(QStringLiteral("it's 100% odd"));
        QVERIFY(QDir().mkpath(dir));
        const QString fake = dir + QStringLiteral("/spawn.sh");
        QFile f(fake);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("#!/bin/sh\necho \"ran with image=$STEVEDORE_IMAGE\"\necho 'to stderr' >&2\n");
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        const QString logFile = dir + QStringLiteral("/log 1.txt");
        QString error;
        const auto line = Crontab::spawnLine(QStringLiteral("* * * * *"), fake, logFile,
                                             { { QStringLiteral("STEVEDORE_IMAGE"), QStringLiteral("my image:1") } },
                                             QStringLiteral("t-1"), &error);
        QVERIFY2(line, qPrintable(error));
        QByteArray command = line->split(' ').mid(5).join(' ');
        command.replace("\\%", "%");
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QString::fromUtf8(command) });
        QVERIFY(sh.waitForFinished(10000));
        QCOMPARE(sh.exitCode(), 0);
        QFile logged(logFile);
        QVERIFY(logged.open(QIODevice::ReadOnly));
        QCOMPARE(logged.readAll(), QByteArray("ran with image=my image:1\nto stderr\n"));
    }
};

QTEST_GUILESS_MAIN(TestCron)
#include "tst_cron.moc"
