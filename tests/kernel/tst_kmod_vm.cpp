// Judges the serial log written by tests/kernel/run-vm.sh (the VM boot runs
// once per kernel, as the ctest fixture kmod_vm_<flavour>): every JSON document the module produced
// must parse with Stevedore's own parser (parseKmodJson), and its figures must
// agree with the ground truth /init read from /proc and the cgroup files
// just before and just after each read. Log format: see init-test.sh.
#include "core/metrics/kmodsource.h"
#include "core/model/kmodjson.h"
#include "core/model/snapshot.h"

#include <nlohmann/json.hpp>

#include <QCryptographicHash>
#include <QFile>
#include <QHash>
#include <QList>
#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>
#include <QTest>

#include <algorithm>
#include <cmath>

namespace {
using Fields = QHash<QString, QString>;

constexpr quint64 kMiB = 1024 * 1024;
constexpr quint64 kTaintOutOfTree = 1 << 12; // 'O'
constexpr quint64 kTaintUnsigned = 1 << 13; // 'E'

QString logPath()
{
    const QByteArray env = qgetenv("STEVEDORE_KMOD_VM_LOG");
    if (!env.isEmpty())
        return QString::fromLocal8Bit(env);
    return QStringLiteral(STEVEDORE_KMOD_VM_LOG_DEFAULT);
}

// "key=value key=value": values never contain spaces (ids, hex, numbers).
Fields parseFields(const QByteArray& line)
{
    Fields f;
    const QList<QByteArray> parts = line.split(' ');
    for (const QByteArray& part : parts) {
        const qsizetype eq = part.indexOf('=');
        if (eq > 0)
            f.insert(QString::fromUtf8(part.left(eq)), QString::fromUtf8(part.mid(eq + 1)));
    }
    return f;
}

QByteArray fromHex(const QString& hex)
{
    return QByteArray::fromHex(hex.toLatin1());
}

// What /proc/<pid>/comm holds, without its newline.
QString commFromHex(const QString& hex)
{
    QByteArray b = fromHex(hex);
    if (b.endsWith('\n'))
        b.chop(1);
    return QString::fromUtf8(b);
}

// /proc/<pid>/cmdline: NUL-separated argv, joined with spaces.
QString cmdlineFromHex(const QString& hex)
{
    QByteArray b = fromHex(hex);
    while (b.endsWith('\0'))
        b.chop(1);
    b.replace('\0', ' ');
    return QString::fromUtf8(b);
}

QString idFor(const char* label)
{
    return QString::fromLatin1(QCryptographicHash::hash(QByteArray(label), QCryptographicHash::Sha256).toHex());
}

// `"Key": value,` as the module prints it.
bool hasField(const QByteArray& json, const char* key, quint64 value)
{
    QByteArray needle = QByteArray("\"") + key;
    needle += "\": ";
    needle += QByteArray::number(value);
    needle += ',';
    return json.contains(needle);
}

nlohmann::json jsonOf(const QByteArray& text)
{
    return nlohmann::json::parse(text.constBegin(), text.constEnd(), nullptr, false);
}

// "CPU_Source" of the container with `id` in a document, as the module wrote it.
QString cpuSource(const QByteArray& text, const QString& id)
{
    const nlohmann::json doc = jsonOf(text);
    if (!doc.is_object())
        return {};
    for (const nlohmann::json& c : doc.at("Docker_Containers")) {
        if (QString::fromStdString(c.at("ContainerID").get<std::string>()) == id)
            return QString::fromStdString(c.value("CPU_Source", std::string()));
    }
    return {};
}

const RawContainer* findContainer(const RawSample& s, const QString& id)
{
    for (const RawContainer& c : s.containers) {
        if (c.id == id)
            return &c;
    }
    return nullptr;
}

struct VmLog
{
    bool loaded = false;
    QMap<QString, QByteArray> documents; // read label -> JSON text
    QStringList documentOrder;
    QList<Fields> containers; // @@CONTAINER lines
    QHash<QString, Fields> groundTruth; // "label|read|when"
    QHash<QString, QString> results; // @@RESULT key=value
    Fields host;
    QStringList failures;
    QStringList dmesg;
    bool done = false;
    QString endStatus;
};

VmLog readLog(const QString& path, QString* error)
{
    VmLog log;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2 (did the kmod_vm_boot_<flavour> fixture run?)")
                     .arg(path, file.errorString());
        return log;
    }
    QByteArray text = file.readAll();
    text.replace("\r", "");
    const QList<QByteArray> lines = text.split('\n');
    QString current;
    QByteArray body;
    for (const QByteArray& line : lines) {
        if (!current.isEmpty()) {
            if (line == "@@JSON-END " + current.toUtf8()) {
                log.documents.insert(current, body);
                log.documentOrder.append(current);
                current.clear();
            } else {
                body += line;
                body += '\n';
            }
            continue;
        }
        if (line.startsWith("@@JSON-BEGIN ")) {
            current = QString::fromUtf8(line.mid(13));
            body.clear();
        } else if (line.startsWith("@@CONTAINER ")) {
            log.containers.append(parseFields(line.mid(12)));
        } else if (line.startsWith("@@GT ")) {
            const Fields f = parseFields(line.mid(5));
            log.groundTruth.insert(f.value(QStringLiteral("label")) + QLatin1Char('|') + f.value(QStringLiteral("read"))
                                       + QLatin1Char('|') + f.value(QStringLiteral("when")),
                                   f);
        } else if (line.startsWith("@@RESULT ")) {
            const Fields f = parseFields(line.mid(9));
            for (auto it = f.begin(); it != f.end(); ++it)
                log.results.insert(it.key(), it.value());
        } else if (line.startsWith("@@HOST ")) {
            log.host = parseFields(line.mid(7));
        } else if (line.startsWith("@@FAIL ")) {
            log.failures.append(QString::fromUtf8(line.mid(7)));
        } else if (line.startsWith("@@DMESG ")) {
            log.dmesg.append(QString::fromUtf8(line.mid(8)));
        } else if (line.startsWith("@@DONE")) {
            log.done = true;
        } else if (line.startsWith("@@END ")) {
            log.endStatus = parseFields(line.mid(6)).value(QStringLiteral("status"));
        }
    }
    if (!current.isEmpty())
        log.failures.append(QStringLiteral("document %1 has no end marker (VM died mid-write?)").arg(current));
    log.loaded = true;
    return log;
}

// The reads bracketed by ground truth, and the containers each one covers.
const char* const kMeasuredReads[] = { "v1-1", "v1-2", "v2-1", "v2-2" };

QString phaseOf(const QString& read)
{
    return read.section(QLatin1Char('-'), 0, 0);
}
} // namespace

class TestKmodVm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void vmRanToTheEnd();
    void documentParses_data();
    void documentParses();
    void originalFieldsMatchRaw_data();
    void originalFieldsMatchRaw();
    void containerReported_data();
    void containerReported();
    void countersMatchGroundTruth_data();
    void countersMatchGroundTruth();
    void namesRoundTrip_data();
    void namesRoundTrip();
    void spinnerUsesOneCore();
    void cpuPercentFollowsCounters_data();
    void cpuPercentFollowsCounters();
    void allocatorMemory_data();
    void allocatorMemory();
    void writerBlockIo();
    void threadCount_data();
    void threadCount();
    void nestedCgroupsAggregate();
    void onlyContainersReported_data();
    void onlyContainersReported();
    void hostFigures_data();
    void hostFigures();
    void cpuPercentClamped_data();
    void cpuPercentClamped();
    void accessResults_data();
    void accessResults();
    void accessViews_data();
    void accessViews();
    void forkHeavyMatchesCpuStat();
    void fuseArgvDoesNotStall();
    void twoHundredContainers();
    void churnReads();
    void loadUnload_data();
    void loadUnload();
    void kernelLogClean();

private:
    const RawSample& sample(const QString& read);
    const Fields* containerMeta(const QString& phase, const QString& label) const;
    const Fields& truth(const QString& label, const QString& read, const QString& when);
    void addContainerRows();

    VmLog m_log;
    QHash<QString, RawSample> m_samples;
    QHash<QString, QString> m_parseErrors;
    Fields m_empty;
};

void TestKmodVm::initTestCase()
{
    QString error;
    m_log = readLog(logPath(), &error);
    QVERIFY2(m_log.loaded, qPrintable(error));
    for (const QString& read : std::as_const(m_log.documentOrder)) {
        RawSample s;
        QString err;
        if (KmodSource::parse(m_log.documents.value(read), s, &err))
            m_samples.insert(read, s);
        else
            m_parseErrors.insert(read, err);
    }
}

const RawSample& TestKmodVm::sample(const QString& read)
{
    static const RawSample none;
    const auto it = m_samples.constFind(read);
    return it == m_samples.constEnd() ? none : *it;
}

const Fields* TestKmodVm::containerMeta(const QString& phase, const QString& label) const
{
    for (const Fields& f : m_log.containers) {
        if (f.value(QStringLiteral("phase")) == phase && f.value(QStringLiteral("label")) == label)
            return &f;
    }
    return nullptr;
}

const Fields& TestKmodVm::truth(const QString& label, const QString& read, const QString& when)
{
    const auto it = m_log.groundTruth.constFind(label + QLatin1Char('|') + read + QLatin1Char('|') + when);
    return it == m_log.groundTruth.constEnd() ? m_empty : *it;
}

// Rows "read/label" for every container the VM announced in that read's phase.
void TestKmodVm::addContainerRows()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<QString>("label");
    bool any = false;
    for (const char* read : kMeasuredReads) {
        const QString r = QString::fromLatin1(read);
        for (const Fields& f : std::as_const(m_log.containers)) {
            if (f.value(QStringLiteral("phase")) == phaseOf(r)) {
                QTest::addRow("%s/%s", read, qPrintable(f.value(QStringLiteral("label"))))
                    << r << f.value(QStringLiteral("label"));
                any = true;
            }
        }
    }
    // No rows would make QtTest run the test without data and abort in QFETCH.
    if (!any)
        QTest::newRow("no containers in the log") << QStringLiteral("v2-1") << QStringLiteral("none");
}

void TestKmodVm::vmRanToTheEnd()
{
    QVERIFY2(m_log.failures.isEmpty(), qPrintable(m_log.failures.join(QStringLiteral("\n"))));
    QVERIFY2(m_log.done, "the VM script never reached @@DONE (see console.log next to the serial log)");
    QCOMPARE(m_log.endStatus, QStringLiteral("0"));
    QCOMPARE(m_log.containers.size(), 13); // 2 on cgroup v1, 11 on cgroup v2
}

void TestKmodVm::documentParses_data()
{
    QTest::addColumn<QString>("read");
    for (const char* read : kMeasuredReads)
        QTest::newRow(read) << QString::fromLatin1(read);
    QTest::newRow("procname") << QStringLiteral("procname");
    for (const QString& read : std::as_const(m_log.documentOrder)) {
        if (!QList<QString>({ QStringLiteral("v1-1"), QStringLiteral("v1-2"), QStringLiteral("v2-1"),
                              QStringLiteral("v2-2"), QStringLiteral("procname") })
                 .contains(read))
            QTest::newRow(qPrintable(read)) << read;
    }
}

void TestKmodVm::documentParses()
{
    QFETCH(QString, read);
    QVERIFY2(m_log.documents.contains(read), "document missing from the serial log");
    QVERIFY2(m_samples.contains(read), qPrintable(m_parseErrors.value(read)));
    const RawSample& s = sample(read);
    QCOMPARE(s.source, QStringLiteral("kmod"));
    QVERIFY(s.monotonicNs > 0);
    QVERIFY(s.host.hasCpuCounters);
    QSet<QString> ids;
    for (const RawContainer& c : s.containers) {
        QCOMPARE(c.id.size(), 64);
        QVERIFY2(!ids.contains(c.id), qPrintable(QStringLiteral("container %1 reported twice").arg(c.id)));
        ids.insert(c.id);
        QVERIFY(c.hasCounters);
        QCOMPARE(c.ioSource, IoSource::Kmod);
        QVERIFY(c.reportedCpuPercent.has_value());
        QVERIFY(c.raw.tasks >= 1);
    }
}

void TestKmodVm::originalFieldsMatchRaw_data()
{
    documentParses_data();
}

// The original's rounded figures are derived from the Raw counters printed next
// to them (the parser prefers Raw, so check the JSON itself).
void TestKmodVm::originalFieldsMatchRaw()
{
    QFETCH(QString, read);
    const QByteArray text = m_log.documents.value(read);
    const nlohmann::json doc = nlohmann::json::parse(text.constBegin(), text.constEnd(), nullptr, false);
    QVERIFY(doc.is_object());
    const nlohmann::json& mem = doc.at("Memory");
    const quint64 total = mem.at("Total_Memory_Bytes").get<quint64>();
    const quint64 avail = mem.at("Available_Memory_Bytes").get<quint64>();
    QCOMPARE(mem.at("Total_Memory_MB").get<quint64>(), total / kMiB);
    QCOMPARE(mem.at("Free_Memory_MB").get<quint64>(), avail / kMiB);
    QCOMPARE(mem.at("Available_Memory_MB").get<quint64>(), avail / kMiB);
    QCOMPARE(mem.at("Used_Memory_MB").get<quint64>(), (total - avail) / kMiB);
    for (const nlohmann::json& c : doc.at("Docker_Containers")) {
        const nlohmann::json& raw = c.at("Raw");
        const quint64 memcg = raw.at("memcg_bytes").get<quint64>();
        const quint64 memory = memcg ? memcg : raw.at("rss_bytes").get<quint64>();
        const quint64 rb = raw.at("read_bytes").get<quint64>();
        const quint64 wb = raw.at("write_bytes").get<quint64>();
        QCOMPARE(c.at("MemoryUsage_MB").get<quint64>(), memory / kMiB);
        QCOMPARE(c.at("DiskUse_MB").get<quint64>(), (rb + wb) / kMiB);
        QCOMPARE(c.at("Write_KBytes").get<quint64>(), wb / 1024);
        QCOMPARE(c.at("Read_KBytes").get<quint64>(), rb / 1024);
        QCOMPARE(c.at("IOReadOps").get<quint64>(), raw.at("syscr").get<quint64>());
        QCOMPARE(c.at("IOWriteOps").get<quint64>(), raw.at("syscw").get<quint64>());
        const double pct = 100.0 * double(memory) / double(total);
        QVERIFY(std::abs(c.at("MemoryUsage_percent").get<double>() - pct) <= 0.011);
    }
    // Percentages with exactly two decimals, as the original prints them.
    const QString str = QString::fromUtf8(text);
    const auto count = [&](const char* key) {
        const QRegularExpression re(QStringLiteral("\"%1\": [0-9]+\\.[0-9]{2}[,\n]").arg(QLatin1String(key)));
        int n = 0;
        for (auto it = re.globalMatch(str); it.hasNext(); it.next())
            ++n;
        return n;
    };
    const int containers = int(doc.at("Docker_Containers").size());
    QCOMPARE(count("CPUUsage_percent"), containers);
    QCOMPARE(count("MemoryUsage_percent"), containers);
    QCOMPARE(count("CPU_Usage_Percentage"), 1);
}

void TestKmodVm::containerReported_data()
{
    addContainerRows();
}

void TestKmodVm::containerReported()
{
    QFETCH(QString, read);
    QFETCH(QString, label);
    const Fields* meta = containerMeta(phaseOf(read), label);
    QVERIFY(meta);
    const QString id = meta->value(QStringLiteral("id"));
    QVERIFY2(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$")).match(id).hasMatch(), qPrintable(id));
    const RawContainer* c = findContainer(sample(read), id);
    QVERIFY2(c, qPrintable(QStringLiteral("%1 not reported in %2").arg(id, read)));
    QCOMPARE(c->cgroupPath, meta->value(QStringLiteral("cgroup")));
    QCOMPARE(c->pid, meta->value(QStringLiteral("pid")).toLongLong());
}

void TestKmodVm::countersMatchGroundTruth_data()
{
    addContainerRows();
}

// Monotonic counters must lie between the ground truth read just before and
// just after the module's read; they come from the same kernel fields.
void TestKmodVm::countersMatchGroundTruth()
{
    QFETCH(QString, read);
    QFETCH(QString, label);
    const Fields* meta = containerMeta(phaseOf(read), label);
    QVERIFY(meta);
    const RawContainer* c = findContainer(sample(read), meta->value(QStringLiteral("id")));
    QVERIFY(c);
    const Fields& pre = truth(label, read, QStringLiteral("pre"));
    const Fields& post = truth(label, read, QStringLiteral("post"));
    QVERIFY2(!pre.isEmpty() && !post.isEmpty(), "ground truth missing");

    const auto between = [&](const char* key, quint64 value, quint64 slack) {
        const quint64 lo = pre.value(QLatin1String(key)).toULongLong();
        const quint64 hi = post.value(QLatin1String(key)).toULongLong();
        const quint64 a = std::min(lo, hi), b = std::max(lo, hi);
        if (value + slack < a || value > b + slack) {
            QTest::qFail(qPrintable(QStringLiteral("%1 = %2, ground truth %3..%4 (slack %5)")
                                        .arg(QLatin1String(key))
                                        .arg(value)
                                        .arg(a)
                                        .arg(b)
                                        .arg(slack)),
                         __FILE__, __LINE__);
            return false;
        }
        return true;
    };
    // CPU time from the container cgroup's counter is compared with its
    // cpu.stat (microseconds) or cpuacct.usage; from live tasks with their
    // schedstat.
    if (cpuSource(m_log.documents.value(read), c->id) == QLatin1String("cgroup"))
        QVERIFY(between("cgcpu_ns", c->raw.cpuNs, 20 * 1000 * 1000));
    else
        QVERIFY(between("sched_ns", c->raw.cpuNs, 0));
    QVERIFY(between("read_bytes", c->raw.readBytes, 0));
    QVERIFY(between("write_bytes", c->raw.writeBytes, 0));
    QVERIFY(between("syscr", c->raw.readOps, 0));
    QVERIFY(between("syscw", c->raw.writeOps, 0));
    // Resident and charged memory of idle workloads: steady, small slack.
    const quint64 rssPre = pre.value(QStringLiteral("rss_kb")).toULongLong() * 1024;
    const quint64 rssPost = post.value(QStringLiteral("rss_kb")).toULongLong() * 1024;
    // Since 6.2 the RSS counters are per-CPU batched: get_mm_rss() (the
    // module) may lag /proc/<pid>/status (summed) by a few batches a process.
    const quint64 rssSlack = 256 * 1024 + quint64(post.value(QStringLiteral("procs")).toUInt()) * 1024 * 1024;
    QVERIFY2(c->raw.rssBytes + rssSlack >= std::min(rssPre, rssPost)
                 && c->raw.rssBytes <= std::max(rssPre, rssPost) + rssSlack,
             qPrintable(QStringLiteral("rss %1, ground truth %2..%3").arg(c->raw.rssBytes).arg(rssPre).arg(rssPost)));
    QVERIFY(between("memcg", c->raw.memoryUsageBytes, 1 * kMiB));
    QCOMPARE(c->raw.tasks, post.value(QStringLiteral("threads")).toUInt());
    QVERIFY(c->raw.memoryBytes == (c->raw.memoryUsageBytes ? c->raw.memoryUsageBytes : c->raw.rssBytes));
}

void TestKmodVm::namesRoundTrip_data()
{
    addContainerRows();
}

void TestKmodVm::namesRoundTrip()
{
    QFETCH(QString, read);
    QFETCH(QString, label);
    const Fields* meta = containerMeta(phaseOf(read), label);
    QVERIFY(meta);
    const RawContainer* c = findContainer(sample(read), meta->value(QStringLiteral("id")));
    QVERIFY(c);
    const QString comm = commFromHex(meta->value(QStringLiteral("comm_hex")));
    const QString cmdline = cmdlineFromHex(meta->value(QStringLiteral("cmdline_hex")));
    QVERIFY(!comm.isEmpty());
    QCOMPARE(c->processName, comm);
    QCOMPARE(c->cmdline, cmdline);
    if (label == QLatin1String("argvfile")) {
        // argv mapped from a file: /proc/<pid>/cmdline shows nothing (FOLL_ANON),
        // and neither does the module, which must not fault the file in.
        QVERIFY(cmdline.isEmpty());
        QVERIFY(!m_log.documents.value(read).contains("secret-argv"));
        return;
    }
    QVERIFY(!cmdline.isEmpty());
    if (label == QLatin1String("weird")) {
        // The hard cases must really be in there.
        QCOMPARE(comm, QStringLiteral("we\"ir\\d"));
        QVERIFY(cmdline.contains(QStringLiteral("a \"quoted\" arg")));
        QVERIFY(cmdline.contains(QStringLiteral("back\\slash")));
        QVERIFY(cmdline.contains(QStringLiteral("tab\there")));
        QVERIFY(cmdline.contains(QString::fromUtf8("\xc3\xb1"
                                                   "and\xc3\xba")));
        // And escaped on the wire, not passed through raw.
        const QByteArray json = m_log.documents.value(read);
        QVERIFY(json.contains("\"Name\": \"we\\\"ir\\\\d\""));
        QVERIFY(json.contains("tab\\u0009here"));
    }
}

void TestKmodVm::spinnerUsesOneCore()
{
    const Fields* meta = containerMeta(QStringLiteral("v2"), QStringLiteral("spinner"));
    QVERIFY(meta);
    const QString id = meta->value(QStringLiteral("id"));
    const RawSample& a = sample(QStringLiteral("v2-1"));
    const RawSample& b = sample(QStringLiteral("v2-2"));
    const RawContainer* ca = findContainer(a, id);
    const RawContainer* cb = findContainer(b, id);
    QVERIFY(ca && cb);
    QVERIFY(b.monotonicNs > a.monotonicNs);
    QVERIFY(cb->raw.cpuNs > ca->raw.cpuNs);
    const double cores = double(cb->raw.cpuNs - ca->raw.cpuNs) / double(b.monotonicNs - a.monotonicNs);
    qInfo("spinner: %.3f cores between the two reads", cores);
    // One busy thread can use at most one core; under TCG on a loaded host
    // the vCPU may run less than wall time, hence the generous lower bound.
    QVERIFY2(cores > 0.3 && cores <= 1.02, qPrintable(QString::number(cores)));
}

void TestKmodVm::cpuPercentFollowsCounters_data()
{
    QTest::addColumn<QString>("previous");
    QTest::addColumn<QString>("read");
    QTest::newRow("quiet") << QStringLiteral("pair-1") << QStringLiteral("pair-2");
    QTest::newRow("another reader hammering") << QStringLiteral("churn-pair-1") << QStringLiteral("churn-pair-2");
}

// Two consecutive periodic snapshots: each container's percentage is its
// CPU time between them over the time between them (100 = one core),
// clamped to what its threads and the CPUs can use, whoever else reads.
void TestKmodVm::cpuPercentFollowsCounters()
{
    QFETCH(QString, previous);
    QFETCH(QString, read);
    const nlohmann::json a = jsonOf(m_log.documents.value(previous));
    const nlohmann::json b = jsonOf(m_log.documents.value(read));
    QVERIFY(a.is_object() && b.is_object());
    QCOMPARE(b.at("Snapshot_Sequence").get<quint64>(), a.at("Snapshot_Sequence").get<quint64>() + 1);
    const quint64 interval = b.at("Interval_ns").get<quint64>();
    QCOMPARE(interval, b.at("Timestamp_ns").get<quint64>() - a.at("Timestamp_ns").get<quint64>());
    const quint64 cpus = b.at("Memory").at("CPU_Count").get<quint64>();
    int compared = 0;
    for (const nlohmann::json& cb : b.at("Docker_Containers")) {
        for (const nlohmann::json& ca : a.at("Docker_Containers")) {
            if (ca.at("Cgroup") != cb.at("Cgroup"))
                continue;
            const quint64 before = ca.at("Raw").at("cpu_ns").get<quint64>();
            const quint64 after = cb.at("Raw").at("cpu_ns").get<quint64>();
            const quint64 used = after > before ? after - before : 0;
            QCOMPARE(cb.at("Raw").at("cpu_ns_interval").get<quint64>(), used);
            const quint64 tasks = cb.at("Raw").at("tasks").get<quint64>();
            const double expected
                = std::min(100.0 * double(used) / double(interval), 100.0 * double(std::min(tasks, cpus)));
            const double reported = cb.at("CPUUsage_percent").get<double>();
            QVERIFY2(std::abs(reported - expected) <= 0.011,
                     qPrintable(QStringLiteral("%1: reported %2, counters say %3")
                                    .arg(QString::fromStdString(cb.at("Cgroup").get<std::string>()))
                                    .arg(reported)
                                    .arg(expected)));
            ++compared;
        }
    }
    QVERIFY(compared >= 5);
    // The host figure likewise.
    const quint64 busy
        = b.at("Memory").at("CPU_Busy_ns").get<quint64>() - a.at("Memory").at("CPU_Busy_ns").get<quint64>();
    const quint64 total
        = b.at("Memory").at("CPU_Total_ns").get<quint64>() - a.at("Memory").at("CPU_Total_ns").get<quint64>();
    if (total > 0) {
        const double host = std::min(100.0, 100.0 * double(busy) / double(total));
        QVERIFY(std::abs(b.at("Memory").at("CPU_Usage_Percentage").get<double>() - host) <= 0.011);
    }
}

void TestKmodVm::cpuPercentClamped_data()
{
    documentParses_data();
}

// No container ever reads above what its threads (and the CPUs) can use.
void TestKmodVm::cpuPercentClamped()
{
    QFETCH(QString, read);
    const nlohmann::json doc = jsonOf(m_log.documents.value(read));
    QVERIFY(doc.is_object());
    const double cpus = doc.at("Memory").at("CPU_Count").get<double>();
    for (const nlohmann::json& c : doc.at("Docker_Containers")) {
        const double tasks = c.at("Raw").at("tasks").get<double>();
        QVERIFY(c.at("CPUUsage_percent").get<double>() <= 100.0 * std::min(tasks, cpus) + 0.001);
    }
}

void TestKmodVm::allocatorMemory_data()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<QString>("label");
    // Hybrid: found by its id on a controller-less cgroup2, memory on v1.
    QTest::newRow("v1 hybrid") << QStringLiteral("v1-1") << QStringLiteral("v1-alloc");
    QTest::newRow("v2") << QStringLiteral("v2-1") << QStringLiteral("alloc");
}

void TestKmodVm::allocatorMemory()
{
    QFETCH(QString, read);
    QFETCH(QString, label);
    const Fields* meta = containerMeta(phaseOf(read), label);
    QVERIFY(meta);
    const RawContainer* c = findContainer(sample(read), meta->value(QStringLiteral("id")));
    QVERIFY(c);
    QVERIFY2(c->raw.rssBytes >= 64 * kMiB, qPrintable(QString::number(c->raw.rssBytes)));
    if (phaseOf(read) == QLatin1String("v1")
        && m_log.results.value(QStringLiteral("v1_memory")) == QLatin1String("0")) {
        // No v1 memory controller (6.12): no memory cgroup of its own, so
        // the module reports no memcg figure and falls back to RSS.
        QCOMPARE(c->raw.memoryUsageBytes, quint64(0));
        QCOMPARE(c->raw.memoryBytes, c->raw.rssBytes);
        return;
    }
    QVERIFY2(c->raw.memoryUsageBytes >= 64 * kMiB, qPrintable(QString::number(c->raw.memoryUsageBytes)));
    QCOMPARE(c->raw.memoryBytes, c->raw.memoryUsageBytes);
    // MemoryUsage_MB and _percent are printed from the same bytes.
    const QByteArray json = m_log.documents.value(read);
    QVERIFY(hasField(json, "MemoryUsage_MB", c->raw.memoryUsageBytes / kMiB));
    const double pct = 100.0 * double(c->raw.memoryUsageBytes) / double(sample(read).host.memoryTotalBytes);
    QVERIFY(c->reportedMemoryPercent.has_value());
    QVERIFY2(std::abs(*c->reportedMemoryPercent - pct) <= 0.011,
             qPrintable(QStringLiteral("%1 vs %2").arg(*c->reportedMemoryPercent).arg(pct)));
}

void TestKmodVm::writerBlockIo()
{
    const Fields* meta = containerMeta(QStringLiteral("v2"), QStringLiteral("writer"));
    QVERIFY(meta);
    const RawContainer* c = findContainer(sample(QStringLiteral("v2-1")), meta->value(QStringLiteral("id")));
    QVERIFY(c);
    // 8 MiB written to /dev/ram0 (+ fsync), 4 MiB read back with O_DIRECT.
    QVERIFY2(c->raw.writeBytes >= 8 * kMiB, qPrintable(QString::number(c->raw.writeBytes)));
    QVERIFY2(c->raw.readBytes >= 4 * kMiB, qPrintable(QString::number(c->raw.readBytes)));
    QVERIFY(c->raw.writeOps >= 8);
    QVERIFY(c->raw.readOps >= 4);
    const QByteArray json = m_log.documents.value(QStringLiteral("v2-1"));
    QVERIFY(hasField(json, "Write_KBytes", c->raw.writeBytes / 1024));
    QVERIFY(hasField(json, "Read_KBytes", c->raw.readBytes / 1024));
    QVERIFY(hasField(json, "DiskUse_MB", (c->raw.readBytes + c->raw.writeBytes) / kMiB));
}

void TestKmodVm::threadCount_data()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<QString>("label");
    QTest::addColumn<uint>("tasks");
    QTest::newRow("v1 threads") << QStringLiteral("v1-1") << QStringLiteral("v1-threads") << 4u;
    QTest::newRow("v2 threads") << QStringLiteral("v2-1") << QStringLiteral("threads") << 5u;
    QTest::newRow("v2 nested") << QStringLiteral("v2-1") << QStringLiteral("nested") << 5u;
    QTest::newRow("v2 spinner") << QStringLiteral("v2-1") << QStringLiteral("spinner") << 1u;
}

void TestKmodVm::threadCount()
{
    QFETCH(QString, read);
    QFETCH(QString, label);
    QFETCH(uint, tasks);
    const Fields* meta = containerMeta(phaseOf(read), label);
    QVERIFY(meta);
    const RawContainer* c = findContainer(sample(read), meta->value(QStringLiteral("id")));
    QVERIFY(c);
    QCOMPARE(c->raw.tasks, tasks);
}

// /docker/<id>/init (3 processes) and /docker/<id>/sub (2): one container,
// reported at the container's own cgroup, main process the lowest pid.
void TestKmodVm::nestedCgroupsAggregate()
{
    const Fields* meta = containerMeta(QStringLiteral("v2"), QStringLiteral("nested"));
    QVERIFY(meta);
    const RawContainer* c = findContainer(sample(QStringLiteral("v2-1")), meta->value(QStringLiteral("id")));
    QVERIFY(c);
    QCOMPARE(c->cgroupPath, QStringLiteral("/docker/") + meta->value(QStringLiteral("id")));
    QCOMPARE(
        truth(QStringLiteral("nested"), QStringLiteral("v2-1"), QStringLiteral("post")).value(QStringLiteral("procs")),
        QStringLiteral("5"));
    QCOMPARE(c->raw.tasks, 5u);
    QCOMPARE(c->pid, meta->value(QStringLiteral("pid")).toLongLong());
}

void TestKmodVm::onlyContainersReported_data()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<int>("count");
    QTest::newRow("v1-1") << QStringLiteral("v1-1") << 2;
    QTest::newRow("v1-2") << QStringLiteral("v1-2") << 2;
    QTest::newRow("v2-1") << QStringLiteral("v2-1") << 11;
    QTest::newRow("v2-2") << QStringLiteral("v2-2") << 11;
}

// Decoys run in /other.slice/foo.service, /notdocker/<64 hex> and
// /system.slice/docker-<12 hex>.scope: none of them is a container.
void TestKmodVm::onlyContainersReported()
{
    QFETCH(QString, read);
    QFETCH(int, count);
    const RawSample& s = sample(read);
    QCOMPARE(s.containers.size(), count);
    QVERIFY(!findContainer(s, idFor("v2-decoy")));
    for (const RawContainer& c : s.containers) {
        const bool announced = std::any_of(m_log.containers.cbegin(), m_log.containers.cend(), [&](const Fields& f) {
            return f.value(QStringLiteral("phase")) == phaseOf(read) && f.value(QStringLiteral("id")) == c.id;
        });
        QVERIFY2(announced, qPrintable(QStringLiteral("unexpected container %1 at %2").arg(c.id, c.cgroupPath)));
    }
}

void TestKmodVm::hostFigures_data()
{
    QTest::addColumn<QString>("read");
    for (const char* read : kMeasuredReads)
        QTest::newRow(read) << QString::fromLatin1(read);
    QTest::newRow("procname") << QStringLiteral("procname");
}

void TestKmodVm::hostFigures()
{
    QFETCH(QString, read);
    const RawSample& s = sample(read);
    QVERIFY(m_samples.contains(read));
    const RawHost& h = s.host;
    QCOMPARE(h.memoryTotalBytes, m_log.host.value(QStringLiteral("memtotal_kb")).toULongLong() * 1024);
    QCOMPARE(h.cpuCount, m_log.host.value(QStringLiteral("cpus")).toInt());
    QVERIFY(h.memoryAvailableBytes <= h.memoryTotalBytes);
    QVERIFY(h.memoryFreeBytes <= h.memoryTotalBytes);
    QVERIFY(h.memoryAvailableBytes > 0);
    QVERIFY(h.cpuTotal > h.cpuBusy);
    QVERIFY(h.cpuBusy > 0);
    QVERIFY(h.reportedCpuPercent.has_value());
    QVERIFY(*h.reportedCpuPercent >= 0 && *h.reportedCpuPercent <= 100);
    // The original's figures: used + free = total, in MB, free meaning available.
    const QByteArray json = m_log.documents.value(read);
    QVERIFY(hasField(json, "Total_Memory_MB", h.memoryTotalBytes / kMiB));
    QVERIFY(hasField(json, "Free_Memory_MB", h.memoryAvailableBytes / kMiB));
    QVERIFY(hasField(json, "Used_Memory_MB", (h.memoryTotalBytes - h.memoryAvailableBytes) / kMiB));
}

void TestKmodVm::churnReads()
{
    QCOMPARE(m_log.results.value(QStringLiteral("churn_reads")).toInt(), 150);
    QCOMPARE(m_log.results.value(QStringLiteral("churn_bad")), QStringLiteral("0"));
    QCOMPARE(m_log.results.value(QStringLiteral("churn_reader_failed")), QStringLiteral("0"));
    QCOMPARE(m_log.results.value(QStringLiteral("churn_sampled")), QStringLiteral("10"));
    // Every sampled document (all parsed: documentParses) still shows the
    // long-running v2 containers and the churning ones.
    QStringList expected;
    for (const Fields& f : std::as_const(m_log.containers)) {
        if (f.value(QStringLiteral("phase")) == QLatin1String("v2"))
            expected.append(f.value(QStringLiteral("id")));
    }
    expected.append(idFor("churn-a"));
    int sampled = 0;
    for (const QString& read : std::as_const(m_log.documentOrder)) {
        if (!read.startsWith(QLatin1String("churn-")) || read.startsWith(QLatin1String("churn-pair")))
            continue;
        ++sampled;
        const RawSample& s = sample(read);
        for (const QString& id : std::as_const(expected))
            QVERIFY2(findContainer(s, id), qPrintable(QStringLiteral("%1 missing from %2").arg(id, read)));
    }
    QCOMPARE(sampled, 10);
}

void TestKmodVm::accessResults_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");
    QTest::newRow("root only by default") << QStringLiteral("mode_default") << QStringLiteral("400");
    QTest::newRow("non-root refused by default") << QStringLiteral("nonroot_default_denied") << QStringLiteral("1");
    QTest::newRow("read_gid=2000 gives 0440 to that group")
        << QStringLiteral("mode_read_gid") << QStringLiteral("440:2000");
    QTest::newRow("other groups still refused") << QStringLiteral("other_group_denied") << QStringLiteral("1");
    QTest::newRow("subset=pid hides the file") << QStringLiteral("subset_pid_hidden") << QStringLiteral("1");
}

void TestKmodVm::accessResults()
{
    QFETCH(QString, key);
    QFETCH(QString, expected);
    QCOMPARE(m_log.results.value(key), expected);
}

void TestKmodVm::accessViews_data()
{
    QTest::addColumn<QString>("read");
    QTest::addColumn<QString>("sees"); // all, user, pidns, none
    QTest::addColumn<bool>("argvOnlyOwn");
    QTest::newRow("group member, plain /proc") << QStringLiteral("acc-group") << QStringLiteral("all") << false;
    QTest::newRow("hidepid=1: all, argv of own") << QStringLiteral("acc-hidepid1") << QStringLiteral("all") << true;
    QTest::newRow("hidepid=2: own only") << QStringLiteral("acc-hidepid2") << QStringLiteral("user") << false;
    QTest::newRow("hidepid=2 as root") << QStringLiteral("acc-hidepid2-root") << QStringLiteral("all") << false;
    QTest::newRow("hidepid=2,gid=2000 as a member")
        << QStringLiteral("acc-hidepid2-gid") << QStringLiteral("all") << false;
    QTest::newRow("child pid namespace, nothing in it")
        << QStringLiteral("acc-pidns-empty") << QStringLiteral("none") << false;
    QTest::newRow("child pid namespace") << QStringLiteral("acc-pidns") << QStringLiteral("pidns") << false;
    QTest::newRow("cgroup namespace at a container") << QStringLiteral("acc-cgns") << QStringLiteral("cgns") << false;
}

// Reads as uid 1000 (group 2000), through hidepid mounts and from child
// pid and cgroup namespaces, of a host where a container runs as uid 1000.
void TestKmodVm::accessViews()
{
    QFETCH(QString, read);
    QFETCH(QString, sees);
    QFETCH(bool, argvOnlyOwn);
    QVERIFY2(m_samples.contains(read), qPrintable(m_parseErrors.value(read, QStringLiteral("document missing"))));
    const RawSample& s = sample(read);
    const QString userId = m_log.results.value(QStringLiteral("access_user_id"));
    QVERIFY(!userId.isEmpty());
    const int all = int(sample(QStringLiteral("acc-hidepid2-root")).containers.size());
    QVERIFY(all >= 12); // the 11 of phase v2 and the user's
    if (sees == QLatin1String("all")) {
        QCOMPARE(int(s.containers.size()), all);
    } else if (sees == QLatin1String("none")) {
        QCOMPARE(s.containers.size(), 0);
    } else if (sees == QLatin1String("user")) {
        QCOMPARE(s.containers.size(), 1);
        QCOMPARE(s.containers.first().id, userId);
        QCOMPARE(s.containers.first().pid, m_log.results.value(QStringLiteral("access_user_pid")).toLongLong());
    } else if (sees == QLatin1String("pidns")) {
        QCOMPARE(s.containers.size(), 1);
        QCOMPARE(s.containers.first().id, m_log.results.value(QStringLiteral("pidns_id")));
        // The pid the process has inside the namespace, not on the host.
        QCOMPARE(s.containers.first().pid, m_log.results.value(QStringLiteral("pidns_pid")).toLongLong());
    } else if (sees == QLatin1String("cgns")) {
        QCOMPARE(s.containers.size(), 1);
        QCOMPARE(s.containers.first().id, userId);
        QCOMPARE(s.containers.first().cgroupPath, QStringLiteral("/"));
    }
    const nlohmann::json doc = jsonOf(m_log.documents.value(read));
    for (const nlohmann::json& c : doc.at("Docker_Containers")) {
        const bool own = QString::fromStdString(c.at("ContainerID").get<std::string>()) == userId;
        if (argvOnlyOwn && !own)
            QVERIFY2(c.at("Cmdline").is_null(), c.dump().c_str());
        else
            QVERIFY2(c.at("Cmdline").is_string(), c.dump().c_str());
    }
}

// A container whose work is all done by children living 1 s each: its CPU
// from the module follows the cgroup's own cpu.stat within 5 points.
void TestKmodVm::forkHeavyMatchesCpuStat()
{
    const QString id = m_log.results.value(QStringLiteral("fork_id"));
    const RawContainer* a = findContainer(sample(QStringLiteral("fork-1")), id);
    const RawContainer* b = findContainer(sample(QStringLiteral("fork-2")), id);
    QVERIFY(a && b);
    QCOMPARE(cpuSource(m_log.documents.value(QStringLiteral("fork-2")), id), QStringLiteral("cgroup"));
    const double span
        = double(sample(QStringLiteral("fork-2")).monotonicNs - sample(QStringLiteral("fork-1")).monotonicNs);
    QVERIFY2(span >= 10e9, qPrintable(QString::number(span / 1e9)));
    const double module = 100.0 * double(b->raw.cpuNs - a->raw.cpuNs) / span;
    const double usage = double(m_log.results.value(QStringLiteral("fork-2_usage_usec")).toULongLong()
                                - m_log.results.value(QStringLiteral("fork-1_usage_usec")).toULongLong());
    // Read by the same process right after each snapshot, on its clock.
    const double wall = double(m_log.results.value(QStringLiteral("fork-2_mono_ns")).toULongLong()
                               - m_log.results.value(QStringLiteral("fork-1_mono_ns")).toULongLong())
        / 1e9;
    QVERIFY2(wall > 0, "no ground-truth clock in the log");
    const double cgroup = 100.0 * usage / 1e6 / wall;
    qInfo("fork-heavy container over %.1f s: module %.2f %%, cpu.stat %.2f %%", span / 1e9, module, cgroup);
    QVERIFY(cgroup > 20); // the children did run
    QVERIFY2(std::abs(module - cgroup) <= 5.0, qPrintable(QStringLiteral("%1 vs %2").arg(module).arg(cgroup)));
}

// argv mapped from a FUSE file whose server never answers: the read returns
// (a stalled snapshot would never produce a fresh one) with an empty argv,
// as /proc/<pid>/cmdline does.
void TestKmodVm::fuseArgvDoesNotStall()
{
    QCOMPARE(m_log.results.value(QStringLiteral("fuse_proc_cmdline_ok")), QStringLiteral("1"));
    QCOMPARE(m_log.results.value(QStringLiteral("fuse_read_ok")), QStringLiteral("1"));
    const RawContainer* c
        = findContainer(sample(QStringLiteral("fuse")), m_log.results.value(QStringLiteral("fuse_id")));
    QVERIFY(c);
    QVERIFY(c->cmdline.isEmpty());
}

// 200 cheap containers (a cgroup with one sleeping task each) are all there.
void TestKmodVm::twoHundredContainers()
{
    QVERIFY2(m_samples.contains(QStringLiteral("many")), qPrintable(m_parseErrors.value(QStringLiteral("many"))));
    const RawSample& s = sample(QStringLiteral("many"));
    for (int i = 1; i <= 200; ++i) {
        const QString id = QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
        QVERIFY2(findContainer(s, id), qPrintable(id));
    }
    qInfo("20 reads with %lld containers: %s s", qlonglong(s.containers.size()),
          qPrintable(m_log.results.value(QStringLiteral("many_20_reads_s"))));
}

void TestKmodVm::loadUnload_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");
    QTest::newRow("10 insmod/read/rmmod cycles with a concurrent reader")
        << QStringLiteral("load_cycles_ok") << QStringLiteral("10");
    QTest::newRow("proc_name=sysinfo_202202906") << QStringLiteral("proc_name_ok") << QStringLiteral("1");
    QTest::newRow("chmod 0440 after loading") << QStringLiteral("chmod_ok") << QStringLiteral("1");
    QTest::newRow("rmmod with the file open") << QStringLiteral("rundown_ok") << QStringLiteral("1");
    QTest::newRow("invalid proc_name rejected") << QStringLiteral("bad_name_rejected") << QStringLiteral("1");
}

void TestKmodVm::loadUnload()
{
    QFETCH(QString, key);
    QFETCH(QString, expected);
    QCOMPARE(m_log.results.value(key), expected);
}

void TestKmodVm::kernelLogClean()
{
    QVERIFY2(m_log.results.contains(QStringLiteral("dmesg_bad")), "no dmesg check in the log");
    QVERIFY2(m_log.results.value(QStringLiteral("dmesg_bad")) == QLatin1String("0"),
             qPrintable(m_log.dmesg.join(QStringLiteral("\n"))));
    // Only "O" (out of tree) and "E" (unsigned) are expected: no W(arning),
    // D(ied), L(ockup), ...
    bool ok = false;
    const quint64 taint = m_log.results.value(QStringLiteral("tainted")).toULongLong(&ok);
    QVERIFY(ok);
    QCOMPARE(taint & ~(kTaintOutOfTree | kTaintUnsigned), quint64(0));
}

QTEST_GUILESS_MAIN(TestKmodVm)
#include "tst_kmod_vm.moc"
