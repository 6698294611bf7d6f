// The history page on its own (offscreen), over a store written by the
// real LogStore: the ranges read and drawn (points within the range, at most
// two a pixel column, a spike kept), a live tick appended, an unknown
// container and a missing store said as such, and a view destroyed in the
// middle of a read.
#include "core/model/logentry.h"
#include "core/model/snapshot.h"
#include "core/store/logstore.h"
#include "gui/historyview.h"

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

namespace {
const QString kId = QString(64, QLatin1Char('d'));

Snapshot tickAt(const QDateTime& when, double cpu)
{
    Snapshot s;
    s.source = QStringLiteral("cgroup");
    s.timestamp = when;
    s.intervalSeconds = 1;
    s.system.memoryTotalBytes = 8ull << 30;
    ContainerMetrics c;
    c.id = kId;
    c.name = QStringLiteral("history_d");
    c.cpuPercent = cpu;
    c.memoryBytes = 64ull << 20;
    c.netRxBytesPerSec = 1000;
    s.containers.append(c);
    return s;
}

// An hour at 1 Hz ending a second ago; CPU 10 % but 500 % once, 30 min ago.
bool writeHour(const QString& dir, QDateTime* end)
{
    StoreSettings settings;
    settings.dataDir = dir;
    LogStore store(settings);
    QString error;
    if (!store.open(&error))
        return false;
    *end = QDateTime::currentDateTimeUtc().addSecs(-1);
    for (int t = 3600; t >= 0; --t) {
        NormalisedEntry e;
        if (!normaliseLogEntry(reportEntryBytes(tickAt(end->addSecs(-t), t == 1800 ? 500 : 10)), e, &error)
            || store.append(e.line, &error) != StoreStatus::Ok)
            return false;
    }
    return true;
}
} // namespace

class TestGuiHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rangesAndLive()
    {
        QTemporaryDir dir;
        QDateTime end;
        QVERIFY(writeHour(dir.path(), &end));
        HistoryView view;
        view.resize(900, 600);
        QSignalSpy loaded(&view, &HistoryView::loaded);
        view.setStore(dir.path());
        view.setContainer(kId);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1 && !view.isLoading(), 20000);
        QCOMPARE(view.range(), HistoryView::Range::Live15Min);
        // About 900 samples in the last 15 min, at most two a pixel column.
        const auto checkRange = [&](qint64 spanMs) {
            const QList<HistoryPoint>& cpu = view.points(HistorySeries::CpuPercent);
            QVERIFY(!cpu.isEmpty());
            QVERIFY2(cpu.size() <= 2 * view.bucketCount(), qPrintable(QString::number(cpu.size())));
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            for (const HistoryPoint& p : cpu)
                QVERIFY(p.msecs >= now - spanMs - 5000 && p.msecs <= now);
            QCOMPARE(view.pointCount(HistorySeries::CpuPercent), int(cpu.size()));
        };
        checkRange(15 * 60 * 1000);
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("historyStatus"))->text().contains(QLatin1String("sample")));
        // The hour: the one-second spike half an hour ago survives thinning.
        auto* range = view.findChild<QComboBox*>(QStringLiteral("historyRange"));
        range->setCurrentIndex(range->findData(int(HistoryView::Range::Hour)));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 2 && !view.isLoading(), 20000);
        checkRange(3600 * 1000);
        const QList<HistoryPoint>& cpu = view.points(HistorySeries::CpuPercent);
        QVERIFY(std::any_of(cpu.cbegin(), cpu.cend(), [](const HistoryPoint& p) { return p.value == 500; }));
        QCOMPARE(view.points(HistorySeries::NetRxBytesPerSec).last().value, 1000.0);
        // A live tick: appended, the range slides.
        range->setCurrentIndex(range->findData(int(HistoryView::Range::Live15Min)));
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 3 && !view.isLoading(), 20000);
        const QDateTime now = QDateTime::currentDateTimeUtc().addSecs(1);
        view.addSnapshot(tickAt(now, 42));
        QCOMPARE(view.points(HistorySeries::CpuPercent).last().msecs, now.toMSecsSinceEpoch());
        QCOMPARE(view.points(HistorySeries::CpuPercent).last().value, 42.0);
        // The same tick again (already stored) is not drawn twice.
        const qsizetype count = view.points(HistorySeries::CpuPercent).size();
        view.addSnapshot(tickAt(now, 42));
        QCOMPARE(view.points(HistorySeries::CpuPercent).size(), count);
    }

    void nothingToShow_data()
    {
        QTest::addColumn<bool>("storeExists");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown container") << true << QStringLiteral("Nothing stored");
        QTest::newRow("missing store") << false << QStringLiteral("Cannot read the history");
    }

    void nothingToShow()
    {
        QFETCH(bool, storeExists);
        QFETCH(QString, says);
        QTemporaryDir dir;
        HistoryView view;
        QSignalSpy loaded(&view, &HistoryView::loaded);
        view.setStore(storeExists ? dir.path() : dir.filePath(QStringLiteral("missing")));
        view.setContainer(QString(64, QLatin1Char('f')));
        view.show();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);
        QVERIFY2(view.findChild<QLabel*>(QStringLiteral("historyStatus"))->text().contains(says),
                 qPrintable(view.findChild<QLabel*>(QStringLiteral("historyStatus"))->text()));
        QCOMPARE(view.pointCount(HistorySeries::CpuPercent), 0);
    }

    // Closed while it reads: the read is stopped and waited for.
    void destroyedWhileReading()
    {
        QTemporaryDir dir;
        QDateTime end;
        QVERIFY(writeHour(dir.path(), &end));
        for (int i = 0; i < 3; ++i) {
            auto view = std::make_unique<HistoryView>();
            view->setStore(dir.path());
            view->setContainer(kId);
            view->setRange(HistoryView::Range::All);
            view->show();
            QVERIFY(view->isLoading());
            view.reset();
        }
    }
};

QTEST_MAIN(TestGuiHistory)
#include "tst_guihistory.moc"
