// A full disk and a read-only one, for real: small tmpfs mounts (the test
// runs as root, as CI does). A write that does not fit is rolled back, never
// acknowledged, never half-stored; the receiver answers 507 (full) or 503
// (unwritable) with a clear message; every acknowledged entry stays readable.
#include "core/model/logentry.h"
#include "core/receiver/logreceiver.h"
#include "core/store/logstore.h"
#include "rawhttp.h"
#include "receivertestutil.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/mount.h>
#include <unistd.h>

using nlohmann::json;

namespace {
QByteArray lineFor(qint64 seq)
{
    NormalisedEntry e;
    normaliseLogEntry(testutil::originalEntry(seq), e, nullptr);
    return e.line;
}

QList<qint64> storedSeqs(const QString& dir)
{
    QList<qint64> out;
    for (const QString& path : LogStore::files(dir)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray& line : f.readAll().split('\n')) {
            if (!line.isEmpty())
                out.append(testutil::seqOf(line)); // throws (fails) on a torn line
        }
    }
    return out;
}

QByteArray post(qint64 seq)
{
    const QByteArray body = testutil::originalEntry(seq);
    return "POST /logs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}
} // namespace

class TestStoreFull : public QObject
{
    Q_OBJECT
    QTemporaryDir m_root;
    QStringList m_mounts;

    // mode=0750: a tmpfs root is world-writable (1777) by default, and the
    // store refuses a data directory others can write.
    QString mountTmpfs(const QString& name, const char* options, unsigned long flags = 0)
    {
        const QString dir = m_root.filePath(name);
        QDir().mkpath(dir);
        if (::mount("tmpfs", QFile::encodeName(dir).constData(), "tmpfs", flags, options) != 0) {
            qWarning("mount tmpfs on %s: %s", qPrintable(dir), strerror(errno));
            return {};
        }
        m_mounts.append(dir);
        return dir;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QFAIL("this test mounts tmpfs file systems: run it as root (CI does)");
    }

    void cleanupTestCase()
    {
        for (const QString& dir : std::as_const(m_mounts))
            ::umount2(QFile::encodeName(dir).constData(), MNT_DETACH);
    }

    void fullDiskRollsBackAndRecovers()
    {
        const QString dir = mountTmpfs(QStringLiteral("full"), "size=96k,mode=0750");
        QVERIFY(!dir.isEmpty());
        // Room to free later.
        QFile filler(dir + QStringLiteral("/filler"));
        QVERIFY(filler.open(QIODevice::WriteOnly));
        QCOMPARE(filler.write(QByteArray(24 * 1024, 'f')), 24 * 1024);
        filler.close();

        StoreSettings o;
        o.dataDir = dir;
        LogStore store(o);
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        QList<qint64> acked;
        StoreStatus status = StoreStatus::Ok;
        qint64 seq = 0;
        while (status == StoreStatus::Ok && seq < 10000) {
            status = store.append(lineFor(seq), &err);
            if (status == StoreStatus::Ok)
                acked.append(seq);
            ++seq;
        }
        QCOMPARE(status, StoreStatus::NoSpace);
        QVERIFY2(err.contains(QLatin1String("No space left on device")) && err.contains(QLatin1String("not stored")),
                 qPrintable(err));
        QVERIFY(acked.size() > 10);
        // Rolled back: the file holds exactly the acknowledged lines.
        const qint64 size = QFileInfo(store.activePath()).size();
        QCOMPARE(size, store.activeBytes());
        QCOMPARE(storedSeqs(dir), acked);
        // Still full: still refused, still nothing half-written.
        for (int i = 0; i < 5; ++i)
            QCOMPARE(store.append(lineFor(seq++), &err), StoreStatus::NoSpace);
        QCOMPARE(QFileInfo(store.activePath()).size(), size);

        // Space comes back: appending works again, on a clean line.
        QVERIFY(QFile::remove(dir + QStringLiteral("/filler")));
        QCOMPARE(store.append(lineFor(5000), &err), StoreStatus::Ok);
        acked.append(5000);
        QCOMPARE(storedSeqs(dir), acked);
        store.close();
        LogStore again(o);
        QVERIFY(again.open(&err));
        QVERIFY(again.recoveryNotes().isEmpty()); // nothing torn was left
    }

    void receiverAnswers507WhenFull()
    {
        const QString dir = mountTmpfs(QStringLiteral("full-http"), "size=64k,mode=0750");
        QVERIFY(!dir.isEmpty());
        ReceiverSettings ro;
        ro.port = 0;
        StoreSettings so;
        so.dataDir = dir;
        LogReceiver rx(ro, so);
        QString err;
        QVERIFY(rx.start(&err));
        QList<qint64> acked;
        rawhttp::Response r;
        for (qint64 seq = 0; seq < 1000; ++seq) {
            r = rawhttp::exchange(rx.port(), post(seq));
            if (r.status != 201)
                break;
            acked.append(seq);
        }
        QCOMPARE(r.status, 507);
        const json j = json::parse(r.body.constBegin(), r.body.constEnd());
        // The answer says the store is full; the details (paths, errno) go
        // to the log only.
        QVERIFY2(QString::fromStdString(j["error"].get<std::string>()).contains(QLatin1String("full")),
                 r.body.constData());
        QVERIFY2(!r.body.contains(dir.toUtf8()), r.body.constData());
        QCOMPARE(storedSeqs(dir), acked);
        // The receiver lives on and says what is wrong.
        const auto metrics = rawhttp::exchange(rx.port(), "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QVERIFY(metrics.body.contains("stevedore_receiver_requests_rejected_total{code=\"507\"} 1\n"));
        QVERIFY(metrics.body.contains("stevedore_receiver_store_errors_total 1\n"));
    }

    void readOnlyFileSystemAnswers503()
    {
        const QString dir = mountTmpfs(QStringLiteral("ro"), "size=64k,mode=0750", MS_RDONLY);
        QVERIFY(!dir.isEmpty());
        StoreSettings so;
        so.dataDir = dir;
        {
            LogStore store(so);
            QString err;
            QVERIFY(!store.open(&err));
            QVERIFY2(err.contains(QLatin1String("Read-only file system")) && err.contains(dir), qPrintable(err));
        }
        ReceiverSettings ro;
        ro.port = 0;
        LogReceiver rx(ro, so);
        QString err;
        QVERIFY(rx.start(&err));
        QVERIFY(!rx.storeError().isEmpty());
        const auto r = rawhttp::exchange(rx.port(), post(1));
        QCOMPARE(r.status, 503);
        QVERIFY2(r.body.contains("log store unavailable"), r.body.constData());
        QVERIFY2(!r.body.contains(dir.toUtf8()), r.body.constData());
        QVERIFY2(rx.storeError().contains(QLatin1String("Read-only file system")), qPrintable(rx.storeError()));
    }
};

QTEST_GUILESS_MAIN(TestStoreFull)
#include "tst_storefull.moc"
