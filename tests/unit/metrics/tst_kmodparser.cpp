#include "core/metrics/kmodsource.h"
#include "core/model/kmodjson.h"

#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

class TestKmodParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void originalSample();
    void moduleSample();
    void malformed_data();
    void malformed();
    void hostileInput_data();
    void hostileInput();
    void namesFromCgroupPath_data();
    void namesFromCgroupPath();
    void moduleAdditions();
    void sameAsNlohmann_data();
    void sameAsNlohmann();
    void sameAsNlohmannOnMutations();
    void readerSameAsFresh_data();
    void readerSameAsFresh();
    void readerOnMutations();
    void sourceReusesRecords();
};

namespace {
QByteArray fixture(const char* name)
{
    QFile f(QFINDTESTDATA(QString::fromLatin1("fixtures/") + QLatin1String(name)));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

void TestKmodParser::originalSample()
{
    // The sample output printed in the customer's manual must parse as is.
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(fixture("original_sample.json"), s, &error), qPrintable(error));
    QCOMPARE(s.source, QStringLiteral("kmod"));
    QCOMPARE(s.host.memoryTotalBytes, quint64(31874) * 1024 * 1024);
    QCOMPARE(s.host.memoryAvailableBytes, quint64(17817) * 1024 * 1024);
    QCOMPARE(*s.host.reportedCpuPercent, 16.43);
    QVERIFY(!s.host.hasCpuCounters);
    QCOMPARE(s.containers.size(), 1);
    const RawContainer& c = s.containers.first();
    QCOMPARE(c.pid, qint64(52643));
    QCOMPARE(c.processName, QStringLiteral("stress"));
    QCOMPARE(c.id, QStringLiteral("c87b60cf51b9"));
    QCOMPARE(c.cmdline, QStringLiteral("stress --io 1"));
    QCOMPARE(categoryFromCmdline(c.cmdline), Category::Io);
    QCOMPARE(c.raw.writeOps, quint64(20830));
    QVERIFY(!c.hasCounters);
    QCOMPARE(c.ioSource, IoSource::Reported);

    const Snapshot snap = computeSnapshot(nullptr, s);
    QCOMPARE(snap.system.cpuPercent, 16.43);
    QCOMPARE(snap.containers.first().writeOps, quint64(20830));
}

void TestKmodParser::moduleSample()
{
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(fixture("module_sample.json"), s, &error), qPrintable(error));
    QCOMPARE(s.monotonicNs, qint64(123456789000));
    QCOMPARE(s.host.memoryTotalBytes, quint64(536870912));
    QCOMPARE(s.host.memoryAvailableBytes, quint64(419430400));
    QVERIFY(s.host.hasCpuCounters);
    QCOMPARE(s.host.cpuBusy, quint64(1000000000));
    QCOMPARE(s.host.cpuCount, 2);
    const RawContainer& c = s.containers.first();
    QCOMPARE(c.processName, QStringLiteral("we\"ird\\name")); // escaped in JSON, exact here
    QCOMPARE(c.id.size(), 64);
    QVERIFY(c.hasCounters);
    QCOMPARE(c.raw.cpuNs, quint64(5000000000));
    QCOMPARE(c.raw.memoryBytes, quint64(68157440)); // memcg preferred over RSS
    QCOMPARE(c.raw.rssBytes, quint64(67108864));
    QCOMPARE(c.raw.writeBytes, quint64(1048576));
    QCOMPARE(c.raw.tasks, quint32(2));
    QCOMPARE(c.ioSource, IoSource::Kmod);

    // Rates from two reads of the module: 1 s apart, 0.5 s of CPU = 50 %.
    RawSample later = s;
    later.monotonicNs += 1000000000;
    later.containers[0].raw.cpuNs += 500000000;
    later.host.cpuBusy += 1000000000;
    later.host.cpuTotal += 2000000000;
    const Snapshot snap = computeSnapshot(&s, later);
    QCOMPARE(snap.containers.first().cpuPercent, 50.0);
    QCOMPARE(snap.system.cpuPercent, 50.0);
}

void TestKmodParser::malformed_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("mention");

    const QByteArray good = fixture("module_sample.json");
    QTest::newRow("empty") << QByteArray() << "malformed JSON";
    QTest::newRow("truncated") << good.left(good.size() / 2) << "malformed JSON at byte";
    QTest::newRow("not an object") << QByteArray("[1,2]") << "top level";
    QTest::newRow("no Memory") << QByteArray(R"({"Docker_Containers": []})") << "Memory";
    QTest::newRow("list not array") << QByteArray(
        R"({"Memory": {"Total_Memory_MB": 1, "Free_Memory_MB": 1, "Used_Memory_MB": 0,
                      "CPU_Usage_Percentage": 0}, "Docker_Containers": {}})")
                                    << "Docker_Containers must be an array";
    QByteArray wrongType = good;
    wrongType.replace("\"PID\": 42", "\"PID\": \"42\"");
    QTest::newRow("PID is a string") << wrongType << "Docker_Containers[0].PID must be a number";
    QByteArray negative = good;
    negative.replace("\"MemoryUsage_MB\": 64", "\"MemoryUsage_MB\": -64");
    QTest::newRow("negative") << negative << "MemoryUsage_MB must not be negative";
    QByteArray noId = good;
    noId.replace("\"ContainerID\"", "\"ContainerId\"");
    QTest::newRow("missing ContainerID") << noId << "ContainerID is missing";
    QByteArray badRaw = good;
    badRaw.replace("\"cpu_ns\": 5000000000", "\"cpu_ns\": null");
    QTest::newRow("raw counter missing") << badRaw << "Raw.cpu_ns is missing";
    QByteArray hugePid = good;
    hugePid.replace("\"PID\": 42", "\"PID\": 1e300");
    QTest::newRow("PID beyond qint64") << hugePid << "PID is out of range";
    QByteArray hugeCount = good;
    hugeCount.replace("\"CPU_Count\": 2", "\"CPU_Count\": 4294967296");
    QTest::newRow("CPU_Count beyond int") << hugeCount << "CPU_Count is out of range";
}

// What issue 10 reproduced against the receiver, aimed at this parser: it
// must return an error, not throw (1e400 is nlohmann's out_of_range) nor
// recurse 120 000 levels deep.
void TestKmodParser::hostileInput_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("mention");
    const QByteArray good = fixture("module_sample.json");
    QByteArray inf = good;
    inf.replace("\"PID\": 42", "\"PID\": 1e400");
    QTest::newRow("1e400 in a field") << inf << "invalid JSON";
    QTest::newRow("1e400 alone") << QByteArray("1e400") << "invalid JSON";
    const int deep = 120000;
    QByteArray nested = QByteArray(deep, '[') + QByteArray(deep, ']');
    QTest::newRow("120000 nested arrays") << nested << "nested deeper than";
    QByteArray extra = good;
    const QByteArray deepField
        = QByteArray("\"Extra\": ") + QByteArray(deep, '[') + QByteArray(deep, ']') + ", \"Memory\": {";
    extra.replace(QByteArray("\"Memory\": {"), deepField);
    QTest::newRow("valid document with a deep extra field") << extra << "nested deeper than";
    QTest::newRow("unterminated deep") << QByteArray(deep, '{') << "nested deeper than";
    // Brackets inside strings do not count as nesting.
    QByteArray brackets = good;
    const QByteArray bracketed = QByteArray("\"Cmdline\": \"") + QByteArray(100, '[') + "\\\"";
    brackets.replace(QByteArray("\"Cmdline\": \""), bracketed);
    QTest::newRow("brackets in a string are fine") << brackets << QString();
}

void TestKmodParser::hostileInput()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, mention);
    RawSample s;
    QString error;
    const bool ok = parseKmodJson(text, s, &error);
    if (mention.isEmpty()) {
        QVERIFY2(ok, qPrintable(error));
        return;
    }
    QVERIFY(!ok);
    QVERIFY2(error.contains(mention), qPrintable(error));
}

void TestKmodParser::namesFromCgroupPath_data()
{
    const QString id = QStringLiteral("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    QTest::addColumn<QString>("cgroup");
    QTest::addColumn<QString>("expected");
    QTest::newRow("kubelet cgroupfs") << QStringLiteral("/kubepods/burstable/pod1c2d3e4f-aaaa-bbbb-cccc-0123456789ab/")
            + id << id;
    QTest::newRow("nerdctl cgroupfs") << QStringLiteral("/default/") + id << id;
    QTest::newRow("nerdctl systemd") << QStringLiteral("/system.slice/nerdctl-") + id + QStringLiteral(".scope") << id;
    QTest::newRow("--cgroup-parent") << QStringLiteral("/my-parent/") + id << id;
    // A reader in a cgroup namespace rooted at the container sees "/": the
    // module's own id stays.
    QTest::newRow("cgroup namespace root") << QStringLiteral("/") << QStringLiteral("c0ffee");
}

// The module reports the cgroup path; KmodSource names the container from it.
void TestKmodParser::namesFromCgroupPath()
{
    QFETCH(QString, cgroup);
    QFETCH(QString, expected);
    QByteArray text = fixture("module_sample.json");
    const qsizetype at = text.indexOf("\"Cgroup\": \"");
    QVERIFY(at > 0);
    const qsizetype end = text.indexOf('"', at + 11);
    text.replace(at + 11, end - at - 11, cgroup.toUtf8());
    const qsizetype idAt = text.indexOf("\"ContainerID\": \"");
    QVERIFY(idAt > 0);
    const qsizetype idEnd = text.indexOf('"', idAt + 16);
    text.replace(idAt + 16, idEnd - idAt - 16, "c0ffee");
    RawSample s;
    QString error;
    QVERIFY2(KmodSource::parse(text, s, &error), qPrintable(error));
    QCOMPARE(s.containers.size(), 1);
    QCOMPARE(s.containers.first().cgroupPath, cgroup);
    QCOMPARE(s.containers.first().id, expected);
}

// Fields the periodic-snapshot module adds: a hidden argv is null, the
// sources of CPU and I/O figures are strings.
void TestKmodParser::moduleAdditions()
{
    QByteArray text = fixture("module_sample.json");
    text.replace(QByteArray("\"Cgroup\""),
                 QByteArray("\"CPU_Source\": \"cgroup\", \"IO_Source\": \"tasks\", \"Cgroup\""));
    const qsizetype at = text.indexOf("\"Cmdline\": \"");
    QVERIFY(at > 0);
    const qsizetype end = text.indexOf("\",", at + 12);
    text.replace(at + 11, end + 1 - at - 11, "null");
    RawSample s;
    QString error;
    QVERIFY2(parseKmodJson(text, s, &error), qPrintable(error));
    QVERIFY(s.containers.first().cmdline.isEmpty());
    text.replace("\"CPU_Source\": \"cgroup\"", "\"CPU_Source\": 1");
    QVERIFY(!parseKmodJson(text, s, &error));
    QVERIFY2(error.contains(QStringLiteral("CPU_Source must be a string")), qPrintable(error));
}

void TestKmodParser::malformed()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, mention);
    RawSample s;
    s.source = QStringLiteral("untouched");
    QString error;
    QVERIFY(!parseKmodJson(text, s, &error));
    QVERIFY2(error.contains(mention), qPrintable(error));
    QCOMPARE(s.source, QStringLiteral("untouched")); // nothing half-filled on failure
}

namespace {
QString describe(const RawSample& s)
{
    QString out = QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8|")
                      .arg(s.monotonicNs)
                      .arg(s.host.memoryTotalBytes)
                      .arg(s.host.memoryFreeBytes)
                      .arg(s.host.memoryAvailableBytes)
                      .arg(s.host.cpuBusy)
                      .arg(s.host.cpuTotal)
                      .arg(s.host.cpuCount)
                      .arg(s.host.reportedCpuPercent.value_or(-1));
    for (const RawContainer& c : s.containers) {
        out += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 ")
                   .arg(c.id, c.processName, c.cmdline, c.cgroupPath)
                   .arg(c.pid)
                   .arg(c.raw.cpuNs)
                   .arg(c.raw.memoryBytes)
                   .arg(c.raw.readBytes)
                   .arg(c.raw.writeBytes);
        out += QStringLiteral("%1 %2 %3 %4 %5 %6|")
                   .arg(c.raw.readOps)
                   .arg(c.raw.writeOps)
                   .arg(c.raw.tasks)
                   .arg(c.hasCounters)
                   .arg(c.reportedCpuPercent.value_or(-1))
                   .arg(c.reportedMemoryPercent.value_or(-1));
    }
    return out;
}

struct Outcome
{
    const char* parser;
    bool ok;
    const QString& error;
    const RawSample& sample;
};

// The same verdict, the same error on failure, the same figures on success.
bool sameOutcome(const Outcome& a, const Outcome& b, QString* why)
{
    if (a.ok != b.ok || (!a.ok && a.error != b.error)) {
        *why = QStringLiteral("%1: %2 (%3), %4: %5 (%6)")
                   .arg(QLatin1String(a.parser))
                   .arg(a.ok)
                   .arg(a.error, QLatin1String(b.parser))
                   .arg(b.ok)
                   .arg(b.error);
        return false;
    }
    if (a.ok && describe(a.sample) != describe(b.sample)) {
        *why = QStringLiteral("different figures:\n%1\n%2").arg(describe(a.sample), describe(b.sample));
        return false;
    }
    return true;
}

// The text parser (a scanner of its own) against nlohmann's DOM parser
// followed by the same field checks: the same verdict, the same figures,
// and the same message for every error that is not one of syntax.
bool sameAsDom(const QByteArray& text, QString* why)
{
    RawSample mine;
    QString myError;
    const bool myOk = parseKmodJson(text, mine, &myError);
    const nlohmann::json doc = nlohmann::json::parse(text.constBegin(), text.constEnd(), nullptr, false);
    if (doc.is_discarded()) {
        if (myOk)
            *why = QStringLiteral("accepted what nlohmann refuses");
        return !myOk;
    }
    RawSample theirs;
    QString theirError;
    const bool theirOk = parseKmodJson(doc, theirs, &theirError);
    if (!myOk && myError.contains(QLatin1String("nested deeper")))
        return true; // the depth cap, which the DOM overload does not apply
    return sameOutcome({ "text", myOk, myError, mine }, { "DOM", theirOk, theirError, theirs }, why);
}
} // namespace

void TestKmodParser::sameAsNlohmann_data()
{
    QTest::addColumn<QByteArray>("text");
    const QByteArray good = fixture("module_sample.json");
    const QByteArray original = fixture("original_sample.json");
    QTest::newRow("module sample") << good;
    QTest::newRow("original sample") << original;
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF") + good;
    QTest::newRow("half a byte order mark") << QByteArray("\xEF\xBB") + good;
    QTest::newRow("trailing text") << good + "x";
    QTest::newRow("trailing space") << good + " \n\t\r";
    QTest::newRow("two documents") << good + good;
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("spaces") << QByteArray("  ");
    const auto withName = [&](const QByteArray& name) {
        QByteArray t = good;
        const qsizetype at = t.indexOf("\"Name\": \"") + 9;
        t.insert(at, name);
        return t;
    };
    QTest::newRow("escapes") << withName(R"(\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac)");
    QTest::newRow("surrogate pair") << withName(R"(\ud83d\ude00)");
    QTest::newRow("lone high surrogate") << withName(R"(\ud83d)");
    QTest::newRow("lone low surrogate") << withName(R"(\ude00)");
    QTest::newRow("high then not low") << withName(R"(\ud83d\u0041)");
    QTest::newRow("NUL escape") << withName(R"(\u0000)");
    QTest::newRow("bad escape") << withName(R"(\x41)");
    QTest::newRow("short \\u") << withName(R"(\u12)");
    QTest::newRow("raw tab") << withName("\t");
    QTest::newRow("raw DEL") << withName("\x7f");
    QTest::newRow("UTF-8") << withName("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    QTest::newRow("overlong") << withName("\xc0\xaf");
    QTest::newRow("UTF-16 surrogate in UTF-8") << withName("\xed\xa0\x80");
    QTest::newRow("above U+10FFFF") << withName("\xf4\x90\x80\x80");
    QTest::newRow("truncated sequence") << withName("\xe2\x82");
    QTest::newRow("stray continuation") << withName("\x80");
    const auto withPid = [&](const QByteArray& pid) {
        QByteArray t = good;
        t.replace(QByteArray("\"PID\": 42"), QByteArray(QByteArray("\"PID\": ") + pid));
        return t;
    };
    for (const char* n : { "0",
                           "-0",
                           "00",
                           "01",
                           "-",
                           "1.",
                           ".5",
                           "1.5",
                           "1e5",
                           "1E+2",
                           "1e-2",
                           "1e",
                           "-1",
                           "18446744073709551615",
                           "18446744073709551616",
                           "9223372036854775807",
                           "-9223372036854775808",
                           "-9223372036854775809",
                           "1e308",
                           "1e309",
                           "-1e400",
                           "+1",
                           "0x10",
                           "1_000",
                           "Infinity",
                           "NaN",
                           "true",
                           "tru",
                           "null",
                           "nul",
                           "[]",
                           "{}" })
        QTest::newRow(qPrintable(QStringLiteral("PID %1").arg(QLatin1String(n)))) << withPid(n);
    QTest::newRow("duplicate key: last wins") << withPid("42, \"PID\": 7");
    QTest::newRow("duplicate Raw") << QByteArray(good).replace("\"Raw\": {", "\"Raw\": 5, \"Raw\": {");
    QTest::newRow("duplicate list") << QByteArray(good).replace("\"Docker_Containers\":",
                                                                "\"Docker_Containers\": [1], \"Docker_Containers\":");
    QTest::newRow("trailing comma") << QByteArray(R"({"Memory": {"Total_Memory_MB": 1,}, "Docker_Containers": []})");
    QTest::newRow("missing comma") << QByteArray(R"({"Memory": {} "Docker_Containers": []})");
    QTest::newRow("colon in array") << QByteArray(R"({"Memory": {}, "Docker_Containers": [1:2]})");
    QTest::newRow("number key") << QByteArray(R"({1: 2})");
    QTest::newRow("scalar document") << QByteArray("42");
    QTest::newRow("string document") << QByteArray("\"x\"");
}

void TestKmodParser::sameAsNlohmann()
{
    QFETCH(QByteArray, text);
    QString why;
    QVERIFY2(sameAsDom(text, &why), qPrintable(why));
}

namespace {
// One random edit of text with a byte that matters to JSON: kind 0 replaces
// a byte, 1 inserts one, 2 removes 1 to 4. The kind is drawn from
// [0, kinds); one of 3 or more is the caller's own edit, left to it.
int editOnce(QByteArray& text, QRandomGenerator& rng, quint32 kinds)
{
    static const char interesting[] = "{}[],:\"\\0123456789-+.eEtrufalsn \t\n\x01\x7f\x80\xbf\xc3\xe2\xed\xf0\xf4\xff";
    const qsizetype at = qsizetype(rng.bounded(quint32(text.size())));
    const char c = interesting[rng.bounded(quint32(sizeof interesting - 1))];
    const int kind = int(rng.bounded(kinds));
    switch (kind) {
    case 0:
        text[at] = c;
        break;
    case 1:
        text.insert(at, c);
        break;
    case 2:
        text.remove(at, 1 + qsizetype(rng.bounded(4)));
        break;
    default:
        break;
    }
    return kind;
}
} // namespace

void TestKmodParser::sameAsNlohmannOnMutations()
{
    // Thousands of small corruptions of real documents, with a fixed seed.
    const QByteArray docs[] = { fixture("module_sample.json"), fixture("original_sample.json") };
    QRandomGenerator rng(16);
    for (int round = 0; round < 4000; ++round) {
        QByteArray text = docs[round % 2];
        const int edits = 1 + int(rng.bounded(3));
        for (int e = 0; e < edits && !text.isEmpty(); ++e)
            editOnce(text, rng, 3);
        QString why;
        QVERIFY2(sameAsDom(text, &why),
                 qPrintable(QStringLiteral("round %1: %2\n%3")
                                .arg(round)
                                .arg(why, QString::fromUtf8(text.toPercentEncoding(" {}[],:\"")))));
    }
}

namespace {
// A container's record as the module prints it (no time in it: an idle
// container prints the same bytes every snapshot).
QByteArray record(char id, quint64 cpuNs)
{
    const QByteArray hex(64, id);
    return QByteArray(R"({"PID": )") + QByteArray::number(int(id)) + R"(, "Name": "stress", "ContainerID": ")" + hex
        + R"(", "Cmdline": "stress --cpu 1", "MemoryUsage_percent": 0.5, "MemoryUsage_MB": 2,)"
        + R"( "CPUUsage_percent": 0.0, "DiskUse_MB": 0, "Write_KBytes": 0, "Read_KBytes": 0,)"
        + R"( "IOReadOps": 0, "IOWriteOps": 0, "Cgroup": "/docker/)" + hex + R"(", "Raw": {"cpu_ns": )"
        + QByteArray::number(cpuNs)
        + R"(, "rss_bytes": 1, "memcg_bytes": 2, "read_bytes": 3, "write_bytes": 4, "tasks": 1}})";
}

QByteArray document(const QList<QByteArray>& records, const QByteArray& memoryExtra = {})
{
    return R"({"Timestamp_ns": 5, "Memory": {"Total_Memory_MB": 512, "Free_Memory_MB": 400,)"
           R"( "Used_Memory_MB": 112, "CPU_Usage_Percentage": 1.5)"
        + memoryExtra + R"(}, "Docker_Containers": [)" + records.join(",\n ") + "]}\n";
}

// The reader's verdict, error and figures against a fresh parse named the
// same way (KmodSource::parse).
bool readerAgrees(KmodJsonReader& reader, const QByteArray& text, QString* why)
{
    RawSample viaReader, fresh;
    QString readerError, freshError;
    const bool readerOk = reader.parse(text, viaReader, &readerError);
    const bool freshOk = KmodSource::parse(text, fresh, &freshError);
    return sameOutcome({ "reader", readerOk, readerError, viaReader }, { "fresh", freshOk, freshError, fresh }, why);
}

} // namespace

void TestKmodParser::readerSameAsFresh_data()
{
    QTest::addColumn<QList<QByteArray>>("sequence");
    QTest::addColumn<int>("reused"); // records not parsed again in the last document
    const QByteArray a = record('a', 100), b = record('b', 200), c = record('c', 300);
    const QByteArray movedB = record('b', 201), n = record('d', 0);
    QTest::newRow("unchanged") << QList<QByteArray> { document({ a, b, c }), document({ a, b, c }) } << 3;
    QTest::newRow("one moved") << QList<QByteArray> { document({ a, b, c }), document({ a, movedB, c }) } << 2;
    QTest::newRow("one gone") << QList<QByteArray> { document({ a, b, c }), document({ a, c }) } << 2;
    QTest::newRow("one new in front") << QList<QByteArray> { document({ a, b, c }), document({ n, a, b, c }) } << 3;
    QTest::newRow("reversed") << QList<QByteArray> { document({ a, b, c }), document({ c, b, a }) } << 1;
    QTest::newRow("empty list") << QList<QByteArray> { document({ a, b }), document({}) } << 0;
    QTest::newRow("first document") << QList<QByteArray> { document({ a, b }) } << 0;
    QTest::newRow("a failed read keeps the records")
        << QList<QByteArray> { document({ a, b }), QByteArray("{\"Memory\": "), document({ a, b }) } << 2;
    QTest::newRow("a refused document keeps the records")
        << QList<QByteArray> { document({ a, b }), document({ a, b, "7" }), document({ a, b }) } << 2;
    const auto edited = [](const QByteArray& text, const QByteArray& from, const QByteArray& to) {
        return QByteArray(text).replace(from, to);
    };
    const QByteArray ab = document({ a, b });
    QTest::newRow("known record, then junk")
        << QList<QByteArray> { ab, edited(ab, QByteArray(b + "]"), QByteArray(b + " x]")) } << 0;
    QTest::newRow("known record, then a second value")
        << QList<QByteArray> { document({ a }), edited(document({ a }), QByteArray(a + "]"), QByteArray(a + " {}]")) }
        << 0;
    QTest::newRow("known record, missing comma") << QList<QByteArray> { ab, edited(ab, QByteArray(a + ","), a) } << 0;
    QTest::newRow("known record outside the list")
        << QList<QByteArray> { document({ a }), document({}, QByteArray(", \"Extra\": " + a)) } << 0;
    QTest::newRow("known record after the list")
        << QList<QByteArray> { document({ a }),
                               edited(document({ a }), "]}\n", QByteArray("], \"Extra\": " + a + "}")) }
        << 1;
    QTest::newRow("known record in an unknown array after the list")
        << QList<QByteArray> { document({ a }),
                               edited(document({ a }), "]}\n", QByteArray("], \"Extra\": [" + a + "]}")) }
        << 1;
    QTest::newRow("known record under a duplicate list") << QList<QByteArray> {
        ab,
        edited(ab, "\"Docker_Containers\":", QByteArray("\"Docker_Containers\": [" + a + "], \"Docker_Containers\":"))
    } << 2;
    QTest::newRow("list is not an array")
        << QList<QByteArray> { document({ a }),
                               edited(document({ a }), QByteArray("[" + a + "]"), QByteArray("{\"x\": " + a + "}")) }
        << 0;
}

void TestKmodParser::readerSameAsFresh()
{
    QFETCH(QList<QByteArray>, sequence);
    QFETCH(int, reused);
    KmodJsonReader reader(&KmodSource::nameFromCgroup);
    for (qsizetype i = 0; i < sequence.size(); ++i) {
        QString why;
        QVERIFY2(readerAgrees(reader, sequence[i], &why),
                 qPrintable(QStringLiteral("document %1: %2").arg(i).arg(why)));
    }
    QCOMPARE(reader.reusedLastTime(), reused);
}

void TestKmodParser::sourceReusesRecords()
{
    // KmodSource::sample() as the service calls it every tick, on a file.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("container_sysinfo"));
    const auto write = [&](const QByteArray& text) {
        QFile f(path);
        return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
    };
    const QByteArray a = record('a', 100), b = record('b', 200);
    KmodSource source(path);
    RawSample first, second, fresh;
    QString error;
    QVERIFY(write(document({ a, b })));
    QVERIFY2(source.sample(first, &error), qPrintable(error));
    QCOMPARE(source.recordsReused(), 0);
    QVERIFY(write(document({ a, record('b', 250) })));
    QVERIFY2(source.sample(second, &error), qPrintable(error));
    QCOMPARE(source.recordsReused(), 1);
    QVERIFY(KmodSource::parse(document({ a, record('b', 250) }), fresh, &error));
    QCOMPARE(describe(second), describe(fresh));
    QCOMPARE(second.containers.at(0).id, QString(64, QLatin1Char('a'))); // named from the cgroup path
    QCOMPARE(second.containers.at(1).raw.cpuNs, quint64(250));
}

void TestKmodParser::readerOnMutations()
{
    // One reader fed a stream of documents, most of them small corruptions
    // of the one before: every verdict, error and figure must be a fresh
    // parse's, whatever the reader kept from earlier documents.
    QList<QByteArray> records;
    for (int i = 0; i < 8; ++i)
        records.append(record(char('a' + i), quint64(i) * 1000));
    const QByteArray clean = document(records);
    QRandomGenerator rng(17);
    KmodJsonReader reader(&KmodSource::nameFromCgroup);
    int reusedTotal = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray text = clean;
        if (round % 3 != 0) {
            const int edits = 1 + int(rng.bounded(2));
            for (int e = 0; e < edits && !text.isEmpty(); ++e) {
                if (editOnce(text, rng, 4) == 3) // a whole record moves or goes
                    text = document(QList<QByteArray>(records).mid(qsizetype(rng.bounded(3))));
            }
        }
        QString why;
        QVERIFY2(readerAgrees(reader, text, &why),
                 qPrintable(QStringLiteral("round %1: %2\n%3")
                                .arg(round)
                                .arg(why, QString::fromUtf8(text.toPercentEncoding(" {}[],:\"")))));
        reusedTotal += reader.reusedLastTime();
    }
    // The stream must have exercised reuse, or the comparison proves nothing.
    QVERIFY2(reusedTotal > 3000, qPrintable(QString::number(reusedTotal)));
}

QTEST_GUILESS_MAIN(TestKmodParser)
#include "tst_kmodparser.moc"
