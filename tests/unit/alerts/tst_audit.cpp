#include "core/alerts/audit.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

class TestAudit : public QObject
{
    Q_OBJECT
private:
    static AuditRecord record(int i, const QDateTime& t)
    {
        AuditRecord r;
        r.time = t;
        r.kind = QStringLiteral("decision");
        r.actor = QStringLiteral("manager");
        r.action = QStringLiteral("kill");
        r.result = QStringLiteral("dry-run");
        r.reason = QStringLiteral("older than the kept one");
        r.containerId = QStringLiteral("id%1").arg(i);
        r.containerName = QStringLiteral("name%1").arg(i);
        r.category = QStringLiteral("cpu");
        r.keptId = QStringLiteral("kept");
        r.value = i;
        return r;
    }

private Q_SLOTS:
    void appendAndRead()
    {
        QTemporaryDir dir;
        const QDateTime t0 = QDateTime::fromString(QStringLiteral("2026-11-30T10:00:00Z"), Qt::ISODate);
        {
            AuditLog log(dir.path());
            for (int i = 0; i < 10; ++i)
                QVERIFY(log.append(record(i, t0.addSecs(i)), nullptr));
        }
        const auto all = AuditLog::read(dir.path(), {}, 0);
        QCOMPARE(all.size(), 10);
        QCOMPARE(all.first().containerId, QStringLiteral("id0"));
        QCOMPARE(all.first().keptId, QStringLiteral("kept"));
        QCOMPARE(all.first().result, QStringLiteral("dry-run"));
        QCOMPARE(all.first().time, t0);
        // since= and limit= (the newest `limit`, oldest first).
        const auto recent = AuditLog::read(dir.path(), t0.addSecs(5), 3);
        QCOMPARE(recent.size(), 3);
        QCOMPARE(recent.first().containerId, QStringLiteral("id7"));
        QCOMPARE(recent.last().containerId, QStringLiteral("id9"));
        const QJsonArray array = QJsonDocument::fromJson(AuditLog::toJsonArray(recent)).array();
        QCOMPARE(array.size(), 3);
        QCOMPARE(array[0][QStringLiteral("container")][QStringLiteral("name")].toString(), QStringLiteral("name7"));
    }

    // A crash can leave half a line: it is skipped and the next record
    // starts on a line of its own.
    void tornLineIsSkipped()
    {
        QTemporaryDir dir;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        {
            AuditLog log(dir.path());
            QVERIFY(log.append(record(1, t0), nullptr));
        }
        {
            QFile f(dir.filePath(QStringLiteral("audit.jsonl")));
            QVERIFY(f.open(QIODevice::Append));
            f.write("{\"time\":\"2026-11-30T1");
        }
        AuditLog log(dir.path());
        QVERIFY(log.append(record(2, t0.addSecs(1)), nullptr));
        int skipped = 0;
        const auto all = AuditLog::read(dir.path(), {}, 0, &skipped);
        QCOMPARE(all.size(), 2);
        QCOMPARE(skipped, 1);
        QCOMPARE(all.last().containerId, QStringLiteral("id2"));
    }

    void rotates()
    {
        QTemporaryDir dir;
        const QDateTime t0 = QDateTime::currentDateTimeUtc();
        AuditLog log(dir.path(), 1000, 3);
        for (int i = 0; i < 40; ++i)
            QVERIFY(log.append(record(i, t0.addSecs(i)), nullptr));
        const QStringList files = AuditLog::files(dir.path());
        QCOMPARE(files.size(), 4); // .3 .2 .1 and the active file
        QVERIFY(files.last().endsWith(QLatin1String("audit.jsonl")));
        for (const QString& f : files)
            QVERIFY(QFileInfo(f).size() <= 1000);
        const auto all = AuditLog::read(dir.path(), {}, 0);
        QCOMPARE(all.last().containerId, QStringLiteral("id39"));
        for (int i = 1; i < all.size(); ++i)
            QVERIFY(all[i - 1].time <= all[i].time); // oldest file first
        QVERIFY(all.size() < 40); // the oldest rotated away
    }

    void unwritableDirectoryIsAnError()
    {
        AuditLog log(QStringLiteral("/proc/stevedore-audit"));
        QString error;
        QVERIFY(!log.append(record(1, QDateTime::currentDateTimeUtc()), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
