// Durability under kill -9: a separate process appends entries, printing
// "ACK n" after each append returned; the test kills it at random points
// (often in the middle of a rotation, the files being small), sometimes
// leaves a torn line behind as a crash mid-write would, and restarts it.
// Afterwards every acknowledged entry is in the store and every line of
// every file parses on its own.
#include "core/store/logstore.h"
#include "receivertestutil.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <random>

using nlohmann::json;

class TestDurability : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killNineAtRandomPoints()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        const auto seed = std::random_device {}();
        qInfo("random seed %u", seed);
        std::mt19937 rng(seed);
        QSet<qint64> acked;
        qint64 next = 0;
        int repairsSeen = 0;
        int tornWritten = 0;
        for (int round = 0; round < 12; ++round) {
            QProcess p;
            p.setProgram(QStringLiteral(RECEIVER_HELPER));
            p.setArguments({ QStringLiteral("ingest"), dir, QString::number(next), QString::number(256 * 1024) });
            p.start();
            QVERIFY(p.waitForStarted(5000));
            QByteArray out;
            QElapsedTimer t;
            t.start();
            while (!out.contains("OPEN ") || !out.mid(out.indexOf("OPEN ")).contains('\n')) {
                QVERIFY2(t.elapsed() < 10000, p.readAllStandardError().constData());
                p.waitForReadyRead(50);
                out += p.readAllStandardOutput();
            }
            const int killAfterMs = std::uniform_int_distribution<int>(20, 250)(rng);
            t.restart();
            while (t.elapsed() < killAfterMs) {
                p.waitForReadyRead(5);
                out += p.readAllStandardOutput();
            }
            p.kill(); // SIGKILL
            QVERIFY(p.waitForFinished(5000));
            QCOMPARE(p.exitStatus(), QProcess::CrashExit);
            out += p.readAllStandardOutput();
            qint64 last = next - 1;
            for (const QByteArray& line : out.split('\n')) {
                if (line.startsWith("OPEN "))
                    repairsSeen += line.mid(5).toInt();
                if (line.startsWith("ACK ")) {
                    last = line.mid(4).toLongLong();
                    acked.insert(last);
                }
            }
            // An entry stored but killed before its ACK may exist: start the
            // next round far enough on that numbers never repeat.
            next = last + 1000;
            if (round % 3 == 1) {
                // What a crash in the middle of write(2) (or a power loss)
                // leaves: the start of a line and no newline.
                QFile f(QDir(dir).filePath(LogStore::fileName()));
                QVERIFY(f.open(QIODevice::Append));
                f.write(testutil::originalEntry(next - 1).left(77));
                ++tornWritten;
            }
        }
        QVERIFY2(acked.size() > 200, qPrintable(QString::number(acked.size())));

        // Restart once more as the receiver would, then check everything.
        {
            StoreSettings o;
            o.dataDir = dir;
            LogStore store(o);
            QString err;
            QVERIFY2(store.open(&err), qPrintable(err));
            repairsSeen += int(store.recoveryNotes().size());
        }
        QVERIFY2(repairsSeen >= tornWritten, qPrintable(QStringLiteral("%1 < %2").arg(repairsSeen).arg(tornWritten)));
        QSet<qint64> stored;
        qint64 lines = 0;
        const QStringList files = LogStore::files(dir);
        QVERIFY(files.size() > 1); // rotation happened
        for (const QString& path : files) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray bytes = f.readAll();
            QVERIFY2(bytes.isEmpty() || bytes.endsWith('\n'), qPrintable(path));
            for (const QByteArray& line : bytes.split('\n')) {
                if (line.isEmpty())
                    continue;
                ++lines;
                const json j = json::parse(line.constBegin(), line.constEnd(), nullptr, false);
                QVERIFY2(!j.is_discarded(), qPrintable(path + QStringLiteral(": ") + QString::fromUtf8(line.left(80))));
                stored.insert(testutil::seqOf(j));
            }
        }
        qInfo("%lld acknowledged, %lld lines stored in %lld files, %d torn tails repaired", qint64(acked.size()), lines,
              qint64(files.size()), repairsSeen);
        for (const qint64 seq : std::as_const(acked))
            QVERIFY2(stored.contains(seq), qPrintable(QStringLiteral("acknowledged entry %1 is missing").arg(seq)));
    }
};

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
