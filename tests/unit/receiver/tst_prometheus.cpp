// GET /metrics text: the exposition format's rules checked line by line
// (HELP and TYPE once per family and before its samples, families not
// interleaved, label values escaped, numbers parseable), and the values.
#include "core/receiver/prometheus.h"
#include "receivertestutil.h"

#include <QRegularExpression>
#include <QSet>
#include <QtTest>

namespace {
struct Parsed
{
    QMap<QString, QString> types;
    QList<QPair<QString, double>> samples; // "name{labels}" -> value
    QString problem;
};

// A strict reader of the text format, enough to catch what Prometheus
// would refuse.
Parsed parse(const QByteArray& text)
{
    Parsed p;
    // A label value: \\, \" or \n escapes, or any character but ", \ and newline.
    static const QString value = QStringLiteral("(\\\\\\\\|\\\\\"|\\\\n|[^\"\\\\\\n])*");
    static const QString label = QStringLiteral("[a-zA-Z_][a-zA-Z0-9_]*=\"") + value + QStringLiteral("\"");
    static const QRegularExpression sample(QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{") + label
                                           + QStringLiteral("(,") + label + QStringLiteral(")*\\})? (\\S+)$"));
    static const QRegularExpression help(QStringLiteral("^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$"));
    static const QRegularExpression type(QStringLiteral("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$"));
    QSet<QString> closed;
    QString current;
    QSet<QString> helped;
    if (!text.endsWith('\n'))
        p.problem = QStringLiteral("no final newline");
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (line.isEmpty())
            continue;
        QRegularExpressionMatch m;
        if ((m = help.match(line)).hasMatch()) {
            const QString name = m.captured(1);
            if (helped.contains(name) || closed.contains(name))
                p.problem = QStringLiteral("second HELP for ") + name;
            helped.insert(name);
            if (!current.isEmpty() && current != name)
                closed.insert(current);
            current = name;
        } else if ((m = type.match(line)).hasMatch()) {
            if (m.captured(1) != current || p.types.contains(current))
                p.problem = QStringLiteral("TYPE out of place: ") + line;
            p.types.insert(m.captured(1), m.captured(2));
        } else if ((m = sample.match(line)).hasMatch()) {
            if (m.captured(1) != current)
                p.problem = QStringLiteral("sample outside its family: ") + line;
            bool ok = false;
            const double v = m.captured(m.lastCapturedIndex()).toDouble(&ok);
            if (!ok && m.captured(m.lastCapturedIndex()) != QLatin1String("NaN"))
                p.problem = QStringLiteral("bad value: ") + line;
            p.samples.append({ line.left(line.lastIndexOf(QLatin1Char(' '))), v });
        } else {
            p.problem = QStringLiteral("not a valid line: ") + line;
        }
        if (!p.problem.isEmpty())
            break;
    }
    return p;
}

double valueOf(const Parsed& p, const QString& key)
{
    for (const auto& [k, v] : p.samples)
        if (k == key)
            return v;
    return -1;
}
} // namespace

class TestPrometheus : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void withSnapshot()
    {
        Snapshot s = testutil::makeSnapshot(4, 4);
        s.containers[1].name = QStringLiteral("we\"ird\\name\nx");
        ReceiverCounters k;
        k.entriesStored = 12;
        k.entriesDuplicate = 2;
        k.rejectedByStatus = { { 400, 2 }, { 413, 1 } };
        k.connectionsCut = { { QStringLiteral("idle"), 3 } };
        k.openConnections = 2;
        s.containers[0].netTxBytes = 123456;
        s.containers[0].netRxPackets = 77;
        s.containers[0].netRxBytesPerSec = 2048;
        const QByteArray text = formatPrometheus(&s, k);
        const Parsed p = parse(text);
        QVERIFY2(p.problem.isEmpty(), qPrintable(p.problem + QStringLiteral("\n") + QString::fromUtf8(text)));
        QCOMPARE(p.types.value(QStringLiteral("stevedore_host_memory_total_bytes")), QStringLiteral("gauge"));
        QCOMPARE(p.types.value(QStringLiteral("stevedore_container_write_bytes_total")), QStringLiteral("counter"));
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_host_memory_total_bytes")), double(8ull << 30));
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_host_cpu_percent")), 12.5);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_containers{category=\"ram\"}")), 1.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_containers{category=\"other\"}")), 0.0);
        const QString id0 = s.containers[0].id;
        QCOMPARE(valueOf(p,
                         QStringLiteral("stevedore_container_cpu_percent{id=\"%1\",name=\"stress_0\",category=\"cpu\"}")
                             .arg(id0)),
                 50.0);
        QCOMPARE(valueOf(p,
                         QStringLiteral(
                             "stevedore_container_write_bytes_total{id=\"%1\",name=\"stress_0\",category=\"cpu\"}")
                             .arg(id0)),
                 double(8192 * 5));
        const QString labels0 = QStringLiteral("{id=\"%1\",name=\"stress_0\",category=\"cpu\"}").arg(id0);
        QCOMPARE(p.types.value(QStringLiteral("stevedore_container_network_transmit_bytes_total")),
                 QStringLiteral("counter"));
        QCOMPARE(p.types.value(QStringLiteral("stevedore_container_network_receive_bytes_per_second")),
                 QStringLiteral("gauge"));
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_container_network_transmit_bytes_total") + labels0), 123456.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_container_network_receive_packets_total") + labels0), 77.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_container_network_receive_bytes_per_second") + labels0), 2048.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_container_network_receive_bytes_total") + labels0), 0.0);
        // Escaped: backslash, quote, newline.
        QVERIFY(text.contains("name=\"we\\\"ird\\\\name\\nx\""));
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_receiver_entries_stored_total")), 12.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_receiver_entries_duplicate_total")), 2.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_receiver_requests_rejected_total{code=\"413\"}")), 1.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_receiver_connections_cut_total{reason=\"idle\"}")), 3.0);
        QCOMPARE(valueOf(p, QStringLiteral("stevedore_snapshot_timestamp_seconds{source=\"cgroup\"}")),
                 double(testutil::baseTime().addSecs(4).toSecsSinceEpoch()));
    }

    void withoutSnapshot()
    {
        const QByteArray text = formatPrometheus(nullptr, ReceiverCounters());
        const Parsed p = parse(text);
        QVERIFY2(p.problem.isEmpty(), qPrintable(p.problem));
        QVERIFY(!text.contains("stevedore_host_"));
        QVERIFY(text.contains("stevedore_build_info{version=\"" STEVEDORE_VERSION "\"} 1\n"));
        QCOMPARE(prometheusContentType(), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    }

    void labelEscaping()
    {
        QCOMPARE(prometheusLabelValue(QStringLiteral("a\\b\"c\nd")), QByteArray("a\\\\b\\\"c\\nd"));
        QCOMPARE(prometheusLabelValue(QStringLiteral("ü")), QByteArray("\xc3\xbc"));
    }
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
