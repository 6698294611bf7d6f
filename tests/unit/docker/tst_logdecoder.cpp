// DockerLogDecoder on bodies captured from a real dockerd (GET
// /containers/{id}/logs of a plain container, multiplexed, with and without
// timestamps, and of a TTY container, raw), fed in pieces of every size:
// the frames and lines come out the same however the connection splits
// them. Plus the bounds: a line without end, a malformed header.
#include "core/docker/dockertypes.h"
#include "core/docker/logdecoder.h"

#include <QFile>
#include <QTest>

using Stream = DockerLogLine::Stream;

namespace {
QByteArray fixture(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

QList<DockerLogLine> decode(const QByteArray& body, bool multiplexed, bool timestamps, int piece)
{
    DockerLogDecoder d(multiplexed, timestamps);
    QList<DockerLogLine> out;
    for (qsizetype i = 0; i < body.size(); i += piece)
        out += d.feed(QByteArrayView(body).sliced(i, std::min<qsizetype>(piece, body.size() - i)));
    out += d.finish();
    return out;
}

QByteArray frame(quint8 stream, const QByteArray& payload)
{
    QByteArray h(8, '\0');
    h[0] = char(stream);
    const quint32 n = quint32(payload.size());
    h[4] = char(n >> 24);
    h[5] = char(n >> 16);
    h[6] = char(n >> 8);
    h[7] = char(n);
    return h + payload;
}
} // namespace

class TestLogDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void capturedBodies_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("multiplexed");
        QTest::addColumn<bool>("timestamps");
        QTest::addColumn<int>("piece");
        QTest::addColumn<QStringList>("texts");
        QTest::addColumn<QList<int>>("streams"); // 1 stdout, 2 stderr
        const QStringList plain = { QStringLiteral("first line"),
                                    QStringLiteral("to stderr"),
                                    QStringLiteral("no newline at the end - continued"),
                                    QStringLiteral("ünïcödé ✓"),
                                    QStringLiteral("a"),
                                    QStringLiteral("err2") };
        const QList<int> plainStreams = { 1, 2, 1, 1, 1, 2 };
        const QStringList tty = { QStringLiteral("tty one"), QStringLiteral("tty two"), QStringLiteral("done") };
        for (int piece : { 1, 3, 7, 8, 9, 64, 1 << 20 }) {
            QTest::addRow("multiplexed, timestamps, pieces of %d", piece)
                << "fixtures/logs_multiplexed.bin" << true << true << piece << plain << plainStreams;
            QTest::addRow("multiplexed, pieces of %d", piece)
                << "fixtures/logs_multiplexed_plain.bin" << true << false << piece << plain << plainStreams;
            QTest::addRow("tty, timestamps, pieces of %d", piece)
                << "fixtures/logs_tty.bin" << false << true << piece << tty << QList<int> { 1, 1, 1 };
        }
    }
    void capturedBodies()
    {
        QFETCH(QString, file);
        QFETCH(bool, multiplexed);
        QFETCH(bool, timestamps);
        QFETCH(int, piece);
        QFETCH(QStringList, texts);
        QFETCH(QList<int>, streams);
        const QList<DockerLogLine> lines = decode(fixture(QFINDTESTDATA(file)), multiplexed, timestamps, piece);
        QCOMPARE(lines.size(), texts.size());
        for (int i = 0; i < lines.size(); ++i) {
            QCOMPARE(lines.at(i).text, texts.at(i));
            QCOMPARE(int(lines.at(i).stream), streams.at(i) == 2 ? int(Stream::Stderr) : int(Stream::Stdout));
            if (timestamps) {
                // 2026-11-30T21:16:0x.xxxxxxxxxZ, to the nanosecond.
                QVERIFY(lines.at(i).timeNs > 0);
                QVERIFY(
                    DockerJson::formatTimestampNs(lines.at(i).timeNs).startsWith(QLatin1String("2026-11-30T21:16:0")));
            } else {
                QCOMPARE(lines.at(i).timeNs, 0);
            }
        }
        if (timestamps && multiplexed)
            QCOMPARE(DockerJson::formatTimestampNs(lines.at(0).timeNs),
                     QStringLiteral("2026-11-30T21:16:02.320738930Z"));
    }

    void lineAcrossFramesOfOneStream()
    {
        // A stdout line split over two frames, with a stderr line between.
        const QByteArray body = frame(1, "hel") + frame(2, "oops\n") + frame(1, "lo\n");
        const auto lines = decode(body, true, false, 2);
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0).text, QStringLiteral("oops"));
        QCOMPARE(lines.at(0).stream, Stream::Stderr);
        QCOMPARE(lines.at(1).text, QStringLiteral("hello"));
        QCOMPARE(lines.at(1).stream, Stream::Stdout);
    }

    void endlessLineIsCut()
    {
        DockerLogDecoder d(true, false);
        const QByteArray big(DockerLogDecoder::maxLineBytes * 3 + 5, 'x');
        QList<DockerLogLine> lines = d.feed(frame(1, big));
        QCOMPARE(lines.size(), 3); // three full pieces out at once, the rest waits
        for (const DockerLogLine& l : lines)
            QCOMPARE(l.text.size(), DockerLogDecoder::maxLineBytes);
        lines = d.finish();
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.at(0).text.size(), 5);
    }

    void badHeaderKeepsTheBytes()
    {
        // Not a frame header (a TTY container taken for a plain one): the
        // bytes are shown as they are, nothing is lost.
        DockerLogDecoder d(true, false);
        auto lines = d.feed("hello world\nsecond\n");
        lines += d.finish();
        QVERIFY(d.sawBadFrame());
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0).text, QStringLiteral("hello world"));
        QCOMPARE(lines.at(1).text, QStringLiteral("second"));
    }

    void notATimestampStaysText()
    {
        const auto lines = decode(frame(1, "not-a-time here\n"), true, true, 100);
        QCOMPARE(lines.size(), 1);
        QCOMPARE(lines.at(0).text, QStringLiteral("not-a-time here"));
        QCOMPARE(lines.at(0).timeNs, 0);
    }
};

QTEST_APPLESS_MAIN(TestLogDecoder)
#include "tst_logdecoder.moc"
