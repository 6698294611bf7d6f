// --cron-spawn on the real crontab(1). The user's crontab (root's, in CI) is
// saved first and put back exactly as it was, even when a test fails.
#include "manager/crontab.h"

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
            QVERIFY(guard.line().startsWith("* * * * * DOCKER_HOST="));
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
